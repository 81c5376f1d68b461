"""The relationship ledger in the store: a person's linked accounts (the rule is in
``app.domain.ledger``), the comments they wrote with their first answer's time (a page
at a time by (time, id), with every one still waiting, and totals over all of them), the
notes kept about them, and the people whose comments have waited longest for an answer."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import NamedTuple

import msgspec

from app.domain import InboxRow, InboxView, VipTier
from app.domain.ledger import (
    LEDGER_PAGE,
    LedgerEntry,
    LinkedAccount,
    LinkKind,
    OlderComments,
    PersonLedger,
    PersonTotals,
    WaitingPerson,
    median,
    seconds_between,
)
from app.domain.network import PLACEHOLDER_NAMES
from app.store.comments import LIST_COLUMNS, list_joins_by, view_filter
from app.store.sql import Database
from app.timeutil import now_iso

#: An id that is an e-mail address names the same person on every network.
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


class _PersonRow(msgspec.Struct, frozen=True):
    person_id: int
    remote_id: str
    name: str
    title: str
    network: str
    base_url: str
    account_name: str
    tier: VipTier

    @property
    def identity(self) -> tuple[str, ...]:
        """Equal for two rows of one person for certain: their e-mail address, or their
        id on one network at one address."""
        if _EMAIL.fullmatch(self.remote_id):
            return ("email", self.remote_id.casefold())
        return ("id", self.network, self.base_url.rstrip("/"), self.remote_id)

    @property
    def name_key(self) -> str:
        return name_key(self.name)


def name_key(name: str) -> str:
    """A display name with letter case and spacing set aside ("Ana  Lima" is "ana lima")."""
    return " ".join(name.split()).casefold()


def names_a_person(name: str) -> bool:
    """Whether a display name is worth a guess that two accounts are one person: a first
    and a last name at least, in words that begin with a letter ("Ana Lima", "J. R.
    Smith"); not a lone first name or handle ("Ana", "@ana:example.org"), a network's
    fallback ("User 42") or its word for nobody ("Anonymous")."""
    words = name.split()
    return (
        len(words) >= 2
        and all(w[0].isalpha() for w in words)
        and name_key(name) not in {name_key(p) for p in PLACEHOLDER_NAMES}
    )


_PERSON_COLUMNS = """p.id, p.remote_id, p.name, ifnull(p.title, '') AS title, a.network,
    ifnull(a.base_url, '') AS base_url, a.name AS account_name, p.vip_tier"""


def _person_rows(db: Database, where: str, params: Sequence[object]) -> list[_PersonRow]:
    sql = f"SELECT {_PERSON_COLUMNS} FROM people p JOIN accounts a ON a.id = p.account_id "
    return [
        _PersonRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6] or "", VipTier(r[7] or 0))
        for r in db.execute(sql + f"WHERE {where} ORDER BY p.id", params)
    ]


def author_of(db: Database, comment_id: int) -> int | None:
    """Who wrote a comment (their people id), None for a comment not stored."""
    row = db.execute("SELECT author_id FROM comments WHERE id = ?", [comment_id]).fetchone()
    return None if row is None else int(row[0])


def linked_accounts(db: Database, person_id: int) -> list[LinkedAccount]:
    """The person's own row first, then every row linked to it (by identity, then by
    name), each marked with how it was linked."""
    found = _person_rows(db, "p.id = ?", [person_id])
    if not found:
        return []
    me = found[0]
    by_name = names_a_person(me.name)
    candidates = _person_rows(
        db,
        "p.id != ? AND (p.remote_id COLLATE NOCASE = ? "
        "OR (? AND replace(p.name, ' ', '') COLLATE NOCASE = ?))",
        [person_id, me.remote_id, by_name, me.name.replace(" ", "")],
    )
    linked = [_linked(me, LinkKind.SELF)]
    same = [c for c in candidates if c.identity == me.identity]
    guessed = [c for c in candidates if by_name and c not in same and c.name_key == me.name_key]
    linked += [_linked(c, LinkKind.SAME_IDENTITY) for c in same]
    linked += [_linked(c, LinkKind.SAME_NAME) for c in guessed]
    return linked


def _linked(row: _PersonRow, link: LinkKind) -> LinkedAccount:
    return LinkedAccount(
        row.person_id, row.name, row.title, row.network, row.account_name, row.tier, link
    )


def notes_owner(accounts: Iterable[LinkedAccount]) -> int:
    """Whose row the notes about a person are kept on: the first of the rows that are
    this person for certain, so their page shows the same notes from any of them."""
    return min(a.person_id for a in accounts if a.link is not LinkKind.SAME_NAME)


def person_ledger(db: Database, person_id: int) -> PersonLedger | None:
    """A person's page; None when no such person is stored. It reads a page of their
    newest comments, every older one still waiting, and the totals (index only): its cost
    follows the page and the waiting, not how much the person ever wrote."""
    accounts = linked_accounts(db, person_id)
    if not accounts:
        return None
    ids = [a.person_id for a in accounts]
    first = older_comments(db, ids, None)
    older_waiting: tuple[LedgerEntry, ...] = ()
    if first.more:
        last = first.entries[-1].row
        older_waiting = _newest_of(db, ids, _WAITING, [last.created_at, last.id])
    me = accounts[0]
    return PersonLedger(
        person_id=notes_owner(accounts),
        name=me.name,
        title=next((a.title for a in accounts if a.title), ""),
        tier=max(a.tier for a in accounts if a.link is not LinkKind.SAME_NAME),
        accounts=tuple(accounts),
        listed=first.entries,
        older_waiting=older_waiting,
        more=first.more,
        totals=_totals(db, ids),
        notes=notes(db, notes_owner(accounts)),
    )


class _Walk(NamedTuple):
    """One people row's comments that a condition takes, by (time, id), on the index that
    holds exactly those (its conditions are the index's own)."""

    using: str
    condition: str


_THEIRS = "c.author_id = ? AND c.is_mine = 0 AND c.deleted = 0"
#: Everything they wrote; the index holds the answer and its time, so the totals read it
#: alone, no comment row.
_HISTORY = _Walk("ix_comments_author_history", _THEIRS)
#: What they wrote that still waits for an answer, older than a point.
_WAITING = _Walk(
    "ix_comments_author_waiting",
    f"{_THEIRS} AND c.answered = 0 AND c.triage_state = 'open' AND (c.created_at, c.id) < (?, ?)",
)
_OLDER = _Walk(_HISTORY.using, f"{_THEIRS} AND (c.created_at, c.id) < (?, ?)")


def older_comments(
    db: Database, author_ids: Sequence[int], before: LedgerEntry | None
) -> OlderComments:
    """The next ``LEDGER_PAGE`` of these people rows' comments, newest first: the newest
    ones (``before`` None), or those older than ``before`` by (time, id), so comments
    written at the same second are neither listed twice nor skipped."""
    walk, at = (
        (_HISTORY, []) if before is None else (_OLDER, [before.row.created_at, before.row.id])
    )
    found = _newest_of(db, author_ids, walk, at, LEDGER_PAGE + 1)
    return OlderComments(found[:LEDGER_PAGE], more=len(found) > LEDGER_PAGE)


def _newest_of(
    db: Database,
    author_ids: Sequence[int],
    walk: _Walk,
    params: list[object],
    limit: int | None = None,
) -> tuple[LedgerEntry, ...]:
    """The newest ``limit`` (None: all) comments of these people rows that ``walk``
    takes: one index walk per row, each stopping at ``limit``, rather than a sort of all
    the rows ever wrote."""
    sql = (
        f"SELECT {LIST_COLUMNS}, c.answered_at {list_joins_by(walk.using)} "
        f"WHERE {walk.condition} ORDER BY c.created_at DESC, c.id DESC"
    )
    if limit is not None:
        sql, params = sql + " LIMIT ?", [*params, limit]
    found = [
        LedgerEntry(InboxRow.from_row(r), r["answered_at"])
        for author in author_ids
        for r in db.query(sql, [author, *params])
    ]
    found.sort(key=lambda e: e.age_key, reverse=True)
    return tuple(found[:limit])


def _totals(db: Database, author_ids: Sequence[int]) -> PersonTotals:
    """Counted over every comment they wrote, from their index alone."""
    marks = ",".join("?" * len(author_ids))
    where = (
        f"FROM comments c INDEXED BY {_HISTORY.using} "
        f"WHERE c.author_id IN ({marks}) AND c.is_mine = 0 AND c.deleted = 0"
    )
    count, answered = db.execute(
        f"SELECT count(*), ifnull(sum(c.answered), 0) {where}", author_ids
    ).fetchone()
    waits = [
        seconds_between(created, answered_at)
        for created, answered_at in db.execute(
            f"SELECT c.created_at, c.answered_at {where} AND c.answered_at IS NOT NULL",
            author_ids,
        )
    ]
    return PersonTotals(int(count), int(answered), median(waits))


def notes(db: Database, person_id: int) -> str:
    row = db.execute("SELECT text FROM person_notes WHERE person_id = ?", [person_id]).fetchone()
    return "" if row is None else str(row[0])


def save_notes(db: Database, person_id: int, text: str) -> None:
    """Keep the notes about a person (their notes owner's row); empty notes are kept
    empty, not deleted, so a note cleared by mistake shows as cleared, not lost."""
    db.execute(
        """INSERT INTO person_notes(person_id, text, updated_at) VALUES (?, ?, ?)
           ON CONFLICT(person_id) DO UPDATE SET text = excluded.text,
               updated_at = excluded.updated_at""",
        [person_id, text, now_iso()],
    )


def waiting_longest(db: Database, limit: int = 50) -> list[WaitingPerson]:
    """People with comments in Needs reply, whoever has waited longest first; one
    person's accounts linked by identity count as one (a link by name only does not
    merge them: it may be two people).

    The Needs reply index is walked oldest first only until ``limit`` people are found;
    then only their comments (and those of their other accounts) are counted."""
    where, params = view_filter(InboxView.NEEDS_REPLY)
    oldest = db.execute(
        f"""SELECT c.author_id, c.created_at, c.id FROM comments c INDEXED BY ix_view_needs_reply
            WHERE {where} ORDER BY c.created_at, c.id""",
        params,
    )
    firsts: dict[int, tuple[str, int]] = {}
    for author, created_at, comment in oldest:
        if author not in firsts:
            firsts[author] = (created_at, comment)
            if len(firsts) >= limit:
                break
    oldest.close()
    people = _person_rows(db, f"p.id IN ({','.join('?' * len(firsts))})", list(firsts))
    twins = _identity_twins(db, people)
    counts = _waiting_counts(db, [p.person_id for p in (*people, *twins)])
    first_of: dict[tuple[str, ...], _PersonRow] = {}
    for person in sorted(people, key=lambda p: firsts[p.person_id]):
        first_of.setdefault(person.identity, person)
    merged = []
    for identity, first in first_of.items():
        rows = [p for p in (*people, *twins) if p.identity == identity]
        found = [counts[p.person_id] for p in rows if p.person_id in counts]
        merged.append(
            WaitingPerson(
                person_id=first.person_id,
                name=first.name,
                title=next((p.title for p in rows if p.title), ""),
                tier=max(p.tier for p in rows),
                oldest_at=firsts[first.person_id][0],
                oldest_comment_id=firsts[first.person_id][1],
                waiting=sum(n for n, _ in found),
                questions=sum(q for _, q in found),
                networks=tuple(dict.fromkeys(p.network for p in rows if p.person_id in counts)),
            )
        )
    return merged


def _identity_twins(db: Database, people: list[_PersonRow]) -> list[_PersonRow]:
    """The other rows of these people, linked by identity."""
    if not people:
        return []
    ids = [p.remote_id for p in people]
    marks = ",".join("?" * len(ids))
    known = {p.person_id for p in people}
    identities = {p.identity for p in people}
    return [
        row
        for row in _person_rows(db, f"p.remote_id COLLATE NOCASE IN ({marks})", ids)
        if row.person_id not in known and row.identity in identities
    ]


def _waiting_counts(db: Database, person_ids: list[int]) -> dict[int, tuple[int, int]]:
    """Per person: how many of their comments are in Needs reply, how many are questions.
    The waiting index holds exactly Needs reply's comments, so only those are read (50
    people on the 1M bench store: 67 -> 7 ms, against every comment of theirs)."""
    if not person_ids:  # "author_id IN ()" would not show it holds only named authors
        return {}
    where, params = view_filter(InboxView.NEEDS_REPLY)
    marks = ",".join("?" * len(person_ids))
    sql = f"""SELECT c.author_id, COUNT(*), SUM(c.is_question)
        FROM comments c INDEXED BY ix_comments_author_waiting
        WHERE c.author_id IN ({marks}) AND {where} GROUP BY c.author_id"""
    return {r[0]: (r[1], r[2] or 0) for r in db.execute(sql, [*person_ids, *params])}
