"""PyInstaller's entry script for the frozen Fireside: the ``fireside`` command itself, and
on Windows also ``fireside-gui.exe`` (the windowed twin the Start menu starts)."""

import multiprocessing
import os
import sys

# The sentence encoder runs in a spawned worker process (app/core/grouping.py): in the
# frozen app that process starts this executable, which must then run the worker.
multiprocessing.freeze_support()

# A windowed Windows executable starts with no standard streams (sys.stdout is None), and
# the CLI's and the window's prints (e.g. "Fireside is already running; switched to it.")
# would raise. Nobody can read them there anyway: send them to the null device.
for _name in ("stdout", "stderr"):
    if getattr(sys, _name) is None:
        setattr(sys, _name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115

from app.cli import main  # noqa: E402  (after: a log handler keeps the stream it first saw)

raise SystemExit(main())
