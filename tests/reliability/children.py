"""Children to kill on purpose, for the kill tests against real servers
(test_matrix_kills.py, test_wordpress_kills.py): start a child script with its plan, wait
for a fact read from the server or the proxy (never for a guessed time), SIGKILL it by its
pid, or let it finish and read the JSON it printed after ``SYNCED``.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
#: The longest a condition may take to become true (a healthy one takes milliseconds).
PATIENCE_S = 30.0


def wait_for(condition: Callable[[], bool], what: str) -> None:
    """Poll ``condition`` until it holds (bounded): the kill waits on facts, not time."""
    ends = time.monotonic() + PATIENCE_S
    while not condition():
        if time.monotonic() > ends:
            raise AssertionError(f"never happened: {what}")
        time.sleep(0.02)


def start(script: str, plan: dict) -> subprocess.Popen:
    """Run ``script`` (in this folder) with ``plan`` as its JSON argument."""
    return subprocess.Popen(
        [sys.executable, str(HERE / script), json.dumps(plan)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(HERE)},
    )


def finish(process: subprocess.Popen) -> dict:
    """Wait for a child that is not killed; the JSON it printed after ``SYNCED``."""
    out, err = process.communicate(timeout=PATIENCE_S)
    assert process.returncode == 0, err[-2000:]
    return json.loads(out.split("SYNCED", 1)[1])


def kill(process: subprocess.Popen) -> None:
    """SIGKILL by its pid; then read what it left in its pipes, which closes them."""
    os.kill(process.pid, signal.SIGKILL)
    process.communicate(timeout=PATIENCE_S)
    assert process.returncode == -signal.SIGKILL
