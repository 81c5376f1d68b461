"""The relationship ledger in the store: a person's linked accounts (the rule is in
``app.domain.ledger``), every comment they wrote with its first answer's time, the notes
kept about them, and the people whose comments have waited longest for an answer."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from app.domain import InboxRow, InboxView, VipTier
from app.domain.ledger import LedgerEntry, LinkedAccount, LinkKind, PersonLedger, WaitingPerson
from app.store.comments import LIST_COLUMNS, LIST_JOINS, view_filter
from app.store.sql import Database
from app.timeutil import now_iso

#: An id that is an e-mail address names the same person on every network.
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
#: A person's page lists at most this many of their comments (newest first).
ENTRY_LIMIT = 2_000


@dataclass(frozen=True, slots=True)
class _PersonRow:
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


_PERSON_COLUMNS = """p.id, p.remote_id, p.name, ifnull(p.title, '') AS title, a.network,
    ifnull(a.base_url, '') AS base_url, a.name AS account_name, p.vip_tier"""


def _person_rows(db: Database, where: str, params: list[object]) -> list[_PersonRow]:
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
    candidates = _person_rows(
        db,
        "p.id != ? AND (p.remote_id COLLATE NOCASE = ? "
        "OR replace(p.name, ' ', '') COLLATE NOCASE = ?)",
        [person_id, me.remote_id, me.name.replace(" ", "")],
    )
    linked = [_linked(me, LinkKind.SELF)]
    same = [c for c in candidates if c.identity == me.identity]
    guessed = [c for c in candidates if c not in same and c.name_key == me.name_key]
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
    """A person's page; None when no such person is stored."""
    accounts = linked_accounts(db, person_id)
    if not accounts:
        return None
    ids = [a.person_id for a in accounts]
    marks = ",".join("?" * len(ids))
    sql = (
        f"SELECT {LIST_COLUMNS}, c.answered_at {LIST_JOINS} "
        f"WHERE c.author_id IN ({marks}) AND c.is_mine = 0 AND c.deleted = 0 "
        "ORDER BY c.created_at DESC, c.id DESC LIMIT ?"
    )
    entries = tuple(
        LedgerEntry(InboxRow.from_row(r), r["answered_at"])
        for r in db.query(sql, [*ids, ENTRY_LIMIT])
    )
    me = accounts[0]
    return PersonLedger(
        person_id=notes_owner(accounts),
        name=me.name,
        title=next((a.title for a in accounts if a.title), ""),
        tier=max(a.tier for a in accounts if a.link is not LinkKind.SAME_NAME),
        accounts=tuple(accounts),
        entries=entries,
        notes=notes(db, notes_owner(accounts)),
    )


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
    merge them: it may be two people)."""
    where, params = view_filter(InboxView.NEEDS_REPLY)
    # SQLite takes a bare column (c.id) from the row MIN() chose: the oldest comment.
    sql = f"""SELECT c.author_id, MIN(c.created_at) AS oldest, c.id, COUNT(*),
            SUM(c.is_question), {_PERSON_COLUMNS}
        FROM comments c INDEXED BY ix_view_needs_reply
        JOIN people p ON p.id = c.author_id JOIN accounts a ON a.id = c.account_id
        WHERE {where} GROUP BY c.author_id ORDER BY oldest, c.author_id"""
    merged: dict[tuple[str, ...], WaitingPerson] = {}
    for r in db.execute(sql, params):
        person = _PersonRow(r[5], r[6], r[7], r[8], r[9], r[10], r[11] or "", VipTier(r[12] or 0))
        earlier = merged.get(person.identity)
        if earlier is None:
            if len(merged) >= limit:
                continue  # later rows may still merge into someone listed
            merged[person.identity] = WaitingPerson(
                person.person_id, person.name, person.title, person.tier, r[1], r[2],
                r[3], r[4] or 0, (person.network,),
            )  # fmt: skip
            continue
        merged[person.identity] = WaitingPerson(
            earlier.person_id,
            earlier.name,
            earlier.title or person.title,
            max(earlier.tier, person.tier),
            earlier.oldest_at,
            earlier.oldest_comment_id,
            earlier.waiting + r[3],
            earlier.questions + (r[4] or 0),
            tuple(dict.fromkeys((*earlier.networks, person.network))),
        )
    return list(merged.values())
