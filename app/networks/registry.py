"""The networks Fireside can connect to, and how to build a connector for an account.

Each real network's module exports a ``KIND`` (:class:`NetworkKind`): what the Accounts
dialog asks for, how signing in turns a password into a secret for the keyring, and how
to build the connector. The built-in sandbox is not in ``KINDS``: it is never added by
hand, the app runs it when there are no accounts.
"""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import httpx

from app.domain import Account
from app.errors import UserError
from app.networks.base import Network
from app.networks.sandbox import SandboxNetwork


@dataclass(frozen=True)
class SignIn:
    """What signing in produced: ``secret`` goes to the OS keyring and nowhere else;
    ``settings`` (never a secret) is stored with the account."""

    secret: str
    username: str
    display_name: str
    settings: dict = field(default_factory=dict)


@dataclass(frozen=True)
class ExtraField:
    """A network-specific, non-secret field of the Accounts dialog (Matrix room...)."""

    key: str
    label: str
    placeholder: str = ""
    required: bool = False


@dataclass(frozen=True)
class NetworkKind:
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


#: network id -> module exporting its KIND, imported on first use.
_MODULES = {"wordpress": "app.networks.wordpress", "matrix": "app.networks.matrix"}
KINDS = tuple(_MODULES)


def kind(network: str) -> NetworkKind:
    """The NetworkKind of a real network; UserError for one Fireside does not know."""
    module = _MODULES.get(network)
    if module is None:
        raise UserError(f"Fireside does not know the network {network!r}.")
    return importlib.import_module(module).KIND


def build_network(account: Account, secret: str, client: httpx.AsyncClient) -> Network:
    if account.network == "sandbox":
        return SandboxNetwork(client, account.base_url, secret)
    return kind(account.network).build(account, secret, client)
