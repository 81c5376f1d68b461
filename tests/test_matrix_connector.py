"""The Matrix connector against a fake homeserver (``httpx.MockTransport``): error mapping,
relation parsing, the cursor and back-fill logic, edits and deletions, writes, signing in.

``FakeHomeserver`` (tests/fixtures/matrix_homeserver.py) keeps rooms as one ordered event
log. The real server's behaviour is covered by tests/integration/test_matrix_*.py.
"""

from __future__ import annotations

import logging
import ssl
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote

import httpx
import pytest
from fixtures.matrix_homeserver import (
    ME,
    OTHER_ROOM,
    ROOM,
    T0,
    FakeHomeserver,
    SignInServer,
    error,
    ok,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.domain import (
    Account,
    CommentPage,
    OutboxKind,
    Person,
    PublishOptions,
    RemoteKind,
    WriteIntent,
)
from app.errors import (
    AuthError,
    BadResponse,
    NetworkError,
    NotFound,
    OfflineError,
    OutcomeUnknown,
    PermissionDenied,
    RateLimited,
    Rejected,
    TlsError,
    UserError,
    WrongService,
)
from app.networks.http import Malformed
from app.networks.matching import SKEW_S
from app.networks.matrix import KIND, MatrixNetwork, content, cursor, events
from app.networks.matrix.comments import THREAD_PAGES
from app.timeutil import iso
from app.timeutil import parse as parse_time


async def pull_all(network: MatrixNetwork, start: str | None = None) -> tuple[list, str | None]:
    """Every page of one engine pull: (pages, the cursor to store)."""
    await network.list_my_posts()
    pages: list[CommentPage] = []
    cursor_text = start
    for _ in range(100):
        page = await network.pull_comments(cursor_text)
        pages.append(page)
        cursor_text = page.next_cursor or cursor_text
        if not page.has_more:
            return pages, cursor_text
    raise AssertionError("the pull never ended")


def bodies(pages: list[CommentPage]) -> dict[str, str]:
    return {events.split_id(c.remote_id)[1]: c.body_html for p in pages for c in p.comments}


# -- error mapping ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "case",
    [
        (401, "M_UNKNOWN_TOKEN", {}, AuthError, "signed out or removed"),
        (401, "M_UNKNOWN_TOKEN", {"soft_logout": True}, AuthError, "soft logout"),
        (401, "M_MISSING_TOKEN", {}, AuthError, "Sign in to the account again"),
        (403, "M_USER_DEACTIVATED", {}, AuthError, "deactivated"),
        (401, "M_USER_LOCKED", {}, AuthError, "locked"),
        (403, "M_FORBIDDEN", {}, PermissionDenied, "still in the room"),
        (403, "M_USER_SUSPENDED", {}, PermissionDenied, "suspended"),
        (403, "M_CONSENT_NOT_GIVEN", {}, PermissionDenied, "terms of service"),
        (403, "M_GUEST_ACCESS_FORBIDDEN", {}, PermissionDenied, "guests"),
        (404, "M_NOT_FOUND", {}, NotFound, "nope"),
        (413, "M_TOO_LARGE", {}, Rejected, "too large"),
        (403, "M_RESOURCE_LIMIT_EXCEEDED", {}, Rejected, "administrator"),
        (404, "M_UNRECOGNIZED", {}, Rejected, "too old"),
        (400, "M_BAD_JSON", {}, Rejected, "Fireside bug"),
        (400, "M_INVALID_PARAM", {}, Rejected, "Fireside bug"),
        (400, "M_UNKNOWN", {}, Rejected, r"nope \(M_UNKNOWN\)"),
        (400, "M_SOMETHING_NEW", {}, Rejected, "M_SOMETHING_NEW"),
        (500, "M_UNKNOWN", {}, OutcomeUnknown, "may or may not"),
        (502, None, {}, OutcomeUnknown, "server error"),
    ],
)
async def test_errcodes_become_clear_errors(hs: FakeHomeserver, net: MatrixNetwork, case) -> None:
    status, errcode, extra, raised, words = case
    hs.comment(hs.post("Hi"), "Q?")
    hs.override = error(status, errcode, **extra)
    with pytest.raises(raised, match=words) as caught:
        await net.publish("", "Hello", "markdown", "k1")
    assert "Matrix at hs.test" in str(caught.value) or raised is NotFound


@pytest.mark.parametrize(
    ("headers", "body", "wait"),
    [
        ({"Retry-After": "3"}, {"retry_after_ms": 2500}, 3.0),
        ({}, {"retry_after_ms": 2500}, 2.5),
        ({}, {"retry_after_ms": "soon"}, None),
        ({}, {}, None),
    ],
)
async def test_rate_limits_carry_the_servers_wait(
    hs: FakeHomeserver, net: MatrixNetwork, headers, body, wait
) -> None:
    payload = {"errcode": "M_LIMIT_EXCEEDED", "error": "Too many requests", **body}
    hs.override = lambda request: httpx.Response(429, json=payload, headers=headers)
    with pytest.raises(RateLimited, match="rate limited") as caught:
        await net.publish("", "Hello", "markdown", "k1")
    assert caught.value.retry_after == wait


