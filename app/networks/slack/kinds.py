"""Slack in the registry: its ``NetworkKind`` (``KIND``) and the browser sign-in that
adds an account (``SUITE``, one network).

The workspace admin creates and approves one Slack app for Fireside (README, For IT):
PKCE enabled (a public client: no secret on anyone's computer), the loopback redirect
``http://127.0.0.1/callback``, user scopes only (``USER_SCOPES``). The person types the
app's Client ID (or policy sets it: ``SlackClientId``) and signs in in the browser; then
they tick the channels Fireside reads among those they are in, and the one new posts go
to (``channels``; channel IDs typed on the form are taken as a first choice). The token
is the person's own user token: what Fireside posts, they posted.

Tokens: Slack's PKCE apps get rotating tokens (access 12 hours, refresh 30 days,
docs.slack.dev/authentication/using-pkce); ``TokenKeeper`` refreshes and keeps the new
pair in the keyring entry ``slack-<sign-in id>``. A refresh token past its 30 days, or
revoked, makes the account need sign-in; its outbox waits. Removing the account revokes
the token (``auth.revoke``).
"""

from __future__ import annotations

from typing import Any

import httpx

from app.domain import Account
from app.errors import SignInRefused
from app.networks.client_ids import SLACK
from app.networks.oauth import Provider, TokenKeeper, Tokens, sign_in_in_browser
from app.networks.oauth.keeper import authorized
from app.networks.oauth.kind import BrowserNetwork
from app.networks.registry import (
    ExtraField,
    SuiteAccount,
    SuiteRequest,
    SuiteSignIn,
    policy_presets,
)
from app.networks.slack.api import SLACK_API, SlackApi
from app.networks.slack.channels import CHANNELS, Channels, channels_of, is_channel_id

#: The Add Slack form's field for the app's Client ID (and the account setting keeping it).
CLIENT_ID = "client_id"
#: Not on the form: where Slack is (tests point them at an emulated workspace).
API_URL, OAUTH_URL = "api_url", "oauth_url"
SLACK_OAUTH = "https://slack.com"
ENTRY_PREFIX = "slack-"
#: Read and write the person's messages in the channels they name, and read names.
USER_SCOPES = (
    "channels:history",
    "groups:history",
    "channels:read",
    "groups:read",
    "chat:write",
    "users:read",
)


def field_problem(key: str, value: str) -> str | None:
    if not value:
        return None
    if key == CLIENT_ID:
        return SLACK.problem(value)
    if key == CHANNELS:
        bad = [c for c in channels_of(value) if not is_channel_id(c)]
        if bad:
            return (
                f"{bad[0]!r} is not a Slack channel ID (in Slack: the channel's name, "
                "About, at the bottom: Channel ID, like C024BE91L)"
            )
    return None


def read_token(body: dict[str, Any]) -> dict[str, Any]:
    """Slack's token answer (oauth.v2.access) in the RFC's shape: errors are HTTP 200
    ``ok: false``; the user token of a user-scope install is under ``authed_user``; a
    refresh answers it at the top level."""
    if body.get("ok") is not True:
        code = str(body.get("error") or "unknown_error")
        if code in ("invalid_refresh_token", "invalid_grant", "token_revoked", "token_expired"):
            code = "invalid_grant"
        return {"error": code, "error_description": str(body.get("error") or code)}
    found = body.get("team")
    team: dict[str, Any] = found if isinstance(found, dict) else {}
    user = body.get("authed_user")
    token = dict(user) if isinstance(user, dict) and user.get("access_token") else dict(body)
    if isinstance(user, dict) and user.get("id"):
        token["user_id"] = user["id"]
    token["team_id"] = str(team.get("id") or "")
    token.pop("authed_user", None)
    token.pop("team", None)
    token["token_type"] = "Bearer"
    return token


def provider(fields: dict[str, Any]) -> Provider:
    api = str(fields.get(API_URL) or SLACK_API).rstrip("/")
    oauth = str(fields.get(OAUTH_URL) or SLACK_OAUTH).rstrip("/")
    return Provider(
        name="Slack",
        authorize_url=f"{oauth}/oauth/v2/authorize",
        token_url=f"{api}/oauth.v2.access",
        client_id=str(fields.get(CLIENT_ID) or ""),
        scopes=USER_SCOPES,
        scope_param="user_scope",
        scope_separator=",",
        read_token=read_token,
    )


