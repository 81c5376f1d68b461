"""A reply being written in the real window survives SIGKILL as a draft does: every word
typed more than the autosave's promise before the kill is in the database, and what is
there is exactly what was typed (a prefix of it), never a mangled copy."""

from __future__ import annotations

import os
import queue
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO

from app.config import database_path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
#: The autosave saves within 0.8 s of a keystroke (ui/common/autosave.py); a word typed
#: this long before the kill must be on disk.
PROMISE_S = 1.0
#: Words typed after the second confirmed save before the kill (about a second of typing).
WORDS_AFTER_SAVES = 20
PATIENCE_S = 120.0


def run_and_kill(
    data_dir: Path, env: dict[str, str], child: str = "composer_child.py"
) -> tuple[list[str], float]:
    """Start the child (a script here), kill it once it has saved twice and typed on; its
    lines and the kill's monotonic time. Every wait for a line is bounded (a reader thread feeds a
    queue), so a stuck child fails the test instead of hanging it."""
    with subprocess.Popen(
        [sys.executable, str(HERE / child), str(data_dir)],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    ) as proc:
        assert proc.stdout is not None
        incoming: queue.Queue[str | None] = queue.Queue()

        def read(stream: IO[str]) -> None:
            for line in stream:
                incoming.put(line.strip())
            incoming.put(None)

        threading.Thread(target=read, args=(proc.stdout,), daemon=True).start()
        lines: list[str] = []
        saves = typed_after = 0
        try:
            while typed_after < WORDS_AFTER_SAVES:
                line = incoming.get(timeout=PATIENCE_S)
                if line is None:
                    break  # the child ended on its own: the assert below says so
                lines.append(line)
                saves += line.startswith("SAVED")
                typed_after += saves >= 2 and line.startswith("TYPED")
        finally:
            killed_at = time.monotonic()
            proc.send_signal(signal.SIGKILL)
            proc.wait(PATIENCE_S)
    assert typed_after >= WORDS_AFTER_SAVES, f"the child stopped early: {lines[-5:]}"
    return lines, killed_at


def child_env(tmp_path: Path, data_dir: Path) -> dict[str, str]:
    """A child's environment: its own home and data dir, offscreen, these modules."""
    return {
        **os.environ,
        "HOME": str(tmp_path),
        "FIRESIDE_HOME": str(data_dir),
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHONPATH": os.pathsep.join([str(REPO), str(HERE)]),
    }


def test_a_reply_typed_in_the_composer_survives_a_kill(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    lines, killed_at = run_and_kill(data_dir, child_env(tmp_path, data_dir))
    comment = int(next(x for x in lines if x.startswith("COMPOSING")).split()[1])
    typed = [(float(x.split()[1]), int(x.split()[2])) for x in lines if x.startswith("TYPED")]
    promised = max((n for t, n in typed if t <= killed_at - PROMISE_S), default=0)

    with sqlite3.connect(database_path(data_dir).resolve().as_uri() + "?mode=ro", uri=True) as db:
        row = db.execute(
            "SELECT template FROM reply_drafts WHERE comment_id = ?", [comment]
        ).fetchone()
    assert row is not None, "no reply draft survived"
    saved = row[0]
    words = saved.removeprefix("Hi {first_name},\n\n").split()
    assert words == [f"w{n}" for n in range(len(words))]  # exactly what was typed, in order
    assert len(words) >= promised > 0, (len(words), promised)
