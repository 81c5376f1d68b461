"""A post draft deleted on one device of the workspace: the deletion is that device's own.
Its last words still reach the other device, which keeps the draft; an edit made there
lands in the deleted copy (its text kept as a version first) without bringing it back
into the Drafts list or making a second draft; restored, it holds the newest text."""

from __future__ import annotations

from app.core import Core


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
