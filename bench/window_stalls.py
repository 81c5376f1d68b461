"""The window a person uses, timed from the inside: the longest stall of the Qt event loop
while opening every view, moving through the list, triaging and typing a search.

A ``Session`` is the real main window over a copy of the benchmark store (``open_store``,
as ``ui/main.py`` opens it; no account is connected, so nothing syncs by itself), shown
offscreen, with the UI tests' heartbeat running. Keys go where a person's would, to the
widget with the keyboard focus, at a person's pace; each activity's worst stall is the
heartbeat's phase. The sync and send measurements reuse the session, so their stalls are
the window's too.
"""

from __future__ import annotations

import gc
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench import qt

#: What a person types into the search box, a key at a time.
TYPED = "how does this change"
#: The pace of each activity: seconds between keys.
MOVE_S, TRIAGE_S, TYPE_S, VIEW_S = 1 / 30, 0.4, 0.12, 0.15


@dataclass
class Session:
    core: Any  # app.core.Core
    window: Any  # ui.main_window.MainWindow
    bridge: Any  # ui.bridge.CoreBridge
    beat: Any  # tests/ui/heartbeat.Heartbeat


async def open_session(data_dir: Path) -> Session:
    """The main window over ``data_dir``, shown, its first reads done, heartbeat running."""
    from app.bootstrap import open_store
    from app.domain import InboxView
    from ui.bridge import CoreBridge
    from ui.loop_priority import favour_the_event_loop
    from ui.main_window import MainWindow

    qt.application()
    favour_the_event_loop()  # as ui/main.py does
    core = await open_store(data_dir)
    bridge = CoreBridge(core.events)
    window = MainWindow(core, bridge)
    qt.show(window)
    sidebar = window.sidebar
    posts = sidebar.topLevelItem(sidebar.topLevelItemCount() - 1)  # the "Posts" heading
    await qt.until(
        lambda: (
            InboxView.NEEDS_REPLY in sidebar.counts
            and posts.childCount() > 0
            and not sidebar.updating
        ),
        what="the sidebar's counts and posts",
    )
    gc.freeze()  # as ui/main.py does after the first paint
    beat = qt.heartbeat()
    await qt.warm(beat)
    return Session(core, window, bridge, beat)


async def close_session(session: Session) -> None:
    session.beat.timer.stop()
    session.window.close()
    await qt.settle(0.05)
    await session.core.close()
    session.window.deleteLater()
    session.bridge.deleteLater()


def press(session: Session, key: Any, modifier: Any = None) -> None:
    """One key, to the widget with the keyboard focus (the window if none)."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    target = QApplication.focusWidget() or session.window
    QTest.keyClick(target, key, modifier or Qt.KeyboardModifier.NoModifier)


async def activity_stalls(session: Session) -> dict[str, tuple[float, float]]:
    """Worst stall and most UI-thread work (ms, ``qt.phase``) while opening views,
    moving, triaging and typing."""
    from PySide6.QtCore import Qt

    inbox, beat = session.window.inbox, session.beat
    ctrl = Qt.KeyboardModifier.ControlModifier
    stalls = {}
    for _ in range(2):
        for key in (Qt.Key.Key_1, Qt.Key.Key_2, Qt.Key.Key_3, Qt.Key.Key_4, Qt.Key.Key_5):
            press(session, key, ctrl)
            await qt.settle(VIEW_S)
        press(session, Qt.Key.Key_6, ctrl)  # All
        await qt.settle(VIEW_S)
    stalls["opening views"] = qt.phase(beat)

    press(session, Qt.Key.Key_1, ctrl)
    await qt.until(inbox.list.hasFocus, what="the list's focus")
    start = inbox.list.currentIndex().row()
    for _ in range(300):  # three pages past the first: fetchMore on the way
        press(session, Qt.Key.Key_J)
        await qt.settle(MOVE_S)
    moved = inbox.list.currentIndex().row() - start
    stalls["moving (j)"] = qt.phase(beat)

    for _ in range(30):
        press(session, Qt.Key.Key_E)  # done; the next comment becomes current
        await qt.settle(TRIAGE_S)
    await qt.until(lambda: not inbox.model.refreshing, what="the list's refresh")
    stalls["triaging (e)"] = qt.phase(beat)

    press(session, Qt.Key.Key_Slash)
    await qt.until(inbox.search.hasFocus, what="the search box")
    for char in TYPED:
        press(session, char)
        await qt.settle(TYPE_S)
    await qt.until(lambda: inbox.title.text().startswith("Search"), what="the search results")
    await qt.settle(0.3)
    stalls["typing a search"] = qt.phase(beat)
    if moved < 300:
        raise RuntimeError(f"j moved {moved} rows, not 300: the keys did not reach the list")
    return stalls
