"""Builds the right connector for an account. One httpx.AsyncClient per account, injected."""

from __future__ import annotations

import httpx

from app.domain import Account
from app.errors import UserError
from app.networks.base import Network
from app.networks.sandbox import SandboxNetwork

#: Timeouts for every network call: connecting is quick or offline; reads may be slow.
#: httpx's read timeout restarts with every byte, so connectors also bound each request as
#: a whole and cap the size of an answer (``SandboxNetwork(deadline=, max_response_bytes=)``).
TIMEOUT = httpx.Timeout(20.0, connect=5.0)


def make_client() -> httpx.AsyncClient:
    """An HTTP client with no hidden retries (httpx never retries a request by itself)."""
    return httpx.AsyncClient(
        timeout=TIMEOUT, follow_redirects=False, headers={"User-Agent": "Fireside"}
    )


def build_network(account: Account, secret: str, client: httpx.AsyncClient) -> Network:
    if account.network == "sandbox":
        return SandboxNetwork(client, account.base_url, secret)
    raise UserError(
        f"Fireside does not know the network {account.network!r} of account {account.name!r}."
    )
