"""Replies: one template, personalised per person, previewed, then queued in the outbox in
one transaction (and marked done, so undo recalls the batch); and the replies being
written, kept as reply drafts on their comments until they are queued.

A person may edit their own copy in the preview (``copies``: comment id to text); it is
then sent as written. Queued replies wait out the undo-send grace period (``UndoSend``).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Mapping

import msgspec

from app import events as ev
from app.core.inbox import REPLY_ACTION
from app.core.undo_send import UndoSend
from app.domain import (
    Capabilities,
    OutboxKind,
    ReplyDraft,
    ReplyPreview,
    TriageState,
    WriteIntent,
)
from app.errors import UserError
from app.networks import registry
from app.networks.base import Network
from app.store import Store, accounts, answers, comments, outbox, reply_drafts, triage
from app.store.sql import Database
from app.sync import daily_limit
from app.sync.engine import SyncEngine
from app.text.plural import count
from app.text.remote_text import display_text
from app.text.templates import check_template, holds_words, personalise

NO_COPIES: Mapping[int, str] = {}


class Replies:
    def __init__(
        self,
        store: Store,
        events: ev.Events,
        engine: SyncEngine,
        networks: Mapping[str, Network],
        undo_send: UndoSend,
    ) -> None:
        self._store = store
        self._events = events
        self._engine = engine
        self._networks = networks
        self._undo_send = undo_send

    async def preview(
        self,
        comment_ids: list[int],
        template: str,
        copies: Mapping[int, str] = NO_COPIES,
        name_fallback: str = "",
    ) -> list[ReplyPreview]:
        """Each reply as it would be sent, with its network's limit; an edited copy is
        shown as written. Where a network gives no names, ``name_fallback`` ("there")
        stands for {first_name} and {name}; "" leaves them out."""
        from app.text.length import measured  # Unicode tables: not for the window's start

        check_template(template)
        rows = await self._store.read(comments.get_comments, comment_ids)
        previews = []
        for r in rows:
            capabilities = self._capabilities(r.account_id)
            name = r.author_name if registry.names_people(r.network) else None
            made = personalise(template, name, r.body_text, name_fallback)
            copy = copies.get(r.id)
            text = made.text if copy is None else copy
            previews.append(
                ReplyPreview(
                    r.id,
                    display_text(r.author_name),
                    text,
                    capabilities.reply_max_chars,
                    r.network,
                    r.account_name,
                    r.network_shared,
                    counted=measured(text, capabilities.text_counting),
                    no_question=made.no_question and copy is None,
                    edited=copy is not None,
                    no_name=made.no_name and copy is None,
                )
            )
        return previews

    def _capabilities(self, account_id: str) -> Capabilities:
        network = self._networks.get(account_id)
        if network is None:
            raise UserError(f"The account {account_id!r} is not connected; reconnect it first.")
        return network.capabilities

    async def queue(
        self,
        comment_ids: list[int],
        template: str,
        copies: Mapping[int, str] = NO_COPIES,
        name_fallback: str = "",
    ) -> list[int]:
        """Put one personalised reply per comment in the outbox, all in one transaction;
        their reply drafts go in the same transaction."""
        if not comment_ids:
            raise UserError("Nobody is left to reply to: add someone back, or cancel.")
        if not template.strip() and not copies:
            raise UserError("Write a reply before queueing it.")
        previews = await self.preview(comment_ids, template, copies, name_fallback)
        empty = [p for p in previews if not p.text.strip()]
        if empty:
            raise UserError(f"The reply to {empty[0].recipient} is empty: write it first.")
        too_long = [p for p in previews if p.too_long]
        if too_long:
            first = too_long[0]
            raise UserError(
                f"{count(len(too_long), 'reply', 'replies')} would be too long (the reply to "
                f"{first.recipient} has {first.length:,} characters; the limit is "
                f"{first.limit:,}). Shorten the reply or the quoted question."
            )
        await self._check_daily_limits(comment_ids)
        batch = _Batch(
            uuid.uuid4().hex, template, copies, name_fallback, self._undo_send.hold_until()
        )
        by_hand = {a for a, n in self._networks.items() if n.capabilities.sends_by_hand}
        ids = await self._store.run(_enqueue_replies, previews, batch, by_hand)
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

    # --- replies being written ----------------------------------------------------------
    async def save_draft(
        self,
        comment_ids: list[int],
        template: str,
        copies: Mapping[int, str] = NO_COPIES,
        name_fallback: str = "",
    ) -> None:
        """Autosave: keep the words as the reply draft of every comment (committed when
        this returns). Words that hold nothing to send (a blank template and no edited
        copy) are no draft: the comments' drafts go, and their rows lose the draft mark."""
        if not holds_words(template, copies):
            await self.discard_drafts(comment_ids)
            return
        new = await self._store.run(_save_drafts, comment_ids, template, copies, name_fallback)
        if new:
            self._events.emit(ev.InboxChanged(themes=False))  # the rows show their draft mark

    async def drafts(self, comment_ids: list[int]) -> list[ReplyDraft]:
        """The reply drafts these comments have, in their order."""
        return await self._store.read(reply_drafts.for_comments, comment_ids)

    async def language(self, comment_ids: list[int]) -> str | None:
        """The language to spell check a reply to these comments in: their account's
        (Accounts > Spelling), when they share one; None: the system's."""
        if not comment_ids:
            return None
        return await self._store.read(accounts.reply_language, comment_ids)

    async def discard_drafts(self, comment_ids: list[int]) -> None:
        if await self._store.run(reply_drafts.discard, comment_ids):
            self._events.emit(ev.InboxChanged(themes=False))  # the rows lose their draft mark


class _Batch(msgspec.Struct, frozen=True):
    """One queueing: its id, the words it was written with, and its grace period."""

    id: str
    template: str
    copies: Mapping[int, str]
    name_fallback: str
    hold_until: str | None


def _save_drafts(
    db: Database,
    comment_ids: list[int],
    template: str,
    copies: Mapping[int, str],
    name_fallback: str,
) -> int:
    """Save the drafts; how many comments had none before."""
    before = len(reply_drafts.for_comments(db, comment_ids))
    reply_drafts.save(db, comment_ids, template, copies, name_fallback)
    return len(comment_ids) - before


def _enqueue_replies(
    db: Database, previews: list[ReplyPreview], batch: _Batch, by_hand: set[str]
) -> list[int]:
    """Queue one reply per preview; those to sites bridged by hand (accounts in
    ``by_hand``) wait for the person instead of a sender."""
    ids = []
    held = []
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
                batch_id=batch.id,
                hold_until=batch.hold_until,
            )
        )
        if row.account_id in by_hand:
            held.append(ids[-1])
    outbox.hold_for_hand(db, held)
    ids_done = [p.comment_id for p in previews]
    triage.set_state(db, ids_done, TriageState.DONE, action=f"{REPLY_ACTION}{batch.id}")
    reply_drafts.discard(db, ids_done)
    reply_drafts.keep_batch_words(db, batch.id, batch.template, batch.copies, batch.name_fallback)
    remembered = batch.template if batch.template.strip() else next(iter(batch.copies.values()), "")
    answers.remember(db, ids_done, batch.id, remembered)  # the answer library
    return ids
