"""What removing an account deletes from the store, counted first for the confirmation.

Removing deletes, in one transaction: the account's outbox items (the unsent ones are
cancelled by this: they never go out), comments, posts, people, sync cursors and the
account row. Drafts are the user's and stay; the account is taken out of their targets,
and a draft that was queued only for this account becomes a draft again. Notes kept about
a person move to their row on another account when they are there for certain (the same
e-mail address or id, ``app.store.ledger``); only the others go, and the confirmation
counts them.
"""

from __future__ import annotations

import json
from typing import NamedTuple

import msgspec

from app.domain.ledger import LinkKind
from app.domain.states import EDITABLE
from app.store import ledger
from app.store.sql import Database

_UNSENT = tuple(str(s) for s in (*EDITABLE, "sending", "unknown"))


class RemovalPreview(msgspec.Struct, frozen=True):
    """What removing an account deletes here (on the network, at most the credential
    Fireside signed in with is revoked: ``signs_out``)."""

    account_id: str
    name: str
    network_name: str
    comments: int
    posts: int
    people: int
    #: Outbox items that have not gone out (queued, held, failed, or not known to have).
    unsent: int
    #: Notes about people found on no other account, which go with them.
    notes: int
    #: Whether a secret in the OS keyring goes too (the sandbox keeps none there).
    has_secret: bool
    #: Whether Fireside first signs out on the server, revoking the credential it made.
    signs_out: bool


class Stored(NamedTuple):
    """What is stored for an account, as removing it would delete it."""

    comments: int
    posts: int
    people: int
    unsent: int  # outbox items
    notes: int  # notes about people that cannot move to another account


def counts(db: Database, account_id: str) -> Stored:
    marks = ",".join("?" * len(_UNSENT))
    return Stored(
        _count(db, "SELECT COUNT(*) FROM comments WHERE account_id = ?", [account_id]),
        _count(db, "SELECT COUNT(*) FROM posts WHERE account_id = ?", [account_id]),
        _count(db, "SELECT COUNT(*) FROM people WHERE account_id = ?", [account_id]),
        _count(
            db,
            f"SELECT COUNT(*) FROM outbox WHERE account_id = ? AND state IN ({marks})",
            [account_id, *_UNSENT],
        ),
        sum(1 for person_id, _ in _notes(db, account_id) if _heir(db, person_id) is None),
    )


def _notes(db: Database, account_id: str) -> list[tuple[int, str]]:
    """(person id, notes) of the account's people with something written about them."""
    return db.execute(
        "SELECT n.person_id, n.text FROM person_notes n JOIN people p ON p.id = n.person_id "
        "WHERE p.account_id = ? AND trim(n.text) != ''",
        [account_id],
    ).fetchall()


def _heir(db: Database, person_id: int) -> int | None:
    """The person's first row on another account, when it is them for certain."""
    account = db.execute("SELECT account_id FROM people WHERE id = ?", [person_id]).fetchone()[0]
    certain = [
        a.person_id
        for a in ledger.linked_accounts(db, person_id)
        if a.link is LinkKind.SAME_IDENTITY
    ]
    marks = ",".join("?" * len(certain))
    row = db.execute(
        f"SELECT min(id) FROM people WHERE id IN ({marks}) AND account_id != ?",
        [*certain, account],
    ).fetchone()
    return None if row is None else row[0]


def _move_notes(db: Database, account_id: str) -> None:
    """Notes about the account's people go to their rows elsewhere, joined to what is
    written there already."""
    for person_id, text in _notes(db, account_id):
        heir = _heir(db, person_id)
        if heir is not None:
            there = ledger.notes(db, heir).strip()
            ledger.save_notes(db, heir, f"{there}\n\n{text}" if there else text)


def delete_account_data(db: Database, account_id: str) -> Stored:
    """Delete everything stored for the account (see the module); returns what ``counts``
    returned just before."""
    before = counts(db, account_id)
    _move_notes(db, account_id)
    queued_drafts = [
        row[0]
        for row in db.execute(
            "SELECT DISTINCT draft_id FROM outbox WHERE account_id = ? AND draft_id IS NOT NULL",
            [account_id],
        )
    ]
    for table in ("outbox", "comments", "posts", "people", "sync_state", "accounts"):
        column = "id" if table == "accounts" else "account_id"
        db.execute(f"DELETE FROM {table} WHERE {column} = ?", [account_id])
    _forget_in_drafts(db, account_id, queued_drafts)
    return before


def _forget_in_drafts(db: Database, account_id: str, queued: list[int]) -> None:
    for draft_id, targets in db.execute("SELECT id, targets FROM drafts").fetchall():
        chosen = json.loads(targets or "[]")
        if account_id in chosen:
            chosen.remove(account_id)
            db.execute("UPDATE drafts SET targets = ? WHERE id = ?", [json.dumps(chosen), draft_id])
    for draft_id in queued:  # queued for this account alone: nothing will publish it now
        db.execute(
            "UPDATE drafts SET state = 'draft' WHERE id = ? AND state = 'queued' "
            "AND NOT EXISTS (SELECT 1 FROM outbox WHERE draft_id = ?)",
            [draft_id, draft_id],
        )


def _count(db: Database, sql: str, params: list) -> int:
    return db.execute(sql, params).fetchone()[0]
