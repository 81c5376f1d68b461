"""The sandbox's read-only web view: ``GET /p/{post_id}`` renders a post and its thread, so
a post's ``url`` (and ``url#c123`` for a comment) opens in a browser like a real network's.

No token is needed (a browser cannot send one); it serves fake data on loopback only.
Comment HTML is sanitised with nh3 before it is shown, scripts and remote images included.
"""

from __future__ import annotations

import html

import nh3

from app.sandbox.state import SandboxState
from app.sandbox.wire import ApiError

_TAGS = nh3.ALLOWED_TAGS - {"img"}
_SCHEMES = {"http", "https", "mailto"}
_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title} · Sandbox</title>
<style>body{{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem}}
.c{{border-left:3px solid #ddd;padding:.25rem .75rem;margin:.75rem 0}}
.meta{{color:#666;font-size:.85rem}}pre{{white-space:pre-wrap;font:inherit}}</style></head>
<body><h1>{title}</h1><p class="meta">{created}</p><pre>{body}</pre>
<h2>{count} comments</h2>{comments}</body></html>
"""


def _comment(comment: dict, depth: int) -> str:
    author = comment["author"]
    return (
        f'<div class="c" id="{html.escape(comment["id"])}" style="margin-left:{depth * 1.5}rem">'
        f'<p class="meta">{html.escape(author["name"])} · {html.escape(author["title"])} · '
        f"{html.escape(comment['created_at'])}</p>"
        f"{nh3.clean(comment['body_html'], tags=_TAGS, url_schemes=_SCHEMES)}</div>"
    )


def render_post(state: SandboxState, post_id: str) -> bytes:
    """The page for one live post; raises ApiError(404) for a missing or deleted one."""
    post = state.post(post_id)
    comments: list[dict] = []
    after: int | None = 0
    while after is not None:
        page, after = state.post_comments(post_id, after, 200)
        comments.extend(page)
    depth: dict[str, int] = {}
    parts = []
    for comment in comments:
        depth[comment["id"]] = depth.get(comment["parent_id"], -1) + 1
        parts.append(_comment(comment, min(depth[comment["id"]], 6)))
    return _PAGE.format(
        title=html.escape(post["title"]),
        created=html.escape(post["created_at"]),
        body=html.escape(post["body"]),
        count=len(comments),
        comments="".join(parts),
    ).encode()


def not_found_page(error: ApiError) -> bytes:
    return f"<!doctype html><title>Not found</title><p>{html.escape(error.message)}</p>".encode()
