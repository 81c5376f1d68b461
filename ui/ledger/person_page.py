"""A person's page (the relationship ledger): who they are on each account and how sure
each link is, every comment they wrote on every network with what was answered and how
fast, their tier, and the notes kept about them.

The comments come a page at a time, newest first, with every older one still waiting
among them: "Show older comments" under the list (Alt+O) reads the next page off the UI
thread and puts it in where it falls; it goes once nothing older is left.

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
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.domain import VIP_TIER_TITLES, TriageState, VipTier
from app.domain.ledger import LedgerEntry, LinkedAccount, LinkKind, PersonLedger
from app.text import plural, timefmt
from ui.common import screen
from ui.common.announce import Politeness, tell
from ui.common.autosave import Autosave
from ui.common.busy import busy_bar
from ui.common.networks import network_label
from ui.common.table_view import table_view
from ui.ledger.table import TextTable
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
    network = network_label(account.network)
    # The account's own name, where it says more than its network's ("Sandbox (Sandbox)").
    named = account.account_name.strip() not in ("", network)
    where = f"{network} ({account.account_name})" if named else network
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
    if page.more:
        parts.append(f"listed: the newest {len(page.listed):,} and every one waiting")
    return " · ".join(parts)


def older_text(page: PersonLedger) -> str:
    """The button's words: "Show older comments (276 more)"."""
    left = f" ({page.unlisted:,} more)" if page.unlisted else ""
    return f"Show &older comments{left}"


def cells(entry: LedgerEntry) -> tuple[LedgerEntry, tuple[str, ...], str]:
    """A comment's row in the list: its cells and its tooltip."""
    row = entry.row
    return (
        entry,
        (
            timefmt.relative(row.created_at),
            network_label(row.network),
            row.post_title,
            " ".join(row.snippet.split()),
            answer_text(entry),
        ),
        f"{timefmt.exact(row.created_at)}\n{row.snippet}",
    )


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
        self.older = QPushButton("Show &older comments")
        self.older.setAutoDefault(False)  # Enter in the list is not a press
        self.older.clicked.connect(self.show_older)
        self.older.hide()
        self._reading_older = False
        self.older_state = QLabel()
        self.older_state.setObjectName("hint")
        self.older_state.setWordWrap(True)
        self.older_state.hide()  # until older comments are asked for: no empty line
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
        comments = QWidget()
        listing = QVBoxLayout(comments)
        listing.setContentsMargins(0, 0, 0, 0)
        listing.addWidget(self.list, 1)
        more = QHBoxLayout()
        more.addWidget(self.older, 0, Qt.AlignmentFlag.AlignLeft)  # its own width, not the row
        more.addWidget(self.older_state, 1)
        listing.addLayout(more)
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
        split.addWidget(comments)
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
        self.entries.show([cells(e) for e in page.entries])
        self._offer_older(page)
        self.notes.blockSignals(True)
        self.notes.setPlainText(page.notes)
        self.notes.blockSignals(False)
        self.notes.setEnabled(True)
        self.autosave.track(page.person_id)
        self.list.setFocus()
        self.loaded.emit()

    def _offer_older(self, page: PersonLedger) -> None:
        self.older.setText(older_text(page))
        self.older.setVisible(page.more)

    def show_older(self) -> None:
        """Read the next page of older comments (off the UI thread) into the list; a
        press while one is being read does nothing (the button stays enabled, so the
        keyboard stays on it)."""
        if self.page is None or not self.page.more or self._reading_older:
            return
        self._reading_older = True
        self.older_state.setText("Reading older comments…")
        self.older_state.show()
        self.busy.show()
        run(self, self._core.ledger.older(self.page), self._older_shown, self._older_failed)

    def _older_shown(self, page: PersonLedger) -> None:
        self._reading_older = False
        self.busy.hide()
        pressed = self.older.hasFocus()
        self.page = page
        added = self.entries.grow([cells(e) for e in page.entries], key=lambda e: e.row.id)
        self.summary.setText(summary_text(page))
        self._offer_older(page)
        if pressed and not page.more:  # the button is gone: back to the list, on what came
            if added:
                self.list.setCurrentIndex(self.entries.index(added[0], 0))
            self.list.setFocus()
        listed = plural.count(len(added), "older comment")
        tell(
            self.older_state,
            f"{listed} listed." if page.more else f"{listed} listed; no older ones left.",
        )

    def _older_failed(self, exc: BaseException) -> None:
        self._reading_older = False
        self.busy.hide()
        tell(
            self.older_state,
            f"Older comments could not be read: {exc}. Press the button to try again.",
            Politeness.ASSERTIVE,
        )

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
