"""A child process for test_matrix_kills.py: one ``fireside sync`` of a Matrix account
(the real connector, store and engine, no window), so the test can SIGKILL it mid-way.

    python matrix_child.py '{"db": ..., "url": ..., "token": ..., "settings": {...}}'

It syncs the account once (push, pull, push), prints ``SYNCED`` and the outbox states as
JSON, and exits 0. The token comes in the plan: this is a test's throwaway account.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

import httpx

from app.events import Events
from app.networks.matrix import MatrixNetwork
from app.store import Store, outbox
from app.sync import Backoff, SyncEngine

ACCOUNT_ID = "matrix-dana"  # servers/synapse.py's


async def run(plan: dict) -> int:
    store = Store(Path(plan["db"]))
    settings = plan["settings"]
    client = httpx.AsyncClient(timeout=httpx.Timeout(60.0, connect=2.0))
    network = MatrixNetwork(
        client,
        plan["url"],
        plan["token"],
        user_id=settings["user_id"],
        device_id=settings["device_id"],
        room=settings["room"],
    )
    backoff = Backoff(base=0.01, cap=0.05, max_attempts=5, max_wait=10.0)
    engine = SyncEngine(store, Events(), {ACCOUNT_ID: network}, backoff=backoff)
    try:
        report = await engine.sync(ACCOUNT_ID)
        states = [item.state for item in store.run_sync(outbox.list_items)]
    finally:
        await network.aclose()
        store.close()
    print("SYNCED", json.dumps({"error": report.error, "outbox": states}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(run(json.loads(sys.argv[1]))))
