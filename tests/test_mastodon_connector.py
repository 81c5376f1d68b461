"""The Mastodon connector against the emulated server (HTTPS, private CA), every request
and answer checked against Mastodon's OpenAPI description (the fixture fails on any)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from emulators.microsoft.apiserver import Action
from emulators.unreadable import garble_reads
from msgspec.structs import replace

from app.domain import OutboxKind, PublishOptions, PullMode, RemoteKind, WriteIntent
from app.errors import AuthError, BadResponse, NotFound, OutcomeUnknown, RateLimited, Rejected
from app.networks.mastodon.connector import PAGE
from app.networks.matching import SKEW_S
from app.timeutil import iso, now_iso, parse


async def pull_all(network, cursor=None, mode=PullMode.ROUTINE):
    pages = []
    while True:
        page = await network.pull_comments(cursor, mode)
        pages.append(page)
        cursor = page.next_cursor or cursor
        if not page.has_more:
            return pages, cursor


def comments_of(pages):
    return {c.remote_id: c for page in pages for c in page.comments}


async def test_whoami_reads_the_servers_limit_into_the_editors_counter(
    mastodon_world, make_mastodon
):
    network = make_mastodon()
    assert network.capabilities.post_max_chars == 500  # what the account's settings said
    mastodon_world.server.max_characters = 1000  # the server's admin raised it
    me = await network.whoami()
    assert (me.remote_id, me.name) == (mastodon_world.dana.id, "Dana Whitfield")
    assert network.capabilities.post_max_chars == network.capabilities.reply_max_chars == 1000


async def test_first_pull_reads_every_thread_of_my_latest_posts_at_any_depth(
    mastodon_world, make_mastodon
):
    world = mastodon_world
    post = world.server.post(world.dana, "We ship the new plan on Monday.")
    ada = world.server.post(world.ada, "@dana What about the pilot customers?", post)
    ben = world.server.post(world.ben, "@ada they move first.", ada)  # no mention of Dana
    elsewhere = world.server.post(world.ada, "@dana unrelated thread")
    world.server.post(world.ben, "@dana a reply in someone else's thread", elsewhere)
    network = make_mastodon()
    pages, cursor = await pull_all(network)
    found = comments_of(pages)
    assert set(found) == {ada.id, ben.id}
    assert (found[ada.id].parent_remote_id, found[ada.id].root_remote_id) == (None, None)
    assert (found[ben.id].parent_remote_id, found[ben.id].root_remote_id) == (ada.id, ada.id)
    assert found[ben.id].post_remote_id == post.id
    assert found[ada.id].author.name == "Ada Reyes"
    assert post.id in {p for page in pages for p in page.complete_for_posts}
    # Nothing new: a routine pull reads only the notifications.
    before = len(world.api.requests())
    pages, cursor = await pull_all(network, cursor)
    assert comments_of(pages) == {}
    assert [s.path for s in world.api.requests()[before:]] == ["/api/v1/notifications"]


async def test_new_mentions_arrive_incrementally_and_a_rescan_sees_edits_and_deletions(
    mastodon_world, make_mastodon
):
    world = mastodon_world
    post = world.server.post(world.dana, "Town hall notes are up.")
    first = world.server.post(world.ada, "@dana thanks!", post)
    network = make_mastodon()
    _, cursor = await pull_all(network)
    second = world.server.post(world.ben, "@dana when is the next one?", first)
    pages, cursor = await pull_all(network, cursor)
    found = comments_of(pages)
    assert set(found) == {second.id}
    assert (found[second.id].parent_remote_id, found[second.id].root_remote_id) == (
        first.id,
        first.id,
    )
    world.clock.advance(60)
    world.server.edit_status(first, "@dana thanks, read them all!")
    world.server.delete_status(second)
    pages, _ = await pull_all(network, cursor, PullMode.RESCAN)
    found = comments_of(pages)
    assert set(found) == {first.id}  # the deleted one is absent from a complete post
    assert found[first.id].edited_at is not None and found[first.id].version > 0
    assert "read them all" in found[first.id].body_html


async def test_reply_answers_the_very_comment_and_mentions_its_author(
    mastodon_world, make_mastodon
):
    world = mastodon_world
    post = world.server.post(world.dana, "Ask me anything about Q3.")
    question = world.server.post(world.ben, "@dana will hiring continue?", post)
    network = make_mastodon()
    reply = await network.reply(post.id, question.id, "Yes, **carefully**.", "markdown", "k1")
    sent = world.server.statuses[reply.remote_id]
    assert sent.in_reply_to_id == question.id
    assert sent.text == "@ben Yes, carefully."
    assert (reply.parent_remote_id, reply.root_remote_id, reply.is_mine) == (
        question.id,
        question.id,
        True,
    )
    assert reply.post_remote_id == post.id
    # Ben was notified: the mention reached him.
    assert any(n.to is world.ben and n.status is sent for n in world.server.notifications)
    # Named in the text already, not at its start: not named twice.
    again = await network.reply(
        post.id, question.id, "Thanks @ben for asking: yes.", "markdown", "k2"
    )
    assert world.server.statuses[again.remote_id].text == "Thanks @ben for asking: yes."


async def test_a_batch_of_replies_goes_out_once_each_even_when_repeated_with_their_keys(
    mastodon_world, make_mastodon
):
    world = mastodon_world
    post = world.server.post(world.dana, "Thoughts on the offsite?")
    asks = [world.server.post(p, f"@dana {p.username} asks", post) for p in (world.ada, world.ben)]
    network = make_mastodon()
    for n, ask in enumerate(asks):
        first = await network.reply(post.id, ask.id, "Thanks, noted.", "markdown", f"batch-{n}")
        again = await network.reply(post.id, ask.id, "Thanks, noted.", "markdown", f"batch-{n}")
        assert again.remote_id == first.remote_id
    mine = [s for s in world.server.mine(world.dana) if s.in_reply_to_id]
    assert sorted(s.in_reply_to_id for s in mine) == sorted(a.id for a in asks)
    assert {s.text for s in mine} == {"@ada Thanks, noted.", "@ben Thanks, noted."}


async def test_a_reply_whose_answer_was_lost_is_sent_again_with_its_key_and_lands_once(
    mastodon_world, make_mastodon
):
    world = mastodon_world
    post = world.server.post(world.dana, "Launch day.")
    ask = world.server.post(world.ada, "@dana congrats!", post)
    network = make_mastodon()
    world.api.fault(Action.DROP, "POST", "/api/v1/statuses")
    with pytest.raises(OutcomeUnknown):
        await network.reply(post.id, ask.id, "Thank you!", "markdown", "lost-1")
    again = await network.reply(post.id, ask.id, "Thank you!", "markdown", "lost-1")
    replies = [s for s in world.server.mine(world.dana) if s.in_reply_to_id == ask.id]
    assert [s.id for s in replies] == [again.remote_id]


async def test_lookup_finds_a_write_by_parent_and_text_after_the_key_expired(
    mastodon_world, make_mastodon
):
    world = mastodon_world
    post = world.server.post(world.dana, "Quarterly results.")
    ask = world.server.post(world.ben, "@dana numbers?", post)
    since = now_iso()
    network = make_mastodon()
    intent = WriteIntent(OutboxKind.REPLY, post.id, ask.id, "", "In the *deck*.", "markdown", since)
    assert await network.lookup_write("gone-key", intent) is None
    reply = await network.reply(post.id, ask.id, "In the *deck*.", "markdown", "k")
    world.clock.advance(2 * 3600)  # the server forgot the key
    assert await network.lookup_write("k", intent) == reply.remote_id
    delete = WriteIntent(OutboxKind.DELETE, post.id, reply.remote_id, "", "", "markdown", since)
    assert await network.lookup_write("d", delete) is None
    await network.delete(RemoteKind.COMMENT, reply.remote_id, "d")
    assert await network.lookup_write("d", delete) == reply.remote_id


async def test_publish_edit_and_delete(mastodon_world, make_mastodon):
    world = mastodon_world
    network = make_mastodon()
    post = await network.publish(
        "", "Hello, **fediverse**: [our blog](https://b.example)", "markdown", "p1"
    )
    status = world.server.statuses[post.remote_id]
    assert status.text == "Hello, fediverse: our blog (https://b.example)"
    assert status.visibility == "public" and status.in_reply_to_id is None
    ask = world.server.post(world.ada, "@dana nice", status)
    reply = await network.reply(post.remote_id, ask.id, "Thanks", "markdown", "r1")
    await network.edit(RemoteKind.COMMENT, reply.remote_id, "Thanks a lot", "e1")
    assert world.server.statuses[reply.remote_id].text == "@ada Thanks a lot"
    await network.edit(RemoteKind.POST, post.remote_id, "Hello again", "e2")
    assert status.text == "Hello again" and status.edited_at is not None
    await network.delete(RemoteKind.COMMENT, reply.remote_id, "d1")
    await network.delete(RemoteKind.COMMENT, reply.remote_id, "d2")  # already gone: fine
    assert world.server.statuses[reply.remote_id].deleted
    with pytest.raises(NotFound):
        await network.get_comment(reply.remote_id)


async def test_text_over_the_servers_limit_is_refused_in_its_words(mastodon_world, make_mastodon):
    mastodon_world.server.max_characters = 30
    network = make_mastodon()
    with pytest.raises(Rejected, match="character limit of 30"):
        await network.publish("", "x" * 31, "markdown", "long")
    # A URL counts 23 characters whatever its length, as Mastodon counts it.
    await network.publish("", "see https://example.com/" + "a" * 80, "markdown", "url")


async def test_get_comment_and_replies_for_the_pre_send_check(mastodon_world, make_mastodon):
    world = mastodon_world
    post = world.server.post(world.dana, "Open questions thread")
    ask = world.server.post(world.ada, "@dana budget?", post)
    network = make_mastodon()
    comment = await network.get_comment(ask.id)
    assert (comment.post_remote_id, comment.parent_remote_id) == (post.id, None)
    assert await network.list_replies(ask.id) == []
    answer = world.server.post(world.dana, "@ada approved", ask)
    deeper = world.server.post(world.ben, "@ada nice", answer)
    replies = await network.list_replies(ask.id)
    assert [r.remote_id for r in replies] == [answer.id] and replies[0].is_mine
    assert deeper.id not in {r.remote_id for r in replies}
    other = world.server.post(world.ada, "not a reply to dana")
    with pytest.raises(NotFound):
        await network.get_comment(other.id)


async def test_the_rate_limit_headers_hold_requests_until_the_reset(mastodon_world, make_mastodon):
    world = mastodon_world
    network = make_mastodon()
    for _ in range(300):  # 300 in 5 minutes: the budget
        await network.list_my_posts()
    # The server said none is left: the next request waits for its reset, and a wait
    # that long is the engine's to keep, not a sleep inside a sync.
    with pytest.raises(RateLimited) as limited:
        await network.list_my_posts()
    assert limited.value.retry_after is not None and limited.value.retry_after > 250
    assert 429 not in [s.status for s in world.api.requests()]
    world.clock.advance(301)
    assert await network.list_my_posts() == []


async def test_a_429_says_when_to_come_back(make_mastodon):
    network = make_mastodon()
    other = make_mastodon()  # the same account from another process: its budget is unseen
    for _ in range(300):
        await other.list_my_posts()
    with pytest.raises(RateLimited) as limited:
        await network.list_my_posts()
    assert limited.value.retry_after is not None and 250 < limited.value.retry_after <= 300


async def test_a_revoked_token_needs_sign_in(mastodon_world, make_mastodon):
    network = make_mastodon()
    await network.whoami()
    mastodon_world.server.authority.revoke("dana")
    with pytest.raises(AuthError, match="Sign in to the account again"):
        await network.whoami()


async def test_many_new_mentions_are_read_page_by_page(mastodon_world, make_mastodon):
    world = mastodon_world
    post = world.server.post(world.dana, "Tell me your one wish for next year.")
    network = make_mastodon()
    _, cursor = await pull_all(network)
    wishes = [world.server.post(world.ada, f"@dana wish {n}", post) for n in range(50)]
    pages, _ = await pull_all(network, cursor)
    assert set(comments_of(pages)) == {w.id for w in wishes}
    reads = [s for s in world.api.requests() if s.path == "/api/v1/notifications"]
    assert len(reads) == 3  # the first pull's, then 40 + 10
    assert "max_id" in reads[-1].query


async def test_an_edit_keeps_the_mention_even_of_a_parent_read_only_now(
    mastodon_world, make_mastodon
):
    world = mastodon_world
    post = world.server.post(world.dana, "Town hall at 3.")
    ask = world.server.post(world.ben, "@dana recorded?", post)
    mine = await make_mastodon().reply(post.id, ask.id, "Yes.", "markdown", "k1")
    network = make_mastodon()  # a fresh start: it has seen neither status

    await network.edit(RemoteKind.COMMENT, mine.remote_id, "Yes, on the intranet.", "k2")

    assert world.server.statuses[mine.remote_id].text == "@ben Yes, on the intranet."
    world.server.delete_status(ask)
    await make_mastodon().edit(RemoteKind.COMMENT, mine.remote_id, "Yes, see the link.", "k3")
    assert world.server.statuses[mine.remote_id].text == "Yes, see the link."


async def test_an_edit_is_found_when_the_status_says_the_new_text(mastodon_world, make_mastodon):
    world = mastodon_world
    post = world.server.post(world.dana, "Q3 plans.")
    ask = world.server.post(world.ben, "@dana when?", post)
    network = make_mastodon()
    reply = await network.reply(post.id, ask.id, "In *June*.", "markdown", "k1")
    since = now_iso()
    edit = WriteIntent(
        OutboxKind.EDIT, post.id, reply.remote_id, "", "In *July*.", "markdown", since
    )
    assert await network.lookup_write("k2", edit) is None  # not landed yet

    await network.edit(RemoteKind.COMMENT, reply.remote_id, edit.body, "k2")

    assert await network.lookup_write("k2", edit) == reply.remote_id
    assert await network.lookup_write("k3", None) is None


async def test_a_post_can_only_go_out_now(make_mastodon):
    network = make_mastodon()
    with pytest.raises(Rejected, match="Mastodon can only publish now, not as 'future'"):
        await network.publish(
            "", "Later", "markdown", "k1", PublishOptions("future", "2030-01-01T09:00:00Z")
        )


async def test_a_reply_deep_in_a_thread_sits_under_its_top_level_comment(
    mastodon_world, make_mastodon
):
    world = mastodon_world
    network = make_mastodon()
    post = await network.publish("", "Office moves in May.", "markdown", "k0")
    ask = world.server.post(world.ada, "@dana which floor?", stored(world, post))
    answer = await network.reply(post.remote_id, ask.id, "The fourth.", "markdown", "k1")
    deeper = world.server.post(world.ben, "@dana @ada with the kitchen?", stored(world, answer))

    reply = await network.reply(
        post.remote_id, deeper.id, "@ben yes, *and* a terrace.", "markdown", "k2"
    )

    assert (reply.parent_remote_id, reply.root_remote_id) == (deeper.id, ask.id)
    # Ben is named once, as the person wrote it; to myself there is no mention.
    assert world.server.statuses[reply.remote_id].text == "@ben yes, and a terrace."
    mine = await network.reply(post.remote_id, answer.remote_id, "Details soon.", "markdown", "k3")
    assert world.server.statuses[mine.remote_id].text == "Details soon."
    assert mine.root_remote_id == ask.id


def stored(world, written):
    """The server's status for what the connector wrote."""
    return world.server.statuses[written.remote_id]


