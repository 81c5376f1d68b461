"""Choosing where Microsoft 365 accounts post, through the core: the Teams channels and
Viva Engage communities to choose come from the network, the choice lands in the
account's settings and the running connector, a post goes to the place the editor
picked, and Teams' 3,000 messages a day in a channel are never passed."""

from __future__ import annotations

import pytest
from emulators.microsoft.fixtures import TeamsWorld

from app.bootstrap import open_core
from app.domain import Account, OutboxKind, OutboxState, PlaceChoice, PublishOptions
from app.errors import UserError
from app.networks.microsoft.teams.connector import DAILY_MESSAGES_PER_CHANNEL
from app.store import accounts, comments, outbox
from app.timeutil import iso, now


@pytest.fixture
async def teams_core(tmp_path, sandbox_server, teams_world: TeamsWorld, make_teams):
    core = await open_core(
        tmp_path / "data", sandbox_url=sandbox_server.url, sandbox_token=sandbox_server.token
    )
    await core.store.run(accounts.add_account, Account("teams", "teams", "Teams", ""))
    core.networks["teams"] = make_teams(channels=())
    yield core
    await core.close()


async def test_channels_are_chosen_kept_and_a_post_goes_where_the_editor_picked(
    teams_core, teams_world: TeamsWorld
) -> None:
    core, w = teams_core, teams_world
    offer = await core.accounts.places("teams")
    assert (offer.noun, offer.reads_chosen) == ("Channel", True)
    assert [p.label for p in offer.available] == [
        "Contoso / General",
        "Contoso / Town hall",
        "Sales / Deals",
    ]
    general, town_hall, deals = offer.available
    with pytest.raises(UserError, match="a channel that is ticked"):
        await core.accounts.choose_places("teams", PlaceChoice((town_hall,), deals.id))

    await core.accounts.choose_places("teams", PlaceChoice((town_hall, deals), town_hall.id))

    [stored] = [a for a in await core.store.read(accounts.list_accounts) if a.id == "teams"]
    assert stored.settings["post_channel"] == town_hall.id
    assert [c["name"] for c in stored.settings["channels"]] == [
        "Contoso / Town hall",
        "Sales / Deals",
    ]
    assert core.places()["teams"] == PlaceChoice(
        tuple(p.__class__(p.id, p.label) for p in (town_hall, deals)), town_hall.id
    )
    draft = await core.drafts.new("Pipeline", "Numbers are in.")
    with pytest.raises(UserError, match="posts only to a channel chosen for it"):
        await core.drafts.publish(
            draft, ["teams"], options={"teams": PublishOptions(place=general.id)}
        )
    await core.drafts.publish(draft, ["teams"], options={"teams": PublishOptions(place=deals.id)})
    [item] = await core.outbox.items()
    assert item.options.place == deals.id

    await core.engine.push("teams")

    assert [m.subject for m in w.emulator.mine(w.dana, w.deals)] == ["Pipeline"]
    assert w.emulator.mine(w.dana, w.town_hall) == []


async def test_without_a_channel_for_new_posts_publishing_says_what_to_choose(teams_core) -> None:
    draft = await teams_core.drafts.new("", "Hello")
    with pytest.raises(UserError, match="Choose the channel Teams posts to"):
        await teams_core.drafts.publish(draft, ["teams"])


async def _sent_today(core, post_remote_id: str, count: int) -> None:
    def fill(db) -> None:
        for _ in range(count):
            item_id = outbox.enqueue(
                db, OutboxKind.REPLY, "teams", "Thanks", post_remote_id=post_remote_id
            )
            outbox.update(db, item_id, OutboxState.SENT, remote_id=f"{post_remote_id}|{item_id}")

    await core.store.run(fill)


async def test_a_channel_full_for_today_holds_a_reply_and_refuses_a_batch(
    teams_core, teams_world: TeamsWorld
) -> None:
    core, w = teams_core, teams_world
    offer = await core.accounts.places("teams")
    town_hall = offer.available[1]
    await core.accounts.choose_places("teams", PlaceChoice((town_hall,), town_hall.id))
    post = w.emulator.post(w.dana, w.town_hall, "Ask me anything")
    ada = w.emulator.reply(w.ada, w.town_hall, post, "<p>Hiring?</p>")
    assert (await core.engine.sync("teams")).error is None
    [comment] = await core.store.read(comments.get_comments, [1])
    assert comment.remote_id.endswith(ada.id)
    await _sent_today(core, comment.post_remote_id, DAILY_MESSAGES_PER_CHANNEL - 1)

    with pytest.raises(UserError) as refused:
        await core.replies.queue([comment.id, comment.id], "Thanks, {first_name}")
    assert "at most 3,000 messages a day" in str(refused.value)
    assert "Contoso / Town hall has had 2,999 messages" in str(refused.value)
    assert "so 1 more fit now; this has 2" in str(refused.value)

    await _sent_today(core, comment.post_remote_id, 1)
    item_id = await core.store.run(
        lambda db: outbox.enqueue(
            db,
            OutboxKind.REPLY,
            "teams",
            "Thanks, Ada",
            post_remote_id=comment.post_remote_id,
            target_remote_id=comment.remote_id,
        )
    )
    before = len(w.server.requests())
    outcome = await core.engine.push("teams")

    held = await core.store.read(outbox.get, item_id)
    assert held.state is OutboxState.QUEUED and outcome[OutboxState.SENT] == 0
    assert "has had 3,000 from Fireside in the last 24 hours" in (held.last_error or "")
    assert held.next_attempt_at is not None and held.next_attempt_at > iso(now())
    assert not [s for s in w.server.requests()[before:] if s.method == "POST"]
