"""The bench's peak memory of the app is the app process's own, not the larger of it and
a child it reaped (the kernel's ``wait4`` figure); the child's comes apart.

A small window with the real bench hook (``ui.bench_hook``) stands in for the app: before
painting it runs a child that holds far more memory than the window itself, as the
encoder's worker does next to the app, and reaps it.
"""

from __future__ import annotations

import sys
import textwrap

import pytest

from bench import app_process

CHILD_MB = 200
WINDOW = textwrap.dedent(
    f"""
    import subprocess, sys
    from PySide6.QtCore import QStringListModel
    from PySide6.QtWidgets import QApplication, QListView
    from ui import bench_hook

    held = "block = b'x' * ({CHILD_MB} * 2**20)"  # written, so resident
    subprocess.run([sys.executable, "-c", held], check=True)
    app = QApplication([])
    view = QListView()
    view.setModel(QStringListModel(["one row"]))
    bench_hook.install(view)
    view.show()
    sys.exit(app.exec())
    """
)


@pytest.mark.skipif(sys.platform == "win32", reason="the kernel's accounting: not on Windows")
def test_the_app_reports_its_own_peak_and_its_childs_apart(tmp_path) -> None:
    run = app_process._run_until_painted(
        [sys.executable, "-c", WINDOW], app_process._environment(tmp_path), timeout=60.0
    )

    assert run.start_s is not None, run.note
    assert run.peak_rss_mb is not None and 0 < run.peak_rss_mb < CHILD_MB * 0.75
    assert run.children_peak_rss_mb is not None and run.children_peak_rss_mb >= CHILD_MB