async def test_a_lost_post_is_found_among_my_statuses_since_it_was_queued(
    mastodon_world, make_mastodon
):
    world = mastodon_world
    world.server.post(world.dana, "Welcome, new starters!")  # before it was queued
    world.clock.advance(3600)
    since = iso(datetime.fromtimestamp(world.clock(), UTC))
    network = make_mastodon()
    again = WriteIntent(
        OutboxKind.PUBLISH, None, None, "", "Welcome, new starters!", "markdown", since
    )
    assert await network.lookup_write("k1", again) is None  # the older one is not it

    post = await network.publish("", again.body, "markdown", "k1")

    assert await network.lookup_write("k1", again) == post.remote_id


async def test_deletions_keep_to_mastodons_budget_for_them_even_unanswered(
    mastodon_world, make_mastodon
):
    """30 deletions in 30 minutes: the 31st waits, counted here, even when the answer that
    would have said "none left" was lost."""
    world = mastodon_world
    typos = [world.server.post(world.dana, f"Typo number {n}") for n in range(31)]
    network = make_mastodon()
    for status in typos[:29]:
        await network.delete(RemoteKind.POST, status.id, f"d{status.id}")
    world.api.fault(Action.DROP, "DELETE", "/api/v1/statuses/")
    with pytest.raises(OutcomeUnknown):
        await network.delete(RemoteKind.POST, typos[29].id, "d-lost")

    with pytest.raises(RateLimited) as limited:
        await network.delete(RemoteKind.POST, typos[30].id, "d-last")

    assert limited.value.retry_after is not None and limited.value.retry_after > 30
    assert 429 not in [s.status for s in world.api.requests()]
    assert [s.deleted for s in typos] == [True] * 30 + [False]


