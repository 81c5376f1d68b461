"""The contract between Microsoft 365 sign-in and the connectors that use it.

One Entra sign-in serves two APIs with different audiences: Microsoft Graph (Teams) and
Yammer (Viva Engage). A connector asks for a token for its ``Api``; the source answers
from its cache, refreshing silently, or raises ``app.errors.AuthError`` when only the
person can fix it (refresh token expired or revoked, consent withdrawn): the account
then needs sign-in and its outbox waits, nothing is lost.
"""

from __future__ import annotations

import enum
from typing import Protocol


class Api(enum.StrEnum):
    """The APIs a Microsoft 365 account reaches, each with its own token audience."""

    GRAPH = "graph"  # https://graph.microsoft.com (Teams channels)
    YAMMER = "yammer"  # https://api.yammer.com (Viva Engage REST v1)


class TokenSource(Protocol):
    async def access_token(self, api: Api) -> str:
        """A bearer token valid for ``api`` now; ``AuthError`` when sign-in is needed."""
        ...

    def invalidate(self, api: Api, token: str) -> None:
        """The API refused ``token`` (401): forget it, so the next call refreshes."""
        ...