async def test_a_read_that_fails_on_the_server_is_retryable(hs, net) -> None:
    hs.override = error(503, None)
    with pytest.raises(NetworkError) as caught:
        await net.pull_comments(None)
    assert type(caught.value) is NetworkError and caught.value.retryable


# -- relations and events (pure) ------------------------------------------------------------


def thread_event(event_id="$c1", reply_to="$root", falling_back=False, **more) -> dict:
    return {
        "event_id": event_id,
        "type": "m.room.message",
        "sender": "@ada:hs",
        "origin_server_ts": T0,
        "content": {
            "msgtype": "m.text",
            "body": "Why?",
            "m.relates_to": {
                "rel_type": "m.thread",
                "event_id": "$root",
                "is_falling_back": falling_back,
                "m.in_reply_to": {"event_id": reply_to},
            },
        },
        **more,
    }


def parse(obj: dict, roots: dict | None = None):
    return events.parse_comment(obj, ROOM, ME, {"@ada:hs": "Ada Reyes"}, roots or {})


def test_a_falling_back_reply_is_top_level_and_a_specific_one_has_its_parent() -> None:
    top = parse(thread_event(reply_to="$latest", falling_back=True))
    assert (top.parent_remote_id, top.root_remote_id) == (None, None)
    assert top.post_remote_id == f"{ROOM}|$root" and top.author.name == "Ada Reyes"
    to_root = parse(thread_event(reply_to="$root"))
    assert to_root.parent_remote_id is None
    nested = parse(thread_event(reply_to="$c0"), roots={f"{ROOM}|$c0": f"{ROOM}|$top"})
    assert nested.parent_remote_id == f"{ROOM}|$c0"
    assert nested.root_remote_id == f"{ROOM}|$top"
    direct = parse(thread_event(reply_to="$c0"))
    assert direct.root_remote_id == f"{ROOM}|$c0"  # its parent is top-level, as far as seen


def test_only_the_senders_own_edit_counts() -> None:
    edit = {
        "event_id": "$e9",
        "type": "m.room.message",
        "sender": "@ada:hs",
        "origin_server_ts": T0 + 5000,
        "content": {
            "body": "* new",
            "m.new_content": {"msgtype": "m.text", "body": "Better?"},
            "m.relates_to": {"rel_type": "m.replace", "event_id": "$c1"},
        },
    }
    own = parse(thread_event(unsigned={"m.relations": {"m.replace": edit}}))
    assert own.body_html == "<p>Better?</p>" and own.version == T0 + 5000
    assert own.edited_at == events.moment(T0 + 5000)
    forged = parse(
        thread_event(unsigned={"m.relations": {"m.replace": {**edit, "sender": "@eve:hs"}}})
    )
    assert forged.body_html == "<p>Why?</p>" and forged.version == T0 and forged.edited_at is None


def test_bodies_become_html_without_reply_fallbacks() -> None:
    def html_of(**content_fields: Any) -> str:
        return events.body_html({"msgtype": "m.text", **content_fields})

    assert html_of(body="a < b\nnext\n\nnew para") == "<p>a &lt; b<br>next</p><p>new para</p>"
    quoted = "<mx-reply><blockquote>old</blockquote></mx-reply><b>new</b>"
    assert html_of(body="x", format=events.HTML_FORMAT, formatted_body=quoted) == "<b>new</b>"
    fallback = {"m.relates_to": {"m.in_reply_to": {"event_id": "$x"}}}
    assert html_of(body="> <@ben:hs> old\n> more\n\nmy answer", **fallback) == "<p>my answer</p>"
    assert html_of(body="cat.png", msgtype="m.image") == "<p>[image: cat.png]</p>"


@pytest.mark.parametrize(
    "broken",
    [
        {"content": {"body": 7, "m.relates_to": {"rel_type": "m.thread", "event_id": "$r"}}},
        {"content": {"body": "x", "m.relates_to": "thread"}},
        {"content": {"body": "x", "m.relates_to": {"rel_type": "m.thread"}}},
        {"origin_server_ts": 10**30},
        {"origin_server_ts": True},
        {"event_id": "no-dollar"},
        {"event_id": "$a|b"},
        {"sender": None},
        {"content": []},
        {"content": {"body": "not in a thread"}},
    ],
)
def test_malformed_events_are_item_errors(broken: dict) -> None:
    with pytest.raises(Malformed):
        parse({**thread_event(), **broken})


def test_remote_ids_keep_the_room_whole() -> None:
    odd_room = "!weird|room:hs"
    assert events.split_id(events.join_id(odd_room, "$e1")) == (odd_room, "$e1")
    for bad in ("", "$e1", "!room:hs|", "!room:hs|e1"):
        with pytest.raises(ValueError):
            events.split_id(bad)