async def test_a_look_up_needs_both_the_parent_and_the_text(mastodon_world, make_mastodon):
    world = mastodon_world
    post = world.server.post(world.dana, "Two questions?")
    asks = [world.server.post(p, "@dana one more", post) for p in (world.ada, world.ben)]
    since = iso(datetime.fromtimestamp(world.clock(), UTC))
    network = make_mastodon()
    sent = await network.reply(post.id, asks[0].id, "Thanks", "markdown", "k1")
    await network.reply(post.id, asks[1].id, "Noted", "markdown", "k2")

    def intent(ask, body):
        return WriteIntent(OutboxKind.REPLY, post.id, ask.id, "", body, "markdown", since)

    assert await network.lookup_write("k1", intent(asks[0], "Thanks")) == sent.remote_id
    assert await network.lookup_write("k3", intent(asks[0], "Noted")) is None
    assert await network.lookup_write("k4", intent(asks[1], "Thanks")) is None


async def test_posts_and_replies_are_public_whatever_the_accounts_default(
    mastodon_world, make_mastodon
):
    world = mastodon_world
    world.dana.privacy = "private"  # followers only, unless a status says otherwise
    network = make_mastodon()
    post = await network.publish("", "Open to all: the roadmap.", "markdown", "k1")
    again = await network.publish("", "Open to all: the roadmap.", "markdown", "k1")
    ask = world.server.post(world.ada, "@dana thanks!", stored(world, post))
    reply = await network.reply(post.remote_id, ask.id, "Enjoy.", "markdown", "k2")

    assert again.remote_id == post.remote_id  # the same key: one status
    assert len(world.server.mine(world.dana)) == 2
    assert {stored(world, post).visibility, stored(world, reply).visibility} == {"public"}


