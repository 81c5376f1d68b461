"""Choosing an account's places: the Teams channels it reads, or the Viva Engage
communities offered for new posts, and the one new posts go to by default.

Opened from the Accounts dialog ("Channels…" / "Communities…" on the account's row) and
right after a Microsoft 365 sign-in. The places come from the network when the dialog
opens (a busy bar meanwhile; a failure says why and keeps the dialog open to try again):
a tree of teams with their channels, or a list of communities, each with a check box,
ticked as the account chose them. "New posts go to" offers the ticked ones. Save keeps
the choice in the account's settings (never a secret) and the running account uses it at
once; nothing is kept until Save, and Cancel or Escape leaves the choice as it was.

Keyboard: the tree starts with the keyboard; Space ticks the current row (a team ticks
all its channels); Tab reaches the default place and the buttons; Enter saves.
"""

from __future__ import annotations

import asyncio
import html
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain import Place, PlaceChoice, PlaceOffer
from app.errors import FiresideError
from app.text.plural import nouns
from ui.accounts import outcome
from ui.common import screen
from ui.common.announce import tell
from ui.common.busy import busy_bar
from ui.operations import run, show_error

if TYPE_CHECKING:
    from app.core import Core

_PLACE = Qt.ItemDataRole.UserRole


class PlacesDialog(QDialog):
    """``account_id``'s places; ``name`` what Fireside calls the account."""

    saved = Signal(object)  # PlaceChoice, as the account now has it

    def __init__(self, core: Core, account_id: str, name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self._core = core
        self._account_id = account_id
        self._name = name
        self._offer: PlaceOffer | None = None
        self._task: asyncio.Task | None = None
        #: Set once the places have been read (tests and screenshots wait on it).
        self.loaded = False
        self.setWindowTitle(f"Where {name} posts")
        screen.fit(self, 560, 480)
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.intro.setObjectName("hint")
        self.tree = QTreeWidget()
        self.tree.setHeaderHidden(True)
        self.tree.setAccessibleName("Places")
        self.tree.itemChanged.connect(lambda *_: self._ticks_changed())
        self.default = QComboBox()
        self.default_label = QLabel("New posts go &to")
        self.default_label.setBuddy(self.default)
        self.progress = busy_bar()
        self.outcome = QLabel()
        self.outcome.setWordWrap(True)
        self.outcome.setTextFormat(Qt.TextFormat.RichText)
        self.outcome.hide()
        self.retry_button = QPushButton("&Read again")
        self.retry_button.hide()
        self.retry_button.clicked.connect(self.load)
        self.save_button = QPushButton("&Save")
        self.save_button.setDefault(True)
        self.save_button.setEnabled(False)
        self.save_button.clicked.connect(self.save)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.reject)
        self._lay_out()
        self.tree.setFocus()
        self.load()

    def _lay_out(self) -> None:
        form = QFormLayout()
        form.addRow(self.default_label, self.default)
        buttons = QHBoxLayout()
        buttons.addWidget(self.retry_button)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.tree, 1)
        layout.addLayout(form)
        layout.addWidget(self.progress)
        layout.addWidget(self.outcome)
        layout.addLayout(buttons)

    # --- reading --------------------------------------------------------------------
    def load(self) -> None:
        """Read what can be chosen from the network (off the UI thread)."""
        self.progress.show()
        self.retry_button.hide()
        self._say(outcome.note(f"Reading {html.escape(self._name)}'s places…"))
        self._task = run(
            self,
            self._core.accounts.places(self._account_id),
            on_done=self._show,
            on_error=self._failed,
        )

    def _show(self, offer: PlaceOffer) -> None:
        self.progress.hide()
        self.outcome.hide()
        self._offer = offer
        noun = offer.noun.lower()
        self.intro.setText(
            f"Tick the {nouns(noun)} Fireside reads for {self._name}; comments on your "
            f"posts there come to the inbox. New posts go to the {noun} below, unless you "
            "pick another when you publish."
            if offer.reads_chosen
            else f"Tick the {nouns(noun)} you post in: the editor offers them when you "
            f"publish. Fireside reads your threads wherever you started them."
        )
        self.tree.setAccessibleName(nouns(offer.noun))
        self.default.setAccessibleName(f"{offer.noun} for new posts")
        self._fill(offer)
        self.loaded = True
        self._ticks_changed()
        self.tree.setFocus()

    def _fill(self, offer: PlaceOffer) -> None:
        self.tree.blockSignals(True)
        self.tree.clear()
        chosen = {p.id for p in offer.chosen.places}
        groups: dict[str, QTreeWidgetItem] = {}
        flags = Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled
        flags |= Qt.ItemFlag.ItemIsSelectable
        for place in offer.available:
            parent: QTreeWidget | QTreeWidgetItem = self.tree
            if place.group:
                if place.group not in groups:
                    top = QTreeWidgetItem(self.tree, [place.group])
                    top.setFlags(flags | Qt.ItemFlag.ItemIsAutoTristate)
                    top.setExpanded(True)
                    groups[place.group] = top
                parent = groups[place.group]
            item = QTreeWidgetItem(parent, [place.name])
            item.setFlags(flags)
            item.setData(0, _PLACE, place)
            ticked = place.id in chosen
            item.setCheckState(0, Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)
        self.tree.setRootIsDecorated(bool(groups))  # a flat list needs no branch column
        if not offer.available:
            QTreeWidgetItem(self.tree, [f"You belong to no {offer.noun.lower()} yet."])
        self.tree.blockSignals(False)
        first = self.tree.topLevelItem(0)
        if first is not None:
            self.tree.setCurrentItem(first)

    def _failed(self, exc: BaseException) -> None:
        self.progress.hide()
        if not isinstance(exc, FiresideError):
            show_error(self, exc)
            return
        self._say(outcome.plain_problem(str(exc)))
        self.retry_button.show()
        self.retry_button.setFocus()

    # --- choosing -------------------------------------------------------------------
    def ticked(self) -> list[Place]:
        """The ticked places, in the order they are listed."""
        return [
            place
            for item in self._items()
            if isinstance(place := item.data(0, _PLACE), Place)
            and item.checkState(0) == Qt.CheckState.Checked
        ]

    def tick(self, place_id: str, on: bool = True) -> None:
        """Tick (or untick) one place, as Space on its row does."""
        for item in self._items():
            place = item.data(0, _PLACE)
            if isinstance(place, Place) and place.id == place_id:
                item.setCheckState(0, Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)

    def _items(self) -> list[QTreeWidgetItem]:
        """Every row, in the order the tree lists them (a team, then its channels)."""
        found: list[QTreeWidgetItem] = []

        def walk(item: QTreeWidgetItem | None) -> None:
            if item is None:
                return
            found.append(item)
            for index in range(item.childCount()):
                walk(item.child(index))

        for index in range(self.tree.topLevelItemCount()):
            walk(self.tree.topLevelItem(index))
        return found

    def _ticks_changed(self) -> None:
        """The default offers the ticked places; it keeps its choice while ticked."""
        if self._offer is None:
            return
        ticked = self.ticked()
        current = self.default.currentData() or self._offer.chosen.post_to
        self.default.clear()
        for place in ticked:
            self.default.addItem(place.label, place.id)
        index = self.default.findData(current)
        self.default.setCurrentIndex(max(index, 0))
        self.default.setEnabled(bool(ticked))
        self.save_button.setEnabled(True)
        noun = self._offer.noun.lower()
        if not ticked and self._offer.reads_chosen and not self._offer.unticked_reads_all:
            self._say(outcome.note(f"None ticked: Fireside reads no {noun} and posts nowhere."))
        elif not ticked and self._offer.reads_chosen:
            self._say(outcome.note(f"None ticked: Fireside reads every {noun} and posts nowhere."))
        elif not ticked:
            self._say(outcome.note(f"None ticked: new posts need a {noun}."))
        else:
            self.outcome.hide()

    def choice(self) -> PlaceChoice:
        ticked = tuple(self.ticked())
        return PlaceChoice(ticked, self.default.currentData() if ticked else None)

    def save(self) -> None:
        if self._offer is None or (self._task is not None and not self._task.done()):
            return
        choice = self.choice()
        self.progress.show()
        self._task = run(
            self,
            self._core.accounts.choose_places(self._account_id, choice),
            on_done=self._saved,
            on_error=self._failed,
        )

    def _saved(self, choice: PlaceChoice) -> None:
        self.progress.hide()
        self.saved.emit(choice)
        self.accept()

    def _say(self, text: str) -> None:
        self.outcome.show()
        tell(self.outcome, text)

    def done(self, result: int) -> None:
        if self._task is not None and not self._task.done():
            self._task.cancel()
        super().done(result)
