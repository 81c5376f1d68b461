"""The bench reads all the app prints as it comes, so the app never blocks on a full pipe.
The bench's peak memory of the app is the app process's own: not the larger of it and
a child it reaped (the kernel's ``wait4`` figure), nor the memory of the bench it was
forked from (getrusage's own figure on Linux); its children's peaks come apart.

The bench holds ``BALLAST_MB`` while it starts the process, as ``python -m bench`` holds
the store it generated. A small window with the real bench hook (``ui.bench_hook``)
stands in for the app; before painting it runs a child holding ``CHILD_MB``, as the
encoder's worker holds its model next to the app.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading

import pytest

from bench import app_process
from ui.bench_hook import MARKER, PEAK_MARKER

BALLAST_MB = 300
CHILD_MB = 200
HOLD = textwrap.dedent(
    f"""
    import sys
    block = b"x" * ({CHILD_MB} * 2**20)  # written, so resident
    print("held", flush=True)
    sys.stdin.read()
    """
)
WINDOW = textwrap.dedent(
    f"""
    import subprocess, sys
    from PySide6.QtCore import QStringListModel
    from PySide6.QtWidgets import QApplication, QListView
    from ui import bench_hook

    subprocess.run([sys.executable, "-c", {HOLD!r}], input="", text=True, check=True)
    app = QApplication([])
    view = QListView()
    view.setModel(QStringListModel(["one row"]))
    bench_hook.install(view)
    view.show()
    sys.exit(app.exec())
    """
)
#: Starts a child holding CHILD_MB, says "held" once it does, and waits with it.
PARENT = textwrap.dedent(
    f"""
    import subprocess, sys
    child = subprocess.Popen(
        [sys.executable, "-c", {HOLD!r}], stdout=subprocess.PIPE, text=True
    )
    print(child.stdout.readline().strip(), flush=True)
    child.wait()
    """
)


#: Many times a pipe's 64 KB.
CHATTER_KB = 512
#: An app that warns a lot before its first paint and logs a lot after it, then exits.
CHATTY = textwrap.dedent(
    f"""
    import sys
    line = "x" * 1023 + "\\n"
    sys.stderr.write(line * {CHATTER_KB})
    sys.stderr.flush()
    print({MARKER!r} + " rows=1", flush=True)
    sys.stdout.write(line * {CHATTER_KB})
    print({PEAK_MARKER!r} + " self=" + str(42 * 2**20), flush=True)
    """
)


def test_an_app_printing_much_before_and_after_its_first_paint_never_waits_on_the_bench(
    tmp_path,
) -> None:
    """Unread, either pipe would fill: the app would never paint, or be killed after it."""
    run = app_process._run_until_painted(
        [sys.executable, "-c", CHATTY], app_process._environment(tmp_path), timeout=60.0
    )

    assert run.start_s is not None, run.note
    assert run.note == ""  # it ended by itself, with exit code 0
    assert run.peak_rss_mb == 42.0  # the line printed after all that output


@pytest.fixture
def ballast() -> bytes:
    return b"x" * (BALLAST_MB * 2**20)


@pytest.mark.skipif(sys.platform == "win32", reason="the hook reports on POSIX only")
def test_the_app_reports_its_own_peak(tmp_path, ballast) -> None:
    run = app_process._run_until_painted(
        [sys.executable, "-c", WINDOW], app_process._environment(tmp_path), timeout=60.0
    )

    assert run.start_s is not None, run.note
    assert run.peak_rss_mb is not None and 0 < run.peak_rss_mb < CHILD_MB * 0.75
    assert len(ballast) == BALLAST_MB * 2**20  # held all along


@pytest.mark.skipif(sys.platform != "linux", reason="Linux's high-water marks")
def test_the_watch_sees_each_process_own_peak(ballast) -> None:
    with subprocess.Popen(
        [sys.executable, "-c", PARENT], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    ) as parent:
        assert parent.stdout is not None and parent.stdout.readline() == "held\n"
        peaks: dict[int, float] = {}
        done = threading.Event()
        done.set()  # one look, now
        app_process._watch(parent.pid, done, peaks)
        parent.communicate("")  # the child ends on this, then the parent

    own = peaks.pop(parent.pid) / 2**20
    [child] = peaks.values()
    assert own < CHILD_MB / 4 and child / 2**20 >= CHILD_MB
    assert len(ballast) == BALLAST_MB * 2**20
