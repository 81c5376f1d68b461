"""Adding a Slack account as a person does, on the production path: the Accounts facade
-> Slack's PKCE sign-in in the system browser (a test browser following the emulated
workspace's redirects to the loopback listener) -> the OS keyring. Then sync, a refresh
token past its 30 days, signing in again, removing, and doctor."""

from __future__ import annotations

import asyncio
import json

import pytest
from emulators.clock import ShiftedClock
from fake_account_network import install_policy
from fixtures.cores import opened

from app import doctor
from app.accounts import SignInFailed, State
from app.core import Core
from app.domain import OutboxState, PlaceChoice
from app.networks.registry import SignInMethod
from app.networks.slack.kinds import CHANNELS


@pytest.fixture
def slack_clock() -> ShiftedClock:
    """The Core keeps real time; the workspace too, moved forward by the test."""
    return ShiftedClock()


@pytest.fixture
def trusted(monkeypatch, slack_world, slack_pki, oauth_browser):
    oauth_browser.ca_file = slack_pki.ca_file
    slack_world.workspace.authority.person = "dana"
    return install_policy(
        monkeypatch,
        ExtraCACertificates=[str(slack_pki.ca_file)],
        ProxyUrl="none",
        SandboxEnabled=False,
    )


async def add(core: Core, world, **more):
    fields = {**world.fields, CHANNELS: f"{world.town_hall.id}, {world.leadership.id}", **more}
    return await core.accounts.add_suite(
        "slack", ["slack"], SignInMethod.BROWSER, fields, lambda _: None
    )


@pytest.mark.usefixtures("trusted")
async def test_adding_slack_signs_in_with_pkce_user_scopes_and_keeps_tokens_in_the_keyring(
    tmp_path, memory_keyring, slack_world, oauth_browser
):
    world = slack_world
    async with opened(tmp_path) as core:
        (status,) = (await add(core, world)).statuses
        assert status.state is State.CONNECTED
        (account,) = await core.accounts.list()
        assert account.username == account.name == "dana@Contoso"
        assert account.settings[CHANNELS] == f"{world.town_hall.id},{world.leadership.id}"
    (address,) = oauth_browser.opened
    assert "code_challenge_method=S256" in address and "user_scope=" in address
    assert "&scope=" not in address  # user scopes only: no bot scope is asked for
    tokens = world.workspace.authority.access_tokens() + world.workspace.authority.refresh_tokens()
    stored = [p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()]
    assert not [t for t in tokens for data in stored if t.encode() in data]
    assert any(name.startswith("slack-") for _, name in memory_keyring.entries)


@pytest.mark.usefixtures("trusted")
async def test_a_refresh_token_past_30_days_needs_sign_in_and_the_outbox_waits(
    tmp_path, memory_keyring, slack_world
):
    world = slack_world
    ws = world.workspace
    post = ws.say(world.town_hall, world.dana, "Welcome, new starters!")
    ws.say(world.town_hall, world.ben, "Thanks Dana", post)
    ws.say(world.town_hall, world.ada, "Welcome all!", post)
    async with opened(tmp_path) as core:
        (status,) = (await add(core, world)).statuses
        await core.engine.sync_all()
        ids = await core.store.read(
            lambda db: [r[0] for r in db.execute("SELECT id FROM comments")]
        )
        assert len(ids) == 2
        world.clock.advance(31 * 86400)
        await core.replies.queue(ids, "Glad you are here, {first_name}.")
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
    replies = [m for m in ws.mine(world.town_hall, world.dana) if m.thread_ts]
    assert sorted(m.text for m in replies) == sorted(
        [
            f"<@{world.ben.id}> Glad you are here, Ben.",
            f"<@{world.ada.id}> Glad you are here, Ada.",
        ]
    )
    assert all(m.metadata and m.metadata["event_type"] == "fireside_outbox" for m in replies)


@pytest.mark.usefixtures("trusted")
async def test_a_channel_id_that_is_no_id_or_missing_app_is_refused_before_the_browser(
    tmp_path, memory_keyring, slack_world, oauth_browser
):
    async with opened(tmp_path) as core:
        with pytest.raises(SignInFailed, match="is not a Slack channel ID"):
            await add(core, slack_world, **{CHANNELS: "#town-hall"})
        with pytest.raises(SignInFailed, match="is not a Slack app's Client ID"):
            await add(core, slack_world, client_id="fireside")
    assert oauth_browser.opened == []


