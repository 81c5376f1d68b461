"""What the principal's device reads from and writes to its own database for the shared
workspace: its comments as they are shared, triage coming back from the delegate, and
approved replies put into the outbox exactly once (one item per workspace reply, found
again by its batch id). A delegate's device uses the same outbox path for the replies it
sends itself on a network the principal allowed without approval."""

from __future__ import annotations

import msgspec

from app.domain import OutboxItem, OutboxKind, TriageState
from app.store import outbox
from app.store.sql import Database
from app.workspace.model import comment_key

#: The outbox batch id of a workspace reply: how its one outbox item is found again.
BATCH_PREFIX = "workspace:"


class LocalComment(msgspec.Struct, frozen=True):
    id: int
    account_id: str
    remote_id: str
    network: str
    post_title: str
    author: str
    body: str
    created_at: str
    version: int
    triage_state: TriageState
    snoozed_until: str | None
    parent_remote_id: str | None

    @property
    def key(self) -> str:
        return comment_key(self.account_id, self.remote_id)


def shareable(db: Database) -> list[LocalComment]:
    """Every comment of other people that still exists, with its triage state."""
    return [
        LocalComment(
            row["id"],
            row["account_id"],
            row["remote_id"],
            row["network"],
            row["post_title"] or "",
            row["author"] or "",
            row["body_text"] or "",
            row["created_at"],
            int(row["version"] or 1),
            TriageState(row["triage_state"]),
            row["snoozed_until"],
            row["parent_remote_id"],
        )
        for row in db.query(
            """SELECT c.id, c.account_id, c.remote_id, a.network, po.title AS post_title,
            p.name AS author, c.body_text, c.created_at, c.version, c.triage_state,
            c.snoozed_until, c.parent_remote_id FROM comments c JOIN people p ON p.id = c.author_id
            JOIN posts po ON po.id = c.post_id JOIN accounts a ON a.id = c.account_id
            WHERE c.is_mine = 0 AND c.deleted = 0 ORDER BY c.id"""
        )
    ]


def own_copy(db: Database, network: str, remote_id: str) -> int | None:
    """This device's own copy of a shared comment (pulled by its own account on that
    network), by the network's id for it; None when no account here has pulled it."""
    row = db.execute(
        "SELECT c.id FROM comments c JOIN accounts a ON a.id = c.account_id "
        "WHERE a.network = ? AND c.remote_id = ? AND c.deleted = 0 ORDER BY c.id LIMIT 1",
        [network, remote_id],
    ).fetchone()
    return int(row[0]) if row else None


def set_triage(db: Database, comment_id: int, state: TriageState, until: str | None) -> None:
    """Triage that came from another member: applied as is, outside this device's undo
    log (undo here undoes only what this person did)."""
    db.execute(
        "UPDATE comments SET triage_state = ?, snoozed_until = ?, triaged_at = "
        "strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = ?",
        [str(state), until if state is TriageState.SNOOZED else None, comment_id],
    )


def queued_item(db: Database, reply_id: str) -> OutboxItem | None:
    row = db.execute(
        "SELECT id FROM outbox WHERE batch_id = ?", [BATCH_PREFIX + reply_id]
    ).fetchone()
    return outbox.get(db, int(row[0])) if row else None


def enqueue_once(db: Database, reply_id: str, comment_id: int, text: str) -> tuple[int, bool]:
    """The outbox item of an approved reply: made the first time, found every time after.
    Returns (item id, whether it was made now)."""
    existing = queued_item(db, reply_id)
    if existing is not None:
        return existing.id, False
    row = db.execute(
        "SELECT c.account_id, c.remote_id, c.version, po.remote_id FROM comments c "
        "JOIN posts po ON po.id = c.post_id WHERE c.id = ?",
        [comment_id],
    ).fetchone()
    account_id, remote_id, version, post_remote_id = row
    item_id = outbox.enqueue(
        db,
        OutboxKind.REPLY,
        account_id,
        text,
        post_remote_id=post_remote_id,
        target_remote_id=remote_id,
        comment_id=comment_id,
        expected_version=version,
        batch_id=BATCH_PREFIX + reply_id,
    )
    return item_id, True
