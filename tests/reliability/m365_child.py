"""A child process for test_m365_kills.py: ``fireside sync`` of one Microsoft 365 account
(the real connector built by ``build_yammer``/``build_teams``, the real store and engine,
no window) against an emulator, so the test can SIGKILL it mid-send.

    python m365_child.py '{"db": ..., "kind": "yammer"|"teams", "base": ..., "ca": ...,
                           "token": ..., "settings": {...}}'

It syncs until nothing waits in the outbox (each round waits at most until the next item
falls due, bounded), prints ``SYNCED`` and the outbox states as JSON, and exits 0. The token
comes in the plan: a test's throwaway token from the emulators' TokenBook (the MSAL sign-in
is not part of this test).
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

from emulators.microsoft.booktokens import StaticTokens

from app.domain import Account
from app.events import Events
from app.networks.connection import ConnectionSettings, make_client
from app.networks.microsoft.teams import build_teams
from app.networks.microsoft.tokens import Api
from app.networks.microsoft.yammer import build_yammer
from app.store import Store, outbox
from app.sync import Backoff, SyncEngine
from app.timeutil import now, parse

ACCOUNT_ID = "m365"
PENDING = {"queued", "sending", "unknown"}
ROUNDS = 20


async def run(plan: dict) -> int:
    store = Store(Path(plan["db"]))
    kind = plan["kind"]
    account = Account(ACCOUNT_ID, kind, "Microsoft 365", plan["base"], settings=plan["settings"])
    api = Api.YAMMER if kind == "yammer" else Api.GRAPH
    client = make_client(ConnectionSettings(proxy="none", extra_ca_files=(plan["ca"],)))
    build = build_yammer if kind == "yammer" else build_teams
    network = build(account, StaticTokens({api: plan["token"]}), client)
    backoff = Backoff(base=0.05, cap=0.5, max_attempts=8, max_wait=60.0)
    engine = SyncEngine(store, Events(), {ACCOUNT_ID: network}, backoff=backoff)
    error = None
    try:
        for _ in range(ROUNDS):
            report = await engine.sync(ACCOUNT_ID)
            error = report.error
            items = store.run_sync(outbox.list_items)
            if not any(str(i.state) in PENDING for i in items):
                break
            due = store.run_sync(outbox.next_due_at)
            wait = (parse(due) - now()).total_seconds() if due else 0.0
            await asyncio.sleep(min(max(wait, 0.05), 5.0))
        states = [str(i.state) for i in store.run_sync(outbox.list_items)]
    finally:
        await network.aclose()
        store.close()
    print("SYNCED", json.dumps({"error": error, "outbox": states}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(run(json.loads(sys.argv[1]))))
