"""Post drafts (the editor's) in the workspace: a draft saved on one device reaches the
other with its title, state and targets; edited on both offline, neither text is lost
and both devices show both texts until someone saves a pick or merge, which settles it;
a device stopped between making a draft and linking it makes no second one."""

from __future__ import annotations

from pathlib import Path

from app.bootstrap import open_core
from app.core import Core
from app.domain import Draft, DraftState
from app.workspace import post_bridge
from app.workspace.model import PostContent, Transport


async def _only_draft(core: Core) -> tuple[int, str, str]:
    (summary,) = await core.drafts.summaries()
    draft = await core.drafts.get(summary.id)
    return draft.id, draft.title, draft.body


async def test_post_drafts_travel_and_a_conflict_keeps_both_texts(
    tmp_path: Path, memory_keyring
) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    principal = await open_core(tmp_path / "principal", start_sandbox=False)
    delegate = await open_core(tmp_path / "delegate", start_sandbox=False)
    try:
        code = await principal.workspace.create("Dana", Transport.FOLDER, str(shared))
        await delegate.workspace.join(code.text(), "Sam", str(shared))
        mine = await principal.drafts.new("Launch", "Our plan for spring")
        await principal.drafts.set_state(mine, DraftState.FOR_REVIEW)
        await principal.workspace.sync()
        await delegate.workspace.sync()
        theirs, title, body = await _only_draft(delegate)
        assert (title, body) == ("Launch", "Our plan for spring")
        assert (await delegate.drafts.get(theirs)).state is DraftState.FOR_REVIEW

        # Both edit offline, then both sync: two heads, both texts on both devices.
        await principal.drafts.save(mine, "Launch", "Dana's spring plan")
        await delegate.drafts.save(theirs, "Launch", "Sam's spring plan")
        for core in (principal, delegate, principal):
            await core.workspace.sync()
        for core in (principal, delegate):
            _, _, shown = await _only_draft(core)
            assert "Dana's spring plan" in shown and "Sam's spring plan" in shown
            assert "Version by Sam (delegate)" in shown
        assert (await principal.workspace.digest()) == (await delegate.workspace.digest())
        kept = [v.body for v in await principal.drafts.versions(mine)]
        assert "Dana's spring plan" in kept  # the text written over stays in its history

        # The delegate merges; the next syncs settle it on both devices.
        await delegate.drafts.save(theirs, "Launch", "Our merged spring plan")
        await delegate.workspace.sync()
        await principal.workspace.sync()
        assert (await _only_draft(principal))[1:] == ("Launch", "Our merged spring plan")
        await principal.workspace.sync()
        await delegate.workspace.sync()
        assert (await _only_draft(delegate))[1:] == ("Launch", "Our merged spring plan")
        assert len(await delegate.drafts.summaries()) == 1  # nothing doubled
    finally:
        await delegate.close()
        await principal.close()


def test_a_draft_made_for_a_post_but_not_linked_is_adopted_not_doubled() -> None:
    """Killed between making the local draft and linking it: the next sync adopts it."""
    content = PostContent("Launch", "Our plan", DraftState.DRAFT, ())
    made = Draft(7, "Launch", "Our plan", DraftState.DRAFT, (), None, "t", "t", None)
    other = Draft(8, "Other", "Mine", DraftState.DRAFT, (), None, "t", "t", None)
    announced = post_bridge.making("p1", content)
    adopted = post_bridge.adopt(announced, {}, [other, made])
    assert list(adopted) == [7] and adopted[7].post_id == "p1" and adopted[7].heads == ()
    linked = {9: post_bridge.Link("p1", ("v1",), post_bridge.digest(content))}
    assert post_bridge.adopt(announced, linked, [made]) == {}  # linked already: nothing
