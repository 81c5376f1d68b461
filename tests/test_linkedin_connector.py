"""The LinkedIn connector against the LinkedIn emulator (HTTPS, private CA, OAuth with
PKCE through a test browser, the pinned LinkedIn-Version on every call)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from emulators.linkedin.fixtures import JORDAN, PRIYA
from emulators.microsoft.apiserver import Action
from emulators.microsoft.fixtures import each_cut_is_named, pull_round
from emulators.unreadable import garble_reads

from app.domain import OutboxKind, RemoteKind, WriteIntent
from app.errors import BadResponse, NotFound, OutcomeUnknown, PermissionDenied, RateLimited
from app.networks.linkedin.connector import RECENT_POSTS, _Cursor
from app.networks.matching import SKEW_S
from app.timeutil import iso, parse


def test_a_cursor_an_earlier_version_stored_reads_and_is_written_back_the_same():
    """The pull's cursor waits in the database between syncs: the text the dataclass
    cursor wrote reads back whole and is written again as it was."""
    stored = '{"queue": ["urn:li:share:1", "urn:li:share:2"]}'
    assert _Cursor.load(stored).dump() == stored


async def test_pull_reads_comments_and_their_one_level_of_replies(li_site, li_network):
    pages, _ = await pull_round(li_network)
    got = {c.remote_id: c for p in pages for c in p.comments}
    jordan, priya, follow_up = li_site.comments
    assert set(got) == {jordan, priya, follow_up}
    assert got[jordan].author.remote_id == JORDAN and got[jordan].parent_remote_id is None
    assert got[follow_up].parent_remote_id == priya
    assert got[follow_up].author.remote_id == PRIYA
    assert pages[0].complete_for_posts == (li_site.post,)


async def test_a_deleted_comment_is_gone_at_the_next_pull(li_site, li_network):
    _, cursor = await pull_round(li_network)
    del li_site.world.comments[li_site.comments[0]]
    pages, _ = await pull_round(li_network, cursor)
    assert li_site.comments[0] not in {c.remote_id for p in pages for c in p.comments}
    assert pages[-1].complete_for_posts == (li_site.post,)


async def test_a_reply_to_a_reply_goes_to_the_top_level_comment(li_site, li_network):
    _, priya, follow_up = li_site.comments
    sent = await li_network.reply(
        li_site.post, follow_up, "We **do**: quarterly.", "markdown", "k1"
    )
    stored = li_site.world.comments[sent.remote_id]
    assert stored["parentComment"] == priya and stored["actor"] == li_site.world.page
    assert stored["message"]["text"] == "We do: quarterly."
    assert sent.is_mine and sent.post_remote_id == li_site.post


async def test_edit_and_delete_as_the_page(li_site, li_network):
    sent = await li_network.reply(
        li_site.post, li_site.comments[0], "Draft answer", "markdown", "k2"
    )
    await li_network.edit(RemoteKind.COMMENT, sent.remote_id, "Final answer", "k3")
    assert li_site.world.comments[sent.remote_id]["message"]["text"] == "Final answer"
    await li_network.delete(RemoteKind.COMMENT, sent.remote_id, "k4")
    await li_network.delete(RemoteKind.COMMENT, sent.remote_id, "k5")  # already gone
    post = await li_network.publish("", "Hiring in Lisbon (3 roles) #jobs", "markdown", "k6")
    assert (
        li_site.world.posts[post.remote_id]["commentary"]
        == "Hiring in Lisbon \\(3 roles\\) \\#jobs"
    )
    await li_network.edit(RemoteKind.POST, post.remote_id, "Hiring in Lisbon: 4 roles", "k7")
    await li_network.delete(RemoteKind.POST, post.remote_id, "k8")
    assert post.remote_id not in li_site.world.posts


async def test_a_lost_answer_is_settled_by_looking_the_reply_up(li_site, li_network):
    queued = iso(datetime.fromtimestamp(li_site.clock(), UTC))
    li_site.api.fault(Action.DROP, "POST", "/rest/socialActions/")
    with pytest.raises(OutcomeUnknown):
        await li_network.reply(
            li_site.post, li_site.comments[0], "Twice a year, in person.", "markdown", "k9"
        )
    intent = WriteIntent(
        OutboxKind.REPLY,
        li_site.post,
        li_site.comments[0],
        "",
        "Twice a year, in person.",
        "markdown",
        queued,
    )
    found = await li_network.lookup_write("k9", intent)
    assert (
        found is not None and li_site.world.comments[found]["parentComment"] == li_site.comments[0]
    )
    other = WriteIntent(
        OutboxKind.REPLY,
        li_site.post,
        li_site.comments[1],
        "",
        "Twice a year, in person.",
        "markdown",
        queued,
    )
    assert await li_network.lookup_write("k10", other) is None


async def test_the_daily_quota_waits_until_midnight_utc(li_site, li_network):
    li_site.world.daily_quota = 0
    with pytest.raises(RateLimited) as held:
        await li_network.list_my_posts()
    now = datetime.fromtimestamp(li_site.clock(), UTC)
    midnight = (now.replace(hour=0, minute=0, second=0, microsecond=0)).timestamp() + 86400
    assert held.value.retry_after == pytest.approx(midnight - now.timestamp(), abs=1)
    seen = len(li_site.api.log)
    with pytest.raises(RateLimited):
        await li_network.list_my_posts()
    assert len(li_site.api.log) == seen  # not sent again before midnight


async def test_a_member_who_is_no_admin_is_refused_at_sign_in(li_site):
    li_site.world.admins.clear()
    with pytest.raises(PermissionDenied, match="Not enough permissions"):
        await li_site.sign_in()


def asked(site, kind: OutboxKind, target: str | None, body: str) -> WriteIntent:
    queued = iso(datetime.fromtimestamp(site.clock(), UTC))
    return WriteIntent(kind, None, target, "", body, "markdown", queued)


async def test_a_lost_post_is_found_by_its_text_among_the_posts_since_it_was_queued(
    li_site, li_network
):
    lost = asked(li_site, OutboxKind.PUBLISH, None, "Hiring in Lisbon (3 roles)")
    li_site.api.fault(Action.DROP, "POST", "/rest/posts")
    with pytest.raises(OutcomeUnknown):
        await li_network.publish("", lost.body, "markdown", "k1")

    found = await li_network.lookup_write("k1", lost)

    assert found is not None
    assert li_site.world.posts[found]["commentary"] == "Hiring in Lisbon \\(3 roles\\)"
    other = asked(li_site, OutboxKind.PUBLISH, None, "Hiring in Porto (3 roles)")
    assert await li_network.lookup_write("k2", other) is None
    # Yesterday's post says the same, but before this one was queued: it is not this write.
    same_text = asked(li_site, OutboxKind.PUBLISH, None, "Our four-day week pilot, six months in.")
    assert await li_network.lookup_write("k3", same_text) is None


@pytest.mark.parametrize("kind", [RemoteKind.POST, RemoteKind.COMMENT])
async def test_an_edit_is_found_when_the_text_is_the_new_one(li_site, li_network, kind):
    target = li_site.post if kind is RemoteKind.POST else li_site.comments[0]
    if kind is RemoteKind.COMMENT:
        target = (
            await li_network.reply(li_site.post, target, "Draft (v1)", "markdown", "k1")
        ).remote_id
    edit = asked(li_site, OutboxKind.EDIT, target, "Better (v2) #words")
    assert await li_network.lookup_write("k2", edit) is None  # not landed yet

    await li_network.edit(kind, target, edit.body, "k2")

    assert await li_network.lookup_write("k2", edit) == target


@pytest.mark.parametrize("kind", [RemoteKind.POST, RemoteKind.COMMENT])
async def test_a_deletion_is_found_when_the_post_or_comment_is_gone(li_site, li_network, kind):
    target = li_site.post if kind is RemoteKind.POST else li_site.comments[0]
    if kind is RemoteKind.COMMENT:
        target = (await li_network.reply(li_site.post, target, "Oops", "markdown", "k1")).remote_id
    deletion = asked(li_site, OutboxKind.DELETE, target, "")
    assert await li_network.lookup_write("k2", deletion) is None  # still there

    await li_network.delete(kind, target, "k2")

    assert await li_network.lookup_write("k2", deletion) == target
    assert await li_network.lookup_write("k3", None) is None


async def test_a_post_goes_out_public_to_the_main_feed_and_open_to_reshares(li_site, li_network):
    post = await li_network.publish("", "Town hall on Friday", "markdown", "k1")

    sent = li_site.world.posts[post.remote_id]
    assert {k: v for k, v in sent.items() if k not in ("id", "createdAt", "lastModifiedAt")} == {
        "author": li_site.world.page,
        "commentary": "Town hall on Friday",
        "visibility": "PUBLIC",
        "distribution": {
            "feedDistribution": "MAIN_FEED",
            "targetEntities": [],
            "thirdPartyDistributionChannels": [],
        },
        "lifecycleState": "PUBLISHED",
        "isReshareDisabledByAuthor": False,
    }
    assert post.url == f"https://www.linkedin.com/feed/update/{post.remote_id}/"


async def test_a_lost_answer_names_the_request_that_failed(li_site, li_network):
    """When LinkedIn's answer never comes, the error tells the person which request it was."""
    post, comment = li_site.post, li_site.comments[0]
    cases = [
        ("GET", "/rest/posts", "GET /rest/posts", li_network.whoami),
        (
            "GET",
            "/rest/socialActions/",
            "GET /rest/socialActions/{target}/comments",
            lambda: li_network.list_replies(comment),
        ),
        (
            "GET",
            "/rest/socialActions/",
            "GET /rest/socialActions/{target}/comments/{id}",
            lambda: li_network.get_comment(comment),
        ),
        (
            "GET",
            "/rest/posts/",
            "GET /rest/posts/{urn}",
            lambda: li_network.lookup_write("k1", asked(li_site, OutboxKind.DELETE, post, "")),
        ),
        (
            "GET",
            "/rest/posts/",
            "GET /rest/posts/{urn}",
            lambda: li_network.lookup_write("k2", asked(li_site, OutboxKind.EDIT, post, "New")),
        ),
        (
            "POST",
            "/rest/posts",
            "POST /rest/posts",
            lambda: li_network.publish("", "Hiring", "markdown", "k3"),
        ),
        (
            "POST",
            "/rest/socialActions/",
            "POST /rest/socialActions/{comment}/comments",
            lambda: li_network.reply(post, comment, "Thanks", "markdown", "k4"),
        ),
        (
            "POST",
            "/rest/posts/",
            "update a post",
            lambda: li_network.edit(RemoteKind.POST, post, "New", "k5"),
        ),
        (
            "POST",
            "/rest/socialActions/",
            "update a comment",
            lambda: li_network.edit(RemoteKind.COMMENT, comment, "New", "k6"),
        ),
        (
            "DELETE",
            "/rest/posts/",
            "DELETE /rest/posts/{urn}",
            lambda: li_network.delete(RemoteKind.POST, post, "k7"),
        ),
        (
            "DELETE",
            "/rest/socialActions/",
            "DELETE /rest/socialActions/{target}/comments/{id}",
            lambda: li_network.delete(RemoteKind.COMMENT, comment, "k8"),
        ),
    ]
    await each_cut_is_named(li_site.api, "LinkedIn", cases)


