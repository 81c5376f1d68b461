"""The X connector against the X emulator (HTTPS, private CA, OAuth with PKCE through a
test browser, every request and answer checked against X's OpenAPI description)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from emulators.microsoft.apiserver import Action, Request
from emulators.microsoft.fixtures import each_cut_is_named, pull_round
from emulators.unreadable import garble_reads
from emulators.x.fixtures import CLIENT_ID
from emulators.x.server import READ
from msgspec.structs import replace

from app.domain import OutboxKind, Person, RemoteComment, RemoteKind, WriteIntent
from app.errors import (
    BadResponse,
    NotFound,
    OutcomeUnknown,
    PermissionDenied,
    RateLimited,
    Rejected,
)
from app.networks.matching import SKEW_S
from app.networks.x.connector import _Cursor
from app.timeutil import iso, parse


def test_a_cursor_an_earlier_version_stored_reads_and_is_written_back_the_same():
    """The pull's cursor waits in the database between syncs: the text the dataclass
    cursor wrote reads back whole and is written again as it was (so an older version,
    started again, reads this one's)."""
    stored = '{"newest": {"c1": "5"}, "queue": ["c2", "c3"], "token": "tok", "pending": "7"}'
    assert _Cursor.load(stored).dump() == stored


async def test_sign_in_keeps_who_and_the_refresh_token(x_site, x_network):
    me = await x_network.whoami()
    assert me.name == "Dana Whitfield"
    challenge = x_site.world.authority.challenges[0]
    assert challenge[0] == "S256"


async def test_pull_reads_the_replies_once_then_only_new_ones(x_site, x_network):
    pages, cursor = await pull_round(x_network)
    got = {c.remote_id: c for p in pages for c in p.comments}
    assert set(got) == set(x_site.replies)
    sam = got[x_site.replies[0]]
    assert (sam.author.name, sam.post_remote_id, sam.parent_remote_id) == (
        "Sam Ortiz",
        x_site.post,
        None,
    )
    again, cursor = await pull_round(x_network, cursor)
    assert [c for p in again for c in p.comments] == []
    newer = x_site.world.post("kenji_w", "Will you publish the data?", x_site.replies[1])
    pages, _ = await pull_round(x_network, cursor)
    (fresh,) = [c for p in pages for c in p.comments]
    assert (fresh.remote_id, fresh.parent_remote_id) == (newer, x_site.replies[1])


async def test_many_replies_are_read_page_by_page(x_site, x_network):
    made = {x_site.world.post("samortiz_dev", f"Question {n}", x_site.post) for n in range(130)}
    pages, _ = await pull_round(x_network)
    got = {c.remote_id for p in pages for c in p.comments}
    assert made <= got and len(got) == 132
    searches = [s for s in x_site.api.log if s.path == "/2/tweets/search/recent"]
    assert any("next_token" in s.query for s in searches)


async def test_replies_to_a_comment_are_found_past_the_first_page(x_site, x_network):
    sent = await x_network.reply(x_site.post, x_site.replies[0], "Answer", "markdown", "k0")
    for n in range(120):  # newer than the answer: it is on the second page of the search
        x_site.world.post("kenji_w", f"Me too {n}", x_site.post)
    assert [c.remote_id for c in await x_network.list_replies(x_site.replies[0])] == [
        sent.remote_id
    ]


async def test_a_reply_answers_the_very_comment(x_site, x_network):
    sent = await x_network.reply(
        x_site.post, x_site.replies[0], "A **rota**: one Friday a month.", "markdown", "k1"
    )
    tweet = x_site.world.tweets[sent.remote_id]
    assert tweet["text"] == "A rota: one Friday a month."
    assert tweet["referenced_tweets"] == [{"type": "replied_to", "id": x_site.replies[0]}]
    assert [c.remote_id for c in await x_network.list_replies(x_site.replies[0])] == [
        sent.remote_id
    ]


async def test_a_lost_answer_is_settled_by_looking_the_reply_up(x_site, x_network):
    queued = iso(datetime.fromtimestamp(x_site.clock(), UTC))  # when X's clock says it was
    x_site.api.fault(Action.DROP, "POST", "/2/tweets")
    body = "Thanks Sam, see https://contoso.example/blog/four-days for the rota."
    with pytest.raises(OutcomeUnknown):
        await x_network.reply(x_site.post, x_site.replies[0], body, "markdown", "k2")
    intent = WriteIntent(
        OutboxKind.REPLY, x_site.post, x_site.replies[0], "", body, "markdown", queued
    )
    found = await x_network.lookup_write("k2", intent)
    assert found is not None and x_site.world.tweets[found]["text"] == body
    other = WriteIntent(
        OutboxKind.REPLY, x_site.post, x_site.replies[1], "", body, "markdown", queued
    )
    assert await x_network.lookup_write("k3", other) is None


async def test_x_has_no_edit_and_deletes_its_own(x_site, x_network):
    with pytest.raises(Rejected, match="X does not let apps edit"):
        await x_network.edit(RemoteKind.COMMENT, x_site.replies[0], "new", "k4")
    sent = await x_network.reply(x_site.post, x_site.replies[1], "ありがとう", "markdown", "k5")
    await x_network.delete(RemoteKind.COMMENT, sent.remote_id, "k6")
    await x_network.delete(RemoteKind.COMMENT, sent.remote_id, "k7")  # already gone: fine
    with pytest.raises(NotFound):
        await x_network.get_comment(sent.remote_id)


async def test_rate_limit_headers_are_obeyed(x_site, x_network):
    x_site.world.limits["GET /2/tweets/:id"] = 2
    await x_network.get_comment(x_site.replies[0])
    await x_network.get_comment(x_site.replies[0])  # the last one of the window
    before = len(x_site.api.log)
    with pytest.raises(RateLimited) as held:
        await x_network.get_comment(x_site.replies[0])
    assert len(x_site.api.log) == before  # not even sent: the headers said none was left
    assert 0 < held.value.retry_after <= 15 * 60
    x_site.clock.advance(15 * 60)
    assert (await x_network.get_comment(x_site.replies[0])).remote_id == x_site.replies[0]


async def test_a_429_says_when_to_come_back(x_site, x_network):
    x_site.world.limits["GET /2/users/me"] = 0
    with pytest.raises(RateLimited) as held:
        await x_network.whoami()
    assert held.value.retry_after == pytest.approx(15 * 60, abs=2)


async def test_an_access_level_without_search_says_so_and_points_to_the_bridge(x_site, x_network):
    x_site.world.not_enrolled.add("GET /2/tweets/search/recent")
    with pytest.raises(PermissionDenied, match="access level does not include it") as refused:
        await pull_round(x_network)
    assert "manual bridge" in str(refused.value)


@pytest.mark.parametrize("client_id", [CLIENT_ID, "An0therXApp-0123456789"])
def test_client_forbidden_names_the_app_the_token_was_issued_to(x_site, client_id):
    x_site.world.not_enrolled.add("GET /2/users/me")
    token = x_site.world.authority.issue("danawhit", client_id, READ).access_token

    answer = x_site.emulator.handle(
        Request("GET", "/2/users/me", {}, {"authorization": f"Bearer {token}"}, b"")
    )

    assert (answer.status, answer.body["reason"]) == (403, "client-not-enrolled")
    assert answer.body["client_id"] == client_id


async def test_a_post_goes_out_as_plain_text_at_its_own_address(x_site, x_network):
    post = await x_network.publish("No titles on X", "Hiring **3** in Lisbon", "markdown", "k1")

    tweet = x_site.world.tweets[post.remote_id]
    assert tweet["text"] == "Hiring 3 in Lisbon" and "referenced_tweets" not in tweet
    assert (post.title, post.body) == ("Hiring 3 in Lisbon", "Hiring 3 in Lisbon")
    assert post.url == f"https://x.com/danawhit/status/{post.remote_id}"


async def test_a_lost_post_is_found_at_the_top_level_never_among_replies(x_site, x_network):
    queued = iso(datetime.fromtimestamp(x_site.clock(), UTC))
    body = "Our rota, one Friday a month."
    await x_network.reply(x_site.post, x_site.replies[0], body, "markdown", "k1")
    lost = WriteIntent(OutboxKind.PUBLISH, None, None, "", body, "markdown", queued)
    assert await x_network.lookup_write("k2", lost) is None  # only a reply says it

    x_site.api.fault(Action.DROP, "POST", "/2/tweets")
    with pytest.raises(OutcomeUnknown):
        await x_network.publish("", body + " Details soon.", "markdown", "k2")
    found = await x_network.lookup_write("k2", replace(lost, body=body + " Details soon."))

    assert found is not None and x_site.world.tweets[found]["text"] == body + " Details soon."


async def test_a_deletion_is_found_once_the_post_is_gone(x_site, x_network):
    sent = await x_network.reply(x_site.post, x_site.replies[1], "Oops", "markdown", "k1")
    queued = iso(datetime.fromtimestamp(x_site.clock(), UTC))
    deletion = WriteIntent(OutboxKind.DELETE, x_site.post, sent.remote_id, "", "", "", queued)
    assert await x_network.lookup_write("k2", deletion) is None  # still there

    await x_network.delete(RemoteKind.COMMENT, sent.remote_id, "k2")

    assert await x_network.lookup_write("k2", deletion) == sent.remote_id
    edit = replace(deletion, kind=OutboxKind.EDIT, body="Fixed")
    assert await x_network.lookup_write("k3", edit) is None  # X edits nothing via the API
    assert await x_network.lookup_write("k4", None) is None


async def test_a_reply_comes_back_as_my_comment_under_the_very_comment(x_site, x_network):
    sent = await x_network.reply(x_site.post, x_site.replies[0], "Yes & no", "markdown", "k1")

    assert sent == RemoteComment(
        remote_id=sent.remote_id,
        post_remote_id=x_site.post,
        parent_remote_id=x_site.replies[0],
        root_remote_id=x_site.replies[0],
        author=Person((await x_network.whoami()).remote_id, "danawhit"),
        body_html="<p>Yes &amp; no</p>",
        created_at=sent.created_at,
        edited_at=None,
        version=1,
        is_mine=True,
    )
    assert sent.remote_id in x_site.world.tweets
    assert parse(sent.created_at).tzinfo is not None


async def test_look_ups_and_deletions_keep_to_their_own_windows(x_site, x_network):
    """Each endpoint has its own window: a used-up search holds only look-ups, and says
    which limit it is; deletions and new posts count against theirs."""
    x_site.world.limits["GET /2/tweets/search/recent"] = 1
    x_site.world.limits["DELETE /2/tweets/:id"] = 1
    x_site.world.limits["POST /2/tweets"] = 2
    queued = iso(datetime.fromtimestamp(x_site.clock(), UTC))
    lost = WriteIntent(OutboxKind.PUBLISH, None, None, "", "Gone?", "markdown", queued)
    assert await x_network.lookup_write("k1", lost) is None
    with pytest.raises(RateLimited, match=r"X's limit for GET /2/tweets/search/recent is used"):
        await x_network.lookup_write("k1", lost)

    sent = await x_network.reply(x_site.post, x_site.replies[0], "Oops", "markdown", "k2")
    await x_network.delete(RemoteKind.COMMENT, sent.remote_id, "k3")
    again = await x_network.reply(x_site.post, x_site.replies[1], "Oops too", "markdown", "k4")
    with pytest.raises(RateLimited, match=r"X's limit for DELETE /2/tweets/:id is used"):
        await x_network.delete(RemoteKind.COMMENT, again.remote_id, "k5")
    with pytest.raises(RateLimited, match=r"X's limit for POST /2/tweets is used"):
        await x_network.reply(x_site.post, x_site.replies[1], "Third", "markdown", "k6")


async def test_a_lost_answer_names_the_request_that_failed(x_site, x_network):
    """When X's answer never comes, the error tells the person which request it was."""
    me = await x_network.whoami()
    queued = iso(datetime.fromtimestamp(x_site.clock(), UTC))
    lost = WriteIntent(OutboxKind.PUBLISH, None, None, "", "Gone?", "markdown", queued)
    cases = [
        ("GET", "/2/users/me", "GET /2/users/me", x_network.whoami),
        (
            "GET",
            f"/2/users/{me.remote_id}/tweets",
            "GET /2/users/:id/tweets",
            x_network.list_my_posts,
        ),
        (
            "GET",
            "/2/tweets/search/recent",
            "GET /2/tweets/search/recent",
            lambda: x_network.lookup_write("k1", lost),
        ),
        (
            "GET",
            f"/2/tweets/{x_site.replies[0]}",
            "GET /2/tweets/:id",
            lambda: x_network.get_comment(x_site.replies[0]),
        ),
        (
            "POST",
            "/2/tweets",
            "POST /2/tweets",
            lambda: x_network.reply(x_site.post, x_site.replies[0], "Hi", "markdown", "k2"),
        ),
        (
            "DELETE",
            f"/2/tweets/{x_site.replies[0]}",
            "DELETE /2/tweets/:id",
            lambda: x_network.delete(RemoteKind.COMMENT, x_site.replies[0], "k3"),
        ),
    ]
    await each_cut_is_named(x_site.api, "X", cases)


async def test_a_look_up_reads_past_the_first_page_of_my_posts(x_site, x_network):
    queued = iso(datetime.fromtimestamp(x_site.clock(), UTC))
    body = "The rota starts in March."
    x_site.api.fault(Action.DROP, "POST", "/2/tweets")
    with pytest.raises(OutcomeUnknown):
        await x_network.reply(x_site.post, x_site.replies[0], body, "markdown", "k1")
    for n in range(110):  # newer posts of mine push the lost one onto the second page
        x_site.world.post("danawhit", f"Noted {n}", x_site.post)
    intent = WriteIntent(
        OutboxKind.REPLY, x_site.post, x_site.replies[0], "", body, "markdown", queued
    )

    found = await x_network.lookup_write("k1", intent)

    assert found is not None and x_site.world.tweets[found]["text"] == body


async def test_a_look_up_for_a_write_queued_over_a_week_ago_asks_only_within_the_week(
    x_site, x_network
):
    """Recent search refuses a start_time older than 7 days; X's clock may run a minute
    ahead of this computer's."""
    queued = iso(datetime.fromtimestamp(x_site.clock() - 8 * 86400, UTC))
    body = "Back from leave: the rota is on."
    x_site.api.fault(Action.DROP, "POST", "/2/tweets")
    with pytest.raises(OutcomeUnknown):
        await x_network.publish("", body, "markdown", "k1")
    x_site.clock.advance(60)
    intent = WriteIntent(OutboxKind.PUBLISH, None, None, "", body, "markdown", queued)

    found = await x_network.lookup_write("k1", intent)

    assert found is not None and x_site.world.tweets[found]["text"] == body


async def test_a_used_up_window_is_named_by_its_endpoint(x_site, x_network):
    """Once X says an endpoint's window is used up, the next call is held and the message
    names that endpoint's limit (the person sees which kind of request must wait)."""
    first = await x_network.reply(x_site.post, x_site.replies[0], "One", "markdown", "k1")
    second = await x_network.reply(x_site.post, x_site.replies[1], "Two", "markdown", "k2")
    calls = {
        "GET /2/users/me": x_network.whoami,
        "GET /2/users/:id/tweets": x_network.list_my_posts,
        "GET /2/tweets/:id": lambda: x_network.get_comment(x_site.replies[0]),
        "DELETE /2/tweets/:id": lambda: x_network.delete(RemoteKind.COMMENT, first.remote_id, "k3"),
        "POST /2/tweets": lambda: x_network.publish("", "Three", "markdown", "k4"),
    }
    x_site.clock.advance(15 * 60)  # every window opens afresh, now with room for one
    for endpoint in calls:
        x_site.world.limits[endpoint] = 1
    await x_network.delete(RemoteKind.COMMENT, second.remote_id, "k5")
    for endpoint, call in calls.items():
        if endpoint != "DELETE /2/tweets/:id":
            await call()  # the last request of its window
        with pytest.raises(RateLimited, match=rf"X's limit for {re.escape(endpoint)} is used up"):
            await call()


async def test_a_new_post_is_titled_by_its_first_80_characters_and_dated_now(x_site, x_network):
    text = "Hiring in Lisbon: three engineers for the payments team, one designer, and a " * 2
    before = datetime.now(UTC).replace(microsecond=0)

    post = await x_network.publish("", text, "markdown", "k1")

    assert post.title == text.strip()[:80] and len(post.title) == 80
    assert post.body == text.strip() and post.updated_at == post.created_at
    assert before <= parse(post.created_at) <= datetime.now(UTC)


async def test_a_look_up_searches_my_posts_in_the_conversation_since_it_was_queued(
    x_site, x_network
):
    queued = datetime.fromtimestamp(x_site.clock(), UTC).replace(microsecond=0)
    body = "The rota starts in March."
    x_site.api.fault(Action.DROP, "POST", "/2/tweets")
    with pytest.raises(OutcomeUnknown):
        await x_network.reply(x_site.post, x_site.replies[0], body, "markdown", "k1")
    intent = WriteIntent(
        OutboxKind.REPLY, x_site.post, x_site.replies[0], "", body, "markdown", iso(queued)
    )
    searched = len(x_site.api.log)

    assert await x_network.lookup_write("k1", intent) is not None

    (search,) = [s for s in x_site.api.log[searched:] if s.path == "/2/tweets/search/recent"]
    assert search.query["query"] == f"from:danawhit conversation_id:{x_site.post}"
    assert search.query["start_time"] == iso(queued - timedelta(seconds=SKEW_S))
    assert "next_token" not in search.query  # the first page is asked for without one


async def test_a_write_that_landed_days_after_it_was_queued_is_found_within_the_week(
    x_site, x_network
):
    """Queued eight days ago and sent six and a half days ago, its answer lost: X's search
    still reaches it (a week back, less an hour for X's clock running ahead)."""
    queued = iso(datetime.fromtimestamp(x_site.clock() - 8 * 86400, UTC))
    body = "Back from leave: the rota is on."
    landed = x_site.world.post("danawhit", body, age_s=6.5 * 86400)
    intent = WriteIntent(OutboxKind.PUBLISH, None, None, "", body, "markdown", queued)

    assert await x_network.lookup_write("k1", intent) == landed


async def test_answers_that_cannot_be_read_say_so(x_site, x_network):
    x_site.api.fault(Action.GARBLE, "POST", "/2/tweets")
    with pytest.raises(BadResponse) as garbled:
        await x_network.publish("", "Hiring in Lisbon", "markdown", "k1")
    assert str(garbled.value) == (
        "X confirmed the post in an unreadable answer: field 'data' is 'garbled'."
    )
    x_site.api.fault(Action.LISTED, "GET", "/2/tweets/search/recent")
    queued = iso(datetime.fromtimestamp(x_site.clock(), UTC))
    lost = WriteIntent(OutboxKind.PUBLISH, None, None, "", "Hiring", "markdown", queued)
    with pytest.raises(BadResponse) as listed:
        await x_network.lookup_write("k2", lost)
    assert str(listed.value) == "X answered a search with something that is not an object."


async def test_a_look_up_passes_over_a_search_result_that_is_not_a_post(
    x_site, x_network, monkeypatch
):
    """Something in the search's ``data`` that is not an object (no emulator fault makes
    one, so the read is wrapped) is passed over: the reply after it is still found."""
    queued = iso(datetime.fromtimestamp(x_site.clock(), UTC))
    body = "Thanks Sam, the rota is up."
    sent = await x_network.reply(x_site.post, x_site.replies[0], body, "markdown", "k1")
    search = x_network._search

    async def with_junk(query: str, **params: object) -> dict:
        answer = await search(query, **params)
        return {**answer, "data": ["not a post", 7, *answer.get("data", [])]}

    monkeypatch.setattr(x_network, "_search", with_junk)
    intent = WriteIntent(
        OutboxKind.REPLY, x_site.post, x_site.replies[0], "", body, "markdown", queued
    )
    assert await x_network.lookup_write("k2", intent) == sent.remote_id


async def test_a_look_up_that_found_nothing_past_an_unreadable_post_is_unsure(
    x_site, x_network, monkeypatch
):
    """The unreadable result may be the write itself: "not found" would let the outbox
    send it a second time, so the look-up says it is unsure and is asked again later."""
    queued = iso(datetime.fromtimestamp(x_site.clock(), UTC))
    intent = WriteIntent(
        OutboxKind.REPLY, x_site.post, x_site.replies[0], "", "Never sent", "markdown", queued
    )
    assert await x_network.lookup_write("k1", intent) is None  # all readable: truly absent
    textless = [{"id": "9", "author_id": "1"}, {"id": "8", "author_id": "1", "text": ["x"]}]
    garble_reads(
        monkeypatch,
        x_network,
        "_search",
        lambda answer: {**answer, "data": [*textless, *answer.get("data", [])]},
    )
    unsure = r"^X sent 2 of my posts without their text\. The write .+ may be that post,"
    with pytest.raises(BadResponse, match=unsure):
        await x_network.lookup_write("k1", intent)


async def test_a_look_up_counts_unreadable_posts_over_all_its_pages(x_site, x_network, monkeypatch):
    queued = iso(datetime.fromtimestamp(x_site.clock(), UTC))
    intent = WriteIntent(OutboxKind.PUBLISH, None, None, "", "Never sent", "markdown", queued)
    for n in range(150):  # two pages
        x_site.world.post("danawhit", f"Note {n}")
    garble_reads(
        monkeypatch,
        x_network,
        "_search",
        lambda answer: {**answer, "data": [{"id": "9"}, *answer["data"]]},
        when=lambda query, **params: params.get("next_token") is None,  # the first page
    )
    with pytest.raises(BadResponse, match=r"^X sent 1 of my posts without their text\."):
        await x_network.lookup_write("k1", intent)


async def test_a_look_up_that_stopped_at_its_page_bound_is_unsure(x_site, x_network):
    """The look-up reads 20 pages of 100 of my posts since the item was queued: when all of
    them are read it may say "never landed"; when more remain, the write may be among
    them, so it is unsure rather than letting the outbox send it twice."""
    queued = iso(datetime.fromtimestamp(x_site.clock(), UTC))
    intent = WriteIntent(OutboxKind.PUBLISH, None, None, "", "Never sent", "markdown", queued)
    for n in range(20 * 100):
        x_site.world.post("danawhit", f"Note {n}")
    assert await x_network.lookup_write("k1", intent) is None  # every page read

    x_site.world.post("danawhit", "One more")
    with pytest.raises(BadResponse, match=r"^X: the look-up read 20 pages without reaching back"):
        await x_network.lookup_write("k1", intent)
