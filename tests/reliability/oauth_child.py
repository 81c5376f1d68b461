"""A child process for the kill tests of the OAuth networks (test_oauth_kills.py):
``fireside sync`` of Mastodon or Slack accounts, each built by its registered kind
(``registry.kind(...).build``: the production connector, token keeper and client) from
the keyring text of a test's token, with the real store and engine, no window.

    python oauth_child.py '{"db": ..., "ca": ..., "accounts": [{"id": ...,
        "kind": "mastodon"|"slack", "base": ..., "secret": ..., "settings": {...}}]}'

Like ``m365_child.py`` (whose ``start``, ``kill_when_held`` and ``finish`` the tests use),
it syncs until nothing waits in the outbox, prints ``SYNCED`` and the outbox states.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

from m365_child import settle

from app.networks import registry

CHILD = Path(__file__).resolve()


async def run(plan: dict) -> int:
    return await settle(
        plan,
        lambda entry, account, client: registry.build_network(account, entry["secret"], client),
    )


if __name__ == "__main__":
    sys.exit(asyncio.run(run(json.loads(sys.argv[1]))))
