"""Triage actions (done, snooze, reopen) with an undo log, and waking expired snoozes."""

from __future__ import annotations

import json

from app.domain import TriageState
from app.store.sql import Database, insert
from app.timeutil import now_iso

#: Ids per statement when reading the undo snapshot: far below SQLite's limit on bound
#: variables (999 on older builds), so "select all, mark done" on a big view works.
_CHUNK = 500


def _snapshot(db: Database, ids: list[int]) -> list[list[object]]:
    rows: list[list[object]] = []
    for start in range(0, len(ids), _CHUNK):
        part = ids[start : start + _CHUNK]
        marks = ",".join("?" * len(part))
        rows += [
            list(r)
            for r in db.execute(
                "SELECT id, triage_state, snoozed_until, triaged_at FROM comments "
                f"WHERE id IN ({marks})",
                part,
            ).fetchall()
        ]
    return rows


def set_state(
    db: Database,
    ids: list[int],
    state: TriageState,
    snoozed_until: str | None = None,
    action: str | None = None,
) -> None:
    """Move comments to a triage state and log what they were, so ``undo_last`` can restore."""
    if not ids:
        return
    insert(
        db,
        "triage_log",
        {
            "action": action or str(state),
            "before": json.dumps(_snapshot(db, ids)),
            "created_at": now_iso(),
        },
    )
    until = snoozed_until if state is TriageState.SNOOZED else None
    db.conn.executemany(
        "UPDATE comments SET triage_state = ?, snoozed_until = ?, triaged_at = ? WHERE id = ?",
        [(str(state), until, now_iso(), i) for i in ids],
    )


def undo_last(db: Database) -> tuple[str, list[int]] | None:
    """Restore the comments touched by the most recent triage action; None if nothing to undo."""
    row = db.execute(
        "SELECT id, action, before FROM triage_log ORDER BY id DESC LIMIT 1"
    ).fetchone()
    return None if row is None else _restore(db, row)


def undo_action(db: Database, action: str) -> list[int]:
    """Restore the comments touched by the latest triage action named ``action`` (a batch
    reply taken back by undo send, whatever was triaged since); their ids."""
    row = db.execute(
        "SELECT id, action, before FROM triage_log WHERE action = ? ORDER BY id DESC LIMIT 1",
        [action],
    ).fetchone()
    return [] if row is None else _restore(db, row)[1]


def _restore(db: Database, row: tuple[int, str, str]) -> tuple[str, list[int]]:
    log_id, action, before = row
    saved = json.loads(before)
    db.conn.executemany(
        "UPDATE comments SET triage_state = ?, snoozed_until = ?, triaged_at = ? WHERE id = ?",
        [(state, until, at, cid) for cid, state, until, at in saved],
    )
    db.execute("DELETE FROM triage_log WHERE id = ?", [log_id])
    return action, [cid for cid, *_ in saved]


def wake_snoozed(db: Database, now: str | None = None) -> int:
    """Reopen comments whose snooze has expired; returns how many woke."""
    cursor = db.execute(
        "UPDATE comments SET triage_state = 'open', snoozed_until = NULL "
        "WHERE triage_state = 'snoozed' AND snoozed_until <= ?",
        [now or now_iso()],
    )
    return cursor.rowcount
