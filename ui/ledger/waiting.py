"""The people waiting longest: everyone with comments in Needs reply, whoever has waited
longest first, with how many of their comments and questions wait and where. Enter (or
a double click) opens the person's page; the list is read again when the inbox changes."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QDialog, QLabel, QTableView, QVBoxLayout, QWidget

from app.domain import VIP_TIER_TITLES, VipTier
from app.domain.ledger import WaitingPerson
from app.text import plural, timefmt
from ui.common import screen
from ui.common.busy import busy_bar
from ui.common.networks import network_label
from ui.common.table_view import table_view
from ui.ledger.table import ITEM_ROLE, TextTable
from ui.operations import run

if TYPE_CHECKING:
    from app.core import Core
    from ui.bridge import CoreBridge

HEADERS = ("Person", "Tier", "Waiting since", "Comments", "Questions", "Where")
#: People the list shows.
LIMIT = 100


def waiting_rows(
    people: Sequence[WaitingPerson],
) -> list[tuple[WaitingPerson, tuple[str, ...], str]]:
    """Table rows for the people waiting (shared with the scorecard's list)."""
    return [
        (
            w,
            (
                w.name,
                "" if w.tier is VipTier.NONE else VIP_TIER_TITLES[w.tier],
                timefmt.relative(w.oldest_at),
                f"{w.waiting:,}",
                f"{w.questions:,}",
                ", ".join(network_label(n) for n in w.networks),
            ),
            f"{w.title}\nWaiting since {timefmt.exact(w.oldest_at)}".strip(),
        )
        for w in people
    ]


class OpensPeople(QTableView):
    """A table whose Enter opens the person of the current row."""

    def __init__(self, open_person: Callable[[int], object]) -> None:
        super().__init__()
        self._open = open_person
        self.activated.connect(self._activated)

    def _activated(self, index: QModelIndex) -> None:
        person = index.data(ITEM_ROLE)
        if isinstance(person, WaitingPerson):
            self._open(person.person_id)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self._activated(self.currentIndex())
            return
        super().keyPressEvent(event)


def people_table(
    model: TextTable[WaitingPerson], open_person: Callable[[int], object]
) -> QTableView:
    view = table_view(model, "People waiting longest", 0, OpensPeople(open_person))
    view.setAccessibleDescription("Enter opens the person's page.")
    return view


class WaitingDialog(QDialog):
    """The list; ``loaded`` says when its rows are on screen."""

    loaded = Signal()

    def __init__(
        self, core: Core, bridge: CoreBridge, open_person: Callable[[int], object],
        parent: QWidget | None = None,
    ) -> None:  # fmt: skip
        super().__init__(parent)
        self.setWindowTitle("People waiting longest – Fireside")
        self._core = core
        title = QLabel("People waiting longest")
        title.setObjectName("pageTitle")
        self.summary = QLabel("Reading…")
        self.summary.setObjectName("hint")
        self.busy = busy_bar()
        self.people: TextTable[WaitingPerson] = TextTable(HEADERS)
        self.list = people_table(self.people, open_person)
        layout = QVBoxLayout(self)
        for widget in (title, self.summary, self.busy):
            layout.addWidget(widget)
        layout.addWidget(self.list, 1)
        bridge.inboxChanged.connect(self.refresh)
        screen.fit(self, 820, 560)
        self.refresh()

    def refresh(self) -> None:
        self.busy.show()
        run(self, self._core.ledger.waiting_longest(LIMIT), on_done=self._show)

    def _show(self, people: list[WaitingPerson]) -> None:
        self.busy.hide()
        current = self.list.currentIndex().row()
        self.people.show(waiting_rows(people))
        who = (
            f"The {LIMIT} people who have waited longest"
            if len(people) >= LIMIT
            else f"{plural.count(len(people), 'person', 'people')} waiting"
        )
        self.summary.setText(
            f"{who} for an answer, longest first. Enter opens their page."
            if people
            else "Nobody is waiting for an answer."
        )
        if people:
            self.list.setCurrentIndex(self.people.index(max(0, min(current, len(people) - 1)), 0))
        self.loaded.emit()
