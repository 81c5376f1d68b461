"""What changed in the core, as typed events, and the hub that hands them to listeners.

One frozen msgspec Struct per event; only the core publishes them. The core never knows who
listens: ``ui/bridge.py`` turns them into Qt signals, the CLI prints some of them.
Listeners run on the thread that emits (the asyncio loop thread); one that raises is
logged and the others still hear the event.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import msgspec

log = logging.getLogger(__name__)


class SyncStarted(msgspec.Struct, frozen=True):
    account_id: str


class SyncProgress(msgspec.Struct, frozen=True):
    account_id: str
    fetched: int  # comments fetched so far in this pull


class SyncFinished(msgspec.Struct, frozen=True):
    account_id: str
    error: str | None  # None: the pull succeeded


class OnlineChanged(msgspec.Struct, frozen=True):
    """An account became reachable again (or is no longer synced), or could not be reached;
    ``SyncEngine.online`` is the whole picture."""

    account_id: str
    online: bool
    reason: str = ""


class OutboxChanged(msgspec.Struct, frozen=True):
    item_id: int | None = None  # None: several items, or which is not known


class InboxChanged(msgspec.Struct, frozen=True):
    """Counts or rows of the inbox may have changed: on the posts named in ``posts`` only
    (a triage of a few comments), or anywhere (None: a sync page, posts came or went).
    ``themes`` False: the change cannot alter the open questions' themes (a triage of no
    question with a theme, a VIP tier, a reply draft's mark)."""

    posts: frozenset[int] | None = None
    themes: bool = True


class DraftsChanged(msgspec.Struct, frozen=True):
    draft_id: int | None = None


class SnippetsChanged(msgspec.Struct, frozen=True):
    """Saved replies were added, changed or deleted: here (``from_workspace`` False) or
    by another device of the workspace, brought by a sync."""

    from_workspace: bool = False


class DraftBinChanged(msgspec.Struct, frozen=True):
    """A draft was deleted (``deleted``) or restored from Deleted drafts; a
    ``DraftsChanged`` for it comes with it, for the lists of drafts."""

    draft_id: int
    deleted: bool


class WorkspaceChanged(msgspec.Struct, frozen=True):
    """The shared workspace changed (a sync, a triage, a reply, an approval...)."""


class WorkspaceProblem(msgspec.Struct, frozen=True):
    """A workspace sync in the background failed, or cannot read what is new; ``reason``
    says why in plain words."""

    reason: str


class QuestionsIndexed(msgspec.Struct, frozen=True):
    """Sentence vectors were made for more questions (grouping and Themes): ``done`` of
    ``total`` questions have one now."""

    done: int
    total: int


class DirectoryProblem(msgspec.Struct, frozen=True):
    """A network would not let Fireside read its directory (job titles, managers) for the
    VIP tiers; ``reason`` says why in plain words and what would fix it."""

    account_id: str
    reason: str


Event = (
    SyncStarted
    | SyncProgress
    | SyncFinished
    | OnlineChanged
    | OutboxChanged
    | InboxChanged
    | DraftsChanged
    | SnippetsChanged
    | DraftBinChanged
    | WorkspaceChanged
    | WorkspaceProblem
    | QuestionsIndexed
    | DirectoryProblem
)
Listener = Callable[[Event], None]


class Events:
    def __init__(self) -> None:
        self._listeners: list[Listener] = []

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Add a listener; returns a function that removes it."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def emit(self, event: Event) -> None:
        for listener in list(self._listeners):
            try:
                listener(event)
            except Exception:
                log.exception("listener failed on %s", event)
