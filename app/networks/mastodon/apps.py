"""Fireside's app registration on each Mastodon server, kept per server.

Mastodon has no central app registry: a client registers itself on every server it uses
(``POST /api/v1/apps``, ``methods/apps.md``), which answers a client id and a client
secret. Fireside registers once per server, with the loopback redirect
``http://127.0.0.1/callback`` (Mastodon's OAuth, Doorkeeper, lets a loopback redirect
take any port at sign-in, RFC 8252 7.3) and only the scopes it asks for, and keeps the
registration in the OS keyring under ``mastodon-app-<host>``: every account on that server
signs in through it. A server that no longer knows the app (``invalid_client``) gets a
new registration, once.
"""

from __future__ import annotations

import asyncio
import json
import logging

import httpx
import msgspec

from app import secrets
from app.errors import BadResponse, SecretStoreError
from app.networks.http import HttpTransport, Malformed, field
from app.networks.mastodon.api import error_text, host_of

log = logging.getLogger(__name__)

#: The narrowest scopes that do Fireside's work (api/oauth-scopes.md): read and write
#: statuses, read mention notifications, and ``profile`` (4.3+) for who signed in.
SCOPES = ("read:statuses", "write:statuses", "read:notifications", "profile")
REDIRECT_URI = "http://127.0.0.1/callback"
CLIENT_NAME = "Fireside"
WEBSITE = "https://fireside.app"


class App(msgspec.Struct, frozen=True):
    client_id: str
    client_secret: str

    def to_secret(self) -> str:
        return json.dumps({"client_id": self.client_id, "client_secret": self.client_secret})

    @classmethod
    def from_secret(cls, text: str) -> App | None:
        try:
            data = json.loads(text)
            return cls(str(data["client_id"]), str(data["client_secret"]))
        except (ValueError, KeyError, TypeError):
            return None


def entry_name(base_url: str) -> str:
    return f"mastodon-app-{host_of(base_url).lower()}"


async def app_for(client: httpx.AsyncClient, base_url: str, *, fresh: bool = False) -> App:
    """The app registered on this server: kept, or registered now and kept."""
    entry = entry_name(base_url)
    if not fresh:
        stored = await asyncio.to_thread(secrets.get_secret, entry)
        kept = App.from_secret(stored) if stored else None
        if kept is not None:
            return kept
    app = await register(client, base_url)
    try:
        await asyncio.to_thread(secrets.set_secret, entry, app.to_secret())
    except SecretStoreError as exc:  # it still works for this sign-in
        log.warning("could not keep the Mastodon app of %s: %s", host_of(base_url), exc)
    return app


async def register(client: httpx.AsyncClient, base_url: str) -> App:
    http = HttpTransport(client, f"Mastodon at {host_of(base_url)}", error_text=error_text)
    data = await http.call(
        "POST",
        f"{base_url.rstrip('/')}/api/v1/apps",
        what="POST /api/v1/apps",
        json={
            "client_name": CLIENT_NAME,
            "redirect_uris": [REDIRECT_URI],
            "scopes": " ".join(SCOPES),
            "website": WEBSITE,
        },
    )
    try:
        return App(field(data, "client_id"), field(data, "client_secret"))
    except (Malformed, AttributeError) as exc:
        raise BadResponse(
            f"{http.service} answered the app registration without a client id and secret."
        ) from exc
