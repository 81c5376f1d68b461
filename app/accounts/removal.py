"""What removing an account deletes from the store, counted first for the confirmation.

Removing deletes, in one transaction: the account's outbox items (the unsent ones are
cancelled by this: they never go out), comments, posts, people, sync cursors and the
account row. Drafts are the user's and stay; the account is taken out of their targets,
and a draft that was queued only for this account becomes a draft again.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from app.domain.states import EDITABLE
from app.store.sql import Database

_UNSENT = tuple(str(s) for s in (*EDITABLE, "sending", "unknown"))


@dataclass(frozen=True)
class RemovalPreview:
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
    #: Whether a secret in the OS keyring goes too (the sandbox keeps none there).
    has_secret: bool
    #: Whether Fireside first signs out on the server, revoking the credential it made.
    signs_out: bool


def counts(db: Database, account_id: str) -> tuple[int, int, int, int]:
    """(comments, posts, people, unsent outbox items) of the account."""
    marks = ",".join("?" * len(_UNSENT))
    return (
        _count(db, "SELECT COUNT(*) FROM comments WHERE account_id = ?", [account_id]),
        _count(db, "SELECT COUNT(*) FROM posts WHERE account_id = ?", [account_id]),
        _count(db, "SELECT COUNT(*) FROM people WHERE account_id = ?", [account_id]),
        _count(
            db,
            f"SELECT COUNT(*) FROM outbox WHERE account_id = ? AND state IN ({marks})",
            [account_id, *_UNSENT],
        ),
    )


def delete_account_data(db: Database, account_id: str) -> tuple[int, int, int, int]:
    """Delete everything stored for the account (see the module); returns what ``counts``
    returned just before."""
    before = counts(db, account_id)
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