matrix_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.text(max_size=10), st.floats(allow_nan=True)
)
matrix_json = st.recursive(
    matrix_scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.fixed_dictionaries(
        {},
        optional={
            key: st.one_of(st.just(value), matrix_json)
            for key, value in thread_event(unsigned={}).items()
        },
    ),
    matrix_json,
)
def test_the_parsers_take_any_event(obj: dict, relates: Any) -> None:
    """Whatever an event holds: a comment, a post or Malformed, never another exception."""
    for candidate in (obj, {**obj, "content": {"body": "x", "m.relates_to": relates}}):
        for parse_one in (
            parse,
            lambda o: events.parse_post(o, ROOM),
            events.parse_person,
        ):
            try:
                parse_one(candidate)
            except Malformed as exc:
                assert str(exc)


# -- the cursor ------------------------------------------------------------------------------


def test_cursors_round_trip_and_refuse_what_they_did_not_write() -> None:
    made = cursor.Cursor("s5", (cursor.Fill(ROOM, "s4", None, 3), cursor.Fill("!b", "s2", "s1", 1)))
    assert cursor.decode(cursor.encode(made)) == made
    assert cursor.decode(None) == cursor.Cursor()
    for bad in ("[]", '{"since": 5}', '{"fill": [["r", "s", null, 0]]}', "{", '{"fill": {}}'):
        with pytest.raises(ValueError):
            cursor.decode(bad)


async def test_an_unreadable_cursor_starts_over(hs: FakeHomeserver, net: MatrixNetwork) -> None:
    hs.comment(hs.post("Hi"), "Q?")
    await net.list_my_posts()
    page = await net.pull_comments("garbage{")
    assert len(page.comments) == 1 and cursor.decode(page.next_cursor).since == "s2"


# -- pulling ---------------------------------------------------------------------------------


async def test_only_thread_replies_to_my_posts_are_comments(hs: FakeHomeserver, net) -> None:
    mine = hs.post("My post")
    theirs = hs.post("Ben's post", sender="@ben:hs")
    hs.comment(mine, "On mine?")
    hs.comment(theirs, "On Ben's?")
    hs.post("Plain chatter", sender="@ada:hs")
    my_reply = hs.comment(mine, "Answer", sender=ME, reply_to="$e3")

    pages, stored = await pull_all(net)

    comments = [c for p in pages for c in p.comments]
    assert [events.split_id(c.remote_id)[1] for c in comments] == ["$e3", my_reply]
    assert comments[1].is_mine and comments[1].parent_remote_id == f"{ROOM}|$e3"
    assert comments[0].author.name == "Ada Reyes"
    assert [p.title for p in await net.list_my_posts()] == ["My post"]
    assert (await pull_all(net, stored))[0][0].comments == []


async def test_a_limited_timeline_is_back_filled_page_by_page(hs: FakeHomeserver, make_network):
    net = make_network(timeline_limit=2, page_size=3)
    root = hs.post("AMA")
    _, stored = await pull_all(net)
    asked = {hs.comment(root, f"Question {n}?") for n in range(10)}
    hs.post("noise", room=OTHER_ROOM, sender="@ben:hs")  # a busy room without my posts

    pages, stored = await pull_all(net, stored)

    assert set(bodies(pages)) == asked
    assert len(pages) > 3 and all(p.has_more for p in pages[:-1])
    fills = cursor.decode(pages[0].next_cursor).fills
    assert [f.room for f in fills] == [ROOM]  # no back-fill where I have no post
    assert cursor.decode(stored) == cursor.Cursor(f"s{hs.position}")
    back_filled = {
        unquote(r.url.path).split("/")[5]
        for r in hs.requests
        if r.url.path.endswith("/messages") and "senders" not in r.url.params["filter"]
    }
    assert back_filled == {ROOM}


async def test_a_back_fill_stops_at_its_bound_and_says_so(hs: FakeHomeserver, make_network):
    net = make_network(timeline_limit=1, page_size=1)
    net._puller._later_pages = 2
    root = hs.post("AMA")
    _, stored = await pull_all(net)
    for n in range(6):
        hs.comment(root, f"Q{n}?")

    pages, _ = await pull_all(net, stored)

    assert len(bodies(pages)) == 3  # the sync's one, then two pages
    assert any("had more than 2 new messages" in e for p in pages for e in p.errors)


async def test_edits_show_with_their_time_and_version(hs: FakeHomeserver, net) -> None:
    root = hs.post("Plan")
    question = hs.comment(root, "When?")
    _, stored = await pull_all(net)
    hs.edit(question, "When, exactly?")
    hs.edit(question, "Not Ada's to change", sender="@ben:hs")

    pages, _ = await pull_all(net, stored)

    [edited] = [c for p in pages for c in p.comments]
    assert edited.body_html == "<p>When, exactly?</p>"
    assert edited.version == T0 + 3000 and edited.edited_at == events.moment(T0 + 3000)

    quick = hs.comment(root, "Typo")  # written and edited between two syncs
    hs.edit(quick, "No typo")
    pages, _ = await pull_all(net, stored)
    assert bodies(pages)[quick] == "<p>No typo</p>"