async def test_a_lost_reply_to_a_reply_is_found_and_no_other_comment_is_taken_for_it(
    li_site, li_network
):
    world, post = li_site.world, li_site.post
    _, priya, follow_up = li_site.comments
    text = "Quarterly, in Lisbon."
    world.comment(world.page, post, text, parent=priya, age_s=3600)  # mine, before it was queued
    world.comment(JORDAN, post, text, parent=priya)  # the same words, not the page's
    queued = iso(datetime.fromtimestamp(li_site.clock(), UTC))
    lost = WriteIntent(OutboxKind.REPLY, post, follow_up, "", text, "markdown", queued)
    assert await li_network.lookup_write("k1", lost) is None

    li_site.api.fault(Action.DROP, "POST", "/rest/socialActions/")
    with pytest.raises(OutcomeUnknown):
        await li_network.reply(post, follow_up, text, "markdown", "k1")
    found = await li_network.lookup_write("k1", lost)

    assert found is not None
    made = world.comments[found]
    assert (made["actor"], made["parentComment"]) == (world.page, priya)


async def test_a_new_post_is_titled_by_its_first_80_characters_and_dated_now(li_site, li_network):
    text = "Hiring in Lisbon: three engineers for the payments team, one designer, and a " * 2
    before = datetime.now(UTC).replace(microsecond=0)

    post = await li_network.publish("", text, "markdown", "k1")

    assert post.title == text.strip()[:80] and len(post.title) == 80
    assert post.body == text.strip() and post.updated_at == post.created_at
    assert before <= parse(post.created_at) <= datetime.now(UTC)


