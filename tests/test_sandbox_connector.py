"""SandboxNetwork against the real sandbox server: the Network protocol and error mapping."""

from __future__ import annotations

import json
import socket
import threading

import httpx
import pytest

from app.domain import CommentPage, RemoteKind
from app.errors import (
    AuthError,
    BadResponse,
    NetworkError,
    NotFound,
    OfflineError,
    OutcomeUnknown,
    RateLimited,
    Rejected,
)
from app.networks import http, sandbox
from app.networks.base import Network
from app.networks.sandbox import SandboxNetwork, decode_cursor, encode_cursor

pytest_plugins = ["sandbox_fixtures"]

COMMENTS = "/api/v1/comments"


async def pull_all(network: SandboxNetwork, cursor: str | None) -> tuple[list[CommentPage], str]:
    pages = []
    for _ in range(100):
        page = await network.pull_comments(cursor)
        pages.append(page)
        cursor = page.next_cursor
        if not page.has_more:
            return pages, cursor
    raise AssertionError("pull did not end")


def test_implements_the_network_protocol():
    protocol_methods = {n for n in vars(Network) if not n.startswith("_")} - {"capabilities"}
    assert protocol_methods <= set(vars(SandboxNetwork))
    caps = SandboxNetwork.capabilities
    assert (caps.network, caps.display_name, caps.text_formats) == (
        "sandbox",
        "Sandbox",
        ("markdown", "text"),
    )
    assert (caps.post_max_chars, caps.reply_max_chars, caps.thread_depth) == (20000, 4000, None)
    assert (caps.idempotency, caps.requests_per_minute, caps.has_titles) == ("key", 300, True)


def test_cursor_encoding_round_trips():
    assert decode_cursor(None) == (None, None)
    assert decode_cursor(encode_cursor("42", None)) == ("42", None)
    assert encode_cursor("42", None) == "42"
    assert decode_cursor(encode_cursor("42", "abc")) == ("42", "abc")


async def test_whoami_is_cached(sandbox_server, sandbox_network):
    me = await sandbox_network.whoami()
    assert (me.remote_id, me.name, me.level) == ("u1", "Dana Whitfield", "Executive")
    await sandbox_network.whoami()
    assert [r["path"] for r in sandbox_server.requests()] == ["/api/v1/me"]


async def test_bad_token_is_an_auth_error(make_sandbox_network):
    with pytest.raises(AuthError, match="Sign in"):
        await make_sandbox_network(token="stolen").whoami()


async def test_list_my_posts_reads_every_page(sandbox_server, sandbox_network):
    posts = await sandbox_network.list_my_posts()
    assert len(posts) == sandbox_server.stats()["posts"] >= 30
    assert posts[0].created_at > posts[-1].created_at
    assert all(p.url.startswith(sandbox_server.url) and not p.deleted for p in posts)


async def test_pull_everything_then_nothing(sandbox_server, sandbox_network):
    pages, cursor = await pull_all(sandbox_network, None)
    comments = [c for p in pages for c in p.comments]
    assert len(comments) == sandbox_server.stats()["comments"] >= 2000
    assert all(not p.errors for p in pages)
    assert all("|" in p.next_cursor for p in pages[:-1]) and cursor.isdigit()
    mine = [c for c in comments if c.is_mine]
    assert mine and all(c.author.remote_id == "u1" for c in mine)
    assert any(c.deleted for c in comments)

    sandbox_server.reset_log()
    page = await sandbox_network.pull_comments(cursor)
    assert (page.comments, page.has_more, page.next_cursor) == ([], False, cursor)
    assert len(sandbox_server.requests()) == 1

    new = sandbox_server.simulate_comments(2)
    page = await sandbox_network.pull_comments(cursor)
    assert [c.remote_id for c in page.comments] == [c["id"] for c in new]
    assert int(page.next_cursor) > int(cursor)


async def test_a_pull_resumes_mid_way_from_its_cursor(sandbox_network):
    first = await sandbox_network.pull_comments(None)
    assert first.has_more
    second = await sandbox_network.pull_comments(first.next_cursor)
    again = await sandbox_network.pull_comments(first.next_cursor)
    assert [c.remote_id for c in second.comments] == [c.remote_id for c in again.comments]
    assert second.comments[0].remote_id != first.comments[-1].remote_id


