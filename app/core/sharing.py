"""What each sharing step of a workspace sync holds (``snippet_sharing``,
``tier_sharing``): this device's store and events, the workspace's own worker thread
(``Run``: blocking workspace work never runs on the event loop) and its live session."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol, TypeVar

from app import events as ev
from app.store import Store
from app.workspace.session import Session

T = TypeVar("T")


class Run(Protocol):
    """Runs blocking workspace work on the workspace's own worker thread."""

    def __call__(self, fn: Callable[..., T], *args: object) -> Awaitable[T]: ...


class SharingStep:
    def __init__(
        self, store: Store, events: ev.Events, run: Run, session: Callable[[], Session]
    ) -> None:
        self._store = store
        self._events = events
        self._run = run
        self._session = session
