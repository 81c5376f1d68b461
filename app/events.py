"""A tiny publish/subscribe hub the core uses to tell front ends what changed.

The core never knows who listens: ``ui/bridge.py`` turns these into Qt signals, the CLI
prints some of them. Callbacks run on the thread that emits (the asyncio loop thread).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

#: Event names and their keyword payloads.
SYNC_STARTED = "sync_started"  # account_id
SYNC_PROGRESS = "sync_progress"  # account_id, fetched (comments so far)
SYNC_FINISHED = "sync_finished"  # account_id, error (str | None)
#: account_id, online (bool: the account is reachable again, or no longer synced; False:
#: it cannot be reached), reason (str). ``SyncEngine.online`` is the whole picture.
ONLINE_CHANGED = "online_changed"
OUTBOX_CHANGED = "outbox_changed"  # item_id (int | None)
INBOX_CHANGED = "inbox_changed"  # (nothing): counts or rows may have changed
DRAFTS_CHANGED = "drafts_changed"  # draft_id (int | None)

Listener = Callable[[str, dict[str, Any]], None]


class Events:
    def __init__(self) -> None:
        self._listeners: list[Listener] = []

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Add a listener; returns a function that removes it."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def emit(self, name: str, **payload: Any) -> None:
        for listener in list(self._listeners):
            try:
                listener(name, payload)
            except Exception:
                log.exception("listener failed on %s", name)