async def test_deletions_seen_and_unseen(hs: FakeHomeserver, make_network) -> None:
    """A comment seen this session is reported deleted; after a restart the deletion cannot
    name its post, so the posts before it are re-read whole (``complete_for_posts``)."""
    root = hs.post("Plan")
    first, second, kept = (hs.comment(root, t) for t in ("one", "two", "three"))
    net = make_network()
    _, stored = await pull_all(net)
    hs.redact(first)

    pages, stored = await pull_all(net, stored)

    [gone] = [c for p in pages for c in p.comments]
    assert events.split_id(gone.remote_id)[1] == first and gone.deleted
    assert not any(p.complete_for_posts for p in pages)

    hs.redact(second)
    hs.add(ROOM, "@ben:hs", {"key": "👍"}, "m.reaction")
    hs.redact(f"$e{hs.position}", "@ben:hs")  # an un-reaction: no re-scan for that
    restarted = make_network()
    pages, _ = await pull_all(restarted, stored)

    assert [p.complete_for_posts for p in pages] == [(f"{ROOM}|{root}",)]
    assert set(bodies(pages)) == {kept}
    assert sum("relations" in p for p in hs.paths()) == 1


async def test_a_deleted_post_is_listed_as_deleted(hs: FakeHomeserver, net) -> None:
    root = hs.post("Oops")
    await pull_all(net)
    hs.redact(root, ME)
    [post] = await net.list_my_posts()
    assert post.deleted


async def test_comments_on_a_post_not_yet_listed_hold_the_cursor(hs, net) -> None:
    """Posted after the engine listed posts: the page keeps the cursor, the next listing
    has the post, and the comments then arrive for good."""
    await net.list_my_posts()
    root = hs.post("Just now")
    hs.comment(root, "First!")

    held = await net.pull_comments(None)

    assert held.next_cursor is None and not held.has_more
    assert [p.remote_id for p in await net.list_my_posts()] == [f"{ROOM}|{root}"]
    page = await net.pull_comments(None)
    assert len(page.comments) == 1 and page.next_cursor is not None


async def test_a_comment_on_a_post_older_than_the_scan_is_found(hs, make_network) -> None:
    net = make_network(page_size=1)
    net._posts._first_pages = 1
    old = hs.post("Old post")
    hs.post("Newer post")
    await net.list_my_posts()
    hs.comment(old, "Late question")

    pages, _ = await pull_all(net)

    assert [c.post_remote_id for p in pages for c in p.comments] == [f"{ROOM}|{old}"]
    assert f"{ROOM}|{old}" in {p.remote_id for p in await net.list_my_posts()}


async def test_one_malformed_event_is_one_error_and_the_page_goes_on(hs, net) -> None:
    root = hs.post("Plan")
    hs.comment(root, "fine")
    bad = hs.comment(root, "broken")
    hs.find(bad)[1]["content"]["body"] = {"not": "text"}
    hs.comment(root, "also fine")

    pages, _ = await pull_all(net)

    assert sorted(bodies(pages).values()) == ["<p>also fine</p>", "<p>fine</p>"]
    [message] = [e for p in pages for e in p.errors]
    assert bad in message and "skipped" in message


@pytest.mark.parametrize(
    "body",
    [
        {"rooms": {"join": {ROOM: {"timeline": {"events": "many"}}}}},
        {"next_batch": 5},
        {"next_batch": "s1", "rooms": ["join"]},
        {"next_batch": "s1", "rooms": {"join": {ROOM: []}}},
        ["not", "an", "object"],
    ],
)
async def test_a_garbled_sync_page_is_a_bad_response(hs, net, body: Any) -> None:
    hs.override = lambda request: ok(body) if "/sync" in request.url.path else None
    with pytest.raises(BadResponse):
        await net.pull_comments(None)


async def test_get_comment_and_list_replies(hs: FakeHomeserver, net) -> None:
    root = hs.post("Plan")
    question = hs.comment(root, "Why?")
    mine = hs.comment(root, "Because.", sender=ME, reply_to=question)
    hs.comment(root, "Unrelated", sender="@ben:hs")
    hs.comment(root, "Thanks", reply_to=mine)
    hs.edit(question, "Why, really?")

    comment = await net.get_comment(f"{ROOM}|{question}")
    assert comment.body_html == "<p>Why, really?</p>" and comment.version > T0

    replies = await net.list_replies(f"{ROOM}|{question}")
    assert [events.split_id(r.remote_id)[1] for r in replies] == [mine]
    assert replies[0].is_mine

    hs.redact(question)
    with pytest.raises(NotFound, match="deleted"):
        await net.get_comment(f"{ROOM}|{question}")
    with pytest.raises(NotFound):
        await net.get_comment(f"{ROOM}|$nope")
    with pytest.raises(NotFound):
        await net.get_comment("not-an-id")


async def test_a_very_long_thread_is_read_up_to_its_bound(hs, make_network) -> None:
    net = make_network(page_size=1)
    root = hs.post("Plan")
    question = hs.comment(root, "Q")
    for n in range(THREAD_PAGES + 2):
        hs.comment(root, f"noise {n}", sender="@ben:hs")
    assert await net.list_replies(f"{ROOM}|{question}") == []
    assert sum("relations" in p for p in hs.paths()) == THREAD_PAGES


# -- writing ---------------------------------------------------------------------------------


