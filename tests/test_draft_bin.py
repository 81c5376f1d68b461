"""Deleting and restoring drafts: a deleted draft is kept whole (text, state, targets,
language, versions, pictures) out of the Drafts list, search and the scheduler; a queued
one cannot be deleted; a scheduled one only when its publish is dropped, and it comes back
as a plain draft. Through the core, with its events; fake networks, no HTTP."""

from __future__ import annotations

import io

import pytest
from fixtures.fake_networks import WORDPRESS_LIKE, connect
from PIL import Image

from app import events as ev
from app.bootstrap import open_core
from app.core import Core
from app.domain import Account, DraftState, OutboxKind
from app.errors import DraftQueued, DraftScheduled, UserError
from app.store import draft_bin, drafts, outbox, search
from app.sync.scheduler import next_scheduled_at, promote_due
from app.timeutil import in_seconds

BLOG = Account("blog", "wordpress", "Corporate blog", "https://blog.example")


@pytest.fixture
async def core(tmp_path):
    """A core with one blog connected (a fake network) to publish and schedule to."""
    opened = await open_core(tmp_path / "data", start_sandbox=False)
    await connect(opened, BLOG, WORDPRESS_LIKE)
    yield opened
    await opened.close()


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 3), "orange").save(out, "PNG")
    return out.getvalue()


async def full_draft(core: Core) -> int:
    """A draft with everything a draft holds: text, state, targets, language, versions
    and a picture."""
    draft_id = await core.drafts.new("Offsite agenda", "Day one: **strategy**, then dinner.")
    await core.drafts.save(draft_id, "Offsite agenda", "Day one: **strategy**, then a walk.")
    await core.drafts.keep_version(draft_id)
    await core.drafts.set_language(draft_id, "en_GB")
    await core.drafts.add_image(draft_id, png(), "map.png")
    await core.store.run(drafts.set_targets, draft_id, ["blog", "room"])
    await core.drafts.set_state(draft_id, DraftState.FOR_REVIEW)
    return draft_id


async def whole(core: Core, draft_id: int) -> tuple:
    draft = await core.drafts.get(draft_id)
    versions = await core.drafts.versions(draft_id)
    pictures = await core.store.read(
        lambda db: [
            tuple(r)
            for r in db.execute("SELECT * FROM draft_images WHERE draft_id = ?", [draft_id])
        ]
    )
    return draft, versions, pictures


async def listed(core: Core) -> list[int]:
    return [d.id for d in await core.drafts.summaries()]


async def test_a_deleted_draft_leaves_the_lists_and_comes_back_exactly_as_it_was(core):
    kept = await core.drafts.new("Stays", "Untouched.")
    draft_id = await full_draft(core)
    before = await whole(core, draft_id)
    heard: list[ev.Event] = []
    core.events.subscribe(heard.append)

    gone = await core.drafts.delete(draft_id)

    assert (gone.id, gone.title, gone.state) == (draft_id, "Offsite agenda", DraftState.FOR_REVIEW)
    assert gone.opening == "Day one: strategy, then a walk."
    assert await listed(core) == [kept]
    assert await core.store.read(search.search_drafts, "strategy") == []
    assert [d.id for d in await core.drafts.deleted()] == [draft_id]
    assert ev.DraftBinChanged(draft_id, deleted=True) in heard
    assert ev.DraftsChanged(draft_id) in heard

    back = await core.drafts.restore_deleted(draft_id)

    assert (back.id, back.title, back.unscheduled_from) == (draft_id, "Offsite agenda", None)
    draft, versions, pictures = await whole(core, draft_id)
    assert (draft, versions, pictures) == before  # every field, every version, the picture
    assert draft.deleted_at is None and draft.language == "en_GB"
    assert draft.targets == ("blog", "room") and len(pictures) == 1
    assert sorted(await listed(core)) == sorted([kept, draft_id])
    assert [h.id for h in await core.store.read(search.search_drafts, "strategy")] == [draft_id]
    assert await core.drafts.deleted() == []
    assert ev.DraftBinChanged(draft_id, deleted=False) in heard


async def test_deleted_drafts_are_listed_newest_first_with_their_first_words(core, monkeypatch):
    stamps = iter(["2026-03-01T09:00:00Z", "2026-03-02T09:00:00Z"])
    monkeypatch.setattr(draft_bin, "now_iso", lambda: next(stamps))
    older = await core.drafts.new("Older", "# Notes\n\n" + " ".join(f"w{i}" for i in range(30)))
    newer = await core.drafts.new("Newer", "Short.")
    await core.drafts.delete(older)
    await core.drafts.delete(newer)

    found = await core.drafts.deleted()

    assert [(d.id, d.deleted_at) for d in found] == [
        (newer, "2026-03-02T09:00:00Z"),
        (older, "2026-03-01T09:00:00Z"),
    ]
    assert found[1].opening == "Notes " + " ".join(f"w{i}" for i in range(15)) + "…"
    assert found[0].opening == "Short."


