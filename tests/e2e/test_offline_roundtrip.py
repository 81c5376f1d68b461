"""End to end through the real sandbox server: start offline, write a post and 20 batch
replies, come online, and each arrives exactly once."""

from __future__ import annotations

from collections import Counter

import httpx

from app import bootstrap
from app.core import Core
from app.domain import InboxView, OutboxState
from app.store import comments

TEMPLATE = "Thanks {first_name}, good question.\n\n{question}\n\nI'll cover this on Friday."


async def open_core(data_dir, url: str, token: str) -> Core:
    return await bootstrap.open_core(data_dir, sandbox_url=url, sandbox_token=token)


async def test_offline_post_and_twenty_replies_arrive_exactly_once(tmp_path, sandbox_server):
    data_dir = tmp_path / "data"
    url, token = sandbox_server.url, sandbox_server.token
    yesterday = await open_core(data_dir, url, token)  # the last sync before the flight
    try:
        assert [r.error for r in await yesterday.engine.sync_all()] == [None]
    finally:
        await yesterday.close()
    sandbox_server.stop()

    core = await open_core(data_dir, url, token)  # the app starts on the plane
    try:
        targets = await core.store.read(comments.view_page, InboxView.NEEDS_REPLY, None, None, 20)
        assert len(targets) == 20
        draft_id = await core.drafts.new("Notes from the offsite", "We agreed on three things.")
        await core.drafts.publish(draft_id, ["sandbox"])
        await core.replies.queue([t.id for t in targets], TEMPLATE)
        await core.engine.sync_all()
        assert not core.engine.online
        pending = await core.outbox.items()
        assert len(pending) == 21
        assert {i.state for i in pending} == {OutboxState.QUEUED}

        sandbox_server.start()  # landed: same port and state
        await core.engine.sync_all()
        assert core.engine.online
        done = await core.outbox.items()
        assert Counter(i.state for i in done) == {OutboxState.SENT: 21}
    finally:
        await core.close()

    writes = [r for r in sandbox_server.requests() if r["method"] == "POST" and r["committed"]]
    per_key = Counter(r["idempotency_key"] for r in writes)
    assert len(per_key) == 21 and set(per_key.values()) == {1}

    headers = {"Authorization": f"Bearer {sandbox_server.token}"}
    async with httpx.AsyncClient(base_url=sandbox_server.url, headers=headers, timeout=5) as http:
        me = (await http.get("/api/v1/me")).json()["id"]
        for target in targets:
            remote_id = next(i.target_remote_id for i in done if i.comment_id == target.id)
            replies = (await http.get(f"/api/v1/comments/{remote_id}/replies")).json()["items"]
            mine = [r for r in replies if r["author"]["id"] == me and "Friday" in r["body_html"]]
            assert len(mine) == 1, remote_id
        posts = (await http.get("/api/v1/posts", params={"limit": 100})).json()["items"]
        assert [p["title"] for p in posts].count("Notes from the offsite") == 1