async def test_a_comment_already_read_costs_no_second_request(mastodon_world, make_mastodon):
    world = mastodon_world
    post = world.server.post(world.dana, "Budget review.")
    ask = world.server.post(world.ben, "@dana which quarter?", post)
    network = make_mastodon()
    await network.get_comment(ask.id)
    reply = await network.reply(post.id, ask.id, "Q3.", "markdown", "k1")
    before = len(world.api.requests())

    await network.reply(post.id, ask.id, "And Q4.", "markdown", "k2")
    await network.edit(RemoteKind.COMMENT, reply.remote_id, "Q3, then Q4.", "k3")

    asked = [(s.method, s.path) for s in world.api.requests()[before:]]
    assert asked == [
        ("POST", "/api/v1/statuses"),
        ("GET", f"/api/v1/statuses/{reply.remote_id}"),
        ("PUT", f"/api/v1/statuses/{reply.remote_id}"),
    ]
    assert stored(world, reply).text == "@ben Q3, then Q4."


async def test_a_look_up_reads_back_no_further_than_when_the_item_was_queued(
    mastodon_world, make_mastodon
):
    world = mastodon_world
    for n in range(100):  # older than the item: pages a look-up must not read
        world.server.post(world.dana, f"Old news {n}")
    world.clock.advance(3600)
    since = iso(datetime.fromtimestamp(world.clock(), UTC))
    network = make_mastodon()
    post = await network.publish("", "Fresh news", "markdown", "k1")
    before = len(world.api.requests())
    lost = WriteIntent(OutboxKind.PUBLISH, None, None, "", "Fresh news", "markdown", since)

    assert await network.lookup_write("k1", lost) == post.remote_id
    assert await network.lookup_write("k2", replace(lost, body="Not sent")) is None

    assert len(world.api.requests()) - before == 2  # one page each


