"""Two real Fireside processes for the workspace tests: each ``Device`` runs ``python -m
app`` on its own data dir with its own file keyring (``signin_child.FileKeyring``), and
``webdav_server`` starts a real WsgiDAV (cheroot) on 127.0.0.1 for the suite."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

RELIABILITY = Path(__file__).resolve().parent.parent / "reliability"


@dataclass
class Device:
    data_dir: Path
    keyring_file: Path

    def env(self, **extra: str) -> dict[str, str]:
        return {
            **os.environ,
            "PYTHONPATH": str(RELIABILITY),
            "PYTHON_KEYRING_BACKEND": "signin_child.FileKeyring",
            "FIRESIDE_TEST_KEYRING": str(self.keyring_file),
            **extra,
        }

    def command(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "app", "--data-dir", str(self.data_dir), *args]

    def run(self, *args: str, check: bool = True, **extra: str) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            self.command(*args),
            env=self.env(**extra),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if check and done.returncode != 0:
            raise AssertionError(f"fireside {' '.join(args)} failed: {done.stderr}{done.stdout}")
        return done

    def start(self, *args: str) -> subprocess.Popen[bytes]:
        """A process to kill: its output is not read."""
        return subprocess.Popen(
            self.command(*args),
            env=self.env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def json(self, *args: str) -> list[dict[str, object]]:
        return json.loads(self.run(*args).stdout)

    def digest(self) -> str:
        return self.run("workspace", "digest").stdout.strip()


def device(root: Path, name: str) -> Device:
    return Device(root / name, root / f"{name}-keyring.json")


def converge(*devices: Device, rounds: int = 6) -> str:
    """Sync every device in turn until their digests agree (bounded rounds)."""
    for _ in range(rounds):
        for d in devices:
            d.run("workspace", "sync")
        digests = {d.digest() for d in devices}
        if len(digests) == 1:
            return digests.pop()
    raise AssertionError(f"devices did not converge in {rounds} rounds")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def webdav_server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A real WsgiDAV server (cheroot) on 127.0.0.1 serving a fresh folder; (URL, folder)."""
    with serving_webdav(tmp_path) as served:
        yield served


@contextlib.contextmanager
def serving_webdav(tmp_path: Path, config: dict | None = None) -> Iterator[tuple[str, Path]]:
    """WsgiDAV on 127.0.0.1 over a fresh folder ``tmp_path/dav``, anonymous unless
    ``config`` (WsgiDAV's configuration, as its JSON file holds it) says otherwise."""
    root = tmp_path / "dav"
    root.mkdir()
    port = free_port()
    log = tmp_path / "wsgidav.log"
    if config is None:
        settings = ["--auth", "anonymous", "--no-config"]
    else:
        (tmp_path / "wsgidav.json").write_text(json.dumps(config), encoding="utf-8")
        settings = ["--config", str(tmp_path / "wsgidav.json")]
    command = [
        sys.executable, "-m", "wsgidav.server.server_cli", "--host", "127.0.0.1",
        "--port", str(port), "--root", str(root), *settings, "--server", "cheroot", "-q",
    ]  # fmt: skip
    with log.open("wb") as errors:
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=errors)
    url = f"http://127.0.0.1:{port}/"
    try:
        _wait_until_serving(url, process, log)
        yield url, root
    finally:
        process.terminate()
        process.wait(timeout=10)


def _wait_until_serving(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            answer = httpx.request("PROPFIND", url, headers={"Depth": "0"})
            if answer.status_code in (207, 401):  # serving (401: it asks who is there)
                return
        except httpx.TransportError:
            pass
        if process.poll() is not None:
            break
        time.sleep(0.05)
    raise RuntimeError(f"WsgiDAV did not start: {log.read_text(errors='replace')}")
