"""The Viva Engage connector against the Yammer v1 emulator (tests/emulators/microsoft/
yammer.py), over HTTPS with a private CA, in virtual time (the emulator enforces the
published budget in the same clock the connector paces itself by).

Dana (the executive) starts threads in the Town hall community; Ada, Ben and Chen answer
at any depth. The connector is signed in through ``BookTokens`` (the TokenBook stand-in
for the MSAL sign-in).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from emulators.microsoft.apiserver import max_in_window
from emulators.microsoft.booktokens import BookTokens
from emulators.microsoft.fixtures import YammerWorld, pull_round
from emulators.microsoft.yammer import SCOPE

from app.domain import (
    Account,
    CommentPage,
    OutboxKind,
    Place,
    PlaceChoice,
    PublishOptions,
    RemoteKind,
    WriteIntent,
)
from app.errors import AuthError, RateLimited, Rejected, UserError
from app.networks.microsoft.tokens import Api
from app.networks.microsoft.yammer import CAPABILITIES, build_yammer
from app.networks.microsoft.yammer.ids import YammerType, new_id
from app.timeutil import iso


def comments_of(pages: list[CommentPage]) -> dict:
    return {c.remote_id: c for page in pages for c in page.comments}


def statuses(world: YammerWorld) -> list[int | None]:
    return [s.status for s in world.server.requests()]


async def test_threads_and_replies_at_any_depth_with_people_from_references(
    yammer_world: YammerWorld, make_yammer
) -> None:
    w = yammer_world
    e = w.emulator
    post = e.post(w.dana, "Town hall on Friday: ask me anything.", w.town_hall)
    elsewhere = e.post(w.ben, "Not Dana's thread.", w.town_hall)
    e.post(w.ada, "Ben's thread, Ada's answer.", replied_to=elsewhere.id)
    ada = e.post(w.ada, "Will the Lisbon office move?", replied_to=post.id)
    ben = e.post(w.ben, "Same question for Porto.", replied_to=ada.id)
    chen = e.post(w.chen, "And Faro?", replied_to=ben.id)
    network = make_yammer()

    me = await network.whoami()
    posts = await network.list_my_posts()
    pages, _ = await pull_round(network)

    assert (me.name, me.title, me.department) == (
        "Dana Whitfield",
        "Chief Executive Officer",
        "Office of the CEO",
    )
    assert [p.remote_id for p in posts] == [str(post.id)]
    assert posts[0].body == "Town hall on Friday: ask me anything."
    found = comments_of(pages)
    assert set(found) == {str(ada.id), str(ben.id), str(chen.id)}
    assert (found[str(ada.id)].parent_remote_id, found[str(ada.id)].root_remote_id) == (None, None)
    assert found[str(ben.id)].parent_remote_id == str(ada.id)
    assert found[str(chen.id)].parent_remote_id == str(ben.id)
    assert found[str(chen.id)].root_remote_id == str(ada.id)
    assert {c.post_remote_id for c in found.values()} == {str(post.id)}
    author = found[str(ben.id)].author
    assert (author.name, author.title, author.department) == (
        "Ben Okafor",
        "Sales Lead",
        "Sales EMEA",
    )
    assert found[str(chen.id)].author.title == ""  # a reference without a title is fine
    assert found[str(ada.id)].body_html == "<p>Will the Lisbon office move?</p>"
    assert all(page.complete_for_posts in ((), (str(post.id),)) for page in pages)
    assert 429 not in statuses(w)


async def test_long_threads_are_paged_back_with_older_than(
    yammer_world: YammerWorld, make_yammer
) -> None:
    w = yammer_world
    post = w.emulator.post(w.dana, "Long thread", w.town_hall)
    made = [w.emulator.post(w.ada, f"Comment {n}", replied_to=post.id).id for n in range(45)]
    network = make_yammer()

    pages, _ = await pull_round(network)

    assert set(comments_of(pages)) == {str(i) for i in made}
    reads = [s for s in w.server.requests() if "in_thread" in s.path]
    assert [("older_than" in s.query) for s in reads] == [False, True, True]


async def test_new_comments_come_from_the_community_feed_at_most_once_a_minute(
    yammer_world: YammerWorld, make_yammer
) -> None:
    w = yammer_world
    post = w.emulator.post(w.dana, "Roadmap", w.town_hall)
    first = w.emulator.post(w.ada, "Q1?", replied_to=post.id)
    network = make_yammer()
    await network.list_my_posts()
    _, cursor = await pull_round(network)

    later = w.emulator.post(w.ben, "Q2?", replied_to=first.id)
    before = len(w.server.requests())
    posts = await network.list_my_posts()
    quiet = await network.pull_comments(cursor)
    assert (quiet.comments, quiet.has_more, len(w.server.requests())) == ([], False, before)
    assert [p.remote_id for p in posts] == [str(post.id)]

    w.clock.advance(61)
    await network.list_my_posts()
    pages, cursor = await pull_round(network, cursor)

    assert list(comments_of(pages)) == [str(later.id)]
    feeds = [s for s in w.server.requests()[before:] if "in_group" in s.path]
    assert [s.query.get("newer_than") for s in feeds] == [str(first.id)]  # noted by the scan
    w.clock.advance(61)
    pages, _ = await pull_round(network, cursor)
    assert comments_of(pages) == {}  # nothing twice


async def test_a_full_scan_stays_within_ten_message_requests_in_thirty_seconds(
    yammer_world: YammerWorld, make_yammer
) -> None:
    """Thirty threads with replies: the first sync needs ~40 message requests; they go out
    paced by the connector, and the emulator (which enforces the budget) never says 429."""
    w = yammer_world
    for n in range(30):
        thread = w.emulator.post(w.dana, f"Update {n}", w.town_hall)
        w.emulator.post(w.ada, f"Thanks for update {n}", replied_to=thread.id)
    network = make_yammer()
    await network.list_my_posts()

    pages, _ = await pull_round(network)

    assert len(comments_of(pages)) == 30
    times = w.message_requests()
    achieved = max_in_window(times, 30.0)
    print(
        f"\nViva Engage: {len(times)} message requests, at most {achieved} in any 30 s (limit 10)"
    )
    assert len(times) >= 30 and achieved <= 10
    assert 429 not in statuses(w)
    assert CAPABILITIES.requests_per_minute == 20


async def test_a_429_pauses_every_endpoint_for_a_whole_window(
    yammer_world: YammerWorld, make_yammer
) -> None:
    """Another app of the same person spent the budget: the 429 becomes RateLimited with a
    wait, and the connector sends nothing more until the window has passed."""
    w = yammer_world
    w.emulator.post(w.dana, "Hello", w.town_hall)
    network = make_yammer()
    await network.whoami()
    w.emulator.other_app_requests(w.dana, 10)

    with pytest.raises(RateLimited) as limited:
        await network.list_my_posts()
    assert limited.value.retry_after == 30.0
    refused_at = w.clock()

    posts = await network.list_my_posts()  # waits (in virtual time) before asking again

    assert len(posts) == 1
    later = [s for s in w.server.requests() if s.at > refused_at]
    assert later and min(s.at for s in later) >= refused_at + 30.0
    assert statuses(w).count(429) == 1


async def test_reply_to_a_reply_names_it_and_a_post_goes_to_the_community(
    yammer_world: YammerWorld, make_yammer
) -> None:
    w = yammer_world
    post = w.emulator.post(w.dana, "Budget", w.town_hall)
    ada = w.emulator.post(w.ada, "Travel?", replied_to=post.id)
    ben = w.emulator.post(w.ben, "Hotels?", replied_to=ada.id)
    network = make_yammer()
    await network.whoami()

    reply = await network.reply(
        str(post.id),
        str(ben.id),
        "**Yes**, see [the policy](https://x.example/p).",
        "markdown",
        "k1",
    )
    new = await network.publish("", "Second *thread*", "markdown", "k2")

    sent = w.emulator.messages[int(reply.remote_id)]
    assert (sent.replied_to_id, sent.thread_id, sent.sender_id) == (ben.id, post.id, w.dana.id)
    assert sent.plain == "Yes, see the policy (https://x.example/p)."
    assert (reply.parent_remote_id, reply.is_mine) == (str(ben.id), True)
    made = w.emulator.messages[int(new.remote_id)]
    assert (made.group_id, made.replied_to_id, made.plain) == (
        w.town_hall.id,
        None,
        "Second thread",
    )


async def test_the_community_may_be_named_by_its_new_base64_id(
    yammer_world: YammerWorld, make_yammer
) -> None:
    w = yammer_world
    network = make_yammer(community=new_id(YammerType.GROUP, str(w.leaders.id)))
    post = await network.publish("", "In the leaders' community", "markdown", "k")
    assert w.emulator.messages[int(post.remote_id)].group_id == w.leaders.id


async def test_without_a_community_publishing_says_what_to_choose(
    yammer_world: YammerWorld, make_yammer
) -> None:
    network = make_yammer(community=None)
    with pytest.raises(Rejected, match="Choose the Viva Engage community"):
        await network.publish("", "Hello", "markdown", "k")


async def test_delete_works_and_edit_says_viva_engage_cannot(
    yammer_world: YammerWorld, make_yammer
) -> None:
    w = yammer_world
    post = w.emulator.post(w.dana, "Oops", w.town_hall)
    network = make_yammer()

    await network.delete(RemoteKind.POST, str(post.id), "k1")
    await network.delete(RemoteKind.POST, str(post.id), "k2")  # already gone: fine

    assert post.id not in w.emulator.messages
    assert CAPABILITIES.can_edit is False
    with pytest.raises(Rejected, match="no way to edit a message"):
        await network.edit(RemoteKind.COMMENT, str(post.id), "new", "k3")


async def test_a_malformed_message_is_skipped_and_reported_once(
    yammer_world: YammerWorld, make_yammer
) -> None:
    w = yammer_world
    post = w.emulator.post(w.dana, "Hello", w.town_hall)
    good = w.emulator.post(w.ada, "Fine", replied_to=post.id)
    w.emulator.add_raw(post, {"id": 77, "thread_id": post.id, "body": "not an object"})
    network = make_yammer()
    await network.list_my_posts()

    pages, _ = await pull_round(network)

    assert list(comments_of(pages)) == [str(good.id)]
    errors = [e for page in pages for e in page.errors]
    assert len(errors) == 1 and "message 77 is malformed" in errors[0]
    assert all(not page.complete_for_posts for page in pages)  # that thread is not whole
    assert [r.remote_id for r in await network.list_replies(str(post.id))] == [str(good.id)]


async def test_an_expired_token_is_refreshed_and_a_revoked_grant_needs_sign_in(
    yammer_world: YammerWorld, make_yammer
) -> None:
    w = yammer_world
    network = make_yammer()
    await network.whoami()
    tokens = w.tokens[-1]
    w.emulator.book.expire_all()

    await network.list_my_posts()
    assert tokens.issued == 2 and 401 in statuses(w)

    tokens.sign_out()
    w.clock.advance(61)
    with pytest.raises(AuthError):
        await network.list_my_posts()


async def test_built_for_an_account_that_names_the_service_not_its_rest_root(
    yammer_world: YammerWorld,
) -> None:
    """The sign-in stores "https://www.yammer.com"; the connector adds "/api/v1"."""
    w = yammer_world
    w.emulator.post(w.dana, "Hello", w.town_hall)
    tokens = BookTokens(w.emulator.book, str(w.dana.id), {Api.YAMMER: frozenset({SCOPE})})
    account = Account("y", "yammer", "Viva Engage", w.server.url, settings={"community": "1"})
    network = build_yammer(account, tokens, w.server.client())
    try:
        assert (await network.whoami()).name == "Dana Whitfield"
    finally:
        await network.aclose()
    assert {s.path for s in w.server.requests()} == {"/api/v1/users/current.json"}


async def test_communities_to_choose_and_a_post_to_the_one_picked(
    yammer_world: YammerWorld, make_yammer
) -> None:
    """The picker lists the communities Dana is a member of (groups/for_user); the choice
    is kept as settings, and a post goes to the community picked, else the account's."""
    w = yammer_world
    network = make_yammer(community=None)
    offered = await network.list_places()
    assert {(p.id, p.name) for p in offered} == {
        (str(w.town_hall.id), "Town hall"),
        (str(w.leaders.id), "Leadership"),
    }
    by_id = {p.name: p for p in offered}
    settings = network.choose(PlaceChoice(tuple(offered), by_id["Town hall"].id))
    assert settings["community"] == str(w.town_hall.id)
    assert {c["name"] for c in settings["communities"]} == {"Town hall", "Leadership"}

    default = await network.publish("", "To the town hall", "markdown", "k1")
    picked = await network.publish(
        "", "To the leaders", "markdown", "k2", PublishOptions(place=by_id["Leadership"].id)
    )

    assert w.emulator.messages[int(default.remote_id)].group_id == w.town_hall.id
    assert w.emulator.messages[int(picked.remote_id)].group_id == w.leaders.id
    since = iso(datetime.fromtimestamp(w.clock(), UTC) - timedelta(minutes=1))
    intent = WriteIntent(
        OutboxKind.PUBLISH,
        None,
        None,
        "",
        "To the leaders",
        "markdown",
        since,
        place=by_id["Leadership"].id,
    )
    assert await network.lookup_write("k2", intent) == picked.remote_id
    with pytest.raises(UserError, match="not a Viva Engage group id"):
        network.choose(PlaceChoice((Place("nonsense", "X"),), None))


async def test_a_community_set_before_choosing_is_offered_by_its_id(
    yammer_world: YammerWorld, make_yammer
) -> None:
    w = yammer_world
    network = make_yammer(community=str(w.town_hall.id))
    choice = network.chosen()
    assert choice.post_to == str(w.town_hall.id)
    assert [p.label for p in choice.places] == [f"Community {w.town_hall.id}"]