async def test_a_look_up_allows_the_clock_skew_to_the_second(mastodon_world, make_mastodon):
    network = make_mastodon()
    post = await network.publish("", "Clocks differ.", "markdown", "k1")
    # Queued by a clock ahead of the server's by the allowed skew: still this write.
    ahead = iso(parse(post.created_at) + timedelta(seconds=SKEW_S))
    lost = WriteIntent(OutboxKind.PUBLISH, None, None, "", "Clocks differ.", "markdown", ahead)
    assert await network.lookup_write("k1", lost) == post.remote_id
    later = iso(parse(post.created_at) + timedelta(seconds=SKEW_S + 1))
    assert await network.lookup_write("k1", replace(lost, since=later)) is None


async def test_a_look_up_reads_page_after_page_back_to_the_write(mastodon_world, make_mastodon):
    world = mastodon_world
    post = world.server.post(world.dana, "Ask me anything.")
    ask = world.server.post(world.ada, "@dana a question", post)
    since = iso(datetime.fromtimestamp(world.clock(), UTC))
    network = make_mastodon()
    sent = await network.reply(post.id, ask.id, "The answer.", "markdown", "k1")
    for n in range(85):  # then more than two pages of newer posts and replies
        world.server.post(world.dana, f"Later news {n}", post if n % 2 else None)
    lost = WriteIntent(OutboxKind.REPLY, post.id, ask.id, "", "The answer.", "markdown", since)
    before = len(world.api.requests())

    assert await network.lookup_write("k1", lost) == sent.remote_id

    queries = [s.query for s in world.api.requests()[before:]]
    assert len(queries) == 3  # back page by page until it was found, no further
    assert queries[0].get("max_id") is None
    assert int(queries[1]["max_id"]) > int(queries[2]["max_id"])
    assert all(q.get("exclude_reblogs") == "true" for q in queries)
    assert not any("exclude_replies" in q for q in queries)  # a reply is among replies


