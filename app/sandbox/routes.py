"""The sandbox's REST API under /api/v1: routing table and one small handler per endpoint.

Handlers get a ``Call`` (state, path params, query, JSON body) and return a ``Reply``. Write
handlers run inside the state's transaction (the server opens it, together with the
idempotency record), so they use the state's unlocked helpers directly.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from urllib.parse import unquote

import msgspec
from markdown_it import MarkdownIt

from app.sandbox import seed
from app.sandbox.state import SandboxState
from app.sandbox.wire import (
    POST_MAX_CHARS,
    REPLY_MAX_CHARS,
    TEXT_FORMATS,
    TITLE_MAX_CHARS,
    ApiError,
    decode_page_token,
    encode_page_token,
    parse_limit,
    parse_since,
)

_MARKDOWN = MarkdownIt("commonmark", {"html": False})


class Call(msgspec.Struct):
    state: SandboxState
    params: dict[str, str]
    query: dict[str, str]
    body: dict | None


class Reply(msgspec.Struct):
    status: int
    body: dict | None
    kind: str = ""  # for writes: "post" or "comment"
    action: str = ""  # for writes: "create", "edit" or "delete"
    object_id: str = ""
    headers: dict[str, str] = msgspec.field(default_factory=dict)


class Route(msgspec.Struct, frozen=True):
    method: str
    pattern: re.Pattern[str]
    handler: Callable[[Call], Reply]

    @property
    def is_write(self) -> bool:
        return self.method != "GET"


# -- request body helpers ------------------------------------------------------------------


def _text_field(body: dict | None, name: str, max_chars: int, what: str) -> str:
    value = (body or {}).get(name)
    if not isinstance(value, str) or not value.strip():
        raise ApiError(422, "invalid", f"{what} must be a non-empty string in field {name!r}.")
    if len(value) > max_chars:
        raise ApiError(
            422, "too_long", f"{what} is {len(value):,} characters; the limit is {max_chars:,}."
        )
    return value


def _optional_text_field(body: dict | None, name: str, max_chars: int, what: str) -> str | None:
    if (body or {}).get(name) is None:
        return None
    return _text_field(body, name, max_chars, what)


def _format_field(body: dict | None, default: str = "markdown") -> str:
    text_format = (body or {}).get("format", default)
    if text_format not in TEXT_FORMATS:
        raise ApiError(422, "invalid", f"format must be one of {', '.join(TEXT_FORMATS)}.")
    return text_format


def render_html(body: str, text_format: str) -> str:
    """Comment HTML from what the client sent: markdown rendered, text escaped, html as is."""
    if text_format == "html":
        return body
    if text_format == "markdown":
        return _MARKDOWN.render(body).strip()
    paragraphs = [p for p in re.split(r"\n\s*\n", body.strip()) if p.strip()]
    return "".join(f"<p>{html.escape(p).replace(chr(10), '<br>')}</p>" for p in paragraphs)


def _page(items: list[dict], kind: str, after: int | None) -> dict:
    return {
        "items": items,
        "next_page_token": encode_page_token(kind, after) if after is not None else None,
    }


# -- people and posts ----------------------------------------------------------------------


def get_me(call: Call) -> Reply:
    return Reply(200, call.state.me())


def list_people(call: Call) -> Reply:
    after = decode_page_token("people", call.query.get("page_token")) or 0
    items, last = call.state.people_page(after, parse_limit(call.query.get("limit")))
    return Reply(200, _page(items, "people", last))


def get_person(call: Call) -> Reply:
    return Reply(200, call.state.person(call.params["id"]))


def list_posts(call: Call) -> Reply:
    before = decode_page_token("posts", call.query.get("page_token"))
    items, last = call.state.posts_page(before, parse_limit(call.query.get("limit")))
    return Reply(200, _page(items, "posts", last))


def get_post(call: Call) -> Reply:
    return Reply(200, call.state.post(call.params["id"]))


def create_post(call: Call) -> Reply:
    title = _text_field(call.body, "title", TITLE_MAX_CHARS, "The title")
    body = _text_field(call.body, "body", POST_MAX_CHARS, "The post")
    post = call.state.create_post(title, body, _format_field(call.body))
    return Reply(201, post, "post", "create", post["id"])


def edit_post(call: Call) -> Reply:
    title = _optional_text_field(call.body, "title", TITLE_MAX_CHARS, "The title")
    body = _text_field(call.body, "body", POST_MAX_CHARS, "The post")
    current = call.state.post(call.params["id"])
    text_format = _format_field(call.body, default=current["format"])
    post = call.state.update_post(call.params["id"], title, body, text_format)
    return Reply(200, post, "post", "edit", post["id"])


def delete_post(call: Call) -> Reply:
    call.state.delete_post(call.params["id"])
    return Reply(204, None, "post", "delete", call.params["id"])


# -- comments ------------------------------------------------------------------------------


def list_changes(call: Call) -> Reply:
    """Comments created, edited or deleted after ``since``, in seq order."""
    since = parse_since(call.query.get("since"))
    after = decode_page_token("comments", call.query.get("page_token"))
    start = max(since, after or 0)
    items, more = call.state.comments_since(start, parse_limit(call.query.get("limit")))
    cursor = str(items[-1]["seq"]) if items else str(start)
    token = encode_page_token("comments", items[-1]["seq"]) if more else None
    return Reply(200, {"items": items, "next_page_token": token, "cursor": cursor})


def list_thread(call: Call) -> Reply:
    after = decode_page_token("thread", call.query.get("page_token")) or 0
    items, last = call.state.post_comments(
        call.params["id"], after, parse_limit(call.query.get("limit"))
    )
    return Reply(200, _page(items, "thread", last))


def get_comment(call: Call) -> Reply:
    return Reply(200, call.state.comment(call.params["id"]))


def list_replies(call: Call) -> Reply:
    return Reply(200, {"items": call.state.replies(call.params["id"]), "next_page_token": None})


def _my_comment(call: Call, post_id: str, parent_id: str | None) -> Reply:
    body = _text_field(call.body, "body", REPLY_MAX_CHARS, "The reply")
    body_html = render_html(body, _format_field(call.body))
    comment = call.state.create_comment(post_id, parent_id, seed.EXEC_ID, body_html)
    return Reply(201, comment, "comment", "create", comment["id"])


def create_reply(call: Call) -> Reply:
    parent = call.state.comment(call.params["id"])
    expected_post = (call.body or {}).get("post_id")
    if expected_post is not None and expected_post != parent["post_id"]:
        raise ApiError(
            422,
            "post_mismatch",
            f"Comment {parent['id']!r} belongs to post {parent['post_id']!r}, "
            f"not {expected_post!r}.",
        )
    return _my_comment(call, parent["post_id"], parent["id"])


def create_top_level(call: Call) -> Reply:
    call.state.post(call.params["id"])
    return _my_comment(call, call.params["id"], None)


def edit_comment(call: Call) -> Reply:
    body = _text_field(call.body, "body", REPLY_MAX_CHARS, "The comment")
    if call.state.comment_author(call.params["id"]) != seed.EXEC_ID:
        raise ApiError(403, "forbidden", "You can only edit your own comments.")
    comment = call.state.edit_comment(
        call.params["id"], render_html(body, _format_field(call.body))
    )
    return Reply(200, comment, "comment", "edit", comment["id"])


def delete_comment(call: Call) -> Reply:
    call.state.delete_comment(call.params["id"])
    return Reply(204, None, "comment", "delete", call.params["id"])


def get_write(call: Call) -> Reply:
    return Reply(200, call.state.write_record(call.params["key"]))


def _route(method: str, path: str, handler: Callable[[Call], Reply]) -> Route:
    regex = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", path)
    return Route(method, re.compile(f"^/api/v1{regex}$"), handler)


ROUTES: tuple[Route, ...] = (
    _route("GET", "/me", get_me),
    _route("GET", "/people", list_people),
    _route("GET", "/people/{id}", get_person),
    _route("GET", "/posts", list_posts),
    _route("POST", "/posts", create_post),
    _route("GET", "/posts/{id}", get_post),
    _route("PATCH", "/posts/{id}", edit_post),
    _route("DELETE", "/posts/{id}", delete_post),
    _route("GET", "/posts/{id}/comments", list_thread),
    _route("POST", "/posts/{id}/comments", create_top_level),
    _route("GET", "/comments", list_changes),
    _route("GET", "/comments/{id}", get_comment),
    _route("PATCH", "/comments/{id}", edit_comment),
    _route("DELETE", "/comments/{id}", delete_comment),
    _route("GET", "/comments/{id}/replies", list_replies),
    _route("POST", "/comments/{id}/replies", create_reply),
    _route("GET", "/writes/{key}", get_write),
)


def resolve(method: str, path: str) -> tuple[Route, dict[str, str]]:
    """The route for a request; 404 for an unknown path, 405 for a known path's wrong verb."""
    allowed = []
    for route in ROUTES:
        match = route.pattern.match(path)
        if match:
            if route.method == method:
                return route, {k: unquote(v) for k, v in match.groupdict().items()}
            allowed.append(route.method)
    if allowed:
        raise ApiError(
            405,
            "method_not_allowed",
            f"{method} is not allowed on {path}.",
            {"Allow": ", ".join(allowed)},
        )
    raise ApiError(404, "not_found", f"There is no endpoint {path}.")
