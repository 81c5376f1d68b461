"""The window's composition root: the QApplication, the qasync event loop, the core, the
bridge, the main window and the background work (sync loop, waking snoozed comments).

``main(data_dir)`` is what ``fireside`` (no sub-command) calls. It returns the exit code
once the last window is closed and the core has shut down cleanly.

The inbox paints first: the window is built over the opened store
(``app.bootstrap.open_store``), and only after its first paint (``window.first_paint``;
the sidebar's counts and posts wait for it too) are snoozed comments that are due woken,
the policy, the settings, the sandbox and the accounts brought up
(``app.bootstrap.connect``), and then the background syncs (networks and the workspace)
start. Until then the Accounts dialog and the status bar wait.

One window per data dir: before anything else it claims the data dir
(``app.instance.claim_for_window``). When a Fireside window already runs there, that
window is asked to come to the front, this process prints "Fireside is already running;
switched to it." and exits 0 without opening the database or creating a QApplication.
The first window hears such requests on its listener thread and raises itself through
a queued Qt signal (:class:`_BringToFront`).
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import sys
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

import qasync
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from app.bootstrap import connect, open_store
from app.core import Core
from app.errors import FiresideError
from app.instance import Instance, claim_for_window
from ui import bench_hook, theme
from ui.bridge import CoreBridge
from ui.loop_priority import favour_the_event_loop
from ui.main_window import MainWindow
from ui.opening import OpeningNotice
from ui.operations import run

log = logging.getLogger(__name__)

SNOOZE_CHECK_MS = 60_000
#: Seconds between background workspace syncs (a change here or a network sync starts one sooner).
WORKSPACE_SYNC_S = 60.0
#: The longest the accounts wait for the first paint (a window that starts minimised).
FIRST_PAINT_WAIT_S = 2.0
SWITCHED = "Fireside is already running; switched to it."


class _BringToFront(QObject):
    """Raises and activates ``window`` when another start asks for it. ``requested`` is
    emitted on the hand-over listener's thread; this object lives on the GUI thread, so
    the connection is queued and the window is touched only there."""

    requested = Signal()

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self._window = window
        self.requested.connect(self._bring_to_front)

    @Slot()
    def _bring_to_front(self) -> None:
        window = self._window
        window.setWindowState(
            (window.windowState() & ~Qt.WindowState.WindowMinimized) | Qt.WindowState.WindowActive
        )
        window.show()
        window.raise_()
        window.activateWindow()


def accept_hand_overs(owner: Instance, window: QWidget) -> _BringToFront:
    """Bring ``window`` to the front whenever another start hands over to this one."""
    relay = _BringToFront(window)
    owner.on_show(relay.requested.emit)
    return relay


def main(data_dir: Path) -> int:
    try:
        owner = claim_for_window(data_dir)
    except FiresideError as exc:
        return _cannot_start(str(exc))
    if owner is None:
        print(SWITCHED, flush=True)
        return 0
    try:
        return _main(data_dir, owner)
    finally:
        owner.release()


def _cannot_start(message: str) -> int:
    log.warning("cannot start: %s", message)
    print(f"fireside: {message}", file=sys.stderr, flush=True)
    if QApplication.instance() is None:
        QApplication(sys.argv[:1])
    QMessageBox.critical(None, "Fireside cannot start", message)
    return 1


def _application() -> QApplication:
    """The process's QApplication: the one made already (as under pytest-qt), or a new one."""
    app = QApplication.instance()
    if app is None:
        return QApplication(sys.argv[:1])
    assert isinstance(app, QApplication), "a QCoreApplication cannot show windows"
    return app


def _main(data_dir: Path, owner: Instance) -> int:
    favour_the_event_loop()
    app = _application()
    app.setApplicationName("Fireside")
    app.setApplicationDisplayName("Fireside")
    app.setDesktopFileName("fireside")
    app.setWindowIcon(theme.app_icon())
    app.setQuitOnLastWindowClosed(False)  # the loop below decides when to stop
    theme.apply(app)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    try:
        return loop.run_until_complete(_run(app, data_dir, owner))
    finally:
        # Widgets go now, on this thread, before Python tears down the QApplication.
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        loop.close()
        asyncio.set_event_loop(None)


