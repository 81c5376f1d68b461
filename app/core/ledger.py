"""The relationship ledger and the coverage scorecard as front ends use them: a person's
page (opened from any of their comments; their older comments a page at a time), the
notes kept about them, the people waiting longest, and the scorecard. Every read runs on
the store's reading thread, the notes on its writing thread; remote words are cleaned
for display as every list's are."""

from __future__ import annotations

from collections.abc import Callable
from datetime import tzinfo
from pathlib import Path

from msgspec.structs import replace

from app.core.display import shown_row
from app.core.export import write_file
from app.domain.ledger import (
    LedgerEntry,
    OlderComments,
    PersonLedger,
    Scorecard,
    WaitingPerson,
)
from app.store import Store, coverage, ledger
from app.store.sql import Database
from app.text.remote_text import display_text
from app.timeutil import now_iso


class Ledger:
    def __init__(
        self, store: Store, clock: Callable[[], str] = now_iso, zone: tzinfo | None = None
    ) -> None:
        """``clock`` says what "now" is (the scorecard's last week is the one it falls in);
        ``zone`` is the time zone whose calendar weeks the scorecard counts (None: the
        OS's, as the person's clock shows it)."""
        self._store = store
        self._clock = clock
        self._zone = zone

    async def person_of(self, comment_id: int) -> PersonLedger | None:
        """The page of whoever wrote ``comment_id``; None when it is not stored."""
        found = await self._store.read(_person_of_comment, comment_id)
        return None if found is None else _shown_ledger(found)

    async def person(self, person_id: int) -> PersonLedger | None:
        found = await self._store.read(ledger.person_ledger, person_id)
        return None if found is None else _shown_ledger(found)

    async def older(self, page: PersonLedger) -> PersonLedger:
        """``page`` with the next page of the person's older comments listed."""
        found = await self._store.read(ledger.older_comments, page.author_ids, page.oldest_listed)
        return page.with_older(OlderComments(_shown_entries(found.entries), found.more))

    async def save_notes(self, person_id: int, text: str) -> None:
        """Keep the notes about a person (``PersonLedger.person_id``), in one transaction."""
        await self._store.run(ledger.save_notes, person_id, text)

    async def waiting_longest(self, limit: int = 50) -> list[WaitingPerson]:
        return [_shown_waiting(w) for w in await self._store.read(ledger.waiting_longest, limit)]

    async def scorecard(self, weeks: int = 8) -> Scorecard:
        """The coverage scorecard of the last ``weeks`` weeks (this one included)."""
        card = await self._store.read(coverage.scorecard, self._clock(), weeks, self._zone)
        return replace(
            card,
            by_post=tuple(replace(c, label=display_text(c.label)) for c in card.by_post),
            waiting=tuple(_shown_waiting(w) for w in card.waiting),
        )

    async def save_report(self, path: Path, pdf: bytes) -> None:
        """Write an exported report where the person chose, whole or not at all
        (a plain sentence when the disk is full or the folder is
        not writable)."""
        await write_file(path, pdf)


def _person_of_comment(db: Database, comment_id: int) -> PersonLedger | None:
    author = ledger.author_of(db, comment_id)
    return None if author is None else ledger.person_ledger(db, author)


def _shown_ledger(found: PersonLedger) -> PersonLedger:
    return replace(
        found,
        name=display_text(found.name),
        title=display_text(found.title),
        accounts=tuple(
            replace(a, name=display_text(a.name), title=display_text(a.title))
            for a in found.accounts
        ),
        listed=_shown_entries(found.listed),
        older_waiting=_shown_entries(found.older_waiting),
    )


def _shown_entries(entries: tuple[LedgerEntry, ...]) -> tuple[LedgerEntry, ...]:
    return tuple(replace(e, row=shown_row(e.row)) for e in entries)


def _shown_waiting(person: WaitingPerson) -> WaitingPerson:
    return replace(person, name=display_text(person.name), title=display_text(person.title))