async def test_an_answer_that_is_no_status_is_reported_in_plain_words(
    mastodon_world, make_mastodon
):
    world = mastodon_world
    post = world.server.post(world.dana, "Budget review.")
    network = make_mastodon()
    world.api.fault(Action.LISTED, "POST", "/api/v1/statuses")
    with pytest.raises(BadResponse) as created:
        await network.publish("", "Q3 numbers are in.", "markdown", "k1")
    assert str(created.value).startswith(f"{network.service} answered a new status malformed: ")
    world.api.fault(Action.LISTED, "GET", f"/api/v1/statuses/{post.id}")
    with pytest.raises(BadResponse) as read:
        await network.get_comment(post.id)
    assert str(read.value).startswith(f"{network.service} sent a malformed status: ")


async def test_my_posts_leave_out_my_replies_and_each_comes_once_page_after_page(
    mastodon_world, make_mastodon
):
    world = mastodon_world
    other = world.server.post(world.ada, "Who is coming on Friday?")
    posts = [world.server.post(world.dana, f"News {n}") for n in range(PAGE + 5)]
    world.server.post(world.dana, "@ada me", other)  # a reply of mine: no post
    network = make_mastodon()

    listed = await network.list_my_posts()

    assert [p.remote_id for p in listed] == [p.id for p in reversed(posts)]