@pytest.mark.usefixtures("trusted")
async def test_removing_revokes_the_token_and_doctor_shows_scopes_never_a_token(
    tmp_path, memory_keyring, slack_world
):
    world = slack_world
    async with opened(tmp_path) as core:
        (status,) = (await add(core, world)).statuses
        report = await asyncio.to_thread(
            doctor.collect, tmp_path, None, None, tmp_path / "settings.json"
        )
        text = doctor.render_text(report)
        assert f"Slack sign-in: user {world.dana.id} in team T0FIRESIDE; refresh token kept" in text
        assert "chat:write" in text
        issued = world.workspace.authority.access_tokens()
        assert not [t for t in issued if t in text or t in json.dumps(report)]
        removed = await core.accounts.remove(status.account_id)
        assert "Signed out of Slack" in removed
    assert [n for _, n in memory_keyring.entries] == []


async def test_policy_blocks_slack_and_mastodon_by_their_ids(tmp_path, monkeypatch, memory_keyring):
    install_policy(monkeypatch, BlockedNetworks=["slack", "mastodon"], SandboxEnabled=False)
    async with opened(tmp_path) as core:
        offered = {offer.id for offer in await core.accounts.suites()}
        assert "slack" not in offered and "mastodon" not in offered
        with pytest.raises(SignInFailed, match="does not allow"):
            await core.accounts.add_suite(
                "slack", ["slack"], SignInMethod.BROWSER, {}, lambda _: None
            )


@pytest.mark.usefixtures("trusted")
async def test_channels_are_picked_from_a_list_after_signing_in_without_ids(
    tmp_path, memory_keyring, slack_world
):
    """No channel IDs typed: after sign-in the person is offered the channels they are
    in (conversations.list, every page), ticks some, picks where posts go, and Fireside
    reads and posts there."""
    world = slack_world
    ws = world.workspace
    private = ws.channel("exec-staff", [world.dana], private=True)
    ws.channel("random", [world.ada, world.ben])  # Dana is not in it: not offered
    ws.channel("old-news", [world.dana], archived=True)
    crowd = [ws.channel(f"team-{n:03}", [world.dana]) for n in range(230)]  # > one page
    post = ws.say(private, world.dana, "Offsite agenda is up.")
    ws.say(private, world.dana, "I will be there.", post)
    async with opened(tmp_path) as core:
        (status,) = (await add(core, world, **{CHANNELS: ""})).statuses
        assert status.state is State.CONNECTED
        assert status.account_id in core.places()
        offer = await core.accounts.places(status.account_id)
        assert offer.noun == "Channel" and offer.reads_chosen
        assert offer.chosen.places == () and offer.chosen.post_to is None
        names = [p.name for p in offer.available]
        assert len(names) == 3 + len(crowd)  # town-hall, leadership, exec-staff, the crowd
        assert {"#exec-staff", "#town-hall", "#leadership"} <= set(names)
        assert "#random" not in names and "#old-news" not in names
        assert names == sorted(names, key=str.casefold)
        lists = [s for s in world.api.log if s.path == "/api/conversations.list"]
        assert [q.query.get("cursor") for q in lists] == [None, "off_200"]  # paged

        chosen = [p for p in offer.available if p.name in ("#exec-staff", "#town-hall")]
        await core.accounts.choose_places(status.account_id, PlaceChoice(tuple(chosen), private.id))
        (account,) = await core.accounts.list()
        assert account.settings[CHANNELS] == ",".join(p.id for p in chosen)
        assert account.settings["post_channel"] == private.id
        await core.engine.sync_all()
        rows = await core.store.read(
            lambda db: [r[0] for r in db.execute("SELECT body_text FROM comments")]
        )
        assert rows == ["I will be there."]
    async with opened(tmp_path) as core:  # the next start: the choice, offline, by name
        assert core.places()[status.account_id] == PlaceChoice(tuple(chosen), private.id)