def _first_painted(window: MainWindow) -> asyncio.Future[None]:
    """Resolved once the window's inbox list has painted for the first time."""
    painted = asyncio.get_running_loop().create_future()

    def resolve() -> None:
        if not painted.done():
            painted.set_result(None)

    if window.first_paint.done:
        resolve()
    window.first_paint.painted.connect(resolve)
    return painted


async def _connect_after_paint(
    core: Core, window: MainWindow, painted: asyncio.Future[None], data_dir: Path
) -> bool:
    """After the first paint: waking snoozed comments, then policy, settings, sandbox and
    accounts. False if connecting failed (said in the status bar); the inbox works on
    without them."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(asyncio.shield(painted), FIRST_PAINT_WAIT_S)
    run(window, core.inbox.wake_snoozed())
    gc.freeze()  # start-up's objects live as long as the app: no collection walks them again
    gc.enable()  # app.cli.open_window turned it off until the first paint
    window.after_first_paint()
    try:
        await connect(core, data_dir)
    except FiresideError as exc:
        log.warning("could not connect the accounts: %s", exc)
        window.status.say(f"Fireside could not connect your accounts: {exc}")
        return False
    gc.freeze()  # the connectors' modules too
    if core.policy.errors or (core.settings and core.settings.problems):
        window.status.say(
            "Some of your organisation's or your own settings could not be applied; "
            "see Settings (Ctrl+,)."
        )
    return True


async def _once_connected(
    connecting: asyncio.Future[bool], job: Callable[[], Coroutine[Any, Any, None]]
) -> None:
    """Run a background job (the network sync, the workspace sync) once the accounts are
    connected; never if connecting them failed."""
    if await asyncio.shield(connecting):
        await job()


async def _open(data_dir: Path) -> Core | None:
    """The core over the opened store, saying what takes so long if opening does (an
    upgrade); None once a store that cannot be opened has been explained."""
    try:
        with contextlib.closing(OpeningNotice()) as opening:
            return await open_store(data_dir, opening.report)
    except FiresideError as exc:  # the notice is closed by now: the box stands alone
        QMessageBox.critical(None, "Fireside cannot start", str(exc))
        return None


async def _run(app: QApplication, data_dir: Path, owner: Instance) -> int:
    core = await _open(data_dir)
    if core is None:
        return 1
    if core.settings is not None:  # replies and posts wait, so they can be taken back
        core.undo_send.seconds = core.settings.undo_send_seconds.value
    bridge = CoreBridge(core.events)
    window = MainWindow(core, bridge)
    closed = asyncio.get_running_loop().create_future()

    def last_window_closed() -> None:
        if not closed.done():
            closed.set_result(None)

    app.lastWindowClosed.connect(last_window_closed)
    snoozes = QTimer(window, interval=SNOOZE_CHECK_MS)
    snoozes.timeout.connect(lambda: run(window, core.inbox.wake_snoozed()))
    snoozes.start()
    bench_hook.install(window.inbox.list)
    window.show()
    accept_hand_overs(owner, window)
    painted = _first_painted(window)
    connecting = asyncio.ensure_future(_connect_after_paint(core, window, painted, data_dir))
    sync = asyncio.ensure_future(
        _once_connected(connecting, lambda: core.engine.run(_sync_interval_s(core)))
    )
    workspace_sync = asyncio.ensure_future(
        _once_connected(connecting, lambda: core.workspace.run(WORKSPACE_SYNC_S))
    )
    try:
        await closed
    finally:
        snoozes.stop()
        core.engine.stop()
        for job in (sync, workspace_sync):
            job.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await job
        if not painted.done():
            connecting.cancel()  # still waiting for the paint: nothing started yet
        with contextlib.suppress(asyncio.CancelledError):
            await connecting  # the core closes once its accounts are connected
        saving = window.flush_editor()  # the last keystrokes, before the store closes
        if saving is not None:
            try:
                await saving
            except Exception:  # already logged by the autosave; the core closes anyway
                log.warning("the last autosave before quitting failed", exc_info=True)
        owner.on_show(None)  # before the window goes; the lock is released by main()
        await core.close()
        window.deleteLater()
        bridge.deleteLater()
    return 0


def _sync_interval_s(core: Core) -> float:
    """Seconds between background syncs: the setting in force (policy, user, default)."""
    if core.settings is None:  # a core built without open_core(), as in some tests
        from app.settings import DEFAULT_SYNC_MINUTES

        return DEFAULT_SYNC_MINUTES * 60
    return core.settings.sync_interval_minutes.value * 60
