"""Running one core call from a widget without blocking the event loop (Anki's pattern).

    run(parent, core.set_triage(ids, state), on_done=refresh)

schedules the coroutine on the qasync loop, calls ``on_done(result)`` when it finishes,
and sends any error to one handler that shows the user what failed and what to do.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import shiboken6
from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from app.errors import FiresideError
from app.text import plural

log = logging.getLogger(__name__)
T = TypeVar("T")

_running: set[asyncio.Task[Any]] = set()


class _Shown:
    """The error box on screen, if any, and the errors that arrived while it was open:
    they are added to it rather than each opening a box of its own."""

    box: QMessageBox | None = None
    more: list[str] = []


def show_error(parent: QWidget | None, exc: BaseException) -> None:
    """One place that turns an exception into a message the user can act on.

    Never blocks: the box is opened with ``open()`` (no nested event loop, so a sync
    running meanwhile goes on) and deletes itself when closed.
    """
    if isinstance(exc, FiresideError):
        text = str(exc)
    else:
        log.exception("unexpected error", exc_info=exc)
        text = f"Something went wrong: {exc}. Your data is safe; details are in the log."
    box = _Shown.box
    if box is not None and shiboken6.isValid(box) and box.isVisible():
        _Shown.more.append(text)
        box.setInformativeText(f"{plural.count(len(_Shown.more), 'more problem')} since then.")
        box.setDetailedText("\n\n".join(_Shown.more))
        return
    # A parent (the active window, if the caller has none) owns the box: Qt deletes it.
    owner = parent if parent is not None else QApplication.activeWindow()
    box = QMessageBox(
        QMessageBox.Icon.Warning, "Fireside", text, QMessageBox.StandardButton.Ok, owner
    )
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    _Shown.box, _Shown.more = box, []
    box.open()


def run(
    parent: QObject | None,
    coro: Awaitable[T],
    on_done: Callable[[T], Any] | None = None,
    on_error: Callable[[BaseException], None] | None = None,
) -> asyncio.Task[T]:
    """Schedule ``coro``; ``parent`` is the widget (or model) that asked: once Qt has
    deleted it, the outcome is only logged. Errors without ``on_error`` go to show_error,
    over ``parent`` when it is a widget."""
    task = asyncio.ensure_future(coro)
    _running.add(task)

    def finished(t: asyncio.Task[T]) -> None:
        _running.discard(t)
        if t.cancelled():
            return
        exc = t.exception()
        if parent is not None and not shiboken6.isValid(parent):
            if exc is not None:  # the widget that asked is gone: keep the error in the log
                log.warning("operation failed after its window closed", exc_info=exc)
            return
        if exc is not None:
            if on_error is not None:
                on_error(exc)
            else:
                show_error(parent if isinstance(parent, QWidget) else None, exc)
        elif on_done is not None:
            on_done(t.result())

    task.add_done_callback(finished)
    return task
