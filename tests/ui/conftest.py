"""UI test fixtures: a qasync loop driven by qtbot, and cores with real seeded data.

pytest-qt spins Qt's event loop (``qtbot.waitUntil``, ``waitSignal``) but knows nothing of
asyncio. ``qloop`` installs a qasync loop on the QApplication and marks it running, so
tasks that widgets start through ``ui.operations.run`` advance whenever qtbot waits.

``synced_core`` is a Core on the test's own data dir with its in-process sandbox network,
synced once: the inbox holds the sandbox's seeded people, posts and comments. The first
sync happens once per session; each test gets a copy of that data dir.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import asyncio
import gc
import shutil
from collections.abc import Callable, Coroutine, Iterator
from pathlib import Path
from typing import Any

import pytest
import qasync
import shiboken6
from heartbeat import Heartbeat
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QWidget

from app.bootstrap import open_core
from app.core import Core
from app.domain import InboxView
from ui.bridge import CoreBridge
from ui.common import colours
from ui.common.announce import announcements
from ui.common.colours import Scheme
from ui.loop_priority import favour_the_event_loop
from ui.main_window import MainWindow

favour_the_event_loop()  # as ui/main.py does, before any window is shown

AsyncWaiter = Callable[..., Any]


@pytest.fixture(scope="session")
def qasync_loop(qapp: QApplication) -> Iterator[qasync.QEventLoop]:
    """One qasync loop for the session: a loop per test would leave its Qt timer object to
    Python's garbage collector, which may destroy it on a worker thread."""
    loop = qasync.QEventLoop(qapp)
    yield loop
    loop.close()


@pytest.fixture
def qloop(qasync_loop: qasync.QEventLoop, qtbot) -> Iterator[qasync.QEventLoop]:
    """The qasync loop, current and marked running while qtbot spins Qt's event loop.

    Garbage is collected before and after, here on the main thread: a QObject that Python
    frees from a worker thread (the database or sandbox thread) crashes Qt.
    """
    gc.collect()
    asyncio.set_event_loop(qasync_loop)
    asyncio.events._set_running_loop(qasync_loop)
    yield qasync_loop
    qtbot.waitUntil(lambda: all(t.done() for t in asyncio.all_tasks(qasync_loop)), timeout=5000)
    asyncio.events._set_running_loop(None)
    asyncio.set_event_loop(None)
    gc.collect()


def dispose(widget: QObject) -> None:
    """Delete a Qt object now, on the main thread (not whenever Python collects it)."""
    widget.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@pytest.fixture
def settle(qloop, qtbot) -> Callable[[QWidget], None]:
    """``settle(widget)``: close the widget, let its core calls and their callbacks (which
    may start more) finish, then delete it on the main thread. Call it from a widget
    fixture's teardown; that runs before the core the widget uses closes."""

    def settle_widget(widget: QWidget) -> None:
        if not shiboken6.isValid(widget):
            return
        widget.close()
        quiet: list[bool] = []

        def idle() -> bool:
            QApplication.processEvents()
            quiet.append(all(t.done() for t in asyncio.all_tasks(qloop)))
            return quiet[-3:] == [True] * 3

        qtbot.waitUntil(idle, timeout=10_000)
        shiboken6.delete(widget)

    return settle_widget


@pytest.fixture
def wait_for(qloop, qtbot) -> AsyncWaiter:
    """``wait_for(coro)``: run a coroutine on the qasync loop and return its result."""

    def waiter(coro: Coroutine[Any, Any, Any], timeout: int = 10_000) -> Any:
        task = asyncio.ensure_future(coro)
        qtbot.waitUntil(task.done, timeout=timeout)
        return task.result()

    return waiter


async def _sync_once(data_dir: Path) -> None:
    core = await open_core(data_dir)
    try:
        reports = await core.engine.sync_all()
        assert all(r.error is None for r in reports), reports
        await core.grouping.catch_up()  # the questions' vectors, for G and Themes
    finally:
        await core.close()


