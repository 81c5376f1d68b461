"""The networks Fireside can connect to, and how to build a connector for an account.

Each network's module exports a ``KIND`` (:class:`NetworkKind`): what the Accounts
dialog asks for, how signing in turns a password into a secret for the keyring, and how
to build the connector. The built-in sandbox (``app.networks.sandbox``) is a kind like the
others, marked ``builtin``: the app runs it and signs in to it while there is no real
account, so it is never offered to add by hand and keeps no secret in the keyring.

Some networks are added through an online sign-in rather than a typed password: a
:class:`Suite` (Microsoft 365 adds Viva Engage and Teams; Mastodon adds one account, after
the person names their server) signs in once in the browser (or with a device code,
where ``Suite.methods`` offers it), and its :class:`SuiteSignIn` yields one account per
network, all sharing one keyring entry (``NetworkKind.secret_entry``). Each account keeps
its own connector, so the engine stays one connector per account.
"""

from __future__ import annotations

import enum
import importlib
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any

import msgspec

from app.domain import Account
from app.errors import UserError
from app.networks.base import Network

if TYPE_CHECKING:  # httpx loads with the first connector, not with every start
    import httpx


class SignIn(msgspec.Struct, frozen=True):
    """What signing in produced: ``secret`` goes to the OS keyring and nowhere else;
    ``settings`` (never a secret) is stored with the account."""

    secret: str
    username: str
    display_name: str
    settings: dict = msgspec.field(default_factory=dict)


class ExtraField(msgspec.Struct, frozen=True):
    """A network-specific, non-secret field of the Accounts dialog (Matrix room...)."""

    key: str
    label: str
    placeholder: str = ""
    required: bool = False


class NetworkKind(msgspec.Struct, frozen=True):
    id: str  # "wordpress"
    display_name: str  # "WordPress"
    url_label: str  # "Site address"
    url_placeholder: str  # "https://blog.example.com"
    username_label: str
    password_label: str  # "Application password"
    help: str  # one sentence: where the user gets these credentials
    #: sign_in(client, base_url, username, password, extra) -> SignIn; raises app.errors
    #: (OfflineError, TlsError, WrongService, AuthError, PermissionDenied...). ``extra``
    #: holds the form's extra fields and, when signing in again, the account's settings.
    sign_in: Callable[[httpx.AsyncClient, str, str, str, dict], Awaitable[SignIn]]
    #: build(account, secret, client) -> the connector
    build: Callable[[Account, str, httpx.AsyncClient], Network]
    extra_fields: tuple[ExtraField, ...] = ()
    #: test_sign_in(...), as ``sign_in``, for "Test connection": signs in only to check
    #: the credentials and leaves nothing on the server (Matrix signs out the device its
    #: login made). None when ``sign_in`` itself makes nothing there (WordPress: the
    #: application password is the user's own).
    test_sign_in: Callable[[httpx.AsyncClient, str, str, str, dict], Awaitable[SignIn]] | None = (
        None
    )
    #: sign_out(client, account, secret): revoke on the server what signing in made (the
    #: Matrix device and its token, the WordPress application password), so a removed
    #: account leaves no credential that still works; raises app.errors when it cannot.
    #: None for a network with nothing to revoke.
    sign_out: Callable[[httpx.AsyncClient, Account, str], Awaitable[None]] | None = None
    #: With ``sign_out``: how the user revokes the credential by hand when Fireside could
    #: not, finishing "To revoke it by hand, ..." ("open Settings → Sessions ...").
    revoke_by_hand: str = ""
    #: Fireside's own network (the sandbox): the app starts it and signs in to it by itself,
    #: it is not offered to add by hand, and it keeps no secret in the keyring.
    builtin: bool = False
    #: The id of the Suite that adds accounts on this network ("" : the password form).
    suite: str = ""
    #: The keyring entry holding an account's secret, when accounts share one (a suite's
    #: sign-in); None: the account's own entry (its id).
    secret_entry: Callable[[Account], str] | None = None
    #: describe_secret(secret) -> lines ``fireside doctor`` shows about a stored secret
    #: (who signed in, scopes, expiry), never the secret nor a token; None: nothing shown.
    describe_secret: Callable[[str], list[str]] | None = None
    #: Bridged by hand (``app.networks.bridge``): comments arrive by paste, replies leave
    #: by the person's hand; no sign-in, no secret, never offered in the password form.
    by_hand: bool = False
    #: The network names the people who comment; False: it shows them by an id only
    #: (LinkedIn's member URNs), so a reply cannot call them by name.
    names_people: bool = True


class SignInMethod(enum.StrEnum):
    """How a suite's online sign-in reaches the person."""

    BROWSER = "browser"  # the system browser, back to a loopback address (code + PKCE)
    DEVICE_CODE = "device_code"  # a code typed on any device's browser


class DeviceCode(msgspec.Struct, frozen=True):
    """What the person types, and where; the dialog shows both."""

    user_code: str
    verification_uri: str
    expires_at: float
    message: str


class SuiteRequest(msgspec.Struct, frozen=True):
    """One online sign-in. ``fields`` are the suite's fields (tenant...) as the form or
    policy set them; ``login_hint`` and ``secret_entry`` are set when signing in again."""

    client: httpx.AsyncClient
    networks: tuple[str, ...]
    method: SignInMethod
    fields: Mapping[str, str]
    on_device_code: Callable[[DeviceCode], None]
    login_hint: str = ""
    secret_entry: str = ""