async def test_answers_that_cannot_be_read_say_so(li_site, li_network):
    li_site.api.fault(Action.GARBLE, "POST", "/rest/socialActions/")
    with pytest.raises(BadResponse) as garbled:
        await li_network.reply(li_site.post, li_site.comments[0], "Thanks", "markdown", "k1")
    assert str(garbled.value) == (
        "LinkedIn confirmed the reply in an unreadable answer: field 'message' is 'garbled'."
    )
    li_site.api.fault(Action.BARE, "POST", "/rest/posts")
    with pytest.raises(BadResponse) as bare:
        await li_network.publish("", "Hiring", "markdown", "k2")
    assert str(bare.value) == "LinkedIn created the post without saying its id (x-restli-id)."
    with pytest.raises(NotFound) as not_a_comment:
        await li_network.get_comment(li_site.post)
    assert str(not_a_comment.value) == f"{li_site.post} is not a LinkedIn comment"


async def test_a_look_up_counts_writes_stamped_at_its_very_floor(li_site, li_network):
    """The look-up reads back to when the item was queued, less the clock skew, that
    moment included."""
    world, post = li_site.world, li_site.post
    _, priya, follow_up = li_site.comments
    queued = iso(datetime.fromtimestamp(li_site.clock(), UTC))
    floor = int((parse(queued) - timedelta(seconds=SKEW_S)).timestamp() * 1000)
    made = world.post("Hiring in Lisbon")
    world.posts[made]["createdAt"] = world.posts[made]["lastModifiedAt"] = floor
    reply = world.comment(world.page, post, "Quarterly.", parent=priya)
    world.comments[reply]["created"]["time"] = floor
    world.comments[reply]["lastModified"]["time"] = floor

    lost_post = asked(li_site, OutboxKind.PUBLISH, None, "Hiring in Lisbon")
    lost_reply = WriteIntent(
        OutboxKind.REPLY, post, follow_up, "", "Quarterly.", "markdown", queued
    )

    assert await li_network.lookup_write("k1", lost_post) == made
    assert await li_network.lookup_write("k2", lost_reply) == reply


