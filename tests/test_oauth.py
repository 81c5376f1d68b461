"""The OAuth module against an RFC-shaped authorization server over HTTPS (private CA):
the browser sign-in with PKCE S256 and a loopback redirect, silent refresh written back
to the keyring, rotated refresh tokens, a refused refresh as "sign in again"."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
from emulators.clock import VirtualClock
from emulators.microsoft.apiserver import ApiServer, make_pki
from emulators.oauth.authority import Authority, Client, s256
from emulators.oauth.server import RfcServer
from fixtures.oauth_browser import FollowingBrowser, until
from keyring_fixtures import MemoryKeyring

from app import secrets
from app.errors import AuthError, SignInRefused, UserError
from app.networks.http import HttpTransport
from app.networks.oauth import Provider, TokenKeeper, Tokens, sign_in_in_browser
from app.networks.oauth.keeper import authorized

SCOPES = ("read:statuses", "write:statuses")


@dataclass
class World:
    authority: Authority
    server: RfcServer
    api: ApiServer
    clock: VirtualClock
    provider: Provider


@pytest.fixture
def world(tmp_path, oauth_browser: FollowingBrowser) -> Iterator[World]:
    clock = VirtualClock()
    authority = Authority(clock, access_ttl_s=3600, person="dana")
    authority.register(Client("fireside", ("http://127.0.0.1/callback",), frozenset(SCOPES)))
    server = RfcServer(authority)
    pki = make_pki(tmp_path)
    api = ApiServer(server, pki, clock)
    oauth_browser.ca_file = pki.ca_file
    provider = Provider("Example", f"{api.url}/authorize", f"{api.url}/token", "fireside", SCOPES)
    yield World(authority, server, api, clock, provider)
    api.stop()


async def test_browser_sign_in_uses_pkce_s256_and_the_loopback_once(world, oauth_browser):
    async with world.api.client() as client:
        tokens = await sign_in_in_browser(client, world.provider)
    assert tokens.refresh_token and tokens.scopes == SCOPES
    assert tokens.expires_at == pytest.approx(world.clock() + 3600, abs=5)
    # The browser was sent to the authorize URL with an S256 challenge and a state...
    (opened,) = oauth_browser.opened
    assert "code_challenge_method=S256" in opened and "state=" in opened
    assert world.authority.challenges[0][0] == "S256"
    # ...and the verifier that went to /token is the challenge's.
    (form,) = world.server.token_requests
    assert s256(form["code_verifier"]) == world.authority.challenges[0][1]
    assert form["redirect_uri"].startswith("http://127.0.0.1:")
    await oauth_browser.done()
    # The last page is Fireside's plain "close this tab", and the listener is gone.
    assert oauth_browser.pages[-1][1] == 200
    assert "You can close this tab" in oauth_browser.last_page
    port = int(form["redirect_uri"].split(":")[2].split("/")[0])
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=2):
        pass
    assert "tok-" not in repr(tokens)


async def test_a_request_with_another_state_is_refused_and_the_sign_in_goes_on(
    world, oauth_browser
):
    oauth_browser.signs_in = False
    async with world.api.client() as client:
        task = asyncio.ensure_future(sign_in_in_browser(client, world.provider))
        await until(lambda: oauth_browser.opened)
        address = oauth_browser.opened[0]
        redirect = httpx.URL(address).params["redirect_uri"]
        async with httpx.AsyncClient(trust_env=False) as web:
            forged = await web.get(redirect, params={"code": "x", "state": "forged"})
            favicon = await web.get(redirect.replace("/callback", "/favicon.ico"))
        assert (forged.status_code, favicon.status_code) == (400, 404)
        oauth_browser.signs_in = True
        oauth_browser.open(address)
        tokens = await asyncio.wait_for(task, 20)
    assert tokens.access_token.startswith("tok-")


async def test_declining_in_the_browser_is_a_refusal_in_plain_words(world, oauth_browser):
    world.authority.approves = False
    async with world.api.client() as client:
        with pytest.raises(SignInRefused, match=r"did not sign you in \(The user declined"):
            await sign_in_in_browser(client, world.provider)
    await oauth_browser.done()
    assert "Sign-in not completed" in oauth_browser.last_page
    assert world.server.token_requests == []


async def test_cancelling_or_timing_out_stops_the_listener(world, oauth_browser):
    oauth_browser.signs_in = False
    async with world.api.client() as client:
        with pytest.raises(UserError, match="not finished in the browser"):
            await sign_in_in_browser(client, world.provider, timeout_s=0.2)
        task = asyncio.ensure_future(sign_in_in_browser(client, world.provider))
        await until(lambda: len(oauth_browser.opened) == 2)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    for address in oauth_browser.opened:
        redirect = httpx.URL(httpx.URL(address).params["redirect_uri"])
        with pytest.raises(OSError), socket.create_connection(("127.0.0.1", redirect.port), 2):
            pass


async def test_a_browser_that_does_not_open_says_so(world):
    async with world.api.client() as client:
        with pytest.raises(UserError, match="could not open a web browser"):
            await sign_in_in_browser(client, world.provider, open_browser=lambda _: False)


async def test_tokens_refresh_silently_rotate_and_are_saved_in_the_keyring(
    world, memory_keyring: MemoryKeyring
):
    async with world.api.client() as client:
        tokens = await sign_in_in_browser(client, world.provider)
        secrets.set_secret("acct", tokens.to_secret())
        keeper = TokenKeeper(client, world.provider, "acct", tokens, clock=world.clock)
        assert await keeper.access_token() == tokens.access_token  # no refresh yet
        world.clock.advance(3600)
        fresh = await keeper.access_token()
    assert fresh != tokens.access_token
    saved = Tokens.from_secret(secrets.get_secret("acct") or "")
    assert saved.access_token == fresh and saved.refresh_token != tokens.refresh_token
    assert saved.scopes == SCOPES
    # The refresh token was rotated: the old one no longer works.
    assert [f["grant_type"] for f in world.server.token_requests] == [
        "authorization_code",
        "refresh_token",
    ]
    async with world.api.client() as client:
        stale = TokenKeeper(client, world.provider, "other", tokens, clock=world.clock)
        with pytest.raises(SignInRefused, match="no longer accepts this sign-in"):
            await stale.access_token()


async def test_a_revoked_grant_needs_sign_in(world, memory_keyring):
    async with world.api.client() as client:
        tokens = await sign_in_in_browser(client, world.provider)
        keeper = TokenKeeper(client, world.provider, "acct", tokens, clock=world.clock)
        world.authority.revoke("dana")
        world.clock.advance(4000)
        with pytest.raises(AuthError) as refused:
            await keeper.access_token()
    assert "Sign in to the account again" in str(refused.value)
    assert isinstance(refused.value, SignInRefused) and refused.value.code == "invalid_grant"


async def test_tokens_another_process_refreshed_are_taken_not_refreshed_again(
    world, memory_keyring
):
    async with world.api.client() as client:
        tokens = await sign_in_in_browser(client, world.provider)
        secrets.set_secret("acct", tokens.to_secret())
        window = TokenKeeper(client, world.provider, "acct", tokens, clock=world.clock)
        command_line = TokenKeeper(client, world.provider, "acct", tokens, clock=world.clock)
        world.clock.advance(3600)
        first = await command_line.access_token()
        assert await window.access_token() == first
    assert [f["grant_type"] for f in world.server.token_requests].count("refresh_token") == 1


async def test_a_refused_token_is_refreshed_once_and_the_request_repeated(world, memory_keyring):
    async with world.api.client() as client:
        tokens = await sign_in_in_browser(client, world.provider)
        keeper = TokenKeeper(client, world.provider, "acct", tokens, clock=world.clock)
        http = HttpTransport(client, "Example")
        world.authority.expire_access_tokens()  # the server ends it early; we cannot know
        data, _ = await authorized(http, keeper, "GET", f"{world.api.url}/whoami", what="me")
        assert data == {"user": "dana"}
        world.authority.revoke("dana")
        with pytest.raises(AuthError):
            await authorized(http, keeper, "GET", f"{world.api.url}/whoami", what="me")


def test_the_keyring_text_round_trips_and_refuses_anything_else():
    tokens = Tokens("a", "r", 10.0, ("x",), {"user_id": "U1"})
    assert Tokens.from_secret(tokens.to_secret()) == tokens
    for bad in ("", "{}", '{"v": 2}', "password"):
        with pytest.raises(ValueError):
            Tokens.from_secret(bad)