async def test_publish_sends_markdown_as_body_and_sanitised_html(hs, net) -> None:
    post = await net.publish("", "Hello **team** <script>x()</script>", "markdown", "key-1")

    _, event = hs.find(events.split_id(post.remote_id)[1])
    sent = event["content"]
    assert sent["body"] == "Hello **team** <script>x()</script>"
    assert sent["format"] == "org.matrix.custom.html"
    assert "<strong>team</strong>" in sent["formatted_body"]
    assert "<script>" not in sent["formatted_body"] and sent["m.mentions"] == {}
    assert hs.paths("PUT") == [f"/_matrix/client/v3/rooms/{ROOM}/send/m.room.message/key-1"]
    assert post.title == "Hello **team** <script>x()</script>"[:80]
    assert post.remote_id in {p.remote_id for p in await net.list_my_posts()}

    again = await net.publish("", "Hello **team** <script>x()</script>", "markdown", "key-1")
    assert again.remote_id == post.remote_id and hs.position == 1  # the txnId deduplicated


async def test_a_title_leads_the_message_and_plain_text_has_no_html(hs, net) -> None:
    post = await net.publish("Q3 plan", "Dates inside.", "text", "k")
    sent = hs.find(events.split_id(post.remote_id)[1])[1]["content"]
    assert sent == {"msgtype": "m.text", "body": "Q3 plan\n\nDates inside.", "m.mentions": {}}
    with pytest.raises(Rejected, match="only publish now"):
        await net.publish("", "x", "markdown", "k2", options=PublishOptions(status="draft"))


async def test_a_reply_names_the_comment_and_mentions_its_author(hs, net) -> None:
    root = hs.post("Plan")
    question = hs.comment(root, "Why?")
    reply = await net.reply(f"{ROOM}|{root}", f"{ROOM}|{question}", "Because.", "markdown", "k")

    sent = hs.find(events.split_id(reply.remote_id)[1])[1]["content"]
    assert sent["m.relates_to"] == {
        "rel_type": "m.thread",
        "event_id": root,
        "is_falling_back": False,
        "m.in_reply_to": {"event_id": question},
    }
    assert sent["m.mentions"] == {"user_ids": ["@ada:hs"]}
    assert reply.is_mine and reply.parent_remote_id == f"{ROOM}|{question}"
    with pytest.raises(Rejected, match="not in the room"):
        await net.reply(f"{ROOM}|{root}", f"{OTHER_ROOM}|{question}", "x", "markdown", "k2")


async def test_edit_delete_and_look_up(hs: FakeHomeserver, net: MatrixNetwork) -> None:
    root = hs.post("Plan")
    reply = await net.reply(f"{ROOM}|{root}", f"{ROOM}|{root}", "First", "markdown", "k-reply")
    await net.edit("comment", reply.remote_id, "Second", "k-edit")
    await net.delete("post", f"{ROOM}|{root}", "k-delete")
    await net.delete("post", f"{ROOM}|$gone", "k-delete-2")  # already gone: done

    edit = hs.find(hs.txns["k-edit"])[1]["content"]
    assert edit["m.new_content"]["body"] == "Second" and edit["body"] == "* Second"
    assert edit["m.relates_to"] == {"rel_type": "m.replace", "event_id": hs.txns["k-reply"]}
    assert await net.lookup_write("k-reply") == reply.remote_id
    assert await net.lookup_write("k-edit") == reply.remote_id
    assert await net.lookup_write("k-delete") == f"{ROOM}|{root}"
    assert await net.lookup_write("never-sent") is None


async def test_too_large_a_message_is_refused_before_sending(hs, net) -> None:
    huge = "*a* " * 9_000  # under the character limit, far over the event size once HTML
    assert len(huge) < 40_000
    with pytest.raises(Rejected, match="bytes once formatted"):
        await net.publish("", huge, "markdown", "k")
    assert hs.paths("PUT") == []
    assert content.MAX_CHARS * 6 <= content.MAX_CONTENT_BYTES  # 3 UTF-8 bytes, twice


async def test_a_published_post_is_what_was_sent_where(hs, net) -> None:
    post = await net.publish("Q3", "Dates **inside**.", "markdown", "k1")
    event = hs.txns["k1"]
    assert (post.remote_id, post.title, post.body) == (
        f"{ROOM}|{event}",
        "Q3",
        "**Q3**\n\nDates **inside**.",
    )
    assert post.url == f"https://matrix.to/#/%21town%3Ahs/{event.replace('$', '%24')}"
    assert post.created_at == post.updated_at and parse_time(post.created_at)
    assert not post.deleted


async def test_a_reply_is_the_comment_that_was_sent(hs, net) -> None:
    root = hs.post("Plan")
    question = hs.comment(root, "Why?")
    reply = await net.reply(f"{ROOM}|{root}", f"{ROOM}|{question}", "**Because.**", "markdown", "k")
    assert reply.remote_id == f"{ROOM}|{hs.txns['k']}"
    assert (reply.post_remote_id, reply.parent_remote_id) == (
        f"{ROOM}|{root}",
        f"{ROOM}|{question}",
    )
    assert reply.root_remote_id == f"{ROOM}|{question}"  # not read this session: the comment
    assert reply.author == Person(ME, "Dana Whitfield")
    assert reply.body_html == "<p><strong>Because.</strong></p>"
    assert parse_time(reply.created_at) and reply.edited_at is None
    assert (reply.version, reply.is_mine, reply.deleted) == (0, True, False)

    plain = await net.reply(f"{ROOM}|{root}", f"{ROOM}|{question}", "So.", "text", "k2")
    assert plain.body_html == "So."  # no HTML was sent: the body is the text