async def test_a_queued_draft_cannot_be_deleted_and_the_error_points_to_the_outbox(core):
    draft_id = await core.drafts.new("Going out", "Now.")
    await core.drafts.publish(draft_id, ["blog"])

    with pytest.raises(DraftQueued, match=r"queued in the Outbox.*Cancel it in the Outbox first"):
        await core.drafts.delete(draft_id)
    with pytest.raises(DraftQueued):
        await core.drafts.delete(draft_id, drop_schedule=True)

    assert (await core.drafts.get(draft_id)).deleted_at is None
    assert await listed(core) == [draft_id]


async def test_a_draft_with_a_publish_still_waiting_in_the_outbox_cannot_be_deleted(core):
    """Whatever its state says, an unsent publish item of it keeps it."""
    draft_id = await core.drafts.new("Odd", "Text.")
    await core.store.run(
        lambda db: outbox.enqueue(db, OutboxKind.PUBLISH, "blog", "Text.", draft_id=draft_id)
    )
    with pytest.raises(DraftQueued):
        await core.drafts.delete(draft_id)


async def test_a_scheduled_draft_is_deleted_only_once_its_publish_is_dropped(core):
    draft_id = await core.drafts.new("Monday note", "Good morning.")
    await core.drafts.publish(draft_id, ["blog"], when=in_seconds(3600))

    with pytest.raises(DraftScheduled) as asked:
        await core.drafts.delete(draft_id)
    assert asked.value.scheduled_at == (await core.drafts.get(draft_id)).scheduled_at
    assert (await core.drafts.get(draft_id)).deleted_at is None

    await core.drafts.delete(draft_id, drop_schedule=True)
    assert (await core.drafts.get(draft_id)).deleted_at is not None


async def test_the_scheduler_never_publishes_a_deleted_draft(core):
    draft_id = await core.drafts.new("Monday note", "Good morning.")
    await core.drafts.publish(draft_id, ["blog"], when=in_seconds(3600))
    await core.drafts.delete(draft_id, drop_schedule=True)
    # Its time comes while it is deleted (as a clock moving past it would have it).
    await core.store.run(
        lambda db: db.execute(
            "UPDATE drafts SET scheduled_at = ? WHERE id = ?", [in_seconds(-5), draft_id]
        )
    )

    assert await core.store.run(drafts.due_scheduled) == []
    assert await core.store.run(next_scheduled_at) is None
    assert await promote_due(core.store, core.events) == []
    assert await core.outbox.items() == []
    assert (await core.drafts.get(draft_id)).state is DraftState.SCHEDULED  # kept as it was


async def test_a_restored_scheduled_draft_comes_back_as_a_plain_draft(core):
    draft_id = await core.drafts.new("Monday note", "Good morning.")
    scheduled = await core.drafts.publish(draft_id, ["blog"], when=in_seconds(86_400))
    await core.drafts.delete(draft_id, drop_schedule=True)

    back = await core.drafts.restore_deleted(draft_id)

    assert back.unscheduled_from == scheduled.scheduled_at
    draft = await core.drafts.get(draft_id)
    assert (draft.state, draft.scheduled_at, draft.deleted_at) == (DraftState.DRAFT, None, None)
    assert (draft.title, draft.body, draft.targets) == ("Monday note", "Good morning.", ("blog",))
    assert (await core.drafts.versions(draft_id))[0].reason == "state: draft"
    assert await promote_due(core.store, core.events) == []
    assert await core.outbox.items() == []


async def test_deleting_twice_or_restoring_a_live_draft_changes_nothing(core):
    draft_id = await core.drafts.new("Once", "Text.")
    first = await core.drafts.delete(draft_id)
    assert await core.drafts.delete(draft_id) == first
    await core.drafts.restore_deleted(draft_id)
    before = await whole(core, draft_id)
    await core.drafts.restore_deleted(draft_id)
    assert await whole(core, draft_id) == before


async def test_a_deleted_draft_is_never_published(core):
    """Opened from an older list (a search made before it was deleted), it is refused."""
    draft_id = await core.drafts.new("Gone", "Text.")
    await core.drafts.delete(draft_id)
    with pytest.raises(UserError, match="This draft is deleted"):
        await core.drafts.publish(draft_id, ["blog"])
    with pytest.raises(UserError, match="This draft is deleted"):
        await core.drafts.publish(draft_id, ["blog"], when=in_seconds(3600))
    assert await core.outbox.items() == []
    assert (await core.drafts.get(draft_id)).state is DraftState.DRAFT
