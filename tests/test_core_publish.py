"""Core.publish per target: each account's options are checked against its network's
publish statuses, queued with the item, sent to the network, and the draft follows one
life whatever state the site keeps the post in. Fake networks, no HTTP."""

from __future__ import annotations

import pytest
from fixtures.fake_networks import MATRIX_LIKE, WORDPRESS_LIKE, FakeNetwork, connect

from app.bootstrap import open_core
from app.core import Core
from app.domain import Account, DraftState, PublishOptions
from app.errors import UserError
from app.store import drafts
from app.timeutil import in_seconds
from app.workspace.conflicts import Head, both_texts

BLOG = Account("blog", "wordpress", "Corporate blog", "https://blog.example")
ROOM = Account("room", "matrix", "Ops room", "https://matrix.example")


@pytest.fixture
async def core(tmp_path):
    opened = await open_core(tmp_path / "data", start_sandbox=False)
    yield opened
    await opened.close()


@pytest.fixture
async def blog(core: Core) -> FakeNetwork:
    return await connect(core, BLOG, WORDPRESS_LIKE)


@pytest.fixture
async def room(core: Core) -> FakeNetwork:
    return await connect(core, ROOM, MATRIX_LIKE)


async def queued_options(core: Core) -> dict[str, dict]:
    return {i.account_id: i.options.to_json() for i in await core.outbox.items()}


async def state(core: Core, draft_id: int) -> DraftState:
    return DraftState((await core.store.run(drafts.get, draft_id)).state)


async def test_each_target_is_queued_with_its_own_status(core, blog, room):
    draft_id = await core.drafts.new("Q3 plans", "Numbers are in.")

    await core.drafts.publish(
        draft_id, ["blog", "room"], options={"blog": PublishOptions("pending")}
    )

    assert await queued_options(core) == {
        "blog": {"status": "pending", "publish_at": None},
        "room": {"status": "publish", "publish_at": None},
    }
    assert await state(core, draft_id) is DraftState.QUEUED


async def test_existing_callers_publish_live_everywhere(core, blog, room):
    draft_id = await core.drafts.new("Q3 plans", "Numbers are in.")
    await core.drafts.publish(draft_id, ["blog", "room"])
    assert {o["status"] for o in (await queued_options(core)).values()} == {"publish"}


async def test_a_status_the_network_does_not_offer_is_refused(core, blog, room):
    draft_id = await core.drafts.new("", "Hello room.")
    with pytest.raises(UserError, match=r"Ops room \(Matrix\) cannot keep a post as a draft"):
        await core.drafts.publish(draft_id, ["room"], options={"room": PublishOptions("draft")})
    assert await core.outbox.items() == []
    assert await state(core, draft_id) is DraftState.DRAFT


async def test_scheduling_on_the_site_needs_a_time_to_come(core, blog):
    draft_id = await core.drafts.new("Later", "Text.")
    with pytest.raises(UserError, match="Choose when Corporate blog should publish"):
        await core.drafts.publish(draft_id, ["blog"], options={"blog": PublishOptions("future")})
    with pytest.raises(UserError, match="That time has passed"):
        await core.drafts.publish(
            draft_id, ["blog"], options={"blog": PublishOptions("future", in_seconds(-60))}
        )
    with pytest.raises(UserError, match="is not a date and time"):
        await core.drafts.publish(
            draft_id, ["blog"], options={"blog": PublishOptions("future", "soon")}
        )
    assert await core.outbox.items() == []


async def test_a_site_schedule_is_queued_now_with_its_time_in_utc(core, blog):
    draft_id = await core.drafts.new("Later", "Text.")
    await core.drafts.publish(
        draft_id, ["blog"], options={"blog": PublishOptions("future", "2099-03-01T10:00:00+02:00")}
    )
    assert await queued_options(core) == {
        "blog": {"status": "future", "publish_at": "2099-03-01T08:00:00Z"}
    }
    assert await state(core, draft_id) is DraftState.QUEUED


async def test_a_time_given_without_a_site_schedule_is_dropped(core, blog):
    draft_id = await core.drafts.new("Now", "Text.")
    await core.drafts.publish(
        draft_id, ["blog"], options={"blog": PublishOptions("draft", in_seconds(60))}
    )
    assert await queued_options(core) == {"blog": {"status": "draft", "publish_at": None}}


async def test_fireside_schedule_does_not_combine_with_site_states(core, blog, room):
    draft_id = await core.drafts.new("Later", "Text.")
    with pytest.raises(UserError, match="cannot also wait for Fireside's schedule"):
        await core.drafts.publish(
            draft_id, ["blog", "room"], in_seconds(3600), {"blog": PublishOptions("draft")}
        )
    assert await state(core, draft_id) is DraftState.DRAFT

    when = in_seconds(3600)
    await core.drafts.publish(draft_id, ["blog", "room"], when, {"blog": PublishOptions("publish")})
    assert await state(core, draft_id) is DraftState.SCHEDULED
    assert await core.outbox.items() == []


async def test_options_for_an_account_not_chosen_are_refused(core, blog, room):
    draft_id = await core.drafts.new("", "Text.")
    with pytest.raises(UserError, match="accounts not chosen: Corporate blog"):
        await core.drafts.publish(draft_id, ["room"], options={"blog": PublishOptions("draft")})


async def test_the_length_error_names_the_account(core, room):
    draft_id = await core.drafts.new("", "x" * 10_001)
    with pytest.raises(UserError, match="Ops room allows 10,000"):
        await core.drafts.publish(draft_id, ["room"])


async def test_the_draft_is_published_once_every_target_was_sent_whatever_the_status(
    core, blog, room
):
    draft_id = await core.drafts.new("Q3 plans", "Numbers are in.")
    await core.drafts.publish(draft_id, ["blog", "room"], options={"blog": PublishOptions("draft")})

    await core.engine.push_all()

    assert [p.options for p in blog.published] == [PublishOptions("draft")]
    assert [p.options for p in room.published] == [PublishOptions("publish")]
    assert await state(core, draft_id) is DraftState.PUBLISHED
    deliveries = await core.drafts.deliveries(draft_id)
    assert [(d.account_name, d.state, d.options.status) for d in deliveries] == [
        ("Corporate blog", "sent", "draft"),
        ("Ops room", "sent", "publish"),
    ]


async def test_a_draft_still_holding_both_texts_of_a_conflict_is_not_published(core, blog):
    """Two devices edited it offline; until someone keeps or merges, its body holds both
    versions under their "— Version by" lines, which must never reach a site."""
    both = both_texts(
        [
            Head("Dana", "2026-12-06T08:00:00Z", "Numbers are in."),
            Head("Sam", "2026-12-06T08:01:00Z", "The numbers are in."),
        ]
    )
    draft_id = await core.drafts.new("Q3 plans", both)
    with pytest.raises(UserError, match="both texts of an edit made on two devices"):
        await core.drafts.publish(draft_id, ["blog"])
    assert await core.outbox.items() == []

    await core.drafts.save(draft_id, "Q3 plans", "The numbers are in.")
    await core.drafts.publish(draft_id, ["blog"])
