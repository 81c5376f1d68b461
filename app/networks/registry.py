"""The networks Fireside can connect to, and how to build a connector for an account.

Each network's module exports a ``KIND`` (:class:`NetworkKind`): what the Accounts
dialog asks for, how signing in turns a password into a secret for the keyring, and how
to build the connector. The built-in sandbox (``app.networks.sandbox``) is a kind like the
others, marked ``builtin``: the app runs it and signs in to it while there is no real
account, so it is never offered to add by hand and keeps no secret in the keyring.
"""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from app.domain import Account
from app.errors import UserError
from app.networks.base import Network

if TYPE_CHECKING:  # httpx loads with the first connector, not with every start
    import httpx


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
    #: Fireside's own network (the sandbox): the app starts it and signs in to it by itself,
    #: it is not offered to add by hand, and it keeps no secret in the keyring.
    builtin: bool = False


#: network id -> module exporting its KIND, imported on first use.
_MODULES = {
    "sandbox": "app.networks.sandbox",
    "wordpress": "app.networks.wordpress",
    "matrix": "app.networks.matrix",
}
#: Every network Fireside knows, by id (the ids managed policy may name).
NETWORK_IDS = tuple(_MODULES)


def kind(network: str) -> NetworkKind:
    """The NetworkKind of a network; UserError for one Fireside does not know."""
    module = _MODULES.get(network)
    if module is None:
        raise UserError(f"Fireside does not know the network {network!r}.")
    return importlib.import_module(module).KIND


def is_builtin(network: str) -> bool:
    """Is ``network`` Fireside's own (``NetworkKind.builtin``)? False for a network this
    Fireside does not know or cannot load."""
    try:
        return kind(network).builtin
    except (UserError, ImportError):
        return False


def build_network(account: Account, secret: str, client: httpx.AsyncClient) -> Network:
    return kind(account.network).build(account, secret, client)
