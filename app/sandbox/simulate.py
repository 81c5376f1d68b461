"""Other people acting on the sandbox network: new comments, edits, deletions, and the
executive answering from the web. Used by the control API and by tests in-process.

Randomness is seeded from the current change seq, so the same state plus the same calls
gives the same comments.
"""

from __future__ import annotations

import random

from app.sandbox import corpus, seed
from app.sandbox.state import SandboxState
from app.sandbox.wire import ApiError


def _topic(state: SandboxState, post_id: str) -> str:
    index = state.post_topic_index(post_id)
    return corpus.POSTS[index][0] if index < len(corpus.POSTS) else "strategy"


def _rng(state: SandboxState, salt: str) -> random.Random:
    return random.Random(f"{seed.SEED}:{salt}:{state.stats()['seq']}")


def add_comments(
    state: SandboxState, count: int = 1, post_id: str | None = None, parent_id: str | None = None
) -> list[dict]:
    """``count`` new comments by random colleagues, on a post or as replies to a comment."""
    if not 1 <= count <= 1000:
        raise ApiError(422, "invalid", "count must be between 1 and 1000.")
    rng = _rng(state, "comments")
    writer = seed.CommentWriter(rng)
    created = []
    with state.transaction():
        for author in state.random_people(rng, count):
            if parent_id is not None:
                parent = state.comment(parent_id)
                body, cluster = writer.reply_to(
                    None, _topic(state, parent["post_id"]), author["department"]
                )
                target_post = parent["post_id"]
            else:
                target_post = post_id or rng.choice(state.live_post_ids())
                body, cluster = writer.top_level(_topic(state, target_post), author["department"])
            created.append(
                state.create_comment(target_post, parent_id, author["id"], body, cluster)
            )
    return created


def edit_comment(state: SandboxState, comment_id: str, body_html: str | None = None) -> dict:
    """Its author edits a comment: new body, version + 1, edited_at and seq bumped."""
    with state.transaction():
        current = state.comment(comment_id)
        new_body = body_html or current["body_html"].replace(
            "</p>", " (Edited: added some detail.)</p>", 1
        )
        return state.edit_comment(comment_id, new_body)


def delete_comment(state: SandboxState, comment_id: str) -> dict:
    """Its author deletes a comment; returns the tombstone."""
    with state.transaction():
        state.delete_comment(comment_id)
        return state.comment(comment_id, include_deleted=True)


def my_reply(state: SandboxState, comment_id: str, body_html: str | None = None) -> dict:
    """The executive answers a comment from the network's own web page."""
    with state.transaction():
        parent = state.comment(comment_id)
        if body_html is None:
            first = parent["author"]["name"].split()[0]
            body_html = f"<p>Thanks {first} — answered on the web, more at the town hall.</p>"
        return state.create_comment(parent["post_id"], comment_id, seed.EXEC_ID, body_html)


ACTIONS = {"comments", "edit", "delete", "my_reply"}


def run(state: SandboxState, spec: dict) -> list[dict]:
    """Dispatch a control-API simulate request; returns the comments it touched."""
    action = spec.get("action")
    comment_id = spec.get("comment_id")
    if action == "comments":
        return add_comments(
            state, int(spec.get("count", 1)), spec.get("post_id"), spec.get("parent_id")
        )
    if action not in ACTIONS:
        raise ApiError(422, "invalid", f"action must be one of {sorted(ACTIONS)}.")
    if not isinstance(comment_id, str):
        raise ApiError(422, "invalid", f"action {action!r} needs a comment_id.")
    if action == "edit":
        return [edit_comment(state, comment_id, spec.get("body_html"))]
    if action == "delete":
        return [delete_comment(state, comment_id)]
    return [my_reply(state, comment_id, spec.get("body_html"))]
