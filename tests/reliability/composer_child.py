"""The real window in a process of its own, typing a reply into the composer at typing
speed until ``test_composer_kills.py`` kills it (SIGKILL).

Run as ``python composer_child.py DATA_DIR`` with ``QT_QPA_PLATFORM=offscreen``. It opens
the core on DATA_DIR (its own built-in sandbox), syncs once, opens the composer on the
first comment (the r key's handler) and types `` w0 w1 …`` one word per event-loop turn
after a short pause, as a person types. It prints, flushed, one line each:

    COMPOSING <comment id>          the composer is open on this comment
    TYPED <monotonic time> <n>      n words are in the text field (in memory only)
    SAVED                           an autosave of the reply draft was committed

``time.monotonic()`` is the system-wide monotonic clock, so the parent's kill time and
these stamps are on one time line.
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import qasync
from PySide6.QtCore import SignalInstance
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from app.bootstrap import open_core
from ui.bridge import CoreBridge
from ui.main_window import MainWindow

#: Between words, as a quick typist (the autosave's quiet period is 0.3 s, so saves come
#: from its deadline while typing goes on).
WORD_PAUSE_S = 0.05


async def until(signal: SignalInstance, condition: Callable[[], bool]) -> None:
    """Wait for ``condition``, checked now and each time ``signal`` fires."""
    happened = asyncio.Event()

    def check(*_: object) -> None:
        if condition():
            happened.set()

    signal.connect(check)
    check()
    await happened.wait()
    signal.disconnect(check)


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


async def main(data_dir: Path) -> None:
    core = await open_core(data_dir)
    await core.engine.sync_all()
    window = MainWindow(core, CoreBridge(core.events))
    window.show()
    inbox = window.inbox
    await until(inbox.model.refreshed, lambda: inbox.model.rowCount() > 0)  # read off-thread
    inbox.select_id(inbox.model.row_id(0))
    composer = inbox.composer
    composer.autosave.saved.connect(lambda *_: say("SAVED"))
    inbox.commands.reply()
    await until(composer.opened, composer.isVisible)  # its reply draft read
    say(f"COMPOSING {composer.comment_ids[0]}")
    await type_words(composer.template)


async def type_words(box: QWidget) -> None:
    """Type `` w0 w1 …`` into ``box`` until killed, saying each word once it is in."""
    for n in range(100_000):
        QTest.keyClicks(box, f" w{n}")
        say(f"TYPED {time.monotonic()} {n + 1}")
        await asyncio.sleep(WORD_PAUSE_S)


def run(child: Callable[[Path], Awaitable[None]]) -> None:
    """Run ``child(DATA_DIR)`` (the first argument) on a qasync loop in this process."""
    app = QApplication(sys.argv[:1])
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    loop.run_until_complete(child(Path(sys.argv[1])))


if __name__ == "__main__":
    run(main)
