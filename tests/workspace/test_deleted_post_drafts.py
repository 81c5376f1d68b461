"""A post draft deleted on one device of the workspace: the deletion is that device's own.
Its last words still reach the other device, which keeps the draft; an edit made there
lands in the deleted copy (its text kept as a version first) without bringing it back
into the Drafts list or making a second draft; restored, it holds the newest text. Its
pictures go with its words both ways."""

from __future__ import annotations

from fixtures.shared_posts import picture

from app.core import Core
from app.text.image_refs import markdown_ref, referenced_images


async def _titles_and_bodies(core: Core) -> list[tuple[str, str]]:
    found = []
    for summary in await core.drafts.summaries():
        draft = await core.drafts.get(summary.id)
        found.append((draft.title, draft.body))
    return found


async def test_a_deleted_draft_stays_deleted_here_and_lives_on_there(
    principal_and_delegate,
) -> None:
    principal, delegate = principal_and_delegate
    mine = await principal.drafts.new("Launch", "Our plan for spring")
    for core in (principal, delegate):
        await core.workspace.sync()

    # The last words before the delete reach the other device; the delete does not.
    await principal.drafts.save(mine, "Launch", "Our plan for spring, final")
    await principal.drafts.delete(mine)
    for core in (principal, delegate):
        await core.workspace.sync()
    assert await _titles_and_bodies(delegate) == [("Launch", "Our plan for spring, final")]
    assert await principal.drafts.summaries() == []

    # An edit there lands in the deleted copy here, which stays deleted.
    (theirs,) = await delegate.drafts.summaries()
    await delegate.drafts.save(theirs.id, "Launch", "Sam's spring plan")
    for core in (delegate, principal):
        await core.workspace.sync()
    assert await principal.drafts.summaries() == []
    assert [d.id for d in await principal.drafts.deleted()] == [mine]
    here = await principal.drafts.get(mine)
    assert here.body == "Sam's spring plan" and here.deleted_at is not None
    kept = [v.body for v in await principal.drafts.versions(mine)]
    assert "Our plan for spring, final" in kept

    await principal.drafts.restore_deleted(mine)
    assert await _titles_and_bodies(principal) == [("Launch", "Sam's spring plan")]
    await principal.workspace.sync()
    await delegate.workspace.sync()
    assert len(await delegate.drafts.summaries()) == 1  # nothing doubled there either


async def test_a_deleted_drafts_pictures_travel_with_its_words(principal_and_delegate) -> None:
    """A picture a draft showed when it was deleted here reaches the other device with its
    last words; one added there arrives whole in the deleted copy here (next to its own,
    not a second copy of it), so the draft restored shows both."""
    principal, delegate = principal_and_delegate
    chart, team = picture(), picture()
    mine = await principal.drafts.new("Launch", "")
    ours = await principal.drafts.add_image(mine, chart, "chart.png")
    await principal.drafts.save(mine, "Launch", f"Spring.\n\n{markdown_ref('chart.png', ours.id)}")
    await principal.drafts.delete(mine)  # before it was ever shared
    for core in (principal, delegate):
        await core.workspace.sync()

    (theirs,) = await delegate.drafts.summaries()
    there = await delegate.drafts.get(theirs.id)
    (shown,) = referenced_images(there.body)
    assert (await delegate.drafts.image(shown)).data == chart
    added = await delegate.drafts.add_image(theirs.id, team, "team.png")
    body = f"{there.body}\n\n{markdown_ref('team.png', added.id)}"
    await delegate.drafts.save(theirs.id, "Launch", body)
    for core in (delegate, principal):
        await core.workspace.sync()

    assert await principal.drafts.summaries() == []
    here = await principal.drafts.get(mine)
    assert here.deleted_at is not None
    first, second = referenced_images(here.body)
    assert first == ours.id
    assert (await principal.drafts.image(second)).data == team
    await principal.drafts.restore_deleted(mine)
    assert [s.id for s in await principal.drafts.summaries()] == [mine]
