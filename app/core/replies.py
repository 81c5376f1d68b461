"""Batch replies: one template, personalised per person, previewed, then queued in the
outbox in one transaction (and marked done, so undo recalls the batch)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Mapping

from app import events as ev
from app.core.inbox import REPLY_ACTION
from app.domain import OutboxKind, ReplyPreview, TriageState, WriteIntent
from app.errors import UserError
from app.networks.base import Network
from app.store import Store, comments, outbox, triage
from app.store.sql import Database
from app.sync import daily_limit
from app.sync.engine import SyncEngine
from app.text.plural import count
from app.text.templates import check_template, personalise


class Replies:
    def __init__(
        self, store: Store, events: ev.Events, engine: SyncEngine, networks: Mapping[str, Network]
    ) -> None:
        self._store = store
        self._events = events
        self._engine = engine
        self._networks = networks

    async def preview(self, comment_ids: list[int], template: str) -> list[ReplyPreview]:
        """Each reply as it would be sent, with its network's limit."""
        check_template(template)
        rows = await self._store.read(comments.get_comments, comment_ids)
        return [
            ReplyPreview(
                r.id,
                r.author_name,
                personalise(template, r.author_name, r.body_text),
                self._reply_limit(r.account_id),
                r.network,
                r.account_name,
                r.network_shared,
            )
            for r in rows
        ]

    def _reply_limit(self, account_id: str) -> int:
        network = self._networks.get(account_id)
        if network is None:
            raise UserError(f"The account {account_id!r} is not connected; reconnect it first.")
        return network.capabilities.reply_max_chars

    async def queue(self, comment_ids: list[int], template: str) -> list[int]:
        """Put one personalised reply per comment in the outbox, all in one transaction."""
        if not template.strip():
            raise UserError("Write a reply before queueing it.")
        previews = await self.preview(comment_ids, template)
        too_long = [p for p in previews if p.too_long]
        if too_long:
            first = too_long[0]
            raise UserError(
                f"{count(len(too_long), 'reply', 'replies')} would be too long (the reply to "
                f"{first.recipient} has {len(first.text):,} characters; the limit is "
                f"{first.limit:,}). Shorten the reply or the quoted question."
            )
        await self._check_daily_limits(comment_ids)
        ids = await self._store.run(_enqueue_replies, previews, uuid.uuid4().hex)
        self._events.emit(ev.OutboxChanged())
        self._events.emit(ev.InboxChanged())
        self._engine.wake()
        return ids

    async def _check_daily_limits(self, comment_ids: list[int]) -> None:
        """UserError when the batch would pass a place's daily limit (Teams channels)."""
        rows = await self._store.read(comments.get_comments, comment_ids)
        by_account: dict[str, list[WriteIntent]] = defaultdict(list)
        for row in rows:
            by_account[row.account_id].append(
                WriteIntent(OutboxKind.REPLY, row.post_remote_id, row.remote_id, "", "", "", "")
            )
        for account_id, intents in by_account.items():
            await daily_limit.check_batch(
                self._store, self._networks[account_id], account_id, intents
            )


def _enqueue_replies(db: Database, previews: list[ReplyPreview], batch: str) -> list[int]:
    ids = []
    rows = {r.id: r for r in comments.get_comments(db, [p.comment_id for p in previews])}
    for preview in previews:
        row = rows[preview.comment_id]
        ids.append(
            outbox.enqueue(
                db,
                OutboxKind.REPLY,
                row.account_id,
                preview.text,
                post_remote_id=row.post_remote_id,
                target_remote_id=row.remote_id,
                comment_id=row.id,
                expected_version=row.version,
                batch_id=batch,
            )
        )
    ids_done = [p.comment_id for p in previews]
    triage.set_state(db, ids_done, TriageState.DONE, action=f"{REPLY_ACTION}{batch}")
    return ids
