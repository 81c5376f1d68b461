"""Adding a Mastodon account as a person does, on the production path: the Accounts
facade -> the app registration on the server -> the system browser (a test browser that
follows the server's redirects to the loopback listener) -> PKCE code exchange -> the OS
keyring. Then sync, a revoked sign-in, signing in again, removing, and doctor."""

from __future__ import annotations

import asyncio
import json

import pytest
from fake_account_network import install_policy
from fixtures.cores import opened

from app import doctor
from app.accounts import SignInFailed, State
from app.core import Core
from app.domain import OutboxState
from app.networks.mastodon import apps
from app.networks.registry import SignInMethod


@pytest.fixture
def trusted(monkeypatch, mastodon_world, mastodon_pki, oauth_browser):
    """Policy trusting the server's private CA; the person at the browser is Dana."""
    oauth_browser.ca_file = mastodon_pki.ca_file
    mastodon_world.server.authority.person = "dana"
    return install_policy(
        monkeypatch,
        ExtraCACertificates=[str(mastodon_pki.ca_file)],
        ProxyUrl="none",
        SandboxEnabled=False,
    )


async def add(core: Core, server: str):
    return await core.accounts.add_suite(
        "mastodon", ["mastodon"], SignInMethod.BROWSER, {"server": server}, lambda _: None
    )


@pytest.mark.usefixtures("trusted")
async def test_adding_an_account_registers_the_app_once_and_keeps_tokens_in_the_keyring(
    tmp_path, memory_keyring, mastodon_world, oauth_browser
):
    world = mastodon_world
    world.server.max_characters = 640
    async with opened(tmp_path) as core:
        (status,) = (await add(core, world.url)).statuses
        assert status.state is State.CONNECTED
        (account,) = await core.accounts.list()
        assert account.username == f"@dana@{world.server.domain}"
        assert account.settings["max_characters"] == 640
        assert core.capabilities()[account.id].post_max_chars == 640
        # The authorize request carried PKCE S256 and only Fireside's narrow scopes.
        (opened_url,) = oauth_browser.opened
        assert "code_challenge_method=S256" in opened_url
        assert "scope=read%3Astatuses+write%3Astatuses+read%3Anotifications+profile" in (opened_url)
        # Ben signs in on the same server: the app registered for it is used again.
        world.server.authority.person = "ben"
        await add(core, world.server.domain.split(":")[0] + ":" + world.url.split(":")[-1])
        assert len(world.server.apps) == 1
        assert world.server.apps[0]["scopes"] == list(apps.SCOPES)
    kept = {name for _, name in memory_keyring.entries}
    assert f"mastodon-app-{world.server.domain}" in kept
    tokens = world.server.authority.access_tokens()
    stored = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert not [p for p in stored for t in tokens if t.encode() in p.read_bytes()]


@pytest.mark.usefixtures("trusted")
async def test_a_revoked_sign_in_needs_sign_in_keeps_the_outbox_and_signing_in_again_sends_it(
    tmp_path, memory_keyring, mastodon_world
):
    world = mastodon_world
    post = world.server.post(world.dana, "All hands on Friday.")
    world.server.post(world.ada, "@dana will it be recorded?", post)
    world.server.post(world.ben, "@dana can remote staff ask questions?", post)
    async with opened(tmp_path) as core:
        (status,) = (await add(core, world.url)).statuses
        await core.engine.sync_all()
        ids = await core.store.read(
            lambda db: [r[0] for r in db.execute("SELECT id FROM comments")]
        )
        assert len(ids) == 2
        world.server.authority.revoke("dana")
        await core.replies.queue(ids, "Yes, {first_name}.")
        await core.engine.sync_all()
        (now,) = await core.accounts.statuses()
        assert now.state is State.NEEDS_SIGN_IN
        items = await core.outbox.items()
        assert len(items) == 2 and OutboxState.SENT not in {i.state for i in items}
        await core.accounts.reauthenticate_suite(
            status.account_id, SignInMethod.BROWSER, lambda _: None
        )
        await core.engine.sync_all()
        assert {i.state for i in await core.outbox.items()} == {OutboxState.SENT}
    replies = [s for s in world.server.mine(world.dana) if s.in_reply_to_id]
    assert sorted(s.text for s in replies) == ["@ada Yes, Ada.", "@ben Yes, Ben."]


@pytest.mark.usefixtures("trusted")
async def test_declining_in_the_browser_adds_nothing_and_says_why(
    tmp_path, memory_keyring, mastodon_world
):
    mastodon_world.server.authority.approves = False
    async with opened(tmp_path) as core:
        with pytest.raises(SignInFailed) as failed:
            await add(core, mastodon_world.url)
        assert "did not sign you in (The user declined)." in failed.value.diagnosis.summary
        assert await core.accounts.list() == []
    assert not [n for _, n in memory_keyring.entries if not n.startswith("mastodon-app-")]


@pytest.mark.usefixtures("trusted")
async def test_a_server_name_that_is_no_address_is_refused_before_anything_is_sent(
    tmp_path, memory_keyring, mastodon_world, oauth_browser
):
    async with opened(tmp_path) as core:
        with pytest.raises(SignInFailed, match="not a Mastodon server address"):
            await add(core, "http://plain.example")
    assert oauth_browser.opened == [] and mastodon_world.server.apps == []


@pytest.mark.usefixtures("trusted")
async def test_removing_revokes_the_token_and_doctor_shows_scopes_never_a_token(
    tmp_path, memory_keyring, mastodon_world
):
    world = mastodon_world
    policy = install_policy  # noqa: F841 - the fixture installed it
    async with opened(tmp_path) as core:
        (status,) = (await add(core, world.url)).statuses
        report = await asyncio.to_thread(
            doctor.collect, tmp_path, None, None, tmp_path / "settings.json"
        )
        text = doctor.render_text(report)
        assert "Mastodon sign-in: access token does not expire; scopes: " in text
        assert "read:statuses" in text
        assert not [t for t in world.server.authority.access_tokens() if t in text]
        assert not [t for t in world.server.authority.access_tokens() if t in json.dumps(report)]
        await core.accounts.remove(status.account_id)
    assert all(g.revoked for g in _grants(world))
    assert [n for _, n in memory_keyring.entries] == [f"mastodon-app-{world.server.domain}"]


def _grants(world):
    return [world.server.authority._access[t][0] for t in world.server.authority.access_tokens()]
