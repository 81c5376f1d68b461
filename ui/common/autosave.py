"""Autosave for what is being written (the open draft, a reply): every edit reaches the
database within about a second.

A short quiet period after the last keystroke triggers a save, and a deadline from the
first unsaved keystroke triggers one even while the person keeps typing, so nothing older
than ``DEADLINE_MS`` is ever only in memory. Text is captured the moment a save is due,
per key (a draft, the comments a reply answers), and stays queued until the store
confirms it: switching drafts, a failed write
or a save already in flight never drops it. ``flush()`` saves at once (focus-out, close,
before publishing) and returns the task to await before the store is closed.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Hashable
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QObject, QTimer, Signal

from ui.operations import run

Key = TypeVar("Key", bound=Hashable)
Text = TypeVar("Text")

log = logging.getLogger(__name__)

QUIET_MS = 300
DEADLINE_MS = 800
RETRY_MS = 2000


class Autosave(QObject, Generic[Key, Text]):
    """Debounced, ordered, retrying saves of ``read()`` for the tracked key, through
    ``save(key, text)`` (which returns whether the stored text changed)."""

    saved = Signal(object, bool)  # the key, whether the stored text changed
    failed = Signal(str)  # what went wrong; the text is kept and retried

    def __init__(
        self,
        save: Callable[[Key, Text], Awaitable[Any]],
        read: Callable[[], Text],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._save = save
        self._read = read
        self._draft_id: Key | None = None
        self._dirty = False
        self._pending: dict[Key, Text] = {}
        self._task: asyncio.Task | None = None
        self._quiet = self._timer(QUIET_MS)
        self._deadline = self._timer(DEADLINE_MS)
        self._retry = self._timer(RETRY_MS)

    def _timer(self, interval: int) -> QTimer:
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.setInterval(interval)
        timer.timeout.connect(self.flush)
        return timer

    @property
    def unsaved(self) -> bool:
        return self._dirty or bool(self._pending)

    def track(self, draft_id: Key | None) -> None:
        """Follow another key (None: none). Unsaved text of the previous one is kept."""
        self.flush()
        self._draft_id = draft_id

    def touch(self) -> None:
        """The tracked draft's text changed."""
        if self._draft_id is None:
            return
        self._dirty = True
        self._quiet.start()
        if not self._deadline.isActive():
            self._deadline.start()

    def flush(self) -> asyncio.Task | None:
        """Start saving everything unsaved now; the returned task ends when it is stored."""
        self._quiet.stop()
        self._deadline.stop()
        self._retry.stop()
        if self._dirty and self._draft_id is not None:
            self._pending[self._draft_id] = self._read()
        self._dirty = False
        if self._pending and (self._task is None or self._task.done()):
            self._task = run(None, self._drain(), on_error=self._on_error)
        return self._task

    async def save_now(self) -> None:
        """Await this before a core call that reads the draft from the store."""
        task = self.flush()
        if task is not None:
            await task

    async def _drain(self) -> None:
        while self._pending:
            draft_id, text = next(iter(self._pending.items()))
            del self._pending[draft_id]
            try:
                changed = await self._save(draft_id, text)
            except BaseException:
                self._pending.setdefault(draft_id, text)
                raise
            self.saved.emit(draft_id, bool(changed))

    def _on_error(self, exc: BaseException) -> None:
        log.warning("autosave failed; retrying in %s ms", RETRY_MS, exc_info=exc)
        self.failed.emit(str(exc))
        self._retry.start()