@pytest.fixture(scope="session")
def synced_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data dir whose sandbox account has been synced once (built once per session)."""
    data_dir = tmp_path_factory.mktemp("synced-template")
    asyncio.run(_sync_once(data_dir))
    return data_dir


@pytest.fixture
def core(wait_for, tmp_path: Path) -> Iterator[Core]:
    """A Core on an empty data dir with its sandbox network, not synced."""
    opened = wait_for(open_core(tmp_path))
    yield opened
    wait_for(opened.close())


@pytest.fixture
def synced_core(wait_for, tmp_path: Path, synced_template: Path) -> Iterator[Core]:
    """A Core with its sandbox network whose comments are already in the inbox."""
    data_dir = tmp_path / "data"
    shutil.copytree(synced_template, data_dir)
    opened = wait_for(open_core(data_dir))
    yield opened
    wait_for(opened.close())


@pytest.fixture
def bridge(synced_core: Core, qtbot) -> Iterator[CoreBridge]:
    made = CoreBridge(synced_core.events)
    yield made
    dispose(made)


@pytest.fixture
def window(synced_core: Core, bridge: CoreBridge, qtbot) -> Iterator[MainWindow]:
    """The main window over the synced inbox, shown and active, keyboard in the list."""
    made = MainWindow(synced_core, bridge)
    made.show()
    made.activateWindow()
    qtbot.waitUntil(lambda: InboxView.NEEDS_REPLY in made.sidebar.counts)
    qtbot.waitUntil(lambda: bool(made.status.outbox.text()))
    qtbot.waitUntil(made.inbox.list.hasFocus)  # where the window puts the keyboard itself
    yield made
    qtbot.waitUntil(lambda: all(t.done() for t in asyncio.all_tasks()), timeout=5000)
    made.close()
    dispose(made)


@pytest.fixture
def open_window(qtbot, settle) -> Iterator[Callable[[Core], MainWindow]]:
    """``open_window(core)``: a main window over ``core``, shown, its first reads done;
    settled and deleted (with its bridge) at teardown, before the core closes."""
    opened: list[tuple[MainWindow, CoreBridge]] = []

    def open_(core: Core) -> MainWindow:
        bridge = CoreBridge(core.events)
        made = MainWindow(core, bridge)
        made.show()
        qtbot.waitExposed(made)
        qtbot.waitUntil(lambda: InboxView.NEEDS_REPLY in made.sidebar.counts)
        qtbot.waitUntil(lambda: bool(made.status.outbox.text()))
        opened.append((made, bridge))
        return made

    yield open_
    for made, bridge in opened:
        settle(made)
        shiboken6.delete(bridge)


@pytest.fixture
def themed(qapp: QApplication) -> Iterator[QApplication]:
    """Fireside's own look (light scheme, its style sheet) for the test; Qt's plain look
    is restored afterwards, as the other tests expect it."""
    palette, sheet, style = qapp.palette(), qapp.styleSheet(), qapp.style().name()
    yield qapp
    qapp.setStyleSheet(sheet)
    qapp.setPalette(palette)
    qapp.setStyle(style)
    colours.use(Scheme.LIGHT)


@pytest.fixture
def announced(qapp: QApplication) -> Iterator[list[str]]:
    """Every announcement made to assistive technology during the test, in order."""
    said: list[str] = []

    def record(text: str, _assertive: bool) -> None:
        said.append(text)

    hub = announcements()
    hub.said.connect(record)
    yield said
    hub.said.disconnect(record)


@pytest.fixture
def heartbeat(qloop) -> Iterator[Heartbeat]:
    """A heartbeat (see heartbeat.py) deleted here, on the main thread, even on failure."""
    beat = Heartbeat()
    yield beat
    beat.timer.stop()
    shiboken6.delete(beat)
