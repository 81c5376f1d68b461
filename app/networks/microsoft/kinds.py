"""Microsoft 365 in the registry: the ``SUITE`` that signs in once and adds Viva Engage
and Teams, and their two ``NetworkKind``s (``YAMMER``, ``TEAMS``).

Why two accounts sharing one sign-in rather than one account with two services: the sync
engine keeps one connector per account, and each connector one ``Capabilities`` (Viva
Engage cannot edit, Teams threads are two levels deep...); one account per service keeps
the engine, the outbox and AccountManager as they are, and lets IT allow or block each
service by its network id. What the two share is the sign-in: one MSAL token cache in
one keyring entry (``cache.entry_name``), named in both accounts' settings (``sign_in``),
so one refresh token serves both and removing the last of them forgets it.

The connectors live in ``yammer.py`` and ``teams.py`` (``build_yammer`` and
``build_teams``, each ``(account, tokens, client) -> Network``), imported when an account
is connected.
"""

from __future__ import annotations

import importlib
import time
import uuid
from collections.abc import Mapping
from typing import Any

from app.domain import Account
from app.errors import FiresideError, SignInRefused, UserError
from app.networks.microsoft import cache as caches
from app.networks.microsoft import config, signin
from app.networks.microsoft.tokens import Api
from app.networks.registry import (
    ExtraField,
    NetworkKind,
    SignIn,
    SignInMethod,
    Suite,
    SuiteAccount,
    SuiteRequest,
    SuiteSignIn,
    policy_presets,
)

#: Fields of the Microsoft 365 form, and the policy keys that preset them.
TENANT, CLIENT_ID, AUTHORITY_HOST = "tenant", "client_id", "authority_host"
GRAPH_URL, YAMMER_URL = "graph_url", "yammer_url"
POLICY_KEYS = {
    TENANT: "Microsoft365TenantId",
    CLIENT_ID: "Microsoft365ClientId",
    AUTHORITY_HOST: "Microsoft365AuthorityHost",
}
_API = {"yammer": Api.YAMMER, "teams": Api.GRAPH}
_NAMES = {"yammer": "Viva Engage", "teams": "Microsoft Teams"}


def entra_of(fields: Mapping[str, Any]) -> config.EntraApp:
    """The app registration a form, a policy or an account's settings name."""
    return config.EntraApp(
        tenant=str(fields.get(TENANT) or config.DEFAULT_TENANT),
        client_id=str(fields.get(CLIENT_ID) or config.PLACEHOLDER_CLIENT_ID),
        authority_host=str(fields.get(AUTHORITY_HOST) or config.DEFAULT_AUTHORITY_HOST),
        graph_url=str(fields.get(GRAPH_URL) or config.GRAPH_URL),
        yammer_url=str(fields.get(YAMMER_URL) or config.YAMMER_URL),
    )


def field_problem(key: str, value: str) -> str | None:
    if not value:
        return None
    check = {
        TENANT: config.tenant_problem,
        CLIENT_ID: config.client_id_problem,
        AUTHORITY_HOST: config.authority_host_problem,
    }.get(key)
    return check(value) if check else None


async def sign_in(request: SuiteRequest) -> SuiteSignIn:
    """One sign-in for every network asked for; a network whose token Entra refuses is
    left out (``refused`` says why) unless none signs in, which raises."""
    entra = entra_of(request.fields)
    if not entra.registered:
        raise SignInRefused(
            "Fireside has no Microsoft 365 app registration in your organisation yet.",
            "Ask IT to register Fireside (README, For IT) and set its application (client) "
            "ID by policy, or type the ID IT gave you.",
            "",
            None,
        )
    networks = tuple(n for n in ("teams", "yammer") if n in request.networks)
    if not networks:
        raise UserError("Choose Viva Engage, Teams or both.")
    sign_in_id = (
        request.secret_entry.removeprefix(caches.ENTRY_PREFIX)
        if request.secret_entry
        else uuid.uuid4().hex[:12]
    )
    entry = caches.entry_name(sign_in_id)
    cache = caches.KeyringTokenCache(entry, save=lambda *_: None)
    apis = tuple(_API[n] for n in networks)
    if request.method is SignInMethod.DEVICE_CODE:
        who = await signin.sign_in_with_code(
            entra, cache, request.client, apis, request.on_device_code
        )
    else:
        who = await signin.sign_in_in_browser(
            entra, cache, request.client, apis, request.login_hint
        )
    tokens = signin.MsalTokenSource(entra, who.home_account_id, cache, request.client)
    accounts: list[SuiteAccount] = []
    refused: dict[str, FiresideError] = {}
    for network in networks:
        try:
            await tokens.access_token(_API[network])
        except FiresideError as exc:
            refused[network] = exc
            continue
        accounts.append(_account(network, entra, who, sign_in_id))
    if not accounts:
        raise next(iter(refused.values()))
    why: dict[str, str] = {n: f"{_NAMES[n]}: {exc}" for n, exc in refused.items()}
    return SuiteSignIn(entry, cache.serialize(), tuple(accounts), why)


