"""A person's page (the relationship ledger): who they are on each account and how sure
each link is, every comment they wrote on every network with what was answered and how
fast, their tier, and the notes kept about them.

The notes are saved as they are typed (``ui.common.autosave``: within a second, retried
until stored) and at once when the page closes; the window also waits for them before
the store closes at quit (``flush``).
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QPlainTextEdit,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.domain import VIP_TIER_TITLES, TriageState, VipTier
from app.domain.ledger import LISTED_NEWEST, LedgerEntry, LinkedAccount, LinkKind, PersonLedger
from app.text import plural, timefmt
from ui.common import screen
from ui.common.autosave import Autosave
from ui.common.busy import busy_bar
from ui.common.networks import network_label
from ui.ledger.table import TextTable, table_view
from ui.operations import run

if TYPE_CHECKING:
    from app.core import Core

HEADERS = ("Written", "Where", "Post", "Comment", "Answer")
SNIPPET_COLUMN = 3


def answer_text(entry: LedgerEntry) -> str:
    """What became of a comment: "answered in 3 h", "waiting since 2 May", "done, no reply"."""
    row = entry.row
    if row.answered:
        seconds = entry.answer_seconds
        return "answered" if seconds is None else f"answered in {timefmt.duration(seconds)}"
    if row.triage_state is TriageState.DONE:
        return "done, no reply"
    if row.triage_state is TriageState.SNOOZED:
        return f"snoozed until {timefmt.until(row.snoozed_until)}"
    return f"waiting since {timefmt.relative(row.created_at)}"


def link_text(account: LinkedAccount) -> str:
    where = f"{network_label(account.network)} ({account.account_name})"
    if account.link is LinkKind.SAME_IDENTITY:
        return f"{where}: the same person (same e-mail address or account id)"
    if account.link is LinkKind.SAME_NAME:
        return (
            f"{where} as “{account.name}”: linked by name only, a guess; it may be "
            "someone else with the same name"
        )
    return where


def summary_text(page: PersonLedger) -> str:
    totals = page.totals
    parts = [
        plural.count(totals.comments, "comment"),
        f"{totals.answered:,} answered",
        f"median answer {timefmt.duration(totals.median_answer_seconds)}",
        f"{len(page.waiting):,} waiting",
    ]
    if page.waiting:
        parts[-1] += f" (oldest since {timefmt.relative(page.waiting[0].row.created_at)})"
    if not page.all_listed:
        parts.append(f"listed: the newest {LISTED_NEWEST:,} and every one waiting")
    return " · ".join(parts)


class PersonPage(QDialog):
    """One person's page; ``loaded`` says when its words are on screen."""

    loaded = Signal()
    #: The person's notes owner (``PersonLedger.person_id``) once known.
    person_id: int | None = None

    def __init__(
        self, core: Core, *, comment_id: int | None = None, person_id: int | None = None,
        parent: QWidget | None = None,
    ) -> None:  # fmt: skip
        super().__init__(parent)
        self.setWindowTitle("Person")
        self._core = core
        self.page: PersonLedger | None = None
        self.name = QLabel("Reading…")
        self.name.setObjectName("pageTitle")
        self.who = QLabel()
        self.who.setWordWrap(True)
        self.links = QLabel()
        self.links.setWordWrap(True)
        self.links.setTextFormat(Qt.TextFormat.PlainText)
        self.summary = QLabel()
        self.summary.setObjectName("hint")
        self.busy = busy_bar()
        self.entries: TextTable[LedgerEntry] = TextTable(HEADERS)
        self.list = table_view(self.entries, "Their comments", SNIPPET_COLUMN)
        self.notes = QPlainTextEdit()
        self.notes.setAccessibleName("Notes about this person")
        self.notes.setPlaceholderText(
            "Notes about this person: what they care about, what you promised. "
            "Kept on this device and saved as you type."
        )
        self.notes.setEnabled(False)
        self.notes_state = QLabel()
        self.notes_state.setObjectName("hint")
        self.autosave: Autosave[int, str] = Autosave(
            core.ledger.save_notes, self.notes.toPlainText, self
        )
        self.autosave.saved.connect(lambda *_: self.notes_state.setText("Notes saved."))
        self.autosave.failed.connect(
            lambda why: self.notes_state.setText(f"Not saved yet ({why}); trying again.")
        )
        self.notes.textChanged.connect(self._typed)
        self._layout()
        screen.fit(self, 900, 600)
        wanted = (
            core.ledger.person_of(comment_id)
            if comment_id is not None
            else core.ledger.person(person_id if person_id is not None else -1)
        )
        self.busy.show()
        run(self, wanted, on_done=self.show_page, on_error=self._failed)

    def _layout(self) -> None:
        notes = QWidget()
        column = QVBoxLayout(notes)
        column.setContentsMargins(0, 0, 0, 0)
        heading = QLabel("&Notes")
        heading.setBuddy(self.notes)
        column.addWidget(heading)
        column.addWidget(self.notes, 1)
        column.addWidget(self.notes_state)
        split = QSplitter(Qt.Orientation.Vertical)
        split.setChildrenCollapsible(False)
        split.addWidget(self.list)
        split.addWidget(notes)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        for widget in (self.name, self.who, self.links, self.summary, self.busy):
            layout.addWidget(widget)
        layout.addWidget(split, 1)

    def show_page(self, page: PersonLedger | None) -> None:
        self.busy.hide()
        if page is None:
            self.name.setText("This person is no longer stored.")
            self.loaded.emit()
            return
        self.page, self.person_id = page, page.person_id
        self.setWindowTitle(f"{page.name} – Fireside")
        self.name.setText(page.name)
        tier = "" if page.tier is VipTier.NONE else VIP_TIER_TITLES[page.tier]
        self.who.setText(" · ".join(part for part in (page.title, tier) if part))
        others = [a for a in page.accounts if a.link is not LinkKind.SELF]
        lines = [f"On {link_text(a)}." for a in page.accounts[:1]]
        lines += [f"Also on {link_text(a)}." for a in others]
        self.links.setText("\n".join(lines))
        self.summary.setText(summary_text(page))
        self.entries.show(
            [
                (
                    e,
                    (
                        timefmt.relative(e.row.created_at),
                        network_label(e.row.network),
                        e.row.post_title,
                        " ".join(e.row.snippet.split()),
                        answer_text(e),
                    ),
                    f"{timefmt.exact(e.row.created_at)}\n{e.row.snippet}",
                )
                for e in page.entries
            ]
        )
        self.notes.blockSignals(True)
        self.notes.setPlainText(page.notes)
        self.notes.blockSignals(False)
        self.notes.setEnabled(True)
        self.autosave.track(page.person_id)
        self.list.setFocus()
        self.loaded.emit()

    def _failed(self, exc: BaseException) -> None:
        self.busy.hide()
        self.name.setText(f"This page could not be read: {exc}")
        self.loaded.emit()

    def _typed(self) -> None:
        self.notes_state.setText("Saving…")
        self.autosave.touch()

    def flush(self) -> asyncio.Task | None:
        """Save the last keystrokes of the notes now (None: nothing to save)."""
        return self.autosave.flush()

    def _saved_then_go(self, saving: asyncio.Task) -> None:
        if not saving.cancelled() and saving.exception() is None:
            self.deleteLater()

    def closeEvent(self, event: QCloseEvent) -> None:
        """Closing saves the notes; the page goes once they are stored (a failed save
        keeps it, hidden, retrying, with the words)."""
        saving = self.flush()
        if saving is None or saving.done():
            self.deleteLater()
        else:
            saving.add_done_callback(self._saved_then_go)
        super().closeEvent(event)


async def settled(pages: list[PersonPage]) -> None:
    """Every open page's notes stored (the window awaits this before the store closes)."""
    pending = [task for page in pages if (task := page.flush()) is not None]
    if pending:
        await asyncio.gather(*pending)
