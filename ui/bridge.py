"""The only place core events become Qt signals."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal

from app import events as ev


class CoreBridge(QObject):
    syncStarted = Signal(str)  # account_id
    syncProgress = Signal(str, int)  # account_id, comments fetched so far
    syncFinished = Signal(str, object)  # account_id, error message or None
    onlineChanged = Signal(str, bool, str)  # account_id, reachable, reason
    outboxChanged = Signal()
    inboxChanged = Signal()
    draftsChanged = Signal()

    def __init__(self, events: ev.Events, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._unsubscribe = events.subscribe(self._on_event)
        self.destroyed.connect(lambda *_: self._unsubscribe())

    def _on_event(self, name: str, payload: dict[str, Any]) -> None:
        if name == ev.SYNC_STARTED:
            self.syncStarted.emit(payload["account_id"])
        elif name == ev.SYNC_PROGRESS:
            self.syncProgress.emit(payload["account_id"], payload.get("fetched", 0))
        elif name == ev.SYNC_FINISHED:
            self.syncFinished.emit(payload["account_id"], payload.get("error"))
        elif name == ev.ONLINE_CHANGED:
            self.onlineChanged.emit(
                payload["account_id"], payload["online"], payload.get("reason", "")
            )
        elif name == ev.OUTBOX_CHANGED:
            self.outboxChanged.emit()
        elif name == ev.INBOX_CHANGED:
            self.inboxChanged.emit()
        elif name == ev.DRAFTS_CHANGED:
            self.draftsChanged.emit()
