"""What every emulated OAuth network's fixtures share (X, LinkedIn): an authority that
knows Fireside's public client, the emulator served over HTTPS on 127.0.0.1 with a
private CA the test browser trusts, and an account signed in through the suite's real
browser flow, its tokens in the (memory) keyring, built into a connector as the app's
registry builds it."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from fixtures.oauth_browser import FollowingBrowser

from app import secrets
from app.domain import Account
from app.networks import registry
from app.networks.registry import SignInMethod, SuiteRequest
from emulators.clock import EmulatorClock
from emulators.microsoft.apiserver import ApiServer, Emulator, make_pki
from emulators.oauth.authority import Authority, Client

#: Where Fireside's loopback redirect lands (any port: RFC 8252 7.3).
REDIRECT = "http://127.0.0.1/callback"


def authority_for(
    clock: EmulatorClock, client_id: str, scopes: tuple[str, ...], *, person: str, ttl_s: int
) -> Authority:
    """An authorization server that signs ``person`` in to Fireside's public client."""
    authority = Authority(clock, access_ttl_s=ttl_s, person=person)
    authority.register(Client(client_id, (REDIRECT,), frozenset(scopes)))
    return authority


@contextmanager
def served(
    emulator: Emulator, clock: EmulatorClock, folder: Path, browser: FollowingBrowser
) -> Iterator[ApiServer]:
    """The emulator on HTTPS with a CA of its own, trusted by the test browser; stopped
    at the end."""
    pki = make_pki(folder)
    api = ApiServer(emulator, pki, clock)
    browser.ca_file = pki.ca_file
    try:
        yield api
    finally:
        api.stop()


async def signed_in(
    api: ApiServer, suite: str, fields: Mapping[str, str], account_id: str
) -> Account:
    """The person signs in as they would; the account the app would store (its tokens
    in the keyring)."""
    async with api.client() as client:
        request = SuiteRequest(client, (suite,), SignInMethod.BROWSER, fields, lambda _c: None)
        signed = await registry.suite(suite).sign_in(request)
    secrets.set_secret(signed.secret_entry, signed.secret)
    made = signed.accounts[0]
    return Account(
        account_id,
        made.network,
        made.display_name,
        made.base_url,
        made.username,
        settings=dict(made.settings),
    )


def connector_of(
    account: Account,
    api: ApiServer,
    clock: EmulatorClock,
    build: Callable[[Account, str, Any, Callable[[], float]], Any],
) -> Any:
    """The account's connector as the registry builds it, on the emulator's clock."""
    secret = secrets.get_secret(registry.secret_entry(account)) or ""
    return build(account, secret, api.client(), clock)
