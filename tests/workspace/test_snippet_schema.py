"""Snippets in the shared document (``SharedSnippets``) and their bridge to a device's
database (``snippet_bridge``), on in-memory pycrdt documents exchanging updates the way
two replicas do: versions, deletes, how two devices' offline changes settle (alike on
both), twins, and what each sync writes and brings."""

from __future__ import annotations

import pycrdt

from app.domain.library import SNIPPET_NAME_CHARS, Snippet, SnippetContent
from app.workspace import snippet_bridge
from app.workspace.model import Member, Role
from app.workspace.shared import SharedDoc

DANA, SAM = "aaaa0001", "bbbb0002"


def _laptop() -> tuple[pycrdt.Doc, SharedDoc]:
    doc: pycrdt.Doc = pycrdt.Doc()
    shared = SharedDoc(doc)
    shared.put_member(Member(DANA, "Dana", Role.PRINCIPAL, b"d"))
    shared.put_member(Member(SAM, "Sam", Role.DELEGATE, b"s"))
    return doc, shared


def _exchange(one: pycrdt.Doc, other: pycrdt.Doc) -> None:
    """Both ways, as a push and a pull through the shared store do."""
    other.apply_update(one.get_update(other.get_state()))
    one.apply_update(other.get_update(one.get_state()))


def _shown(shared: SharedDoc) -> list[tuple[str, str]]:
    return sorted(
        (s.content.name, s.content.body) for s in shared.snippets.all() if s.content is not None
    )


def test_a_snippet_is_kept_as_versions_and_a_delete_is_one_more() -> None:
    _, shared = _laptop()
    first = shared.snippets.new("s1", SnippetContent("Thanks", "Thank you!"), DANA)
    second = shared.snippets.add_version(
        "s1", SnippetContent("Thanks", "Merci !"), (first.id,), SAM
    )
    (snippet,) = shared.snippets.all()
    assert (snippet.id, snippet.created_by) == ("s1", DANA)
    assert [v.content for v in snippet.versions] == [
        SnippetContent("Thanks", "Thank you!"),
        SnippetContent("Thanks", "Merci !"),
    ]
    assert snippet.heads == (second,) and snippet.content == SnippetContent("Thanks", "Merci !")
    gone = shared.snippets.add_version("s1", None, (second.id,), DANA)
    deleted = shared.snippets.get("s1")
    assert deleted is not None and deleted.heads == (gone,) and deleted.content is None
    assert shared.snippets.get("nope") is None


def test_two_texts_written_offline_settle_alike_on_both_laptops_and_keep_both() -> None:
    dana_doc, dana = _laptop()
    sam_doc, sam = _laptop()
    base = dana.snippets.new("s1", SnippetContent("Bonus", "Paid in March."), DANA)
    _exchange(dana_doc, sam_doc)
    dana.snippets.add_version("s1", SnippetContent("Bonus", "Paid in April."), (base.id,), DANA)
    sam.snippets.add_version("s1", SnippetContent("Bonus", "Paid in May."), (base.id,), SAM)
    _exchange(dana_doc, sam_doc)
    assert len(dana.snippets.get("s1").heads) == 2  # type: ignore[union-attr]
    # Both settle before hearing of the other's settling: they write the same records.
    assert dana.snippets.settle(dana.member_name) == sam.snippets.settle(sam.member_name) == 1
    _exchange(dana_doc, sam_doc)
    assert dana.digest() == sam.digest()
    assert _shown(dana) == [("Bonus", "Paid in May."), ("Bonus (from Dana)", "Paid in April.")]
    assert all(len(s.heads) == 1 for s in dana.snippets.all())
    assert dana.snippets.settle(dana.member_name) == 0  # nothing left to settle


def test_a_rename_on_one_side_and_a_new_text_on_the_other_both_land() -> None:
    dana_doc, dana = _laptop()
    sam_doc, sam = _laptop()
    base = dana.snippets.new("s1", SnippetContent("Bonus", "Paid in March."), DANA)
    _exchange(dana_doc, sam_doc)
    dana.snippets.add_version(
        "s1", SnippetContent("Bonus dates", "Paid in March."), (base.id,), DANA
    )
    sam.snippets.add_version("s1", SnippetContent("Bonus", "Paid in May."), (base.id,), SAM)
    _exchange(dana_doc, sam_doc)
    dana.snippets.settle(dana.member_name)
    assert _shown(dana) == [("Bonus dates", "Paid in May.")]


def test_an_edit_outlives_a_delete_and_two_deletes_delete() -> None:
    dana_doc, dana = _laptop()
    sam_doc, sam = _laptop()
    kept = dana.snippets.new("s1", SnippetContent("Parking", "Free on Fridays."), DANA)
    gone = dana.snippets.new("s2", SnippetContent("Canteen", "Opens at 8."), DANA)
    _exchange(dana_doc, sam_doc)
    sam.snippets.add_version("s1", SnippetContent("Parking", "Free on Mondays."), (kept.id,), SAM)
    dana.snippets.add_version("s1", None, (kept.id,), DANA)  # the later one is the delete
    dana.snippets.add_version("s2", None, (gone.id,), DANA)
    sam.snippets.add_version("s2", None, (gone.id,), SAM)
    _exchange(dana_doc, sam_doc)
    assert dana.snippets.settle(dana.member_name) == 2
    assert _shown(dana) == [("Parking", "Free on Mondays.")]
    canteen = dana.snippets.get("s2")
    assert canteen is not None and canteen.content is None and len(canteen.heads) == 1