async def test_a_page_is_decoded_and_parsed_off_the_event_loop(sandbox_network, monkeypatch):
    """The window shares the event loop: a page's JSON and its 200 comments are turned
    into values on worker threads (the real functions, only watched)."""
    decoded: list[tuple[str, int]] = []
    parsed: set[str] = set()
    loads, parse_comment = http.loads, sandbox.parse_comment

    def watched_loads(raw: bytes):
        decoded.append((threading.current_thread().name, len(raw)))
        return loads(raw)

    def watched_parse(*args):
        parsed.add(threading.current_thread().name)
        return parse_comment(*args)

    monkeypatch.setattr(http, "loads", watched_loads)
    monkeypatch.setattr(sandbox, "parse_comment", watched_parse)
    page = await sandbox_network.pull_comments(None)
    assert len(page.comments) == 200
    loop_thread = threading.current_thread().name
    pages = [thread for thread, size in decoded if size > http.DECODE_ON_LOOP_MAX_BYTES]
    assert pages and loop_thread not in pages
    assert parsed and loop_thread not in parsed


async def test_malformed_comment_is_reported_and_the_page_goes_on(sandbox_server, sandbox_network):
    sandbox_server.add_fault("bad_item", path_prefix=COMMENTS, item_index=3)
    page = await sandbox_network.pull_comments(None)
    assert len(page.comments) == 199
    assert len(page.errors) == 1 and "c4" in page.errors[0]
    assert page.has_more


async def test_reply_edit_delete_and_the_thread_view(sandbox_network):
    question = await sandbox_network.get_comment("c8")
    made = await sandbox_network.reply(
        question.post_remote_id, "c8", "Yes, **all** teams.", "markdown", key="r-1"
    )
    assert made.is_mine and made.parent_remote_id == "c8"
    assert made.body_html == "<p>Yes, <strong>all</strong> teams.</p>"
    assert made.remote_id in [r.remote_id for r in await sandbox_network.list_replies("c8")]

    await sandbox_network.edit("comment", made.remote_id, "Yes, all teams.", key="e-1")
    edited = await sandbox_network.get_comment(made.remote_id)
    assert edited.version == 2 and edited.edited_at

    await sandbox_network.delete("comment", made.remote_id, key="d-1")
    await sandbox_network.delete("comment", made.remote_id, key="d-2")  # already gone: fine
    with pytest.raises(NotFound):
        await sandbox_network.get_comment(made.remote_id)

    with pytest.raises(Rejected, match="belongs to post"):
        await sandbox_network.reply("p2", "c8", "wrong place", "text", key="r-2")
    with pytest.raises(Rejected, match="4,000"):
        await sandbox_network.reply(question.post_remote_id, "c8", "x" * 4001, "text", key="r-3")


async def test_publish_edit_and_delete_a_post(sandbox_network):
    post = await sandbox_network.publish("Offsite", "See you *there*", "markdown", key="p-1")
    assert post.title == "Offsite" and post.body == "See you *there*"
    await sandbox_network.edit("post", post.remote_id, "Moved to Friday", key="p-2")
    posts = {p.remote_id: p for p in await sandbox_network.list_my_posts()}
    assert posts[post.remote_id].body == "Moved to Friday"
    await sandbox_network.delete("post", post.remote_id, key="p-3")
    assert post.remote_id not in {p.remote_id for p in await sandbox_network.list_my_posts()}


async def test_same_key_twice_lands_once(sandbox_server, sandbox_network):
    first = await sandbox_network.reply("p1", "c8", "Once only", "text", key="same")
    second = await sandbox_network.reply("p1", "c8", "Once only", "text", key="same")
    assert first == second
    posts = [r for r in sandbox_server.requests() if r["method"] == "POST"]
    assert [r["committed"] for r in posts] == [True, False]
    assert all(r["idempotency_key"] == "same" for r in posts)


async def test_lookup_write(sandbox_network):
    assert await sandbox_network.lookup_write("never/sent") is None
    post = await sandbox_network.publish("T", "B", "text", key="look/up")
    assert await sandbox_network.lookup_write("look/up") == post.remote_id


# -- error mapping ------------------------------------------------------------------------


async def test_nothing_listening_is_offline():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    network = SandboxNetwork(httpx.AsyncClient(timeout=2.0), f"http://127.0.0.1:{port}", "t")
    try:
        with pytest.raises(OfflineError, match="nothing was sent"):
            await network.publish("T", "B", "text", key="off")
    finally:
        await network.aclose()


