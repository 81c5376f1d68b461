"""The window's composition root: the QApplication, the qasync event loop, the core, the
bridge, the main window and the background work (sync loop, waking snoozed comments).

``main(data_dir)`` is what ``fireside`` (no sub-command) calls. It returns the exit code
once the last window is closed and the core has shut down cleanly.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
from pathlib import Path

import qasync
from PySide6.QtCore import QEvent, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from app.core import Core
from app.errors import FiresideError
from ui import bench_hook, theme
from ui.bridge import CoreBridge
from ui.main_window import MainWindow
from ui.operations import run

log = logging.getLogger(__name__)

SYNC_INTERVAL_S = 120
SNOOZE_CHECK_MS = 60_000


def main(data_dir: Path) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Fireside")
    app.setApplicationDisplayName("Fireside")
    app.setDesktopFileName("fireside")
    app.setWindowIcon(theme.app_icon())
    app.setQuitOnLastWindowClosed(False)  # the loop below decides when to stop
    theme.apply(app)
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        QMessageBox.critical(
            None, "Fireside cannot start", f"Fireside cannot use its data folder {data_dir}: {exc}"
        )
        return 1
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    try:
        return loop.run_until_complete(_run(app, data_dir))
    finally:
        # Widgets go now, on this thread, before Python tears down the QApplication.
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        loop.close()
        asyncio.set_event_loop(None)


async def _run(app: QApplication, data_dir: Path) -> int:
    try:
        core = await Core.open(data_dir)
    except FiresideError as exc:
        QMessageBox.critical(None, "Fireside cannot start", str(exc))
        return 1
    bridge = CoreBridge(core.events)
    window = MainWindow(core, bridge)
    closed = asyncio.get_running_loop().create_future()

    def last_window_closed() -> None:
        if not closed.done():
            closed.set_result(None)

    app.lastWindowClosed.connect(last_window_closed)
    snoozes = QTimer(window, interval=SNOOZE_CHECK_MS)
    snoozes.timeout.connect(lambda: run(window, core.wake_snoozed()))
    snoozes.start()
    run(window, core.wake_snoozed())
    bench_hook.install(window.inbox.list)
    window.show()
    sync = asyncio.ensure_future(core.engine.run(SYNC_INTERVAL_S))
    try:
        await closed
    finally:
        snoozes.stop()
        core.engine.stop()
        sync.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await sync
        saving = window.editor.flush()  # the last keystrokes, before the store closes
        if saving is not None:
            try:
                await saving
            except Exception:  # already logged by the autosave; the core closes anyway
                log.warning("the last autosave before quitting failed", exc_info=True)
        await core.close()
        window.deleteLater()
        bridge.deleteLater()
    return 0
