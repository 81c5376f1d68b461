"""The sandbox network for the sync and send measurements: a state holding N comments
(built once, cached), served by ``fireside sandbox`` in its own process (a network is
another machine; in this process it would take the GIL from the window), steered
through its control API.

The state is the sandbox's own seed (321 people, 34 posts, ~2,200 comments) topped up
to N comments by the sandbox's simulation (``app.sandbox.simulate.add_comments``: the
same writer as the seed), so a pull reads what a pull of the sandbox always reads.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from bench.app_process import REPO
from bench.generate import cache_dir

#: Bump when the generated sandbox state changes shape.
SANDBOX_VERSION = 1
CHUNK = 1000  # the most one simulation call adds


def cached_state(comments: int) -> Path:
    """A sandbox state dir holding ``comments`` comments (built on first use)."""
    target = cache_dir() / f"sandbox-s{SANDBOX_VERSION}-{comments}c"
    if (target / "sandbox.sqlite3").exists():
        return target
    from app.sandbox import simulate
    from app.sandbox.state import SandboxState

    partial = target.with_name(target.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    state = SandboxState(partial)
    try:
        while (have := state.stats()["comments"]) < comments:
            simulate.add_comments(state, min(CHUNK, comments - have))
        state.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        state.close()
    shutil.rmtree(target, ignore_errors=True)
    partial.rename(target)
    return target


class SandboxProcess:
    """``fireside sandbox`` on a copy of a state dir, on a free port, with a fresh token."""

    def __init__(self, state: Path, workdir: Path) -> None:
        self.state_dir = workdir / "sandbox-state"
        shutil.copytree(state, self.state_dir)
        self.token = secrets.token_urlsafe(24)
        env = dict(os.environ)
        env.update(
            {
                "FIRESIDE_SANDBOX_TOKEN": self.token,
                "FIRESIDE_HOME": str(workdir / "sandbox-home"),
                "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")])),
            }
        )
        command = [sys.executable, "-m", "app", "sandbox", "--port", "0"]
        command += ["--state-dir", str(self.state_dir)]
        self._proc = subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.PIPE, text=True)
        self.url = self._read_url()
        self._control = httpx.Client(
            base_url=self.url + "/_control", headers={"X-Sandbox-Control": self.token}
        )

    def _read_url(self, timeout_s: float = 60.0) -> str:
        deadline = time.monotonic() + timeout_s
        assert self._proc.stdout is not None
        while time.monotonic() < deadline:
            line = self._proc.stdout.readline()
            if not line:
                break
            if "listening on " in line:
                return line.rsplit("listening on ", 1)[1].strip()
        self._proc.kill()
        raise RuntimeError("the sandbox process did not start")

    def control(self, method: str, name: str, body: dict[str, Any] | None = None) -> Any:
        answer = self._control.request(method, f"/{name}", json=body)
        answer.raise_for_status()
        return answer.json() if answer.content else None

    def set_rate_limit(self, capacity: int, window_s: float) -> None:
        """The limit per token; the bucket starts full."""
        self.control("POST", "rate_limit", {"capacity": capacity, "window_s": window_s})

    def requests(self) -> list[dict[str, Any]]:
        """The server's log of API requests: method, path, status, committed, at..."""
        return list(self.control("GET", "requests")["requests"])

    def reset_log(self) -> None:
        self.control("POST", "reset_log")

    def stop(self) -> None:
        self._control.close()
        self._proc.terminate()
        try:
            self._proc.wait(15)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
