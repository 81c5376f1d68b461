"""Post drafts (the editor's) in the workspace: a draft saved on one device reaches the
other with its title, state and targets; edited on both offline, neither text is lost
and both devices show both texts until someone saves a pick or merge, which settles it."""

from __future__ import annotations

from pathlib import Path

from app.bootstrap import open_core
from app.core import Core
from app.domain import DraftState
from app.workspace.model import Transport


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