def test_twins_kept_by_two_laptops_become_one_but_one_laptops_own_stay() -> None:
    _, shared = _laptop()
    same = SnippetContent("Thanks", "Thank you!")
    shared.snippets.new("b-sams", same, SAM)
    shared.snippets.new("a-danas", same, DANA)
    shared.snippets.new("c-danas", SnippetContent("Hours", "9 to 5"), DANA)
    shared.snippets.new("d-danas", SnippetContent("Hours", "9 to 5"), DANA)
    assert shared.snippets.settle(shared.member_name) == 1
    assert [s.id for s in shared.snippets.all() if s.content is not None] == [
        "a-danas",
        "c-danas",
        "d-danas",
    ]


def _snippet(row: int, uid: str, name: str, body: str) -> Snippet:
    return Snippet(row, name, body, "t", uid)


def test_a_sync_shares_only_what_changed_here_and_a_delete_builds_on_what_was_seen() -> None:
    _, shared = _laptop()
    thanks = _snippet(1, "s1", "Thanks", "Thank you!")
    moved = snippet_bridge.share_local(shared.snippets, [thanks], {}, DANA)
    (first,) = shared.snippets.get("s1").heads  # type: ignore[union-attr]
    assert moved == {"s1": snippet_bridge.Link((first.id,), moved["s1"].digest)}
    assert snippet_bridge.links(snippet_bridge.encoded(moved) | {"post:1": "{}"}) == moved
    assert snippet_bridge.share_local(shared.snippets, [thanks], moved, DANA) == {}
    assert snippet_bridge.incoming(shared.snippets, moved) == []

    renamed = _snippet(1, "s1", "Thank you", "Thank you!")
    again = snippet_bridge.share_local(shared.snippets, [renamed], moved, DANA)
    (second,) = shared.snippets.get("s1").heads  # type: ignore[union-attr]
    assert second.bases == (first.id,) and again["s1"].heads == (second.id,)
    (arriving,) = snippet_bridge.incoming(shared.snippets, moved)  # as a laptop that saw v1
    assert arriving == snippet_bridge.Incoming(
        "s1", SnippetContent("Thank you", "Thank you!"), (second.id,)
    )

    deleted = snippet_bridge.share_local(shared.snippets, [], again, DANA)
    (gone,) = shared.snippets.get("s1").heads  # type: ignore[union-attr]
    assert gone.content is None and gone.bases == (second.id,)
    assert deleted == {"s1": snippet_bridge.Link((gone.id,), snippet_bridge.DELETED)}
    assert snippet_bridge.share_local(shared.snippets, [], deleted, DANA) == {}  # once


def test_a_snippet_shared_before_its_link_was_kept_is_linked_not_written_again() -> None:
    _, shared = _laptop()
    thanks = _snippet(1, "s1", "Thanks", "Thank you!")
    snippet_bridge.share_local(shared.snippets, [thanks], {}, DANA)  # the link is lost
    relinked = snippet_bridge.share_local(shared.snippets, [thanks], {}, DANA)
    assert len(shared.snippets.get("s1").versions) == 1  # type: ignore[union-attr]
    assert relinked["s1"].digest == snippet_bridge.digest(snippet_bridge.content_of(thanks))
    changed = _snippet(1, "s1", "Thanks", "Cheers!")  # and changed since: a head of its own
    snippet_bridge.share_local(shared.snippets, [changed], {}, DANA)
    assert len(shared.snippets.get("s1").heads) == 2  # type: ignore[union-attr]


def test_a_snippet_kept_before_joining_takes_the_id_of_its_shared_twin() -> None:
    _, shared = _laptop()
    shared.snippets.new("theirs", SnippetContent("Thanks", "Thank you!"), DANA)
    shared.snippets.new("other", SnippetContent("Hours", "We open at 9."), DANA)
    mine = [
        _snippet(1, "mine", "Thanks", "Thank you!"),
        _snippet(2, "hours", "Hours", "We open at 8."),  # the same name, another text
    ]
    assert snippet_bridge.same_as_shared(shared.snippets, mine, {}) == {"mine": "theirs"}
    linked = {"mine": snippet_bridge.Link(("v",), "d")}
    assert snippet_bridge.same_as_shared(shared.snippets, mine, linked) == {}


def test_a_kept_text_under_a_long_name_gets_a_name_that_can_still_be_saved() -> None:
    dana_doc, dana = _laptop()
    sam_doc, sam = _laptop()
    long = "Office days and the new building: " + "x" * 46
    assert len(long) == SNIPPET_NAME_CHARS
    base = dana.snippets.new("s1", SnippetContent(long, "One."), DANA)
    _exchange(dana_doc, sam_doc)
    dana.snippets.add_version("s1", SnippetContent(long, "Dana's."), (base.id,), DANA)
    sam.snippets.add_version("s1", SnippetContent(long, "Sam's."), (base.id,), SAM)
    _exchange(dana_doc, sam_doc)
    dana.snippets.settle(dana.member_name)
    (forked,) = [name for name, body in _shown(dana) if body == "Dana's."]
    assert len(forked) == SNIPPET_NAME_CHARS and forked.endswith("x… (from Dana)")