async def test_a_page_whose_last_status_cannot_be_read_ends_the_listing(
    mastodon_world, make_mastodon, monkeypatch
):
    """With no id to page on after it, the listing keeps what it read and asks no further;
    a listing that is not a list at all is an error, never "no posts"."""
    world = mastodon_world
    posts = [world.server.post(world.dana, f"News {n}") for n in range(PAGE + 5)]
    network = make_mastodon()
    garble_reads(
        monkeypatch,
        network._api,
        "call",
        lambda answer: [*answer[:-1], "not a status"],
        when=lambda method, path, **params: path.endswith("/statuses"),
    )
    before = len(world.api.requests())

    listed = await network.list_my_posts()

    assert [p.remote_id for p in listed] == [p.id for p in reversed(posts)][: PAGE - 1]
    assert len(world.api.requests()) - before == 1
    monkeypatch.undo()
    world.api.fault(Action.BARE, "GET", f"/api/v1/accounts/{network.user_id}/statuses")
    with pytest.raises(BadResponse, match="sent a list of statuses that is not a list"):
        await network.list_my_posts()


async def test_a_look_up_reads_past_an_unreadable_status_and_never_says_not_sent_over_it(
    mastodon_world, make_mastodon, monkeypatch
):
    """The unreadable status may be the write looked for: "not found" would let the
    outbox send it a second time, so the look-up says it is unsure (BadResponse), even
    when it read back to statuses older than the item."""
    world = mastodon_world
    world.server.post(world.dana, "Old news")
    world.clock.advance(3600)
    since = iso(datetime.fromtimestamp(world.clock(), UTC))
    network = make_mastodon()
    post = await network.publish("", "Fresh news", "markdown", "k1")
    garble_reads(
        monkeypatch,
        network._api,
        "call",
        lambda answer: ["not a status", *answer],
        when=lambda method, path, **params: path.endswith("/statuses"),
    )
    lost = WriteIntent(OutboxKind.PUBLISH, None, None, "", "Fresh news", "markdown", since)

    assert await network.lookup_write("k1", lost) == post.remote_id
    with pytest.raises(BadResponse) as unsure:
        await network.lookup_write("k2", replace(lost, body="Not sent"))
    assert str(unsure.value).startswith(f"{network.service}: skipped a malformed status of mine (")
    assert str(unsure.value).endswith(
        "may be that status, so it is looked up again later rather than sent twice."
    )


