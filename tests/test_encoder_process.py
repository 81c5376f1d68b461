"""The encoder's worker process ends with the Fireside that started it, however that one
ends (here: SIGKILL), instead of living on as an orphan with the model loaded."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
#: Start the grouping's worker pool as the core does, make it start its process, say the
#: process id and wait to be killed.
PARENT = """
import os, sys, time
from app.core.grouping import _worker
pool = _worker()
print(pool.submit(os.getpid).result(), flush=True)
time.sleep(600)
"""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie is gone for our purpose (its parent, not us, would reap it)
    stat = Path(f"/proc/{pid}/stat")
    return stat.exists() and stat.read_text().split(") ")[1][0] != "Z"


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")
def test_the_encoder_process_ends_when_its_parent_is_killed() -> None:
    with subprocess.Popen(
        [sys.executable, "-c", PARENT], cwd=REPO, stdout=subprocess.PIPE, text=True
    ) as parent:
        _kill_and_watch(parent)


def _kill_and_watch(parent: subprocess.Popen[str]) -> None:
    try:
        assert parent.stdout is not None
        worker = int(parent.stdout.readline())
        assert worker != parent.pid and _alive(worker)
        parent.send_signal(signal.SIGKILL)
        parent.wait(timeout=30)
        deadline = time.monotonic() + 30
        while _alive(worker) and time.monotonic() < deadline:
            time.sleep(0.05)  # polling a process table: no signal to wait on
        assert not _alive(worker), "the encoder's process outlived the killed Fireside"
    finally:
        parent.kill()
        parent.wait(timeout=30)
