"""Post drafts (the editor's) in the workspace: a draft saved on one device reaches the
other with its title, state and targets; edited on both offline, neither text is lost
and both devices show both texts until someone saves a pick or merge, which settles it;
a device stopped between making a draft and linking it makes no second one."""

from __future__ import annotations

import pycrdt
import pytest

from app.core import Core
from app.domain import Draft, DraftState
from app.workspace import post_bridge
from app.workspace.model import PostContent
from app.workspace.shared import SharedDoc


async def _only_draft(core: Core) -> tuple[int, str, str]:
    (summary,) = await core.drafts.summaries()
    draft = await core.drafts.get(summary.id)
    return draft.id, draft.title, draft.body


async def test_post_drafts_travel_and_a_conflict_keeps_both_texts(principal_and_delegate) -> None:
    principal, delegate = principal_and_delegate
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


def test_a_draft_made_for_a_post_but_not_linked_is_adopted_not_doubled() -> None:
    """Killed between making the local draft and linking it: the next sync adopts it."""
    content = PostContent("Launch", "Our plan", DraftState.DRAFT, ())
    made = Draft(7, "Launch", "Our plan", DraftState.DRAFT, (), None, "t", "t", None)
    other = Draft(8, "Other", "Mine", DraftState.DRAFT, (), None, "t", "t", None)
    announced = post_bridge.making("p1", content)
    adopted = post_bridge.adopt(announced, {}, [other, made])
    assert list(adopted) == [7] and adopted[7].post_id == "p1" and adopted[7].heads == ()
    shared = SharedDoc(pycrdt.Doc())
    assert post_bridge.share_local(shared, [made], adopted, "aaaa0001") == {}  # not again
    linked = {9: post_bridge.Link("p1", ("v1",), post_bridge.digest(content))}
    assert post_bridge.adopt(announced, linked, [made]) == {}  # linked already: nothing


def _draft(draft_id: int, title: str, body: str, *targets: str) -> Draft:
    return Draft(draft_id, title, body, DraftState.FOR_REVIEW, targets, None, "t", "t", None)


def test_only_what_changed_here_is_shared_and_only_what_moved_there_comes_back() -> None:
    shared = SharedDoc(pycrdt.Doc())
    first = _draft(1, "Launch", "Our plan", "wordpress:1")
    moved = post_bridge.share_local(shared, [first], {}, "aaaa0001")
    (post,) = shared.posts()
    assert (
        post.heads[0].content
        == post_bridge.content_of(first)
        == PostContent("Launch", "Our plan", DraftState.FOR_REVIEW, ("wordpress:1",))
    )
    assert post.created_by == post.heads[0].by == "aaaa0001"
    assert moved == {1: post_bridge.Link(post.id, (post.heads[0].id,), moved[1].digest)}
    assert post_bridge.share_local(shared, [first], moved, "aaaa0001") == {}  # unchanged
    stored = {"post:1": post_bridge.encoded(moved)["post:1"], "post-new:x": "d", "other": "v"}
    assert post_bridge.links(stored) == moved  # kept in the replica and read back
    assert post_bridge.incoming(shared, moved, str) == []  # nothing new from others

    edited = _draft(1, "Launch", "Our better plan", "wordpress:1")
    again = post_bridge.share_local(shared, [edited], moved, "aaaa0001")
    (post,) = shared.posts()
    assert [v.content.body for v in post.versions] == ["Our plan", "Our better plan"]
    assert post.heads[0].bases == moved[1].heads and not post.in_conflict
    assert again == {1: post_bridge.Link(post.id, (post.heads[0].id,), again[1].digest)}
    assert again[1].digest != moved[1].digest
    (fresh,) = post_bridge.incoming(shared, moved, str)  # as a device that saw only v1
    assert (fresh.draft_id, fresh.post.id, fresh.content.body) == (1, post.id, "Our better plan")
    (new_here,) = post_bridge.incoming(shared, {}, str)  # a device with no draft for it
    assert new_here.draft_id is None


def test_two_offline_versions_come_back_as_both_texts_and_both_titles() -> None:
    shared = SharedDoc(pycrdt.Doc())
    base = shared.new_post(PostContent("Launch", "Plan", DraftState.DRAFT, ()), "aaaa0001")
    names = {"aaaa0001": "Dana", "bbbb0002": "Sam"}
    shared.add_post_version(
        base.post_id, PostContent("Launch", "Dana's", DraftState.DRAFT, ()), (base.id,), "aaaa0001"
    )
    shared.add_post_version(
        base.post_id,
        PostContent("Spring launch", "Sam's", DraftState.FOR_REVIEW, ("slack:C1",)),
        (base.id,),
        "bbbb0002",
    )
    (shown,) = post_bridge.incoming(shared, {}, names.__getitem__)
    heads = shown.post.heads  # in the order they were written
    assert shown.content == PostContent(
        "Launch / Spring launch",
        "\n\n".join(f"— Version by {names[h.by]}, {h.at[:16]} —\n{h.content.body}" for h in heads),
        heads[-1].content.state,  # the newest version's state and targets
        heads[-1].content.targets,
    )
    assert {h.content.body for h in heads} == {"Dana's", "Sam's"}


def test_one_unchanged_draft_or_post_does_not_stop_the_others() -> None:
    shared = SharedDoc(pycrdt.Doc())
    kept = _draft(1, "Launch", "Our plan")
    known = post_bridge.share_local(shared, [kept], {}, "aaaa0001")
    moved = post_bridge.share_local(shared, [kept, _draft(2, "Hiring", "Three roles")], known, "a")
    assert list(moved) == [2]  # the first draft had not changed; the second is shared
    first, last = shared.posts()  # in the order they are read
    seen = {9: post_bridge.Link(first.id, tuple(h.id for h in first.heads), "")}
    assert [i.post.id for i in post_bridge.incoming(shared, seen, str)] == [last.id]


@pytest.mark.parametrize(
    ("content", "stored"),
    [
        (
            PostContent("Launch", "Our plan", DraftState.FOR_REVIEW, ("wordpress:1", "slack:C1")),
            "8952dc226fbbedeac81f74f063ff0a9f4edc6a9d12294511b7e25834021a1c36",
        ),
        # not ASCII, no target: the value PostContent computed as a dataclass
        (
            PostContent("Lancement — été", "Notre plan ✓\n", DraftState.PUBLISHED, ()),
            "536328932310b80cb24501858c77d8290a527e3aa1307a2838e24717f2be197f",
        ),
    ],
)
def test_a_digest_stored_by_an_earlier_version_still_matches(
    content: PostContent, stored: str
) -> None:
    """Links keep the digest of what a draft held (the replica's ``bridged`` table): a
    later version must compute the same, or every draft would be shared again."""
    assert post_bridge.digest(content) == stored
