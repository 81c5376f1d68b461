"""A child process for test_wordpress_kills.py: one sync of the WordPress account as
``fireside sync`` or a routine pass runs it (the real connector, store and engine, no
window), so the test can SIGKILL it mid-way.

    python wordpress_child.py '{"db": ..., "url": ..., "login": ..., "password": ...,
                                "mode": "routine" | "rescan"}'

It prints ``SYNCED`` and, as JSON, the sync's error and the outbox states, and exits 0.
The application password comes in the plan: it is the test site's throwaway user's.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

import httpx

from app.domain import PullMode
from app.events import Events
from app.networks.wordpress import WordPressNetwork
from app.store import Store, outbox
from app.sync import Backoff, SyncEngine

ACCOUNT_ID = "wordpress-exec"  # servers/wordpress.py's


async def sync_once(plan: dict) -> dict:
    store = Store(Path(plan["db"]))
    client = httpx.AsyncClient(timeout=httpx.Timeout(60.0, connect=2.0))
    network = WordPressNetwork(client, plan["url"], plan["login"], plan["password"])
    backoff = Backoff(base=0.01, cap=0.05, max_attempts=5, max_wait=10.0)
    engine = SyncEngine(store, Events(), {ACCOUNT_ID: network}, backoff=backoff)
    try:
        report = await engine.sync(ACCOUNT_ID, PullMode(plan["mode"]))
        states = [item.state for item in store.run_sync(outbox.list_items)]
    finally:
        await network.aclose()
        store.close()
    return {"error": report.error, "outbox": states}


if __name__ == "__main__":
    outcome = asyncio.run(sync_once(json.loads(sys.argv[1])))
    print("SYNCED", json.dumps(outcome), flush=True)
