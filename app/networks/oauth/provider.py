"""A network's OAuth 2.0 facts: its endpoints, client, scopes and quirks.

Networks differ in small ways from RFC 6749: Slack names user scopes ``user_scope`` and
separates them with commas, and nests the user's token in ``authed_user`` with HTTP 200
``{"ok": false}`` for errors. Those differences are data here (``scope_param``,
``scope_separator``) or a hook (``read_token``: the token endpoint's JSON as the RFC
shapes it), so the flow itself stays authlib's.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import msgspec

#: read_token(body) -> the RFC 6749 token response (access_token, refresh_token,
#: expires_in, scope...) or {"error": ..., "error_description": ...}; extra keys kept.
TokenReader = Callable[[dict[str, Any]], dict[str, Any]]


class Provider(msgspec.Struct, frozen=True):
    """``name`` names the service in messages ("Mastodon at social.example").
    ``client_secret`` is None for a public client (PKCE alone, as Slack's and X's desktop
    apps are); a confidential client sends it in the body (``client_secret_post``)."""

    name: str
    authorize_url: str
    token_url: str
    client_id: str
    scopes: tuple[str, ...]
    client_secret: str | None = None
    revoke_url: str = ""
    scope_param: str = "scope"
    scope_separator: str = " "
    #: Extra query parameters of the authorization URL (``team``, ``force_login``...).
    authorize_params: Mapping[str, str] = msgspec.field(default_factory=dict)
    #: The host the redirect URI names: the listener always binds 127.0.0.1, but some
    #: services only accept "localhost" in a registered redirect (RFC 8252 7.3).
    redirect_host: str = "127.0.0.1"
    redirect_path: str = "/callback"
    read_token: TokenReader | None = None

    @property
    def scope(self) -> str:
        return self.scope_separator.join(self.scopes)