async def test_5xx_on_a_write_is_unknown_and_on_a_read_retryable(sandbox_server, sandbox_network):
    sandbox_server.add_fault("error", status=503, method="POST")
    with pytest.raises(OutcomeUnknown):
        await sandbox_network.reply("p1", "c8", "hello", "text", key="k5")
    assert await sandbox_network.lookup_write("k5") is None
    sandbox_server.add_fault("error", status=500, method="GET", path_prefix=COMMENTS)
    with pytest.raises(NetworkError) as caught:
        await sandbox_network.pull_comments(None)
    assert type(caught.value) is NetworkError and caught.value.retryable


async def test_drop_after_commit_is_unknown_and_lookup_resolves_it(sandbox_server, sandbox_network):
    sandbox_server.add_fault("drop", method="POST")
    with pytest.raises(OutcomeUnknown, match="may or may not"):
        await sandbox_network.reply("p1", "c8", "did it land?", "text", key="kd")
    landed = await sandbox_network.lookup_write("kd")
    assert landed is not None
    assert (await sandbox_network.get_comment(landed)).parent_remote_id == "c8"
    posts = [r for r in sandbox_server.requests() if r["method"] == "POST"]
    assert len(posts) == 1  # never retried inside the connector


async def test_drop_on_a_read_is_a_plain_network_error(sandbox_server, sandbox_network):
    sandbox_server.add_fault("drop", path_prefix=COMMENTS)
    with pytest.raises(NetworkError) as caught:
        await sandbox_network.pull_comments(None)
    assert type(caught.value) is NetworkError


async def test_timeout_after_sending_a_write_is_unknown(sandbox_server, make_sandbox_network):
    network = make_sandbox_network(timeout=0.3)
    await network.whoami()
    sandbox_server.add_fault("hang", method="POST", hang_s=5.0, apply=True)
    with pytest.raises(OutcomeUnknown, match="ReadTimeout"):
        await network.publish("T", "B", "text", key="kh")
    assert await network.lookup_write("kh") is not None


@pytest.mark.parametrize(("retry_after", "expected"), [(7, 7.0), (None, None)])
async def test_429_is_rate_limited(sandbox_server, sandbox_network, retry_after, expected):
    sandbox_server.add_fault("rate_limit", retry_after=retry_after)
    with pytest.raises(RateLimited) as caught:
        await sandbox_network.whoami()
    assert caught.value.retry_after == expected


async def test_real_rate_limit_carries_retry_after(sandbox_server, sandbox_network):
    sandbox_server.set_rate_limit(1, 30.0)
    await sandbox_network.whoami()
    with pytest.raises(RateLimited) as caught:
        await sandbox_network.list_my_posts()
    assert 29.0 <= caught.value.retry_after <= 30.0


@pytest.mark.parametrize("kind", ["malformed", "truncate"])
async def test_unreadable_bodies_are_bad_responses(sandbox_server, sandbox_network, kind):
    sandbox_server.add_fault(kind, path_prefix=COMMENTS)
    with pytest.raises(BadResponse):
        await sandbox_network.pull_comments(None)
    sandbox_server.add_fault(kind, method="POST")
    with pytest.raises(BadResponse):
        await sandbox_network.publish("T", "B", "text", key=f"bad-{kind}")
    assert await sandbox_network.lookup_write(f"bad-{kind}") is not None  # it did land


async def test_not_found(sandbox_network):
    with pytest.raises(NotFound):
        await sandbox_network.get_comment("c999999")
    with pytest.raises(NotFound):
        await sandbox_network.list_replies("c999999")


# -- writes, request by request (an in-memory transport answers) ---------------------------


class Recorded:
    """A transport that records every request and answers with ``answer(request)``."""

    def __init__(self, answer) -> None:
        self.requests: list[httpx.Request] = []
        self._answer = answer

    def network(self) -> SandboxNetwork:
        client = httpx.AsyncClient(transport=httpx.MockTransport(self._handle))
        return SandboxNetwork(client, "http://sandbox.test/", "tok")

    def _handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if request.url.path == "/api/v1/me":
            return httpx.Response(200, json={"id": "u1", "name": "Dana Whitfield"})
        return self._answer(request)


