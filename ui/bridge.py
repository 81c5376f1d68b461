"""The only place core events become Qt signals: one signal per event type, looked up by
the event's class (no chain of string comparisons)."""

from __future__ import annotations

from collections.abc import Callable
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
    #: With every ``inboxChanged``: the posts whose comments changed (a frozenset of
    #: post ids), or None when any may have (``app.events.InboxChanged.posts``).
    inboxChangedOn = Signal(object)
    #: With an ``inboxChanged`` that may alter the open questions' themes
    #: (``app.events.InboxChanged.themes``).
    themesChanged = Signal()
    draftsChanged = Signal()
    snippetsChanged = Signal(bool)  # True: brought by a workspace sync
    draftBinChanged = Signal(int, bool)  # draft id, deleted (False: restored)
    workspaceChanged = Signal()
    workspaceProblem = Signal(str)  # why a background workspace sync failed
    questionsIndexed = Signal(int, int)  # questions with a vector, questions in all
    directoryProblem = Signal(str)  # why a network's directory (VIP tiers) cannot be read

    def __init__(self, events: ev.Events, parent: QObject | None = None) -> None:
        super().__init__(parent)
        #: event class -> what to emit for it
        self._routes: dict[type, Callable[[Any], None]] = {
            ev.SyncStarted: lambda e: self.syncStarted.emit(e.account_id),
            ev.SyncProgress: lambda e: self.syncProgress.emit(e.account_id, e.fetched),
            ev.SyncFinished: lambda e: self.syncFinished.emit(e.account_id, e.error),
            ev.OnlineChanged: lambda e: self.onlineChanged.emit(e.account_id, e.online, e.reason),
            ev.OutboxChanged: lambda e: self.outboxChanged.emit(),
            ev.InboxChanged: self._inbox_changed,
            ev.DraftsChanged: lambda e: self.draftsChanged.emit(),
            ev.SnippetsChanged: lambda e: self.snippetsChanged.emit(e.from_workspace),
            ev.DraftBinChanged: lambda e: self.draftBinChanged.emit(e.draft_id, e.deleted),
            ev.WorkspaceChanged: lambda e: self.workspaceChanged.emit(),
            ev.WorkspaceProblem: lambda e: self.workspaceProblem.emit(e.reason),
            ev.QuestionsIndexed: lambda e: self.questionsIndexed.emit(e.done, e.total),
            ev.DirectoryProblem: lambda e: self.directoryProblem.emit(e.reason),
        }
        self._unsubscribe = events.subscribe(self._on_event)
        self.destroyed.connect(lambda *_: self._unsubscribe())

    def _inbox_changed(self, event: ev.InboxChanged) -> None:
        self.inboxChangedOn.emit(event.posts)
        if event.themes:
            self.themesChanged.emit()
        self.inboxChanged.emit()

    def _on_event(self, event: ev.Event) -> None:
        self._routes[type(event)](event)