async def test_a_reply_in_a_thread_read_this_session_names_its_root(hs, net) -> None:
    root = hs.post("Plan")
    question = hs.comment(root, "Why?")
    answer = hs.comment(root, "Because.", sender="@ben:hs", reply_to=question)
    await pull_all(net)
    hs.requests.clear()

    reply = await net.reply(f"{ROOM}|{root}", f"{ROOM}|{answer}", "Right.", "markdown", "k")

    assert reply.root_remote_id == f"{ROOM}|{question}"
    assert not [p for p in hs.paths() if "/event/" in p]  # who and where: known already
    sent = hs.find(hs.txns["k"])[1]["content"]
    assert sent["m.mentions"] == {"user_ids": ["@ben:hs"]}
    assert sent["m.relates_to"]["rel_type"] == "m.thread"


async def test_a_comment_the_session_half_forgot_is_asked_about(hs, net) -> None:
    """Where a comment sits is remembered apart from the comment; should only the comment
    be remembered (each memory forgets its oldest entries), the server is asked."""
    root = hs.post("Plan")
    question = hs.comment(root, "Why?")
    await pull_all(net)
    del net._reader.threaded[f"{ROOM}|{question}"]
    hs.requests.clear()

    await net.reply(f"{ROOM}|{root}", f"{ROOM}|{question}", "Because.", "markdown", "k")

    assert [p for p in hs.paths() if "/event/" in p] == [
        f"/_matrix/client/v3/rooms/{ROOM}/event/{question}"
    ]
    assert hs.find(hs.txns["k"])[1]["content"]["m.relates_to"]["rel_type"] == "m.thread"


async def test_a_reply_to_a_comment_not_yet_read_asks_the_server_about_it(hs, net) -> None:
    root = hs.post("Plan")
    question = hs.comment(root, "Why?")
    rich = hs.rich(root, "And outside the thread?", sender="@ben:hs")

    await net.reply(f"{ROOM}|{root}", f"{ROOM}|{question}", "In.", "markdown", "k1")
    await net.reply(f"{ROOM}|{root}", f"{ROOM}|{rich}", "Out.", "markdown", "k2")

    assert [p for p in hs.paths() if "/event/" in p] == [
        f"/_matrix/client/v3/rooms/{ROOM}/event/{question}",
        f"/_matrix/client/v3/rooms/{ROOM}/event/{rich}",
    ]
    threaded = hs.find(hs.txns["k1"])[1]["content"]
    outside = hs.find(hs.txns["k2"])[1]["content"]
    assert threaded["m.relates_to"]["rel_type"] == "m.thread"
    assert threaded["m.mentions"] == {"user_ids": ["@ada:hs"]}
    assert outside["m.relates_to"] == {"m.in_reply_to": {"event_id": rich}}
    assert outside["m.mentions"] == {"user_ids": ["@ben:hs"]}


@pytest.mark.parametrize(("sender", "mentioned"), [("@ben:hs", ["@ben:hs"]), (7, None)])
async def test_a_reply_to_a_malformed_comment_goes_in_the_thread(hs, net, sender, mentioned):
    root = hs.post("Plan")
    broken = hs.comment(root, "Why?")
    event = hs.find(broken)[1]
    event["content"]["body"] = 5  # any member can send this
    event["sender"] = sender

    await net.reply(f"{ROOM}|{root}", f"{ROOM}|{broken}", "Still answered.", "markdown", "k")

    sent = hs.find(hs.txns["k"])[1]["content"]
    assert sent["m.relates_to"]["rel_type"] == "m.thread"
    assert sent["m.mentions"] == ({"user_ids": mentioned} if mentioned else {})


@pytest.mark.parametrize(
    ("call", "kind"),
    [
        (lambda net: net.edit(RemoteKind.POST, "no-room-here", "x", "k"), "post"),
        (lambda net: net.edit(RemoteKind.COMMENT, f"{ROOM}|e1", "x", "k"), "comment"),
        (lambda net: net.get_comment("nope"), "comment"),
    ],
)
async def test_an_id_fireside_did_not_make_is_not_found_in_plain_words(net, call, kind) -> None:
    with pytest.raises(NotFound) as raised:
        await call(net)
    assert str(raised.value).endswith(
        f" is not a Matrix message id: Fireside has no such Matrix {kind}."
    )


async def test_a_write_is_looked_up_in_every_joined_room_the_post_room_first(hs, net) -> None:
    hs.post("Here, in fewer events than a page")
    root = hs.post("Elsewhere", room=OTHER_ROOM)
    reply = await net.reply(
        f"{OTHER_ROOM}|{root}", f"{OTHER_ROOM}|{root}", "Here too.", "markdown", "k-other"
    )
    hs.requests.clear()

    assert await net.lookup_write("k-other") == reply.remote_id
    assert [p.rsplit("/", 2)[-2] for p in hs.paths() if p.endswith("/messages")] == [
        ROOM,
        OTHER_ROOM,
    ]


