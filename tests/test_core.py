"""The Core facade against the real sandbox server: batch replies, undo, same question."""

from __future__ import annotations

import pytest

from app.bootstrap import open_core
from app.core import Core
from app.domain import InboxView, OutboxState, TriageState
from app.errors import UserError
from app.store import comments
from app.timeutil import in_seconds, now_iso


@pytest.fixture
async def core(tmp_path, sandbox_server):
    opened = await open_core(
        tmp_path / "data", sandbox_url=sandbox_server.url, sandbox_token=sandbox_server.token
    )
    reports = await opened.engine.sync_all()
    assert [r.error for r in reports] == [None]
    yield opened
    await opened.close()


async def needs_reply(core: Core, n: int) -> list[int]:
    rows = await core.store.read(comments.view_page, InboxView.NEEDS_REPLY, None, None, n)
    return [r.id for r in rows]


async def test_undoing_a_batch_reply_reopens_comments_and_cancels_unsent_replies(core):
    ids = await needs_reply(core, 3)
    items = await core.replies.queue(ids, "Thanks {first_name}!")
    assert len(items) == 3
    assert not set(ids) & set(await needs_reply(core, 500))

    sentence = await core.inbox.undo()

    assert sentence == "Undid reply on 3 comments. Cancelled 3 queued replies."
    rows = {i.id: i for i in await core.outbox.items()}
    assert {rows[i].state for i in items} == {OutboxState.CANCELLED}
    states = {(await core.store.read(comments.get_comment, i)).triage_state for i in ids}
    assert states == {TriageState.OPEN}
    drafts = await core.replies.drafts(ids)  # the words are kept for the next r
    assert [d.template for d in drafts] == ["Thanks {first_name}!"] * 3


async def test_undo_after_replies_left_says_they_cannot_be_recalled(core, sandbox_server):
    ids = await needs_reply(core, 2)
    await core.replies.queue(ids, "Thanks {first_name}!")
    await core.engine.push_all()

    sentence = await core.inbox.undo()

    assert sentence == (
        "Undid reply on 2 comments. 2 replies had already left and cannot be "
        "recalled; see the outbox."
    )
    assert {i.state for i in await core.outbox.items()} == {OutboxState.SENT}


async def test_a_reply_draft_saved_blank_is_no_draft(core):
    """Autosaving words that hold nothing to send (blank, no edited copy) removes the
    reply drafts instead of keeping empty ones that mark their rows."""
    a, b = await needs_reply(core, 2)
    await core.replies.save_draft([a, b], "Half a thought")
    await core.replies.save_draft([a, b], "  \n", {a: " "})
    assert await core.replies.drafts([a, b]) == []
    await core.replies.save_draft([a, b], "", {b: "Only Bo's own words"})
    assert [d.copy for d in await core.replies.drafts([a, b])] == [None, "Only Bo's own words"]


async def test_preview_personalises_and_rejects_unknown_variables(core):
    ids = await needs_reply(core, 2)
    previews = await core.replies.preview(ids, "Hi {first_name}, re: {question}")
    for preview in previews:
        assert preview.text.startswith(f"Hi {preview.recipient.split()[0]}, re: > ")
    with pytest.raises(UserError, match="Unknown variable"):
        await core.replies.preview(ids, "Hi {nickname}")


async def test_replies_over_the_network_limit_are_refused_before_queueing(core):
    ids = await needs_reply(core, 2)
    long_template = "Thanks {first_name}. " + "x" * 4_000
    previews = await core.replies.preview(ids, long_template)
    assert all(p.too_long and p.limit == 4_000 for p in previews)
    with pytest.raises(UserError, match="2 replies would be too long"):
        await core.replies.queue(ids, long_template)
    assert await core.outbox.items() == []


async def test_a_schedule_in_the_past_is_refused(core):
    draft_id = await core.drafts.new("Later", "Body")
    with pytest.raises(UserError, match="That time has passed"):
        await core.drafts.publish(draft_id, ["sandbox"], when="2020-01-01T09:00:00+00:00")


async def test_sync_publishes_a_scheduled_draft_that_fell_due(core, sandbox_server):
    draft_id = await core.drafts.new("Due now", "Scheduled body")
    await core.drafts.publish(draft_id, ["sandbox"], when=in_seconds(1))
    await core.store.run(
        lambda db: db.execute(
            "UPDATE drafts SET scheduled_at = ? WHERE id = ?", [now_iso(), draft_id]
        )
    )

    await core.engine.sync_all()

    items = await core.outbox.items()
    assert [(i.kind, i.state) for i in items] == [("publish", OutboxState.SENT)]
    published = [
        r
        for r in sandbox_server.requests()
        if r["method"] == "POST" and r["path"] == "/api/v1/posts" and r["committed"]
    ]
    assert [r["body"]["title"] for r in published] == ["Due now"]


async def test_the_built_in_sandbox_is_reached_directly_even_behind_a_proxy(
    tmp_path, sandbox_server, monkeypatch
):
    """A corporate proxy in the environment must not stand between Fireside and its own
    loopback sandbox (port 9 is "discard": a proxy there would fail every request)."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "all_proxy"):
        monkeypatch.setenv(name, "http://127.0.0.1:9")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    opened = await open_core(
        tmp_path / "data", sandbox_url=sandbox_server.url, sandbox_token=sandbox_server.token
    )
    try:
        reports = await opened.engine.sync_all()
    finally:
        await opened.close()
    assert [r.error for r in reports] == [None]
    assert reports[0].fetched > 0
