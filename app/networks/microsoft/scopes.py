"""What Fireside asks Microsoft Entra ID for, per API, and why (README "For IT" lists it).

Graph scopes are written short ("User.Read"): Entra reads a scope without a resource as
Microsoft Graph's and answers with the short form, which MSAL's cache then matches.

Yammer (Viva Engage REST v1): Microsoft's "Register an Entra application" page for the
Yammer API (learn.microsoft.com/rest/api/yammer/app-registration) says only delegated
access exists, with the single delegated permission ``access_as_user`` of the API named
"Yammer"; its "Implement Authentication" page (…/rest/api/yammer/authentication-1) names
the resource ``https://www.yammer.com`` (``https://www.yammer.com/.default``). We ask for
the named permission, ``https://www.yammer.com/access_as_user``, rather than ``.default``:
it works whether IT listed the permission in the registration or not (the user or an
admin consents to it at sign-in), where ``.default`` gets only what IT listed. (The issue
guessed ``https://api.yammer.com/user_impersonation``; no Microsoft page names that.)

``offline_access``, ``openid`` and ``profile`` are added by MSAL to every request (it
refuses them in a scope list), so the refresh token that keeps the account signed in is
always asked for.
"""

from __future__ import annotations

from app.networks.microsoft.tokens import Api

GRAPH_SCOPES = (
    "User.Read",  # who signed in (name, user id)
    "Team.ReadBasic.All",  # the teams the person is in, to pick from
    "Channel.ReadBasic.All",  # their channels, to pick from
    "ChannelMessage.Read.All",  # channel posts and replies, and their delta
    "ChannelMessage.Send",  # post and reply
    "ChannelMessage.ReadWrite",  # edit (PATCH) and soft delete
)
YAMMER_RESOURCE = "https://www.yammer.com"
YAMMER_SCOPES = (f"{YAMMER_RESOURCE}/access_as_user",)

SCOPES: dict[Api, tuple[str, ...]] = {Api.GRAPH: GRAPH_SCOPES, Api.YAMMER: YAMMER_SCOPES}

#: Scopes MSAL adds by itself (and refuses to be given).
RESERVED = frozenset({"openid", "profile", "offline_access"})


def granted(scope_text: str) -> tuple[str, ...]:
    """The scopes of a token as MSAL's cache records them ("target"), reserved ones left
    out, in a stable order."""
    return tuple(sorted(s for s in scope_text.split() if s.lower() not in RESERVED))
