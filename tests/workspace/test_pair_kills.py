"""kill -9 either device 30 times while it writes to or reads from the shared folder;
afterwards both converge and every reply drafted along the way is there."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from pair import converge, device

# Two Fireside processes take turns through dozens of commands (each bounded by pair.py):
# minutes on a loaded machine, so more than the suite's bound.
pytestmark = [pytest.mark.integration, pytest.mark.timeout(900)]

KILLS = 30


def test_kills_mid_sync_lose_nothing(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    principal, delegate = device(tmp_path, "principal"), device(tmp_path, "delegate")
    principal.run("sync")
    code = principal.run("workspace", "create", "--name", "Dana", "--folder", str(shared))
    delegate.run(
        "workspace",
        "join",
        "--name",
        "Sam",
        "--folder",
        str(shared),
        FIRESIDE_PAIRING_CODE=code.stdout.strip().splitlines()[-1],
    )
    converge(principal, delegate)
    keys = [str(c["key"]) for c in delegate.json("workspace", "comments")][:KILLS]
    for n in range(KILLS):
        side = (principal, delegate)[n % 2]
        side.run("workspace", "draft", "--text", f"kill test reply {n}", keys[n])
        child = side.start("workspace", "sync")
        # Fault injection, not synchronisation: the kill lands at a different point of
        # start-up, pull, apply or push each time (0 to 1.35 s after the start).
        time.sleep((n % 10) * 0.15)
        child.kill()
        child.wait(timeout=30)
    converge(principal, delegate)
    texts = {str(r["text"]) for r in principal.json("workspace", "replies")}
    assert {f"kill test reply {n}" for n in range(KILLS)} <= texts
