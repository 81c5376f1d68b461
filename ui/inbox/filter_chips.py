"""The filter bar's chips: one button per filter in force, which removes it when pressed.

Where the bar is narrow they give way as the rows' chips do (``ui.common.chips.fit``):
their values alone ("Senior leader+" for "VIP: Senior leader and up"), then the first
ones and "+2", whose menu names the rest and removes them. A chip keeps its whole words
in its tooltip and for screen readers, however it is shown. The row asks for room for
every chip whole and takes less only when there is no more.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QHBoxLayout, QMenu, QSizePolicy, QToolButton, QWidget

from app.domain import InboxFilter
from app.text import plural
from ui.common.chips import CHIP_GAP, MORE_HUE, Chip, Fitted, fit

#: After a chip's words: pressing the chip removes the filter.
CROSS = "   ×"
#: Filter chips are drawn by the bar's style sheet, not in a hue of their own.
NO_HUE = ""
#: Fits in a row when showing the chips resizes the row (once is usual).
REFITS = 4


def filter_chip(kind: str, value: str, short: str | None = None) -> Chip:
    """ "VIP: Senior leader and up", shown as ``short`` (else the value) where narrow."""
    return Chip(f"{kind}: {value}", NO_HUE, short=short or value)


def _chip_button(menu: QMenu | None = None) -> QToolButton:
    """A chip as wide as its words (the row fits the words to the room)."""
    chip = QToolButton()
    chip.setObjectName("filterChip")
    chip.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
    if menu is not None:
        chip.setMenu(menu)
        chip.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
    return chip


class FilterChips(QWidget):
    """The chips of the filters in force; ``removed`` carries the filter without one."""

    removed = Signal(object)  # InboxFilter

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.chips: list[QToolButton] = []
        #: Where the keyboard goes when the chip it was on leaves and no chip is left.
        self.focus_fallback: QWidget | None = None
        self._filters: list[tuple[Chip, InboxFilter]] = []
        self._fitting = self._refit = False
        #: "+2": the filters there is no room for, named in its menu, which removes them.
        self.more = _chip_button(QMenu(self))
        self.more.hide()
        #: Never shown: they measure a chip, and "+N", with other words.
        self._probe, self._more_probe = _chip_button(), _chip_button(QMenu(self))
        for probe in (self._probe, self._more_probe):
            probe.setParent(self)
            probe.hide()
        self._row = QHBoxLayout(self)
        self._row.setContentsMargins(0, 0, 0, 0)
        self._row.setSpacing(CHIP_GAP)
        self._row.addWidget(self.more)
        self._row.addStretch(1)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

    def show_filters(self, filters: list[tuple[Chip, InboxFilter]]) -> None:
        """A chip for each (words, the filter without it), in this order. A chip pressed
        from the keyboard hands the keyboard on (``_hand_on_focus``)."""
        focused = next((n for n, chip in enumerate(self.chips) if chip.hasFocus()), None)
        for chip in self.chips:
            self._row.removeWidget(chip)
            chip.deleteLater()
        self.chips = []
        self._filters = filters
        for place, (words, without) in enumerate(filters):
            chip = _chip_button()
            chip.setAccessibleName(f"Filter {words.text}")
            chip.setAccessibleDescription("Press to remove this filter")
            chip.setToolTip(f"Remove the filter {words.text}")
            chip.clicked.connect(self._remover(without))
            self._row.insertWidget(place, chip)
            self.chips.append(chip)
        self.updateGeometry()
        self._fit()
        if focused is not None:
            self._hand_on_focus(focused)

    def _hand_on_focus(self, place: int) -> None:
        """The chip now in the removed one's place takes the keyboard, or the one before
        it, or "+N"; with no chip left, ``focus_fallback`` (the Filter button)."""
        shown = [chip for chip in self.chips if not chip.isHidden()]
        if not self.more.isHidden():
            shown.append(self.more)
        target = shown[min(place, len(shown) - 1)] if shown else self.focus_fallback
        if target is not None:
            target.setFocus(Qt.FocusReason.TabFocusReason)

    def _remover(self, without: InboxFilter) -> Callable[[], None]:
        return lambda: self.removed.emit(without)

    def sizeHint(self) -> QSize:  # Qt override
        """Room for every chip whole."""
        return QSize(Fitted([c for c, _ in self._filters]).span(self._chip_width), self._height())

    def minimumSizeHint(self) -> QSize:  # Qt override
        """Room for "+N" alone."""
        return QSize(Fitted([], len(self._filters)).span(self._chip_width), self._height())

    def resizeEvent(self, event: QResizeEvent) -> None:  # Qt override
        super().resizeEvent(event)
        self._fit()

    def _height(self) -> int:
        return self._probe.sizeHint().height()

    def _chip_width(self, chip: Chip) -> int:
        """A chip button's width with ``chip``'s words (and its cross, but on "+N")."""
        if chip.hue == MORE_HUE:
            self._more_probe.setText(chip.text)
            return self._more_probe.sizeHint().width()
        self._probe.setText(f"{chip.text}{CROSS}")
        return self._probe.sizeHint().width()

    def _fit(self) -> None:
        """The chips as they fit this row's width: whole, by their values, or the first
        ones and "+N". Showing them can resize the row at once (its layout answers), so
        a fit asked for meanwhile is done after this one, with the width then."""
        if self._fitting:
            self._refit = True
            return
        self._fitting = True
        try:
            for _ in range(REFITS):
                self._refit = False
                self._show_fitted(
                    fit([c for c, _ in self._filters], self.width(), self._chip_width)
                )
                if not self._refit:
                    break
        finally:
            self._fitting = False

    def _show_fitted(self, fitted: Fitted) -> None:
        for place, chip in enumerate(self.chips):
            if place < len(fitted.shown):
                chip.setText(f"{fitted.shown[place].text}{CROSS}")
            chip.setVisible(place < len(fitted.shown))
        self._show_more(self._filters[len(fitted.shown) :])
        self._row.activate()  # the chips take their new widths now, not a frame later

    def _show_more(self, hidden: list[tuple[Chip, InboxFilter]]) -> None:
        """ "+2", its menu removing each filter it stands for."""
        self.more.setVisible(bool(hidden))
        menu = self.more.menu()
        menu.clear()
        if not hidden:
            return
        words = "; ".join(chip.text for chip, _ in hidden)
        self.more.setText(f"+{len(hidden)}")
        self.more.setToolTip(f"More filters: {words}")
        self.more.setAccessibleName(f"{plural.count(len(hidden), 'more filter')}: {words}")
        self.more.setAccessibleDescription("Press for a menu that removes them")
        for chip, without in hidden:
            action = menu.addAction(f"Remove the filter {chip.text}")
            action.triggered.connect(self._remover(without))
