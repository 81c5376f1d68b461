"""One target in the publish dialog: whether the draft goes there, what the place is (its
network's chip, limit, format, titles), what will not survive the trip, on a network with
places which of the account's channels or communities gets it (the account's default
first chosen), and, when its site can keep a post in more states than live, how the site
gets it.

    [x] Corporate blog  [Blog]                                       1,234 / 65,525
        Site · up to 65,525 characters · HTML, from your Markdown · uses the title
        On the site  [Save as draft on the site          v]
        Sent to the site now, as a draft: it goes live only when someone publishes it.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QCheckBox, QComboBox, QGridLayout, QHBoxLayout, QLabel, QWidget

from app.domain import PlaceChoice, PublishOptions
from ui.common.chips import chip_style
from ui.common.networks import network_chip, network_label
from ui.editor.targets import (
    LIVE,
    SITE_SCHEDULE,
    Target,
    details,
    place_problem,
    status_hint,
    status_label,
)

INDENT = 26  # the details line up with the account's name, past the check box


class TargetRow(QWidget):
    """Emits ``changed`` when it is ticked or its status changes."""

    changed = Signal()

    def __init__(
        self,
        target: Target,
        length: int,
        notes: list[str],
        *,
        checked: bool,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.target = target
        self.length = length
        label = network_label(target.network)
        self.check = QCheckBox(target.name)
        self.check.setChecked(checked)
        self.check.setAccessibleName(f"{target.name}, {label}")
        self.check.setAccessibleDescription(details(target))
        self.check.toggled.connect(self._toggled)
        chip = network_chip(target.network)
        self.chip = QLabel(chip.text)
        self.chip.setStyleSheet(
            chip_style(chip.hue, self.palette().color(QPalette.ColorRole.Window))
        )
        self.chip.setToolTip(target.capabilities.display_name)
        self.chip.setVisible(chip.text != target.name)  # "Sandbox  [Sandbox]" says it twice
        over = length > target.limit
        self.count = QLabel(
            f"{length:,} / {target.limit:,}"
            + (f" · {length - target.limit:,} too many" if over else "")
        )
        self.count.setObjectName("error" if over else "hint")
        self.details = QLabel(details(target))
        self.details.setObjectName("hint")
        self.details.setWordWrap(True)
        self.notes = QLabel("\n".join(notes))
        self.notes.setObjectName("warning")
        self.notes.setWordWrap(True)
        self.notes.setVisible(bool(notes))

        self.status: QComboBox | None = None
        self.place: QComboBox | None = None
        self.hint = QLabel()
        self.hint.setObjectName("hint")
        self.hint.setWordWrap(True)
        self.hint.hide()

        grid = QGridLayout(self)
        grid.setContentsMargins(0, 4, 0, 4)
        grid.setVerticalSpacing(3)
        grid.setColumnMinimumWidth(0, INDENT)
        grid.addLayout(self._head(), 0, 0, 1, 2)
        grid.addWidget(self.details, 1, 1)
        if target.places is not None and target.places.places:
            grid.addLayout(self._place_choice(target, target.places), 5, 1)
        if target.has_choices:
            grid.addLayout(self._choice(), 2, 1)
            grid.addWidget(self.hint, 3, 1)
        grid.addWidget(self.notes, 4, 1)
        grid.setColumnStretch(1, 1)
        self._toggled(checked)

    def _head(self) -> QHBoxLayout:
        head = QHBoxLayout()
        head.setSpacing(8)
        head.addWidget(self.check)
        head.addWidget(self.chip)
        head.addStretch(1)
        head.addWidget(self.count)
        return head

    def _choice(self) -> QHBoxLayout:
        """The site's states, the live one first chosen."""
        target = self.target
        self.status = QComboBox()
        self.status.setAccessibleName(f"How {target.name} gets the post")
        for status in target.capabilities.publish_statuses:
            self.status.addItem(status, status)
        self.status.setCurrentIndex(self.status.findData(_default(target)))
        self.status.currentIndexChanged.connect(lambda _: self.changed.emit())
        caption = QLabel(f"On the {target.noun}:")
        caption.setBuddy(self.status)
        choice = QHBoxLayout()
        choice.setSpacing(8)
        choice.addWidget(caption)
        choice.addWidget(self.status)
        choice.addStretch(1)
        return choice

    def _place_choice(self, target: Target, places: PlaceChoice) -> QHBoxLayout:
        """The account's chosen places, its place for new posts first chosen."""
        self.place = QComboBox()
        self.place.setAccessibleName(f"{target.capabilities.target_noun} {target.name} posts in")
        for place in places.places:
            self.place.addItem(place.label, place.id)
        self.place.setCurrentIndex(max(self.place.findData(places.post_to), 0))
        self.place.currentIndexChanged.connect(lambda _: self.changed.emit())
        caption = QLabel(f"{target.capabilities.target_noun}:")
        caption.setBuddy(self.place)
        row = QHBoxLayout()
        row.setSpacing(8)
        row.addWidget(caption)
        row.addWidget(self.place)
        row.addStretch(1)
        return row

    @property
    def problem(self) -> str:
        """Why the post cannot go here yet for want of a place ("" when it can)."""
        return place_problem(self.target)

    @property
    def chosen(self) -> bool:
        return self.check.isChecked()

    @property
    def over(self) -> int:
        """Characters over the limit (0 when the draft fits)."""
        return max(0, self.length - self.target.limit)

    def status_value(self) -> str:
        return LIVE if self.status is None else self.status.currentData()

    def status_text(self) -> str:
        return "" if self.status is None else self.status.currentText()

    def options(self, publish_at: str) -> PublishOptions:
        """What the core gets for this target; ``publish_at`` (UTC) for a site schedule."""
        status = self.status_value()
        place = None if self.place is None else self.place.currentData()
        return PublishOptions(status, publish_at if status == SITE_SCHEDULE else None, place)

    def show_when(self, when: str, *, later: bool) -> None:
        """Name the choices for the dialog's time, and whether Fireside sends it then."""
        if self.status is None:
            return
        for index in range(self.status.count()):
            text = status_label(self.status.itemData(index), self.target, when, later=later)
            self.status.setItemText(index, text)
        hint = status_hint(self.status_value(), self.target, when)
        self.hint.setText(hint)
        self.hint.setVisible(bool(hint) and self.chosen)

    def _toggled(self, on: bool) -> None:
        for widget in (self.details, self.notes, self.hint, self.status, self.place, self.count):
            if widget is not None:
                widget.setEnabled(on)
        self.hint.setVisible(on and bool(self.hint.text()))
        self.changed.emit()


def _default(target: Target) -> str:
    statuses = target.capabilities.publish_statuses
    return LIVE if LIVE in statuses else statuses[0]