async def test_a_look_up_reads_past_a_comment_it_cannot_read(li_site, li_network):
    world, post = li_site.world, li_site.post
    _, priya, follow_up = li_site.comments
    queued = iso(datetime.fromtimestamp(li_site.clock(), UTC))
    mangled = world.comment(JORDAN, post, "First!", parent=priya)
    world.comments[mangled]["message"] = "mangled"  # older than mine: listed before it
    li_site.clock.advance(5)
    mine = world.comment(world.page, post, "Quarterly, in Lisbon.", parent=priya)
    lost = WriteIntent(
        OutboxKind.REPLY, post, follow_up, "", "Quarterly, in Lisbon.", "markdown", queued
    )

    assert await li_network.lookup_write("k1", lost) == mine


async def test_a_look_up_that_found_nothing_past_something_unreadable_is_unsure(
    li_site, li_network, monkeypatch
):
    """An unreadable post or comment may be the write itself: "not found" would let the
    outbox send it a second time, so the look-up says it is unsure and is asked again.
    (No emulator fault garbles one element, so the reads are wrapped.)"""
    post = asked(li_site, OutboxKind.PUBLISH, None, "Never published")
    reply = WriteIntent(
        OutboxKind.REPLY, li_site.post, li_site.comments[0], "", "Never sent", "markdown",
        post.since,
    )  # fmt: skip
    assert await li_network.lookup_write("k1", post) is None  # all readable: truly absent
    assert await li_network.lookup_write("k2", reply) is None
    textless = {"id": "urn:li:share:9", "createdAt": int(li_site.clock() * 1000)}
    garble_reads(
        monkeypatch,
        li_network,
        "_posts",
        lambda answer: {**answer, "elements": [textless, "no object", *answer["elements"]]},
    )
    garble_reads(monkeypatch, li_network, "_all_comments", lambda answer: ["junk", *answer])
    unsure = r"urn:li:share:9 without its text\. The write being looked up may be that post,"
    with pytest.raises(BadResponse, match=unsure):
        await li_network.lookup_write("k1", post)
    unsure = r"^A LinkedIn comment could not be read: .+\. The write .+ may be that comment,"
    with pytest.raises(BadResponse, match=unsure):
        await li_network.lookup_write("k2", reply)