async def test_a_look_up_pages_back_through_my_events_up_to_its_bound(hs, make_network) -> None:
    net = make_network(page_size=2)
    root = hs.post("Plan")
    old = await net.reply(f"{ROOM}|{root}", f"{ROOM}|{root}", "Old.", "markdown", "k-old")
    for n in range(4):  # newer events of mine: the reply is on the third page of two
        hs.post(f"Later {n}")

    def pages() -> list[dict[str, str]]:
        return [
            dict(r.url.params)
            for r in hs.requests
            if unquote(r.url.path).endswith(f"/rooms/{ROOM}/messages")
        ]

    hs.requests.clear()
    assert await net.lookup_write("k-old") == old.remote_id
    read = pages()
    assert [(p.get("from"), p["limit"]) for p in read] == [(None, "2"), ("s4", "2"), ("s2", "2")]

    hs.post("Newer")
    hs.post("Newest")  # now it is on the fourth page: past the bound
    hs.requests.clear()
    with pytest.raises(BadResponse, match=f"room {ROOM}: the look-up read 3 pages without"):
        await net.lookup_write("k-old")  # "not there" would let the outbox send it twice
    assert len(pages()) == 3  # LOOKUP_PAGES


@pytest.mark.parametrize(("after_s", "unsure"), [(-3600, True), (0, True), (1, False)])
async def test_a_look_up_stopped_at_its_bound_is_sure_only_past_when_the_item_was_queued(
    hs, make_network, after_s: int, unsure: bool
) -> None:
    """Three pages of my events, all written since the item was queued (less the clock
    skew), and more behind them: the write may be further back, so the look-up cannot say
    it never landed; an event at that very moment may be it too. Pages that reach back
    past it hold all the write could be. (Events here are a second apart.)"""
    net = make_network(page_size=2)
    for n in range(8):
        hs.post(f"Note {n}")
    oldest_read = sorted(e["origin_server_ts"] for _, e in hs.log)[-6]  # 3 pages of 2
    since = iso(datetime.fromtimestamp(oldest_read / 1000 + SKEW_S + after_s, UTC))
    asked = WriteIntent(OutboxKind.PUBLISH, None, None, "", "Sent?", "markdown", since)
    if unsure:
        with pytest.raises(BadResponse, match="may be on an older page, so it is looked up"):
            await net.lookup_write("k-lost", asked)
    else:
        assert await net.lookup_write("k-lost", asked) is None


async def test_a_look_up_reads_past_what_is_not_an_event(hs, make_network) -> None:
    """Junk among my events is passed over (the write beside it is found) but leaves a
    look-up that finds nothing unsure, also one that stops at its page bound (pages of
    one event here, each with junk beside it)."""
    net = make_network(page_size=1)
    for n in range(3):
        hs.post(f"Earlier {n}")
    root = hs.post("Plan")
    await net.reply(f"{ROOM}|{root}", f"{ROOM}|{root}", "Mine.", "markdown", "k1")
    real = hs.messages
    junk: list = []

    def with_junk(request: httpx.Request, params: Any, room: str) -> httpx.Response:
        answer = real(request, params, room)
        body = answer.json()
        for event in body["chunk"]:
            if event["event_id"] == root:  # as sent from another device: no "unsigned"
                del event["unsigned"]
        body["chunk"] = [*junk, *body["chunk"]]
        return ok(body)

    hs.messages = with_junk  # type: ignore[method-assign]
    later = iso(datetime.fromtimestamp(T0 / 1000 + 2 * 3600, UTC))
    asked = WriteIntent(OutboxKind.PUBLISH, None, None, "", "x", "markdown", later)
    assert await net.lookup_write("k-never", asked) is None  # no "unsigned" is no obstacle
    junk += ["junk", None]
    assert await net.lookup_write("k1") == f"{ROOM}|{hs.txns['k1']}"
    with pytest.raises(BadResponse) as unsure:  # what it could not read may be the write
        await net.lookup_write("k-never", asked)
    assert str(unsure.value).startswith(
        f"Matrix at hs.test listed an event of mine in room {ROOM} that cannot be read ('junk')."
    )
    assert str(unsure.value).endswith(
        "may be that event, so it is looked up again later rather than sent twice."
    )


async def test_my_write_found_but_unreadable_without_an_id_is_a_bad_response(hs, net) -> None:
    def broken(request: httpx.Request) -> httpx.Response | None:
        if not request.url.path.endswith("/messages"):
            return None
        event = {"type": "m.room.message", "unsigned": {"transaction_id": "k1"}}
        return ok({"chunk": [event], "start": "s1"})

    hs.override = broken
    with pytest.raises(BadResponse) as raised:
        await net.lookup_write("k1")
    assert str(raised.value).startswith("Matrix at hs.test sent a malformed event: ")


