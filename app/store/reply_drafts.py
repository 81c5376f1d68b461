"""Replies being written, one per comment: the template typed, when the person edited
their own copy in the batch preview, that copy, and the "No name?" word. Saved like drafts
are (every autosave is one committed transaction); queueing a reply removes its draft in
the same transaction and keeps the batch's words for undo send."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import NamedTuple

from app.domain import ReplyDraft
from app.store.sql import Database
from app.timeutil import now_iso

_CHUNK = 500


class BatchWords(NamedTuple):
    """What a batch of replies was written with."""

    template: str
    copies: dict[int, str]
    name_fallback: str


def save(
    db: Database,
    comment_ids: list[int],
    template: str,
    copies: Mapping[int, str],
    name_fallback: str = "",
) -> None:
    """Keep ``template`` (each edited copy, the "No name?" word) as the reply draft of
    every comment."""
    stamp = now_iso()
    db.conn.executemany(
        "INSERT INTO reply_drafts (comment_id, template, copy, updated_at, name_fallback) "
        "VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT(comment_id) DO UPDATE SET template = excluded.template, "
        "copy = excluded.copy, updated_at = excluded.updated_at, "
        "name_fallback = excluded.name_fallback",
        [(cid, template, copies.get(cid), stamp, name_fallback) for cid in comment_ids],
    )


def for_comments(db: Database, comment_ids: list[int]) -> list[ReplyDraft]:
    """The reply drafts of these comments that exist, in the order of ``comment_ids``."""
    found: dict[int, ReplyDraft] = {}
    for start in range(0, len(comment_ids), _CHUNK):
        part = comment_ids[start : start + _CHUNK]
        marks = ",".join("?" * len(part))
        for row in db.execute(
            "SELECT comment_id, template, copy, updated_at, name_fallback FROM reply_drafts "
            f"WHERE comment_id IN ({marks})",
            part,
        ):
            found[row[0]] = ReplyDraft(row[0], row[1], row[2], row[3], row[4])
    return [found[cid] for cid in comment_ids if cid in found]


def discard(db: Database, comment_ids: list[int]) -> int:
    """Remove the reply drafts of these comments; how many there were."""
    return db.conn.executemany(
        "DELETE FROM reply_drafts WHERE comment_id = ?", [(cid,) for cid in comment_ids]
    ).rowcount


def keep_batch_words(
    db: Database, batch_id: str, template: str, copies: Mapping[int, str], name_fallback: str
) -> None:
    """The words a queued batch was written with, so undo send can reopen them."""
    db.execute(
        "INSERT INTO reply_batches (batch_id, template, copies, created_at, name_fallback) "
        "VALUES (?, ?, ?, ?, ?)",
        [
            batch_id,
            template,
            json.dumps({str(k): v for k, v in copies.items()}),
            now_iso(),
            name_fallback,
        ],
    )


def batch_words(db: Database, batch_id: str) -> BatchWords | None:
    """What a queued batch was written with, if it was kept."""
    row = db.execute(
        "SELECT template, copies, name_fallback FROM reply_batches WHERE batch_id = ?",
        [batch_id],
    ).fetchone()
    if row is None:
        return None
    return BatchWords(row[0], {int(k): v for k, v in json.loads(row[1]).items()}, row[2])