POST = {
    "id": "p9",
    "title": "T",
    "body": "B",
    "url": "http://sandbox.test/p/p9",
    "created_at": "2024-05-01T09:00:00Z",
    "updated_at": "2024-05-01T09:00:00Z",
}
REPLY = {
    "id": "c9",
    "post_id": "p1",
    "parent_id": "a/b",
    "author": {"id": "u1", "name": "Dana Whitfield"},
    "body_html": "<p>B</p>",
    "created_at": "2024-05-01T09:00:00Z",
    "version": 1,
}


def sent(request: httpx.Request) -> tuple[str, str, str | None, object]:
    body = json.loads(request.content) if request.content else None
    return (
        request.method,
        request.url.raw_path.decode(),
        request.headers.get("Idempotency-Key"),
        body,
    )


async def test_each_write_is_one_request_with_its_key_and_fields():
    wire = Recorded(lambda r: httpx.Response(201, json=REPLY if "replies" in r.url.path else POST))
    network = wire.network()
    await network.publish("T", "B", "text", key="k1")
    await network.reply("p1", "a/b", "B", "html", key="k2")
    await network.edit(RemoteKind.COMMENT, "c/9", "New", key="k3")
    await network.edit(RemoteKind.POST, "p 9", "New", key="k4")
    await network.delete(RemoteKind.COMMENT, "c/9", key="k5")
    await network.delete(RemoteKind.POST, "p9", key="k6")
    await network.aclose()
    assert [sent(r) for r in wire.requests if r.url.path != "/api/v1/me"] == [
        ("POST", "/api/v1/posts", "k1", {"title": "T", "body": "B", "format": "text"}),
        (
            "POST",
            "/api/v1/comments/a%2Fb/replies",
            "k2",
            {"body": "B", "format": "html", "post_id": "p1"},
        ),
        ("PATCH", "/api/v1/comments/c%2F9", "k3", {"body": "New"}),
        ("PATCH", "/api/v1/posts/p%209", "k4", {"body": "New"}),
        ("DELETE", "/api/v1/comments/c%2F9", "k5", None),
        ("DELETE", "/api/v1/posts/p9", "k6", None),
    ]


@pytest.mark.parametrize(("write", "what"), [("publish", "post"), ("reply", "reply")])
async def test_a_write_answered_malformed_names_what_was_written(write: str, what: str):
    network = Recorded(lambda r: httpx.Response(201, json={"id": 5})).network()
    with pytest.raises(BadResponse, match=f"^The sandbox network sent a malformed {what}: "):
        if write == "publish":
            await network.publish("T", "B", "text", key="k1")
        else:
            await network.reply("p1", "c8", "B", "text", key="k1")
    await network.aclose()


@pytest.mark.parametrize(
    ("answer", "found"),
    [
        (httpx.Response(200, json={"id": "c9", "kind": "comment"}), "c9"),
        (httpx.Response(404, json={"error": {"code": "not_found", "message": "no"}}), None),
    ],
)
async def test_lookup_write_asks_for_the_key_as_one_segment(answer, found):
    wire = Recorded(lambda r: answer)
    network = wire.network()
    assert await network.lookup_write("a/b c") == found
    await network.aclose()
    assert [sent(r) for r in wire.requests] == [("GET", "/api/v1/writes/a%2Fb%20c", None, None)]


@pytest.mark.parametrize("record", [{"id": 5}, {"kind": "comment"}, ["c9"], "c9", None])
async def test_a_malformed_write_record_is_a_bad_response(record):
    network = Recorded(lambda r: httpx.Response(200, json=record)).network()
    with pytest.raises(BadResponse) as caught:
        await network.lookup_write("k1")
    await network.aclose()
    assert str(caught.value) == "The sandbox network's record of write 'k1' is malformed."


async def test_a_look_up_that_loses_its_answer_is_a_plain_network_error(
    sandbox_server, sandbox_network
):
    """A look-up writes nothing, so a lost answer is not an unknown outcome."""
    sandbox_server.add_fault("drop", path_prefix="/api/v1/writes")
    with pytest.raises(NetworkError) as caught:
        await sandbox_network.lookup_write("k1")
    assert type(caught.value) is NetworkError


async def test_edits_and_deletions_are_found_by_their_key(sandbox_network):
    made = await sandbox_network.reply("p1", "c8", "First", "text", key="r-1")
    await sandbox_network.edit(RemoteKind.COMMENT, made.remote_id, "Second", key="e-1")
    await sandbox_network.delete(RemoteKind.COMMENT, made.remote_id, key="d-1")
    for key in ("r-1", "e-1", "d-1"):
        assert await sandbox_network.lookup_write(key) == made.remote_id
