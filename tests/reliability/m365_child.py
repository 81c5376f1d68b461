"""A child process for the kill tests (test_m365_kills.py, tests/e2e/test_m365_networks.py):
``fireside sync`` of Microsoft 365 accounts (the real connectors built by
``build_yammer``/``build_teams``, the real store and engine, no window) against their
emulators, so a test can SIGKILL it mid-send.

    python m365_child.py '{"db": ..., "ca": ..., "accounts": [{"id": ...,
        "kind": "yammer"|"teams", "base": ..., "token": ..., "settings": {...}}, ...]}'

It syncs until nothing waits in the outbox (each round waits at most until the next item
falls due, bounded), prints ``SYNCED`` and the outbox states as JSON, and exits 0. The token
comes in the plan: a test's throwaway token from the emulators' TokenBook (the MSAL sign-in
is not part of this test).

The tests' side lives here too: ``start`` runs a child with a plan, ``kill_when_held``
kills it once the emulator holds an answer (a fact read from the server), ``finish``
reads what a child that ran to its end says.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import httpx
from emulators.microsoft.apiserver import Fault
from emulators.microsoft.booktokens import StaticTokens

from app.domain import Account
from app.events import Events
from app.networks.base import Network
from app.networks.connection import ConnectionSettings, make_client
from app.networks.microsoft.teams import build_teams
from app.networks.microsoft.tokens import Api
from app.networks.microsoft.yammer import build_yammer
from app.store import Store, outbox
from app.sync import Backoff, SyncEngine
from app.timeutil import now, parse

PENDING = {"queued", "sending", "unknown"}
ROUNDS = 20
BUILD = {"yammer": (build_yammer, Api.YAMMER), "teams": (build_teams, Api.GRAPH)}


async def run(plan: dict) -> int:
    def build(entry: dict, account: Account, client: httpx.AsyncClient) -> Network:
        make, api = BUILD[entry["kind"]]
        return make(account, StaticTokens({api: entry["token"]}), client)

    return await settle(plan, build)


#: build(plan entry, account, client) -> the account's connector
Build = Callable[[dict, Account, httpx.AsyncClient], Network]


async def settle(plan: dict, build: Build) -> int:
    """Sync the plan's accounts until nothing waits; print ``SYNCED`` and the states."""
    store = Store(Path(plan["db"]))
    networks: dict[str, Network] = {}
    for entry in plan["accounts"]:
        account = Account(
            entry["id"], entry["kind"], entry["kind"], entry["base"], settings=entry["settings"]
        )
        client = make_client(ConnectionSettings(proxy="none", extra_ca_files=(plan["ca"],)))
        networks[account.id] = build(entry, account, client)
    backoff = Backoff(base=0.05, cap=0.5, max_attempts=8, max_wait=60.0)
    engine = SyncEngine(store, Events(), dict(networks), backoff=backoff)
    errors: list[str | None] = []
    try:
        for _ in range(ROUNDS):
            errors = [r.error for r in await engine.sync_all()]
            items = [i for i in store.run_sync(outbox.list_items) if i.account_id in networks]
            if not any(str(i.state) in PENDING for i in items):
                break
            due = store.run_sync(outbox.next_due_at)
            wait = (parse(due) - now()).total_seconds() if due else 0.0
            await asyncio.sleep(min(max(wait, 0.05), 5.0))
        states = [
            str(i.state) for i in store.run_sync(outbox.list_items) if i.account_id in networks
        ]
    finally:
        for network in networks.values():
            await network.aclose()
        store.close()
    print("SYNCED", json.dumps({"errors": errors, "outbox": states}), flush=True)
    return 0


HERE = Path(__file__).resolve().parent
#: The longest a fact may take to happen (a healthy one takes milliseconds).
PATIENCE_S = 60.0


def start(plan: dict, child: Path | None = None) -> subprocess.Popen:
    """Run ``child`` (this script unless another child names itself) with ``plan``."""
    paths = [str(HERE.parent), str(HERE), os.environ.get("PYTHONPATH")]
    return subprocess.Popen(
        [sys.executable, str(child or Path(__file__).resolve()), json.dumps(plan)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, paths))},
    )


def kill_when_held(process: subprocess.Popen, fault: Fault, what: str) -> None:
    """SIGKILL once the server holds the answer (a fact), then let the server go on."""
    if not fault.held.wait(PATIENCE_S):
        process.kill()
        raise AssertionError(f"never happened: {what}; child said {process.communicate()}")
    os.kill(process.pid, signal.SIGKILL)
    process.communicate(timeout=PATIENCE_S)
    assert process.returncode == -signal.SIGKILL
    fault.release.set()


def finish(process: subprocess.Popen) -> dict:
    out, err = process.communicate(timeout=PATIENCE_S * 2)
    assert process.returncode == 0, err[-3000:]
    return json.loads(out.split("SYNCED", 1)[1])


if __name__ == "__main__":
    sys.exit(asyncio.run(run(json.loads(sys.argv[1]))))
