"""Saved replies in this device's database: each gets an id every workspace device will
share; what the workspace brings is written only over what the snippet held when read
(a change made here meanwhile stays); and a snippet deleted elsewhere while its words
were being changed here is kept again, not lost."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.domain.library import SnippetContent
from app.store import Store, snippets


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store(tmp_path / "fireside.db")
    yield opened
    opened.close()


def _kept(store: Store) -> list[tuple[str, str, str]]:
    return [(s.uid, s.name, s.body) for s in store.run_sync(snippets.all_snippets)]


def test_every_snippet_gets_its_own_shared_id(store: Store) -> None:
    first = store.run_sync(snippets.save, None, "Thanks", "Thank you!")
    store.run_sync(snippets.save, None, "Hours", "We open at 9.")
    uids = [uid for uid, _, _ in _kept(store)]
    assert len(set(uids)) == 2 and all(len(uid) == 16 for uid in uids)
    store.run_sync(snippets.save, first, "Thanks", "Merci !")
    assert sorted(uids) == sorted(uid for uid, _, _ in _kept(store))  # kept when changed


def test_words_saved_into_a_snippet_deleted_meanwhile_are_kept_as_a_new_one(
    store: Store,
) -> None:
    gone = store.run_sync(snippets.save, None, "Thanks", "Thank you!")
    (was,) = store.run_sync(snippets.all_snippets)
    store.run_sync(snippets.delete_shared, was)  # deleted on the other laptop
    store.run_sync(snippets.save, gone, "Thanks", "Thank you so much!")
    ((uid, name, body),) = _kept(store)
    assert (name, body) == ("Thanks", "Thank you so much!") and uid != was.uid


def test_what_the_workspace_brings_never_overwrites_a_change_made_here(store: Store) -> None:
    assert store.run_sync(snippets.put_shared, "s1", SnippetContent("Thanks", "Thank you!"), None)
    assert _kept(store) == [("s1", "Thanks", "Thank you!")]
    assert not store.run_sync(  # made here meanwhile under that id: left alone
        snippets.put_shared, "s1", SnippetContent("Other", "Text"), None
    )
    (read,) = store.run_sync(snippets.all_snippets)
    store.run_sync(snippets.save, read.id, "Thanks", "Typed here since.")
    assert not store.run_sync(snippets.put_shared, "s1", SnippetContent("Thanks", "Theirs"), read)
    assert not store.run_sync(snippets.delete_shared, read)
    assert _kept(store) == [("s1", "Thanks", "Typed here since.")]

    (now,) = store.run_sync(snippets.all_snippets)
    assert store.run_sync(snippets.put_shared, "s1", SnippetContent("Thanks", "Theirs"), now)
    assert _kept(store) == [("s1", "Thanks", "Theirs")]
    store.run_sync(snippets.adopt_uid, "s1", "shared")
    (adopted,) = store.run_sync(snippets.all_snippets)
    assert adopted.uid == "shared"
    assert store.run_sync(snippets.delete_shared, adopted)
    assert _kept(store) == []
