"""The outbox as front ends use it: what waits to go out, and edit, cancel or retry."""

from __future__ import annotations

from app import events as ev
from app.domain import OutboxAction, OutboxItem
from app.store import Store, outbox
from app.sync.engine import SyncEngine


class Outbox:
    def __init__(self, store: Store, events: ev.Events, engine: SyncEngine) -> None:
        self._store = store
        self._events = events
        self._engine = engine

    async def items(self, include_sent: bool = True) -> list[OutboxItem]:
        """Newest first; sent and cancelled ones only with ``include_sent``."""
        return await self._store.read(outbox.list_items, include_sent)

    async def act(self, action: OutboxAction, item_id: int, body: str | None = None) -> None:
        """Edit (with ``body``), cancel or retry one item."""
        if action is OutboxAction.EDIT:
            await self._store.run(outbox.edit_body, item_id, body or "")
        elif action is OutboxAction.CANCEL:
            await self._store.run(outbox.cancel, item_id)
        else:
            await self._store.run(outbox.retry, item_id)
            self._engine.wake()
        self._events.emit(ev.OutboxChanged(item_id=item_id))
