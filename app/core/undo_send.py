"""Undo send: every reply and post waits a grace period in the outbox before it may leave,
and until then one call takes it back.

The hold is in the store (``outbox.hold_until``, with ``next_attempt_at`` the same time),
so a crash or a kill during the grace period leaves the item held, not sent: the engine
claims only items that are due, and sleeps until the earliest one is. Taking back runs on
the store's one writing thread, as claiming does, so an item is either taken back whole
or already claimed, never both. A reply batch taken back is un-done in the inbox and its
words become reply drafts again, so the composer reopens with the text intact; a post
taken back becomes a draft again.
"""

from __future__ import annotations

from app import events as ev
from app.core.inbox import REPLY_ACTION
from app.domain import HeldSend, OutboxKind, TakenBack
from app.errors import UserError
from app.store import Store, drafts, outbox, reply_drafts, triage
from app.store.sql import Database
from app.timeutil import in_seconds

#: The grace period when settings say nothing else.
DEFAULT_SECONDS = 10


class UndoSend:
    def __init__(self, store: Store, events: ev.Events, seconds: float = 0) -> None:
        self._store = store
        self._events = events
        #: The grace period in seconds; 0 sends at once (the CLI, and tests of sending).
        self.seconds = seconds

    def hold_until(self) -> str | None:
        """When an item queued now may leave (None: at once)."""
        return in_seconds(self.seconds) if self.seconds > 0 else None

    async def held(self) -> list[HeldSend]:
        """What waits out its grace period now, the newest first."""
        return await self._store.read(outbox.held)

    async def undo(self, batch_id: str | None = None) -> TakenBack:
        """Take back ``batch_id`` (default: the newest held batch)."""
        if batch_id is None:
            waiting = await self.held()
            if not waiting:
                raise UserError("Nothing to undo: everything queued has already gone out.")
            batch_id = waiting[0].batch_id
        taken = await self._store.run(_take_back, batch_id)
        self._events.emit(ev.OutboxChanged())
        if taken.kind is OutboxKind.REPLY:
            self._events.emit(ev.InboxChanged())
        if taken.draft_id is not None:
            self._events.emit(ev.DraftsChanged(draft_id=taken.draft_id))
        return taken


def _take_back(db: Database, batch_id: str) -> TakenBack:
    items = outbox.take_back(db, batch_id)
    kind = items[0].kind
    if kind is OutboxKind.PUBLISH:
        draft_id = items[0].draft_id
        if draft_id is not None:
            drafts.back_to_draft(db, draft_id, "publish undone")
        return TakenBack(kind, len(items), draft_id=draft_id)
    ids = [i.comment_id for i in items if i.comment_id is not None]
    triage.undo_action(db, f"{REPLY_ACTION}{batch_id}")
    words = reply_drafts.batch_words(db, batch_id)
    if words is not None:
        reply_drafts.save(db, ids, *words)
    return TakenBack(kind, len(items), comment_ids=tuple(ids))
