"""The outbox as front ends use it: what waits to go out, and edit, cancel or retry.

An item the store holds as 'sending' is either being sent right now or was cut short by a
crash or a kill, which left it so until the next push looks it up (``SyncEngine.recover``).
Only the running engine can tell the two apart, so ``items`` asks it and marks the second
kind ``interrupted`` for ``app.sync.reasons`` to word. This asks the engine's sender which
items it holds rather than comparing ``updated_at`` with the time the app started: that
needs no clock (a clock set back would make a live send look orphaned), and it also
catches an item the store failed to settle during this run (a full disk mid-push), which a
start-time rule would call live. Another process cannot be sending from the same data
dir meanwhile: the data dir's lock (``app.instance``) keeps a second writer out, so in
``fireside outbox``, whose engine never sends, every 'sending' item is an interrupted one.
"""

from __future__ import annotations

from pathlib import Path

from msgspec.structs import replace

from app import events as ev
from app.domain import OutboxAction, OutboxItem, OutboxState
from app.store import Store, outbox
from app.store.db import open_read_only
from app.sync.engine import SyncEngine


def peek_items(database: Path, include_sent: bool = True) -> list[OutboxItem]:
    """The outbox read while another Fireside process owns the data dir (``fireside outbox``
    while the window runs): read-only, nothing changed. Its 'sending' items may be live
    sends of that process, so none is marked interrupted."""
    db = open_read_only(database)
    try:
        return outbox.list_items(db, include_sent)
    finally:
        db.conn.close()


class Outbox:
    def __init__(self, store: Store, events: ev.Events, engine: SyncEngine) -> None:
        self._store = store
        self._events = events
        self._engine = engine

    async def items(self, include_sent: bool = True) -> list[OutboxItem]:
        """Newest first; sent and cancelled ones only with ``include_sent``."""
        items = await self._store.read(outbox.list_items, include_sent)
        return [
            replace(item, interrupted=True)
            if item.state is OutboxState.SENDING and not self._engine.is_sending(item)
            else item
            for item in items
        ]

    async def last_sent_at(self) -> str | None:
        """When the outbox last sent something (None: never)."""
        return await self._store.read(outbox.last_sent_at)

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
