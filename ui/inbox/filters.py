"""The inbox's filter bar: a Filter menu (network, VIP tier, age, time waiting, order), the
filters in force as chips that remove themselves when pressed, and how many comments the
filters leave.

Filters combine: each choice replaces its own kind and keeps the others. The bar holds an
``InboxFilter`` and says when it changes; the page shows the view with it and asks the
core for the count (off the UI thread). Every chip is a button in the Tab order, named for
screen readers by what it filters and that pressing it removes it.

Where the bar is narrow the Filter button shows its icon alone (its name and key stay in
its tooltip and for screen readers), and the chips give way (``ui.inbox.filter_chips``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from msgspec.structs import replace
from PySide6.QtCore import QPoint, QSize, Qt, Signal
from PySide6.QtGui import QActionGroup, QResizeEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMenu, QToolButton, QWidget

from app.domain import (
    NO_FILTER,
    ORDER_TITLES,
    VIP_TIER_TITLES,
    InboxFilter,
    InboxOrder,
    InboxView,
    VipTier,
)
from ui.common.chips import CHIP_GAP, Chip
from ui.common.compact import Style
from ui.common.networks import network_label
from ui.inbox.filter_chips import FilterChips, filter_chip

#: (days, menu text, chip text) for "written within".
AGES = (
    (1, "Last &24 hours", "last 24 hours"),
    (7, "Last &7 days", "last 7 days"),
    (30, "Last &30 days", "last 30 days"),
)
#: (days, menu text, chip text) for "waiting longer than".
WAITS = (
    (1, "More than &1 day", "over 1 day"),
    (3, "More than &3 days", "over 3 days"),
    (7, "More than a &week", "over a week"),
)
#: A filter (the post's too) as a chip: tinted, rounded, its close cross at the end.
CHIP_STYLE = """
QToolButton#filterChip {
    background: palette(alternate-base);
    border: 1px solid palette(mid);
    border-radius: 11px;
    padding: 2px 10px;
}
QToolButton#filterChip:hover, QToolButton#filterChip:focus { border-color: palette(highlight); }
QToolButton#filterChip::menu-indicator { image: none; width: 0; }
"""


def chips_of(narrow: InboxFilter, view: InboxView) -> list[tuple[Chip, InboxFilter]]:
    """(chip, the filter without it) for each filter in force, in menu order."""
    chips = []
    if narrow.network is not None:
        chips.append(
            (filter_chip("Network", network_label(narrow.network)), replace(narrow, network=None))
        )
    if narrow.min_tier:
        title = VIP_TIER_TITLES[narrow.min_tier]
        top = narrow.min_tier == VipTier.TOP
        words, short = (title, title) if top else (f"{title} and up", f"{title}+")
        chips.append((filter_chip("VIP", words, short), replace(narrow, min_tier=VipTier.NONE)))
    if narrow.newer_than_days is not None:
        words = next(c for d, _, c in AGES if d == narrow.newer_than_days)
        chips.append((filter_chip("Written", words), replace(narrow, newer_than_days=None)))
    if narrow.waiting_over_days is not None:
        words = next(c for d, _, c in WAITS if d == narrow.waiting_over_days)
        chips.append((filter_chip("Waiting", words), replace(narrow, waiting_over_days=None)))
    if narrow.order is not None and narrow.order != InboxFilter().order_in(view):
        chips.append(
            (filter_chip("Order", ORDER_TITLES[narrow.order]), replace(narrow, order=None))
        )
    return chips


def count_text(count: int, narrowed: bool) -> str:
    """ "12 of the comments shown" reads oddly; "12 match the filters" says what it is."""
    if not narrowed:
        return ""
    return f"{count:,} match" if count != 1 else "1 matches"


class FilterBar(QWidget):
    """The Filter button, the chips and the count; ``changed`` carries the new filter."""

    changed = Signal(object)  # InboxFilter

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.narrow: InboxFilter = NO_FILTER
        self.view = InboxView.NEEDS_REPLY
        self.networks: list[str] = []
        self.button = QToolButton()
        self.button.setObjectName("filterButton")
        self.button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.menu = QMenu(self)
        self.count = QLabel()
        self.count.setObjectName("filterCount")
        self.chip_row = FilterChips()
        self.chip_row.removed.connect(self.set_filter)
        self.chip_row.focus_fallback = self.button
        self._words_width = 0  # the Filter button's with its words, measured once shown
        self._row = QHBoxLayout(self)
        self._row.setContentsMargins(0, 0, 0, 0)
        self._row.setSpacing(CHIP_GAP)
        self._row.addWidget(self.button)
        self._row.addWidget(self.chip_row, 1)
        self._row.addWidget(self.count)
        self.setStyleSheet(CHIP_STYLE)

    @property
    def chips(self) -> list[QToolButton]:
        """A button for each filter in force (those with no room hidden, in "+N")."""
        return self.chip_row.chips

    # --- the menu -----------------------------------------------------------------------
    def open_menu(self, at: QPoint | None = None) -> None:
        """Rebuilt each time, so the networks and the checks are current."""
        self.menu.clear()
        current = self.narrow
        self._submenu(
            "&Network",
            [("&Every network", None), *((network_label(n), n) for n in self.networks)],
            current.network,
            lambda value: replace(current, network=value),
        )
        self._submenu(
            "&VIP tier",
            [
                ("&Everyone", VipTier.NONE),
                *(
                    (f"&{int(t)}  {VIP_TIER_TITLES[t]}" + (" and up" if t < VipTier.TOP else ""), t)
                    for t in (VipTier.KEY, VipTier.SENIOR, VipTier.TOP)
                ),
            ],
            current.min_tier,
            lambda value: replace(current, min_tier=value),
        )
        self._submenu(
            "&Written",
            [("&Any time", None), *((text, days) for days, text, _ in AGES)],
            current.newer_than_days,
            lambda value: replace(current, newer_than_days=value),
        )
        self._submenu(
            "Waiting for an &answer",
            [("&Any time", None), *((text, days) for days, text, _ in WAITS)],
            current.waiting_over_days,
            lambda value: replace(current, waiting_over_days=value),
        )
        self._submenu(
            "&Order",
            [(ORDER_TITLES[o].replace(" ", " &", 1), o) for o in InboxOrder],
            current.order_in(self.view),
            lambda value: replace(current, order=value),
        )
        self.menu.addSeparator()
        clear = self.menu.addAction("&Clear every filter")
        clear.setEnabled(bool(chips_of(current, self.view)))
        clear.triggered.connect(self.clear)
        where = at or self.button.mapToGlobal(self.button.rect().bottomLeft())
        self.menu.popup(where)
        self.menu.setActiveAction(self.menu.actions()[0])

    def _submenu(
        self,
        title: str,
        choices: list[tuple[str, Any]],
        current: object,
        make: Callable[[Any], InboxFilter],
    ) -> None:
        sub = self.menu.addMenu(title)
        group = QActionGroup(sub)
        for text, value in choices:
            action = sub.addAction(text)
            action.setCheckable(True)
            action.setChecked(value == current)
            group.addAction(action)
            action.triggered.connect(lambda _=False, v=value: self.set_filter(make(v)))

    # --- the filter in force ------------------------------------------------------------
    def set_filter(self, narrow: InboxFilter) -> None:
        self.narrow = narrow
        self._show_chips()
        self.changed.emit(narrow)

    def clear(self) -> None:
        self.set_filter(NO_FILTER)

    def show_for(self, view: InboxView) -> None:
        """Another view: the filters stay (they are the person's), the chips follow."""
        self.view = view
        self._show_chips()

    def show_count(self, count: int | None) -> None:
        text = count_text(count or 0, count is not None and self.narrow.narrows())
        self.count.setText(text)
        self.count.setAccessibleName(f"{text} the filters" if text else "")
        self._fit()

    def _show_chips(self) -> None:
        self.chip_row.show_filters(chips_of(self.narrow, self.view))
        self._fit()
        if not self.narrow.narrows():
            self.show_count(None)

    # --- fitting the room ---------------------------------------------------------------
    def sizeHint(self) -> QSize:  # Qt override
        """Room for the Filter button's words and every chip whole."""
        hint = super().sizeHint()
        button = self.button.sizeHint().width()
        return QSize(hint.width() - button + self._button_words_width(), hint.height())

    def resizeEvent(self, event: QResizeEvent) -> None:  # Qt override
        super().resizeEvent(event)
        self._fit()

    def _button_words_width(self) -> int:
        if self.button.toolButtonStyle() is Style.ToolButtonTextBesideIcon:
            self._words_width = self.button.sizeHint().width()
        return self._words_width

    def _fit(self) -> None:
        """The Filter button's words while every chip shows whole beside them, else its
        icon alone (decided by the bar's width, so the choice never flips back and forth
        as the chips change)."""
        words = self.width() >= self.sizeHint().width()
        style = Style.ToolButtonTextBesideIcon if words else Style.ToolButtonIconOnly
        if self.button.toolButtonStyle() is not style:
            self.button.setToolButtonStyle(style)
