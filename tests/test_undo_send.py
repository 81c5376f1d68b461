"""Undo send against the real sandbox server: replies and posts wait out their grace
period in the outbox, nothing leaves before it ends, undo takes them back whole (the
comments reopen with their words kept as reply drafts; a post becomes a draft again), and
the engine sends by itself once the hold ends."""

from __future__ import annotations

import asyncio

import pytest

from app.bootstrap import open_core
from app.core import Core
from app.domain import DraftState, InboxView, OutboxKind, OutboxState, TriageState
from app.errors import UserError
from app.events import OutboxChanged
from app.store import comments

#: The bound on waiting for the engine to send a reply whose hold ended.
PATIENCE_S = 20.0


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


def reply_posts(sandbox_server) -> list[dict]:
    return [
        r
        for r in sandbox_server.requests()
        if r["method"] == "POST" and r["path"].endswith("/replies")
    ]


async def test_a_held_batch_does_not_leave_and_undo_takes_it_back_with_its_words(
    core, sandbox_server
):
    core.undo_send.seconds = 120
    ids = await needs_reply(core, 2)
    edited = {ids[1]: "Ben, I will call you about this."}
    items = await core.replies.queue(ids, "Thanks {first_name}!", edited, "there")

    [held] = await core.undo_send.held()
    assert (held.kind, held.count) == (OutboxKind.REPLY, 2)
    await core.engine.push_all()
    assert reply_posts(sandbox_server) == []  # the grace period holds it
    assert {i.state for i in await core.outbox.items() if i.id in items} == {OutboxState.QUEUED}

    taken = await core.undo_send.undo()

    assert (taken.kind, taken.count, set(taken.comment_ids)) == (OutboxKind.REPLY, 2, set(ids))
    assert {i.state for i in await core.outbox.items() if i.id in items} == {OutboxState.CANCELLED}
    states = {(await core.store.read(comments.get_comment, i)).triage_state for i in ids}
    assert states == {TriageState.OPEN}
    drafts = {d.comment_id: d for d in await core.replies.drafts(ids)}
    assert drafts[ids[0]].template == "Thanks {first_name}!" and drafts[ids[0]].copy is None
    assert drafts[ids[1]].copy == edited[ids[1]]
    assert {d.name_fallback for d in drafts.values()} == {"there"}  # "No name?" comes back too
    assert await core.undo_send.held() == []
    await core.engine.push_all()
    assert reply_posts(sandbox_server) == []


async def test_undo_of_a_triage_action_since_does_not_stop_undo_send(core):
    core.undo_send.seconds = 120
    first, other = await needs_reply(core, 2)
    await core.replies.queue([first], "Thanks!")
    await core.inbox.set_triage([other], TriageState.DONE)

    await core.undo_send.undo()

    state = (await core.store.read(comments.get_comment, first)).triage_state
    assert state is TriageState.OPEN
    assert (await core.store.read(comments.get_comment, other)).triage_state is TriageState.DONE


async def test_the_engine_sends_by_itself_when_the_hold_ends(core, sandbox_server):
    core.undo_send.seconds = 1
    sent = asyncio.Event()

    async def watch() -> None:
        while not sent.is_set():
            changed.clear()
            if {i.state for i in await core.outbox.items()} == {OutboxState.SENT}:
                sent.set()
                return
            await changed.wait()

    changed = asyncio.Event()
    core.events.subscribe(lambda e: changed.set() if isinstance(e, OutboxChanged) else None)
    [comment] = await needs_reply(core, 1)
    await core.replies.queue([comment], "Thanks {first_name}!")
    engine = asyncio.ensure_future(core.engine.run(3600))  # only the hold's end wakes it
    try:
        await asyncio.wait_for(watch(), PATIENCE_S)
    finally:
        core.engine.stop()
        await engine
    assert len(reply_posts(sandbox_server)) == 1
    with pytest.raises(UserError, match="Nothing to undo"):
        await core.undo_send.undo()


async def test_too_late_to_undo_once_the_hold_ended(core):
    core.undo_send.seconds = 120
    [comment] = await needs_reply(core, 1)
    await core.replies.queue([comment], "Thanks!")
    [held] = await core.undo_send.held()
    await core.store.run(
        lambda db: db.execute("UPDATE outbox SET hold_until = '2000-01-01T00:00:00Z'")
    )
    with pytest.raises(UserError, match="Too late to undo"):
        await core.undo_send.undo(held.batch_id)


async def test_a_held_post_goes_back_to_being_a_draft(core, sandbox_server):
    core.undo_send.seconds = 120
    draft_id = await core.drafts.new("Town hall", "See you all on Friday.")
    draft = await core.drafts.publish(draft_id, list(core.networks))
    assert draft.state is DraftState.QUEUED
    await core.engine.push_all()
    assert not [r for r in sandbox_server.requests() if r["method"] == "POST"]

    taken = await core.undo_send.undo()

    assert (taken.kind, taken.draft_id) == (OutboxKind.PUBLISH, draft_id)
    assert (await core.drafts.get(draft_id)).state is DraftState.DRAFT
    assert await core.drafts.deliveries(draft_id) == []


async def test_replies_being_written_are_kept_and_marked_until_queued(core):
    a, b = await needs_reply(core, 2)
    await core.replies.save_draft([a], "Half a thought")
    [row] = await core.inbox.rows([a])
    assert row.reply_draft
    [draft] = await core.replies.drafts([a, b])
    assert (draft.comment_id, draft.template) == (a, "Half a thought")

    await core.replies.queue([a], "Whole thought, {first_name}.")

    assert await core.replies.drafts([a]) == []
    assert not (await core.inbox.rows([a]))[0].reply_draft