GARBLED_POSTS = {
    "no time": lambda post: post.pop("createdAt"),
    "a time in words": lambda post: post.update(createdAt="yesterday"),
    "a time past year 9999": lambda post: post.update(createdAt=10**20),
    "no id": lambda post: post.pop("id"),
}


@pytest.mark.parametrize("garble", sorted(GARBLED_POSTS))
async def test_a_look_up_is_unsure_over_a_post_saying_the_same_it_cannot_fully_read(
    li_site, li_network, garble
):
    """A post with the text sent whose time or id cannot be read may be the write: the
    look-up neither takes it for an old one (it read a missing time as 1970) nor names
    it by an id it does not have. One that says something else is not the write."""
    world = li_site.world
    lost = asked(li_site, OutboxKind.PUBLISH, None, "Hiring in Lisbon")
    other = world.post("Hiring in Porto")
    GARBLED_POSTS[garble](world.posts[other])
    assert await li_network.lookup_write("k1", lost) is None

    made = world.post("Hiring in Lisbon")
    assert await li_network.lookup_write("k1", lost) == made
    GARBLED_POSTS[garble](world.posts[made])
    with pytest.raises(BadResponse, match=r"without its time or id\. The write being looked up"):
        await li_network.lookup_write("k1", lost)


async def test_a_post_look_up_is_unsure_when_its_page_ends_among_posts_since_the_item(
    li_site, li_network
):
    """The look-up reads the page's 20 most recently modified posts: when the last of
    them was modified before the item was queued, no later one can be the write; when it
    was modified since, the write may be further down, so the look-up is unsure."""
    world = li_site.world
    lost = asked(li_site, OutboxKind.PUBLISH, None, "Never published")
    for n in range(RECENT_POSTS - len(world.posts)):  # with yesterday's post: one page
        world.post(f"Note {n}")
    assert await li_network.lookup_write("k1", lost) is None

    world.post("One more")  # yesterday's post is off the page now
    with pytest.raises(BadResponse, match=r"^LinkedIn: the look-up read 1 page without reaching"):
        await li_network.lookup_write("k1", lost)
    listed = sorted(world.posts.values(), key=lambda p: p["lastModifiedAt"], reverse=True)
    last = listed[RECENT_POSTS - 1]  # the page's last, newer than yesterday's post
    last["lastModifiedAt"] = int(parse(lost.since).timestamp() * 1000) - int(SKEW_S * 1000)
    with pytest.raises(BadResponse, match=r"^LinkedIn: the look-up read 1 page"):  # its floor
        await li_network.lookup_write("k1", lost)
    last["lastModifiedAt"] -= 1
    assert await li_network.lookup_write("k1", lost) is None


async def test_a_post_look_up_passes_over_an_old_post_edited_since(li_site, li_network):
    """Posts come newest modified first: an old post edited since the item was queued is
    listed before the write, and is passed over, not taken for the end of the list."""
    world = li_site.world
    lost = asked(li_site, OutboxKind.PUBLISH, None, "Hiring in Lisbon")
    made = world.post("Hiring in Lisbon")
    old = world.post("Last year's news", age_s=400 * 86400)
    world.posts[old]["lastModifiedAt"] = world.posts[made]["lastModifiedAt"] + 1

    assert await li_network.lookup_write("k1", lost) == made
