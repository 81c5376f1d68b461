"""The Slack connector against the emulated workspace (HTTPS, private CA), every request
and answer checked against Slack's OpenAPI description (the fixture fails on any)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from emulators.microsoft.apiserver import Action

from app.domain import (
    OutboxKind,
    Place,
    PlaceChoice,
    PublishOptions,
    PullMode,
    RemoteKind,
    WriteIntent,
)
from app.errors import (
    AuthError,
    BadResponse,
    NotFound,
    OutcomeUnknown,
    RateLimited,
    Rejected,
    SignInRefused,
)
from app.networks.http import Malformed
from app.networks.matching import SKEW_S
from app.networks.slack import messages as slack_messages
from app.networks.slack.pull import HISTORY_PAGES, PAGE_LIMIT, THREAD_PAGES
from app.timeutil import iso, now_iso, parse


async def _published_asked_answered(world, network):
    """Dana posts "Offsite in May" (key p1), Ada asks in its thread, Dana answers (key r1):
    (the post, Ada's comment id, the reply)."""
    post = await network.publish("", "Offsite in May", "markdown", "p1")
    message = world.workspace.mine(world.town_hall, world.dana)[-1]
    ask = world.workspace.say(world.town_hall, world.ada, "Which week?", message)
    comment_id = f"{world.town_hall.id}/{message.ts}/{ask.ts}"
    reply = await network.reply(post.remote_id, comment_id, "The second", "markdown", "r1")
    return post, comment_id, reply


async def pull(network, cursor=None, mode=PullMode.ROUTINE):
    page = await network.pull_comments(cursor, mode)
    assert not page.has_more
    return page, page.next_cursor


async def test_the_first_pull_reads_the_replies_in_my_threads(slack_world, make_slack):
    world = slack_world
    ws = world.workspace
    post = ws.say(world.town_hall, world.dana, "Q3 plan is out. Questions welcome.")
    ada = ws.say(world.town_hall, world.ada, "Is hiring paused?", post)
    ben = ws.say(world.town_hall, world.ben, "<@U000000002> no, see page 4", post)
    other = ws.say(world.town_hall, world.ada, "Lunch?")
    ws.say(world.town_hall, world.ben, "yes", other)
    network = make_slack()
    page, _ = await pull(network)
    found = {c.remote_id: c for c in page.comments}
    channel = world.town_hall.id
    assert set(found) == {f"{channel}/{post.ts}/{ada.ts}", f"{channel}/{post.ts}/{ben.ts}"}
    first = found[f"{channel}/{post.ts}/{ada.ts}"]
    assert first.post_remote_id == f"{channel}/{post.ts}"
    assert (first.parent_remote_id, first.author.name) == (None, "Ada Reyes")
    assert "@Ada Reyes" in found[f"{channel}/{post.ts}/{ben.ts}"].body_html
    assert page.complete_for_posts == (f"{channel}/{post.ts}",)
    assert [p.remote_id for p in page.posts] == [f"{channel}/{post.ts}"]


async def test_later_pulls_read_only_threads_that_moved_and_a_rescan_sees_edits(
    slack_world, make_slack
):
    world = slack_world
    ws = world.workspace
    post = ws.say(world.town_hall, world.dana, "Offsite agenda")
    first = ws.say(world.town_hall, world.ada, "Looks good", post)
    quiet = ws.say(world.leadership, world.dana, "Board prep")
    ws.say(world.leadership, world.ada, "on it", quiet)
    network = make_slack()
    _, cursor = await pull(network)
    world.clock.advance(10)
    second = ws.say(world.town_hall, world.ben, "Can we add a Q&A?", post)
    before = len(world.api.requests())
    page, cursor = await pull(network, cursor)
    assert [c.remote_id.rsplit("/", 1)[1] for c in page.comments] == [second.ts]
    replies = [s for s in world.api.requests()[before:] if s.path.endswith("replies")]
    assert len(replies) == 1 and replies[0].query["oldest"] == first.ts  # only from there
    assert page.complete_for_posts == ()
    world.clock.advance(10)
    ws.edit(first, "Looks good, thanks")
    page, _ = await pull(network, cursor, PullMode.RESCAN)
    edited = next(c for c in page.comments if c.remote_id.endswith(first.ts))
    assert edited.edited_at is not None and "thanks" in edited.body_html


async def test_a_reply_goes_to_the_thread_with_a_mention_and_the_outbox_key(
    slack_world, make_slack
):
    world = slack_world
    ws = world.workspace
    post = ws.say(world.town_hall, world.dana, "AMA today")
    ask = ws.say(world.town_hall, world.ben, "Will *remote* stay?", post)
    network = make_slack()
    page, _ = await pull(network)
    (comment,) = page.comments
    reply = await network.reply(
        comment.post_remote_id, comment.remote_id, "Yes, **it stays**.", "markdown", "key-1"
    )
    sent = world.workspace.mine(world.town_hall, world.dana)[-1]
    assert sent.thread_ts == post.ts
    assert sent.text == f"<@{world.ben.id}> Yes, *it stays*."
    assert sent.metadata == {
        "event_type": "fireside_outbox",
        "event_payload": {"outbox_key": "key-1"},
    }
    assert reply.is_mine and reply.post_remote_id == comment.post_remote_id
    # The pre-send check of Ben's comment now sees the answer.
    replies = await network.list_replies(comment.remote_id)
    assert [r.remote_id for r in replies] == [reply.remote_id]
    assert ask.ts in comment.remote_id


async def test_a_lost_answer_is_settled_by_the_metadata_never_by_sending_again(
    slack_world, make_slack
):
    world = slack_world
    ws = world.workspace
    post = ws.say(world.town_hall, world.dana, "Launch")
    ws.say(world.town_hall, world.ada, "Congrats!", post)
    since = now_iso()
    network = make_slack()
    page, _ = await pull(network)
    (comment,) = page.comments
    intent = WriteIntent(
        OutboxKind.REPLY,
        comment.post_remote_id,
        comment.remote_id,
        "",
        "Thanks!",
        "markdown",
        since,
    )
    assert await network.lookup_write("lost", intent) is None  # never sent: safe to send
    world.api.fault(Action.DROP, "POST", "/api/chat.postMessage")
    with pytest.raises(OutcomeUnknown):
        await network.reply(
            comment.post_remote_id, comment.remote_id, "Thanks!", "markdown", "lost"
        )
    found = await network.lookup_write("lost", intent)
    mine = [m for m in ws.mine(world.town_hall, world.dana) if m.thread_ts]
    assert len(mine) == 1 and found == f"{world.town_hall.id}/{post.ts}/{mine[0].ts}"
    sends = [s for s in world.api.requests() if s.path == "/api/chat.postMessage"]
    assert len(sends) == 1  # no hidden retry


async def test_publish_edit_and_delete(slack_world, make_slack):
    world = slack_world
    ws = world.workspace
    network = make_slack()
    since = now_iso()
    post = await network.publish(
        "", "We hit **100** customers: [story](https://c.example/s)", "markdown", "p1"
    )
    message = ws.mine(world.town_hall, world.dana)[-1]
    assert message.text == "We hit *100* customers: <https://c.example/s|story>"
    assert post.url.endswith(f"/archives/{world.town_hall.id}/p{message.ts.replace('.', '')}")
    publish = WriteIntent(OutboxKind.PUBLISH, None, None, "", "x", "markdown", since)
    assert await network.lookup_write("p1", publish) == post.remote_id
    ask = ws.say(world.town_hall, world.ada, "Amazing", message)
    comment_id = f"{world.town_hall.id}/{message.ts}/{ask.ts}"
    reply = await network.reply(post.remote_id, comment_id, "Thank you", "markdown", "r1")
    await network.edit(RemoteKind.COMMENT, reply.remote_id, "Thank you all", "e1")
    edited = ws.mine(world.town_hall, world.dana)[-1]
    assert edited.text == f"<@{world.ada.id}> Thank you all" and edited.edited_ts
    edit = WriteIntent(OutboxKind.EDIT, post.remote_id, reply.remote_id, "", "", "markdown", since)
    assert await network.lookup_write("e1", edit) == reply.remote_id
    await network.delete(RemoteKind.COMMENT, reply.remote_id, "d1")
    await network.delete(RemoteKind.COMMENT, reply.remote_id, "d2")  # already gone: fine
    delete = WriteIntent(
        OutboxKind.DELETE, post.remote_id, reply.remote_id, "", "", "markdown", since
    )
    assert await network.lookup_write("d1", delete) == reply.remote_id
    with pytest.raises(NotFound):
        await network.get_comment(reply.remote_id)


async def test_posts_keep_to_one_a_second_per_channel_and_a_429_waits_as_slack_asks(
    slack_world, make_slack
):
    world = slack_world
    network = make_slack()
    start = world.clock()
    for n in range(3):
        await network.publish("", f"update {n}", "markdown", f"k{n}")
    assert world.clock() - start >= 2  # paced in (virtual) time
    assert 429 not in [s.status for s in world.api.requests()]
    world.clock.advance(1)
    other = make_slack()  # another process posting in the same channel, unpaced by ours
    await other.publish("", "from elsewhere", "markdown", "o1")
    with pytest.raises(RateLimited) as limited:
        await network.publish("", "too soon", "markdown", "k9")
    assert limited.value.retry_after == 1
    world.clock.advance(1)
    await network.publish("", "later", "markdown", "k9")


async def test_an_expired_access_token_refreshes_with_rotation_and_an_expired_refresh_needs_sign_in(
    slack_world, make_slack
):
    world = slack_world
    network = make_slack()
    await network.whoami()
    world.clock.advance(12 * 3600)  # the access token's 12 hours
    await network.whoami()  # refreshed silently
    (saved,) = world.kept.values()
    assert saved and "refresh_token" in saved
    world.clock.advance(31 * 86400)  # past the refresh token's 30 days
    with pytest.raises(SignInRefused) as refused:
        await network.whoami()
    assert isinstance(refused.value, AuthError)
    assert "Sign in to the account again" in str(refused.value)


async def test_long_threads_are_read_page_by_page(slack_world, make_slack):
    world = slack_world
    ws = world.workspace
    post = ws.say(world.town_hall, world.dana, "Ideas for the offsite, one per reply please")
    ideas = [ws.say(world.town_hall, world.ada, f"idea {n}", post) for n in range(450)]
    network = make_slack()
    page, _ = await pull(network)
    assert {c.remote_id.rsplit("/", 1)[1] for c in page.comments} == {i.ts for i in ideas}
    reads = [s for s in world.api.requests() if s.path == "/api/conversations.replies"]
    assert [s.query.get("cursor") for s in reads] == [None, "off_200", "off_400"]


async def test_posts_go_to_the_chosen_channel_or_the_one_the_editor_picked(slack_world, make_slack):
    world = slack_world
    ws = world.workspace
    network = make_slack()
    since = now_iso()
    town_hall, leadership = world.town_hall.id, world.leadership.id
    settings = network.choose(
        PlaceChoice((Place(town_hall, "#town-hall"), Place(leadership, "#leadership")), leadership)
    )
    assert settings == {
        "channels": f"{town_hall},{leadership}",
        "post_channel": leadership,
        "channel_names": {town_hall: "#town-hall", leadership: "#leadership"},
    }
    assert network.chosen().post_to == leadership
    default = await network.publish("", "To the default", "markdown", "p-default")
    picked = await network.publish(
        "", "To the town hall", "markdown", "p-picked", PublishOptions(place=town_hall)
    )
    assert ws.mine(world.leadership, world.dana)[-1].text == "To the default"
    assert ws.mine(world.town_hall, world.dana)[-1].text == "To the town hall"
    intent = WriteIntent(OutboxKind.PUBLISH, None, None, "", "x", "markdown", since)
    assert network.place_of(intent) == leadership
    assert await network.lookup_write("p-default", intent) == default.remote_id
    elsewhere = WriteIntent(OutboxKind.PUBLISH, None, None, "", "x", "markdown", since, town_hall)
    assert await network.lookup_write("p-picked", elsewhere) == picked.remote_id
    reply = WriteIntent(OutboxKind.REPLY, picked.remote_id, None, "", "x", "markdown", since)
    assert network.place_of(reply) == town_hall
    network.choose(PlaceChoice())
    with pytest.raises(Rejected, match="Choose the Slack channel"):
        await network.publish("", "Nowhere", "markdown", "p-none")


async def test_a_post_its_edit_and_its_deletion_are_each_found_by_their_own_key(
    slack_world, make_slack
):
    world = slack_world
    network = make_slack()
    since = now_iso()
    publish = WriteIntent(OutboxKind.PUBLISH, None, None, "", "x", "markdown", since)
    assert await network.lookup_write("p1", publish) is None  # nothing sent yet
    post = await network.publish("", "Offsite in May", "markdown", "p1")
    assert await network.lookup_write("p2", publish) is None  # another write's key

    edit = WriteIntent(OutboxKind.EDIT, None, post.remote_id, "", "", "markdown", since)
    assert await network.lookup_write("e1", edit) is None  # not edited yet
    await network.edit(RemoteKind.POST, post.remote_id, "Offsite in June", "e1")
    assert world.workspace.mine(world.town_hall, world.dana)[-1].text == "Offsite in June"
    assert await network.lookup_write("e1", edit) == post.remote_id

    delete = WriteIntent(OutboxKind.DELETE, None, post.remote_id, "", "", "markdown", since)
    assert await network.lookup_write("d1", delete) is None  # still there
    await network.delete(RemoteKind.POST, post.remote_id, "d1")
    assert await network.lookup_write("d1", delete) == post.remote_id
    assert await network.lookup_write("d1", None) is None


async def test_what_names_no_slack_message_is_not_found_and_only_now_is_published(
    slack_world, make_slack
):
    world = slack_world
    network = make_slack()
    post = await network.publish("", "AMA", "markdown", "p1")
    channel = world.town_hall.id
    with pytest.raises(NotFound, match="is not a reply in a Slack thread"):
        await network.edit(RemoteKind.COMMENT, post.remote_id, "new", "e1")
    with pytest.raises(NotFound, match="is not a Slack thread"):
        await network.reply(f"{post.remote_id}/1.000001", "x", "hi", "markdown", "r1")
    with pytest.raises(NotFound, match="Slack has no message"):
        await network.edit(RemoteKind.COMMENT, f"{post.remote_id}/9.000009", "new", "e2")
    with pytest.raises(NotFound):
        await network.delete(RemoteKind.POST, "", "d1")
    with pytest.raises(Rejected, match="Slack can only publish now, not as 'draft'"):
        await network.publish("", "Later", "markdown", "p2", PublishOptions("draft", None))
    assert [m.text for m in world.workspace.mine(world.town_hall, world.dana)] == ["AMA"]
    assert channel in post.remote_id


async def test_in_a_long_thread_an_edit_and_its_look_ups_read_only_from_the_message_on(
    slack_world, make_slack
):
    world = slack_world
    ws = world.workspace
    post = ws.say(world.town_hall, world.dana, "Ideas for the offsite, one per reply please")
    for n in range(450):
        ws.say(world.town_hall, world.ada, f"idea {n}", post)
    world.clock.advance(3600)  # the ideas came an hour before the reply was queued
    ask = ws.say(world.town_hall, world.ben, "And a boat trip?", post)
    since = iso(datetime.fromtimestamp(world.clock(), UTC))
    network = make_slack()
    thread = f"{world.town_hall.id}/{post.ts}"
    reply = await network.reply(thread, f"{thread}/{ask.ts}", "Maybe", "markdown", "r1")
    mine = f"{world.town_hall.id}/{post.ts}/{reply.remote_id.rsplit('/', 1)[1]}"
    before = len(world.api.requests())

    sent = WriteIntent(OutboxKind.REPLY, thread, f"{thread}/{ask.ts}", "", "", "markdown", since)
    assert await network.lookup_write("r1", sent) == mine
    await network.edit(RemoteKind.COMMENT, mine, "Yes, a boat trip", "e1")
    edit = WriteIntent(OutboxKind.EDIT, thread, mine, "", "", "markdown", since)
    assert await network.lookup_write("e1", edit) == mine
    assert await network.lookup_write("e0", edit) is None  # another edit's key

    reads = [s for s in world.api.requests()[before:] if s.path == "/api/conversations.replies"]
    assert len(reads) == 4  # one page each: never the 450 ideas before it
    assert ws.mine(world.town_hall, world.dana)[-1].text == f"<@{world.ben.id}> Yes, a boat trip"

    await network.delete(RemoteKind.COMMENT, mine, "d1")
    deletion = WriteIntent(OutboxKind.DELETE, thread, mine, "", "", "markdown", since)
    assert await network.lookup_write("d1", deletion) == mine
    assert [m.text for m in ws.mine(world.town_hall, world.dana)] == [post.text]  # post kept


async def test_editing_a_reply_that_names_no_one_adds_no_one(slack_world, make_slack):
    world = slack_world
    ws = world.workspace
    post = ws.say(world.town_hall, world.dana, "Notes from today")
    note = ws.say(world.town_hall, world.dana, "First point", post)
    network = make_slack()
    thread = f"{world.town_hall.id}/{post.ts}"
    reply = await network.reply(thread, f"{thread}/{note.ts}", "Second point", "markdown", "r1")

    await network.edit(RemoteKind.COMMENT, reply.remote_id, "Second point, revised", "e1")

    assert ws.mine(world.town_hall, world.dana)[-1].text == "Second point, revised"


async def test_a_write_whose_answer_cannot_be_read_still_names_what_it_made(
    slack_world, make_slack
):
    """Slack stored the message but its account of it is garbled: the post and the reply
    come back with their real addresses, in their thread, as mine, with no made-up text."""
    world = slack_world
    ws = world.workspace
    network = make_slack()
    world.api.fault(Action.GARBLE, "POST", "/api/chat.postMessage", count=2)

    post = await network.publish("", "Offsite in May", "markdown", "p1")
    message = ws.mine(world.town_hall, world.dana)[-1]
    assert post.remote_id == f"{world.town_hall.id}/{message.ts}"
    assert post.url.endswith(f"/archives/{world.town_hall.id}/p{message.ts.replace('.', '')}")
    assert (post.title, post.created_at) == ("", stamped(message.ts))

    ask = ws.say(world.town_hall, world.ada, "Which week?", message)
    comment_id = f"{world.town_hall.id}/{message.ts}/{ask.ts}"
    reply = await network.reply(post.remote_id, comment_id, "The second", "markdown", "r1")
    answer = ws.mine(world.town_hall, world.dana)[-1]
    assert reply.remote_id == f"{world.town_hall.id}/{message.ts}/{answer.ts}"
    assert reply.post_remote_id == post.remote_id
    assert reply.is_mine and reply.author.remote_id == world.dana.id
    assert (reply.created_at, reply.edited_at) == (stamped(answer.ts), None)
    assert "The second" not in reply.body_html and "XX" not in reply.body_html
    assert (await network.get_comment(reply.remote_id)).remote_id == reply.remote_id


@pytest.mark.parametrize("kind", [OutboxKind.PUBLISH, OutboxKind.REPLY, OutboxKind.DELETE])
async def test_a_look_up_that_cannot_read_a_message_never_says_the_write_is_missing(
    slack_world, make_slack, monkeypatch, kind
):
    """The unreadable message may be the write looked for: "not found" would let the
    outbox send it a second time, so the look-up says it is unsure (BadResponse)."""
    world = slack_world
    network = make_slack()
    since = now_iso()
    post, comment_id, reply = await _published_asked_answered(world, network)
    intents = {
        OutboxKind.PUBLISH: ("p2", WriteIntent(kind, None, None, "", "x", "markdown", since)),
        OutboxKind.REPLY: ("r2", WriteIntent(kind, post.remote_id, comment_id, "", "x", "", since)),
        OutboxKind.DELETE: (
            "d1",
            WriteIntent(kind, post.remote_id, reply.remote_id, "", "", "markdown", since),
        ),
    }
    key, intent = intents[kind]
    assert await network.lookup_write(key, intent) is None  # all readable: truly not there
    unreadable_from(monkeypatch, world.dana.id)
    with pytest.raises(BadResponse, match="may be that message, so it is looked up again") as held:
        await network.lookup_write(key, intent)
    what = "message" if kind is OutboxKind.PUBLISH else "reply"
    unreadable = f"Slack: skipped a malformed {what} in {world.town_hall.id} (a message without"
    assert str(held.value).startswith(unreadable)


def unreadable_from(monkeypatch: pytest.MonkeyPatch, user: str) -> None:
    """Every message ``user`` wrote reads as malformed (Slack sends nothing the connector
    cannot read, and the emulator's answers are checked against Slack's description)."""
    real = slack_messages.read_message

    def unreadable(channel: str, raw: dict) -> slack_messages.Message:
        if raw.get("user") == user:
            raise Malformed("a message without its text")
        return real(channel, raw)

    monkeypatch.setattr(slack_messages, "read_message", unreadable)


def stamped(ts: str) -> str:
    """A Slack ``ts`` as the ISO time the connector reports."""
    return iso(datetime.fromtimestamp(float(ts), UTC))


async def test_what_was_sent_comes_back_with_its_text(slack_world, make_slack):
    world = slack_world
    network = make_slack()
    post, _, reply = await _published_asked_answered(world, network)
    assert post.title == "Offsite in May" and "Offsite in May" in post.body
    assert "The second" in reply.body_html


async def test_a_look_up_reads_the_channel_from_when_the_post_was_queued_page_by_page(
    slack_world, make_slack
):
    world = slack_world
    ws = world.workspace
    since = iso(datetime.fromtimestamp(world.clock(), UTC))
    network = make_slack()
    lost = await network.publish("", "Offsite in May", "markdown", "p1")
    for n in range(PAGE_LIMIT + 20):  # others talk after it: it is on the second page
        ws.say(world.town_hall, world.ada, f"chatter {n}")
    before = len(world.api.requests())
    intent = WriteIntent(OutboxKind.PUBLISH, None, None, "", "", "markdown", since)

    assert await network.lookup_write("p1", intent) == lost.remote_id

    reads = [s for s in world.api.requests()[before:] if s.path == "/api/conversations.history"]
    assert len(reads) >= 2 and "cursor" not in reads[0].query
    assert reads[0].query["oldest"] == f"{parse(since).timestamp() - SKEW_S:.6f}"
    assert reads[0].query["limit"] == str(PAGE_LIMIT)
    assert all(r.query["cursor"] for r in reads[1:])  # then page after page


async def test_a_post_look_up_that_stopped_at_its_page_bound_is_unsure(slack_world, make_slack):
    """The look-up reads the channel since the item was queued, five pages at most: when
    they hold all of it, it may say "never landed"; when more remain, the write may be
    among them, so it is unsure rather than letting the outbox send it twice."""
    world = slack_world
    ws = world.workspace
    since = iso(datetime.fromtimestamp(world.clock(), UTC))
    network = make_slack()
    listed = [m for m in world.town_hall.messages if m.thread_ts in (None, m.ts)]
    served = min(PAGE_LIMIT, 100)  # the emulator's pages hold 100 at most, as Slack may
    for n in range(HISTORY_PAGES * served - len(listed)):  # the channel fills 5 pages
        ws.say(world.town_hall, world.ada, f"chatter {n}")
    intent = WriteIntent(OutboxKind.PUBLISH, None, None, "", "", "markdown", since)
    assert await network.lookup_write("p1", intent) is None  # every page read

    ws.say(world.town_hall, world.ada, "one more")
    with pytest.raises(BadResponse) as unsure:
        await network.lookup_write("p1", intent)
    assert str(unsure.value).startswith(
        f"Slack, channel {world.town_hall.id}: the look-up read 5 pages without reaching back"
    )


async def test_nothing_is_looked_up_for_a_post_with_no_channel_to_go_to(slack_world, make_slack):
    world = slack_world
    network = make_slack()
    network.choose(PlaceChoice())  # no channel ticked, none to post to
    before = len(world.api.requests())
    since = iso(datetime.fromtimestamp(world.clock(), UTC))
    intent = WriteIntent(OutboxKind.PUBLISH, None, None, "", "", "markdown", since)

    assert await network.lookup_write("p1", intent) is None
    assert world.api.requests()[before:] == []
    with pytest.raises(Rejected) as refused:
        await network.publish("", "Offsite", "markdown", "p1")
    assert str(refused.value) == ("Choose the Slack channel new posts go to (Accounts, Channels…).")
    with pytest.raises(NotFound) as no_id:
        await network.get_comment("nonsense")
    assert str(no_id.value) == "'nonsense' is not a Slack message id"


async def test_an_edit_in_a_thread_that_is_gone_did_not_land(slack_world, make_slack):
    world = slack_world
    ws = world.workspace
    post = ws.say(world.town_hall, world.dana, "Notes from today")
    note = ws.say(world.town_hall, world.ada, "First point", post)
    thread = f"{world.town_hall.id}/{post.ts}"
    since = iso(datetime.fromtimestamp(world.clock(), UTC))
    network = make_slack()
    reply = await network.reply(thread, f"{thread}/{note.ts}", "Noted", "markdown", "r1")
    post.deleted = note.deleted = True
    for message in ws.mine(world.town_hall, world.dana):
        message.deleted = True
    edit = WriteIntent(OutboxKind.EDIT, thread, reply.remote_id, "", "", "markdown", since)

    assert await network.lookup_write("e1", edit) is None


async def test_a_comment_read_in_a_pull_costs_no_second_request_to_answer(slack_world, make_slack):
    world = slack_world
    ws = world.workspace
    post = ws.say(world.town_hall, world.dana, "Q3 plan is out.")
    ask = ws.say(world.town_hall, world.ada, "Is hiring paused?", post)
    network = make_slack()
    await pull(network)
    before = len(world.api.requests())
    thread = f"{world.town_hall.id}/{post.ts}"

    await network.reply(thread, f"{thread}/{ask.ts}", "No", "markdown", "r1")

    paths = [s.path for s in world.api.requests()[before:]]
    assert "/api/conversations.replies" not in paths and "/api/chat.postMessage" in paths
    assert ws.mine(world.town_hall, world.dana)[-1].text == f"<@{world.ada.id}> No"


async def test_edits_and_deletions_are_paced_per_channel_not_across_channels(
    slack_world, make_slack
):
    """One write a second in each channel: writes that take turns between two channels
    wait once, where writes to one channel would wait twice."""
    world = slack_world
    ws = world.workspace
    network = make_slack()
    here = f"{world.town_hall.id}/{ws.say(world.town_hall, world.dana, 'Agenda').ts}"
    there, also = (
        f"{world.leadership.id}/{ws.say(world.leadership, world.dana, text).ts}"
        for text in ("Board prep", "Budget")
    )

    start = world.clock()
    for remote_id, text in ((here, "Agenda v2"), (there, "Prep v2"), (here, "Agenda v3")):
        await network.edit(RemoteKind.POST, remote_id, text, "e")
    assert world.clock() - start < 2
    start = world.clock()
    for remote_id in (there, here, also):
        await network.delete(RemoteKind.POST, remote_id, "d")
    assert world.clock() - start < 2
    assert ws.mine(world.town_hall, world.dana) == ws.mine(world.leadership, world.dana) == []


async def test_a_look_up_reads_past_an_unreadable_reply_and_names_it_when_unsure(
    slack_world, make_slack, monkeypatch
):
    """A reply that cannot be read is passed over, not the end of the thread: the write
    after it is found; when the write is not found, the user reads which message in which
    channel could not be read."""
    world = slack_world
    network = make_slack()
    since = now_iso()
    post, comment_id, reply = await _published_asked_answered(world, network)
    unreadable_from(monkeypatch, world.ada.id)
    intent = WriteIntent(OutboxKind.REPLY, post.remote_id, comment_id, "", "x", "", since)

    assert await network.lookup_write("r1", intent) == reply.remote_id
    with pytest.raises(BadResponse) as unsure:
        await network.lookup_write("r2", intent)
    assert str(unsure.value).startswith(
        f"Slack: skipped a malformed reply in {world.town_hall.id} (a message without its text)."
    )


@pytest.mark.parametrize("kind", [OutboxKind.EDIT, OutboxKind.DELETE])
async def test_a_look_up_on_a_post_whose_message_cannot_be_read_is_unsure(
    slack_world, make_slack, monkeypatch, kind
):
    """An edit or deletion of a post is looked up on the post's own message: if Slack
    sends it but it cannot be read, the look-up cannot say it is gone or unedited."""
    world = slack_world
    network = make_slack()
    post = await network.publish("", "Offsite in May", "markdown", "p1")
    intent = WriteIntent(kind, None, post.remote_id, "", "June", "markdown", now_iso())
    assert await network.lookup_write("w1", intent) is None  # readable: there, not edited
    unreadable_from(monkeypatch, world.dana.id)
    with pytest.raises(BadResponse, match="looked up again later rather than sent twice"):
        await network.lookup_write("w1", intent)


async def test_a_page_ends_the_read_when_slack_says_there_is_no_more_whatever_it_carries(
    slack_world, make_slack, monkeypatch
):
    """Slack's ``has_more: false`` ends the read even beside a leftover cursor (no page
    is asked for after it), and an answer without ``response_metadata`` is a last page."""
    world = slack_world
    network = make_slack()
    since = now_iso()
    post, comment_id, reply = await _published_asked_answered(world, network)
    real_read = network._api.read

    async def odd_last_pages(method: str, **params: object) -> dict:
        data = await real_read(method, **params)
        if method == "conversations.history":
            return {**data, "has_more": False, "response_metadata": {"next_cursor": "off_1"}}
        return {name: value for name, value in data.items() if name != "response_metadata"}

    monkeypatch.setattr(network._api, "read", odd_last_pages)
    before = len(world.api.requests())
    published = WriteIntent(OutboxKind.PUBLISH, None, None, "", "x", "markdown", since)
    replied = WriteIntent(OutboxKind.REPLY, post.remote_id, comment_id, "", "x", "", since)

    assert await network.lookup_write("p1", published) == post.remote_id
    assert await network.lookup_write("r1", replied) == reply.remote_id
    paths = [r.path for r in world.api.requests()[before:]]
    assert paths.count("/api/conversations.history") == 1
    assert paths.count("/api/conversations.replies") == 1


async def test_a_post_title_is_its_first_line_in_plain_words(slack_world, make_slack):
    """Slack's marks and link brackets stay out of the title the inbox shows."""
    world = slack_world
    world.workspace.say(
        world.town_hall,
        world.dana,
        "*Offsite* in _May_: see <https://plan.example|the plan> &amp; ~June~\nDetails below",
    )
    [post] = await make_slack().list_my_posts()
    assert post.title == "Offsite in May: see the plan & June"
    assert "<em>May</em>" in post.body


def _fill_thread(world, post, replies: int) -> None:
    for n in range(replies):
        world.workspace.say(world.town_hall, world.ada, f"idea {n}", post)


async def test_a_reply_look_up_that_stopped_at_its_page_bound_is_unsure(slack_world, make_slack):
    """A reply is looked up among the thread's replies since the item was queued, ten
    pages at most: when more remain, the write may be among them, so the look-up is
    unsure instead of letting the outbox send the reply twice."""
    world = slack_world
    post = world.workspace.say(world.town_hall, world.dana, "One idea per reply, please")
    since = iso(datetime.fromtimestamp(world.clock(), UTC))
    _fill_thread(world, post, THREAD_PAGES * PAGE_LIMIT)  # all since the item was queued
    network = make_slack()
    thread = f"{world.town_hall.id}/{post.ts}"
    sent = WriteIntent(OutboxKind.REPLY, thread, f"{thread}/x", "", "", "markdown", since)
    with pytest.raises(BadResponse) as unsure:
        await network.lookup_write("r1", sent)
    assert str(unsure.value).startswith(
        f"Slack, thread {post.ts} in {world.town_hall.id}: the look-up read 10 pages"
    )
    world.clock.advance(SKEW_S + 60)  # later, past the clock skew allowed: all on a page
    later = iso(datetime.fromtimestamp(world.clock(), UTC))
    _fill_thread(world, post, 3)
    sent_later = WriteIntent(OutboxKind.REPLY, thread, f"{thread}/x", "", "", "markdown", later)
    assert await network.lookup_write("r1", sent_later) is None


async def test_a_thread_longer_than_the_pages_read_is_not_marked_complete(slack_world, make_slack):
    """ "Complete" lets the store take a reply it no longer sees for deleted: a thread
    whose replies went past the pages read is not complete, or the replies left unread
    would be dropped from the inbox."""
    world = slack_world
    post = world.workspace.say(world.town_hall, world.dana, "One idea per reply, please")
    _fill_thread(world, post, THREAD_PAGES * PAGE_LIMIT)  # the pages also hold the parent
    page, _ = await pull(make_slack())
    assert len(page.comments) == THREAD_PAGES * PAGE_LIMIT - 1
    assert page.complete_for_posts == ()