class SuiteAccount(msgspec.Struct, frozen=True):
    """One account a suite's sign-in made; ``settings`` never hold a secret."""

    network: str
    base_url: str
    username: str
    display_name: str
    settings: Mapping[str, Any] = msgspec.field(default_factory=dict)


class SuiteSignIn(msgspec.Struct, frozen=True):
    """What a suite's sign-in produced: ``secret`` goes to the keyring entry
    ``secret_entry`` and nowhere else; ``accounts`` one per network that signed in;
    ``refused`` says, per network asked for that did not, why (plain words)."""

    secret_entry: str
    secret: str
    accounts: tuple[SuiteAccount, ...]
    refused: Mapping[str, str] = msgspec.field(default_factory=dict)


class Suite(msgspec.Struct, frozen=True):
    id: str  # "microsoft365"
    display_name: str  # "Microsoft 365"
    networks: tuple[str, ...]  # the networks one sign-in adds, in the dialog's order
    help: str
    #: Fields the form shows (tenant, client id); policy may preset and lock them.
    fields: tuple[ExtraField, ...]
    #: presets(policy) -> {field key: (value, locked reason or None)}
    presets: Callable[[Any], Mapping[str, tuple[str, str | None]]]
    #: field_problem(key, value) -> why the value cannot be used, or None
    field_problem: Callable[[str, str], str | None]
    sign_in: Callable[[SuiteRequest], Awaitable[SuiteSignIn]]
    #: The ways this sign-in can reach the person (the form offers only these).
    methods: tuple[SignInMethod, ...] = (SignInMethod.BROWSER, SignInMethod.DEVICE_CODE)


def policy_presets(
    keys: Mapping[str, str],
) -> Callable[[Any], Mapping[str, tuple[str, str | None]]]:
    """``Suite.presets`` for a form whose fields policy may set: ``keys`` maps each field
    to its policy key; a field policy sets gets (value, why it is locked or None)."""

    def presets(policy: Any) -> Mapping[str, tuple[str, str | None]]:
        found = {}
        for key, policy_key in keys.items():
            value = policy.value(policy_key)
            if value:
                found[key] = (str(value), policy.locked(policy_key))
        return found

    return presets


#: network id -> module exporting its KIND (or "module:NAME"), imported on first use.
_MODULES = {
    "sandbox": "app.networks.sandbox",
    "wordpress": "app.networks.wordpress",
    "matrix": "app.networks.matrix",
    "yammer": "app.networks.microsoft.kinds:YAMMER",
    "teams": "app.networks.microsoft.kinds:TEAMS",
    "x": "app.networks.x",
    "linkedin": "app.networks.linkedin",
    "bridge": "app.networks.bridge",
    "mastodon": "app.networks.mastodon.kinds:KIND",
    "slack": "app.networks.slack.kinds:KIND",
}
#: Every network Fireside knows, by id (the ids managed policy may name).
NETWORK_IDS = tuple(_MODULES)
#: suite id -> "module:NAME" of its Suite.
_SUITES = {
    "microsoft365": "app.networks.microsoft.kinds:SUITE",
    "x": "app.networks.x:SUITE",
    "linkedin": "app.networks.linkedin:SUITE",
    "mastodon": "app.networks.mastodon.kinds:SUITE",
    "slack": "app.networks.slack.kinds:SUITE",
}
SUITE_IDS = tuple(_SUITES)


def _load(path: str, default_name: str) -> Any:
    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name or default_name)


def kind(network: str) -> NetworkKind:
    """The NetworkKind of a network; UserError for one Fireside does not know."""
    module = _MODULES.get(network)
    if module is None:
        raise UserError(f"Fireside does not know the network {network!r}.")
    return _load(module, "KIND")


def suite(suite_id: str) -> Suite:
    """A Suite by id; UserError for one Fireside does not know."""
    path = _SUITES.get(suite_id)
    if path is None:
        raise UserError(f"Fireside does not know the sign-in {suite_id!r}.")
    return _load(path, "SUITE")


def secret_entry(account: Account) -> str:
    """The keyring entry of an account's secret (its id, unless its kind shares one)."""
    try:
        entry = kind(account.network).secret_entry
    except (UserError, ImportError):
        return account.id
    return account.id if entry is None else entry(account)


def is_builtin(network: str) -> bool:
    """Is ``network`` Fireside's own (``NetworkKind.builtin``)? False for a network this
    Fireside does not know or cannot load."""
    try:
        return kind(network).builtin
    except (UserError, ImportError):
        return False


def is_by_hand(network: str) -> bool:
    """Is ``network`` bridged by hand (``NetworkKind.by_hand``)? False for a network this
    Fireside does not know or cannot load."""
    try:
        return kind(network).by_hand
    except (UserError, ImportError):
        return False


def names_people(network: str) -> bool:
    """Does ``network`` name its commenters (``NetworkKind.names_people``)? True for a
    network this Fireside does not know or cannot load: its names are shown as given."""
    try:
        return kind(network).names_people
    except (UserError, ImportError):
        return True


def build_network(account: Account, secret: str, client: httpx.AsyncClient) -> Network:
    return kind(account.network).build(account, secret, client)