async def sign_in(request: SuiteRequest) -> SuiteSignIn:
    fields = dict(request.fields)
    if not fields.get(CLIENT_ID):
        raise SignInRefused(
            "Fireside needs your Slack admin's app for Fireside.",
            "Ask IT for its Client ID (README, For IT), or ask them to set it by policy.",
        )
    channels = channels_of(str(fields.get(CHANNELS) or ""))
    oauth = provider(fields)
    tokens = await sign_in_in_browser(request.client, oauth)
    sign_in_id = NETWORK.sign_in_id(request)
    keeper = TokenKeeper(
        request.client, oauth, NETWORK.entry_of(sign_in_id), tokens, save=_unsaved, load=_none
    )
    api = SlackApi(request.client, keeper, str(fields.get(API_URL) or SLACK_API))
    me = await api.read("auth.test")
    names = {}
    for channel in channels:  # each exists and the person is in it
        info = (await api.read("conversations.info", channel=channel)).get("channel") or {}
        names[channel] = f"#{info.get('name') or channel}"
    chosen = Channels(channels, channels[0] if channels else None, names)
    profile = await api.read("users.info", user=me["user_id"])
    person = profile.get("user") or {}
    name = (person.get("profile") or {}).get("real_name") or person.get("real_name") or me["user"]
    settings = {
        "sign_in": sign_in_id,
        "user_id": me["user_id"],
        "team_id": me["team_id"],
        "team_url": me["url"],
        CLIENT_ID: oauth.client_id,
        **chosen.settings(),
        **{k: fields[k] for k in (API_URL, OAUTH_URL) if fields.get(k)},
    }
    account = SuiteAccount("slack", me["url"], f"{me['user']}@{me['team']}", name, settings)
    return SuiteSignIn(NETWORK.entry_of(sign_in_id), keeper.tokens.to_secret(), (account,))


def _unsaved(entry: str, secret: str) -> None:
    """While signing in, the new tokens are saved by the caller with the account."""


def _none(entry: str) -> str | None:
    return None


def build(account: Account, secret: str, client: httpx.AsyncClient) -> Any:
    from app.networks.slack.connector import SlackNetwork

    return SlackNetwork(
        client,
        NETWORK.keeper(client, provider(account.settings), account, secret),
        user_id=str(account.settings.get("user_id") or ""),
        channels=Channels.from_settings(account.settings),
        team_url=str(account.settings.get("team_url") or ""),
        base_url=str(account.settings.get(API_URL) or SLACK_API),
    )


async def sign_out(client: httpx.AsyncClient, account: Account, secret: str) -> None:
    """``auth.revoke`` with the token itself (it answers ``revoked: true``)."""
    keeper = TokenKeeper(
        client,
        provider(account.settings),
        NETWORK.secret_entry(account),
        Tokens.from_secret(secret),
        save=_unsaved,
    )
    api = SlackApi(client, keeper, str(account.settings.get(API_URL) or SLACK_API))
    await authorized(api.http, keeper, "GET", f"{api.base}/auth.revoke", what="auth.revoke")


NETWORK = BrowserNetwork(
    id="slack",
    display_name="Slack",
    kind_help="Signed in to Slack in the browser, through your workspace's app for Fireside.",
    suite_help=(
        "Sign in as yourself through your workspace's app for Fireside (your Slack admin "
        "installs it). After signing in, tick the channels Fireside reads and choose where "
        "new posts go."
    ),
    fields=(
        ExtraField(CLIENT_ID, "App's Client ID", "from your Slack admin", required=True),
        ExtraField(CHANNELS, "Channel IDs (optional)", "or choose them after signing in"),
    ),
    field_problem=field_problem,
    sign_in=sign_in,
    build=build,
    url_label="Workspace",
    presets=policy_presets({CLIENT_ID: SLACK.policy_key}),
    entry_prefix=ENTRY_PREFIX,
    sign_out=sign_out,
    revoke_by_hand=(
        "open Slack's Settings & administration → Manage apps → Fireside and remove your "
        "authorization"
    ),
    who=lambda tokens: (
        f"user {tokens.extra.get('user_id', '?')} in team {tokens.extra.get('team_id', '?')}"
    ),
    refresh_note="(Slack ends it 30 days after it was issued)",
)
KIND = NETWORK.kind()
SUITE = NETWORK.suite()