def _account(
    network: str, entra: config.EntraApp, who: signin.SignedIn, sign_in_id: str
) -> SuiteAccount:
    base_url = entra.yammer_url if network == "yammer" else entra.graph_url
    return SuiteAccount(
        network,
        base_url,
        who.username,
        who.display_name,
        {
            "sign_in": sign_in_id,
            "home_account_id": who.home_account_id,
            "tenant_id": who.tenant_id,
            TENANT: entra.tenant,
            CLIENT_ID: entra.client_id,
            AUTHORITY_HOST: entra.authority_host,
        },
    )


def secret_entry(account: Account) -> str:
    return caches.entry_name(str(account.settings.get("sign_in") or account.id))


def token_source(account: Account, secret: str, client: Any) -> signin.MsalTokenSource:
    """The account's TokenSource over the cache its sign-in shares (``secret`` is the
    serialized cache the keyring holds)."""
    cache = caches.shared(secret_entry(account), secret)
    home = str(account.settings.get("home_account_id") or "")
    return signin.MsalTokenSource(entra_of(account.settings), home, cache, client)


def _build(connector: str, factory: str):
    def build(account: Account, secret: str, client: Any) -> Any:
        module = importlib.import_module(f"app.networks.microsoft.{connector}")
        return getattr(module, factory)(account, token_source(account, secret, client), client)

    return build


async def _password_sign_in(*_: Any) -> SignIn:
    raise UserError("Microsoft 365 accounts are added with Add Microsoft 365, in the browser.")


def describe(secret: str) -> list[str]:
    """What doctor shows of a sign-in's cache: who, whether a refresh token is kept, and
    each access token's scopes and expiry (UTC); never a token."""
    lines = []
    for who in caches.summarize(secret):
        refresh = "refresh token kept" if who.has_refresh_token else "NO refresh token"
        lines.append(f"Microsoft 365 sign-in: {who.username or who.home_account_id}; {refresh}")
        for token in who.tokens:
            when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(token.expires_at))
            state = "expired" if token.expires_at <= time.time() else "expires"
            lines.append(f"  access token {state} {when}; scopes: {', '.join(token.scopes)}")
    return lines or ["Microsoft 365 sign-in: the saved cache holds no account"]


def _kind(network: str, connector: str, factory: str) -> NetworkKind:
    return NetworkKind(
        id=network,
        display_name=_NAMES[network],
        url_label="Address",
        url_placeholder="",
        username_label="Work account",
        password_label="",
        help="Signed in through Microsoft 365.",
        sign_in=_password_sign_in,
        build=_build(connector, factory),
        suite="microsoft365",
        secret_entry=secret_entry,
        describe_secret=describe,
    )


YAMMER = _kind("yammer", "yammer", "build_yammer")
TEAMS = _kind("teams", "teams", "build_teams")

SUITE = Suite(
    id="microsoft365",
    display_name="Microsoft 365",
    networks=("yammer", "teams"),
    help=(
        "Sign in once with your work account: Fireside opens your browser (or shows a code "
        "to enter on any device) and adds Viva Engage and Teams."
    ),
    fields=(
        ExtraField(TENANT, "Organisation (tenant)", "contoso.com or organizations"),
        ExtraField(CLIENT_ID, "Application (client) ID", "from your IT department"),
    ),
    presets=policy_presets(POLICY_KEYS),
    field_problem=field_problem,
    sign_in=sign_in,
)