async def test_a_look_up_stops_at_the_first_page_that_reaches_back_past_the_item(
    mastodon_world, make_mastodon
):
    world = mastodon_world
    world.server.post(world.dana, "Old news")
    world.clock.advance(3600)
    since = iso(datetime.fromtimestamp(world.clock(), UTC))
    for n in range(PAGE - 1):  # a full first page: these, then the old one
        world.server.post(world.dana, f"Fresh news {n}")
    network = make_mastodon()
    before = len(world.api.requests())
    lost = WriteIntent(OutboxKind.PUBLISH, None, None, "", "Fresh news 0", "markdown", since)

    assert await network.lookup_write("k1", lost) is not None

    assert len(world.api.requests()) - before == 1


async def test_a_look_up_reads_on_past_a_page_ending_right_at_the_earliest_time(
    mastodon_world, make_mastodon
):
    """The earliest time the write may have is still its time: a page ending there is
    not yet past it (the write may be on the next page, made in that same second)."""
    world = mastodon_world
    network = make_mastodon()
    post = await network.publish("", "Made first", "markdown", "k1")
    world.server.post(world.dana, "Made in the same second")
    since = iso(parse(post.created_at) + timedelta(seconds=SKEW_S))  # earliest: that second
    world.clock.advance(60)
    for n in range(PAGE - 1):
        world.server.post(world.dana, f"Later news {n}")
    lost = WriteIntent(OutboxKind.PUBLISH, None, None, "", "Made first", "markdown", since)

    assert await make_mastodon().lookup_write("k1", lost) == post.remote_id


async def test_my_statuses_read_in_a_look_up_cost_no_second_request_to_answer(
    mastodon_world, make_mastodon
):
    world = mastodon_world
    post = world.server.post(world.dana, "Budget review.")
    ask = world.server.post(world.ben, "@dana which quarter?", post)
    since = now_iso()
    answer = await make_mastodon().reply(post.id, ask.id, "Q3.", "markdown", "k1")
    network = make_mastodon()  # knows none of it yet
    lost = WriteIntent(OutboxKind.REPLY, post.id, ask.id, "", "Q3.", "markdown", since)
    assert await network.lookup_write("k1", lost) == answer.remote_id
    before = len(world.api.requests())

    more = await network.reply(post.id, answer.remote_id, "And Q4.", "markdown", "k2")

    asked = [(s.method, s.path) for s in world.api.requests()[before:]]
    assert asked == [("POST", "/api/v1/statuses")]
    # Of the thread it knows only my answer, a reply to someone it has not read: the
    # answer stands as the top of what it knows.
    assert (more.parent_remote_id, more.root_remote_id) == (answer.remote_id, answer.remote_id)


async def test_a_look_up_that_stopped_at_its_page_bound_is_unsure(
    mastodon_world, make_mastodon, monkeypatch
):
    """Ten full pages of my statuses, all since the item was queued: the write may be on
    the eleventh, so the look-up is unsure rather than "never landed". Once a page
    reaches back past the queueing, what it read is all the write could be."""
    world = mastodon_world
    world.server.post(world.dana, "Old news")
    world.clock.advance(3600)
    since = iso(datetime.fromtimestamp(world.clock(), UTC))
    for n in range(10 * PAGE - 1):
        world.server.post(world.dana, f"Note {n}")
    network = make_mastodon()
    lost = WriteIntent(OutboxKind.PUBLISH, None, None, "", "Never sent", "markdown", since)
    assert await network.lookup_write("k1", lost) is None  # the tenth page ends in old news

    world.server.post(world.dana, "One more")
    with pytest.raises(BadResponse) as unsure:
        await network.lookup_write("k1", lost)
    stopped = f"{network.service}: the look-up read 10 pages without"
    assert str(unsure.value).startswith(stopped)
    garble_reads(  # one status of the ten pages unreadable: still named by the bound
        monkeypatch,
        network._api,
        "call",
        lambda answer: ["not a status", *answer[1:]],
        when=lambda method, path, **params: path.endswith("/statuses"),
    )
    with pytest.raises(BadResponse) as unsure:
        await network.lookup_write("k1", lost)
    assert str(unsure.value).startswith(stopped)