async def test_my_write_found_but_unreadable_is_named_and_logged(hs, net, caplog) -> None:
    root = hs.post("Plan")
    await net.reply(f"{ROOM}|{root}", f"{ROOM}|{root}", "Mine.", "markdown", "k1")
    event_id = hs.txns["k1"]
    hs.find(event_id)[1]["content"]["body"] = ["not", "text"]

    with caplog.at_level(logging.WARNING, logger="app.networks.matrix"):
        assert await net.lookup_write("k1") == f"{ROOM}|{event_id}"
    [logged] = [r.getMessage() for r in caplog.records]
    assert logged.startswith(f"Matrix event {event_id!r} in room {ROOM!r} is malformed")
    assert "body" in logged


# -- signing in ------------------------------------------------------------------------------


async def sign_in(server: SignInServer, url: str = "https://hs.test", **extra: str):
    async with httpx.AsyncClient(transport=httpx.MockTransport(server.handle)) as client:
        return await KIND.sign_in(client, url, "dana", server.password, extra or {"room": ROOM})


async def test_sign_in_keeps_the_token_and_settings() -> None:
    server = SignInServer()
    signed = await sign_in(server, "hs.test/", room="#town:hs")
    assert signed.secret == "syt_x" and signed.display_name == "Dana Whitfield"
    assert signed.settings == {"user_id": ME, "device_id": "NEWDEV", "room": ROOM}
    assert server.logins[0]["initial_device_display_name"] == "Fireside"
    assert server.logins[0]["identifier"] == {"type": "m.id.user", "user": "dana"}


async def test_sign_in_again_keeps_the_device_and_discovery_finds_the_homeserver() -> None:
    server = SignInServer()
    server.joined = [ROOM]
    signed = await sign_in(server, "https://example.test", room=ROOM, device_id="OLDDEV")
    assert server.logins[0]["device_id"] == "OLDDEV"
    assert signed.settings["device_id"] == "OLDDEV"
    assert signed.settings["homeserver"] == "https://hs.test"


@pytest.mark.parametrize(
    ("change", "raised", "words"),
    [
        (lambda s: setattr(s, "versions", {"nope": 1}), WrongService, "not a Matrix homeserver"),
        (lambda s: setattr(s, "versions", {"versions": ["r0.6.1", "v1.2"]}), WrongService, "1.4"),
        (lambda s: setattr(s, "flows", [{"type": "m.login.sso"}]), Rejected, "m.login.sso"),
        (lambda s: setattr(s, "encrypted", True), Rejected, "end-to-end encrypted"),
        (
            lambda s: setattr(
                s, "join_error", httpx.Response(403, json={"errcode": "M_FORBIDDEN", "error": "x"})
            ),
            PermissionDenied,
            "invite",
        ),
    ],
)
async def test_sign_in_failures_say_why(change, raised, words) -> None:
    server = SignInServer()
    change(server)
    with pytest.raises(raised, match=words):
        await sign_in(server)
    assert server.logged_out == (1 if server.logins else 0)  # no device left behind


async def test_a_wrong_password_or_room_is_named() -> None:
    server = SignInServer()
    server.password = "other"

    async def wrong() -> None:
        async with httpx.AsyncClient(transport=httpx.MockTransport(server.handle)) as client:
            await KIND.sign_in(client, "https://hs.test", "dana", "guess", {"room": ROOM})

    with pytest.raises(AuthError, match="user name or password"):
        await wrong()
    server.password = "right"
    with pytest.raises(Rejected, match="no room called #nowhere:hs"):
        await sign_in(server, room="#nowhere:hs")
    with pytest.raises(UserError, match="not a Matrix room"):
        await sign_in(server, room="town hall")


def _untrusted() -> ssl.SSLCertVerificationError:
    error = ssl.SSLCertVerificationError(1, "certificate verify failed")
    error.verify_message = "self-signed certificate"  # set by the ssl module on real ones
    return error


@pytest.mark.parametrize(
    ("cause", "raised"),
    [(ConnectionRefusedError("refused"), OfflineError), (_untrusted(), TlsError)],
)
async def test_an_unreachable_or_untrusted_homeserver(cause: Exception, raised) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("failed", request=request) from cause

    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
        with pytest.raises(raised):
            await KIND.sign_in(client, "https://hs.test", "dana", "pw", {"room": ROOM})


def test_build_needs_the_sign_in_settings() -> None:
    account = Account("m1", "matrix", "Town hall", "https://hs.test", ME, settings={"room": ROOM})
    with pytest.raises(UserError, match="Sign in to it again"):
        KIND.build(account, "token", httpx.AsyncClient())
    complete = {"user_id": ME, "device_id": "D", "room": ROOM, "homeserver": "https://x.test"}
    built = KIND.build(
        Account("m1", "matrix", "Town hall", "https://hs.test", ME, settings=complete),
        "token",
        httpx.AsyncClient(),
    )
    assert built.room == ROOM and built.capabilities.target_noun == "Room"


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("## Q3 plan\n\nBody", "Q3 plan"),
        ("**Q3 plan**\n\nBody", "Q3 plan"),
        ("\n\n  First line  \nsecond", "First line"),
        ("x" * 100, "x" * 79 + "…"),
        ("", ""),
    ],
)
def test_a_posts_title_is_its_first_line(text: str, title: str) -> None:
    assert events.title_of(text) == title
