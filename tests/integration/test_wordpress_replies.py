"""WordPress against a real site, with replies a broken plugin sends malformed (issue 10,
item 1): the sync reports each and stores the rest, and the executive's reply to the
comment they answer still goes out exactly once through the pre-send check.

WordPress itself always sends well-typed comments; the must-use plugin of the test site
(``WordPressServer.mangle_comment``) replaces fields of chosen comments in every REST
answer, as a plugin filtering ``rest_prepare_comment`` can.
"""

from __future__ import annotations

from collections import Counter

import pytest
from servers.wordpress import ACCOUNT_ID, WordPressServer

pytestmark = [pytest.mark.integration, pytest.mark.wordpress]

NESTED: object = "deep"
for _ in range(100):
    NESTED = {"a": [NESTED]}

#: What a broken plugin may send instead (each makes the comment malformed).
MANGLED = [
    {"parent": "12"},
    {"parent": None},
    {"author": "seven"},
    {"content": "<p>not an object</p>"},
    {"content": {"rendered": ["a", "list"]}},
    {"content": NESTED},
    {"date_gmt": "yesterday"},
    {"status": 5},
    {"post": [1]},
]


def comment_as(server: WordPressServer, login: str, post: int, text: str, **extra) -> int:
    with server.rest(login) as rest:
        answer = rest.post("comments", json={"post": post, "content": text, **extra})
    assert answer.status_code == 201, answer.text
    return answer.json()["id"]


async def test_malformed_replies_never_hold_up_the_executives_reply(
    wordpress: WordPressServer, wordpress_fireside
) -> None:
    fireside = wordpress_fireside()
    post = int((await fireside.network.publish("Budget", "Questions?", "markdown", "p1")).remote_id)
    question = comment_as(wordpress, "ada", post, "Will travel be cut?")
    mangled = {}
    for n, fields in enumerate(MANGLED):
        login = ("ben", "chen")[n % 2]
        mangled[comment_as(wordpress, login, post, f"Reply {n}", parent=question)] = fields
    fine = comment_as(wordpress, "chen", post, "Same question", parent=question)
    for comment_id, fields in mangled.items():
        wordpress.mangle_comment(comment_id, fields)

    first = await fireside.engine.sync(ACCOUNT_ID)

    assert {int(k) for k in fireside.comments()} == {question, fine}
    assert len(first.item_errors) == len(MANGLED), first.item_errors
    for comment_id in mangled:
        assert any(f"comment {comment_id} is malformed" in e for e in first.item_errors)
    assert first.error is None  # skipped and named, not a failed sync

    fireside.queue_reply(str(question), "Travel stays as it is.")
    second = await fireside.engine.sync(ACCOUNT_ID)
    third = await fireside.engine.sync(ACCOUNT_ID)

    assert second.outbox == Counter({"sent": 1}), (second, fireside.outbox())
    assert second.error is None and third.error is None and third.item_errors == []
    exec_id = wordpress.users["exec"].id
    rows = wordpress.sql(
        f"SELECT comment_parent FROM wp_comments WHERE user_id = {exec_id} "
        f"AND comment_post_ID = {post}"
    )
    assert rows == [[str(question)]]  # exactly one reply, to the question
