"""Full-text search: safe queries from any typing, prefixes, ranking, and an index that
follows edits and deletions."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fixtures.store_data import comment_id, ingest, open_store, remote
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain import InboxRow, RemotePost
from app.store import Store, accounts, drafts, search


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = open_store(tmp_path)
    store.run_sync(
        ingest,
        [
            remote(1, body="<p>Will the reorg affect our <b>bonuses</b>?</p>"),
            remote(2, body="<p>Parking in Kraków is impossible since the move.</p>"),
            remote(3, body="<p>Bonus bonus bonus!</p>"),
            remote(
                4,
                body="<p>Long post about many things, and the bonus is one of them, "
                "along with parking, pensions, lunches and holidays.</p>",
            ),
            remote(5, body="<p>Secret bonus plan</p>", deleted=True),
            remote(
                6,
                body='<p><a href="https://intranet.example/faq">FAQ</a> <strong>here</strong></p>',
            ),
        ],
    )
    yield store
    store.close()


def found(store: Store, text: str, **options) -> list[str]:
    rows = search.search_comments(store.reader(), text, **options)
    by_id = {r[0]: r[1] for r in store.reader().execute("SELECT id, remote_id FROM comments")}
    return [by_id[r.id] for r in rows]


# --- turning typing into a query -----------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "query"),
    [
        ("bonus", '"bonus"*'),
        ("reorg bonus", '"reorg" "bonus"*'),
        ("  Reorg,   BONUS!! ", '"Reorg" "BONUS"*'),
        ("bonus b", '"bonus" "b"'),  # a one-letter last word is matched whole
        ('bonus" OR "x', '"bonus" "OR" "x"'),
        (
            "NEAR(a b) body_text:secret -foo ^start",
            '"NEAR" "a" "b" "body_text" "secret" "foo" "start"*',
        ),
        ("Kraków", '"Kraków"*'),
    ],
)
def test_fts_query_quotes_every_word(typed: str, query: str) -> None:
    assert search.fts_query(typed) == query


@pytest.mark.parametrize("typed", ["", "   ", "?!", '"', "*", "()"])
def test_nothing_searchable_gives_no_query_and_no_rows(store: Store, typed: str) -> None:
    assert search.fts_query(typed) is None
    assert search.search_comments(store.reader(), typed) == []
    assert search.search_posts(store.reader(), typed) == []
    assert search.search_drafts(store.reader(), typed) == []


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=40))
def test_any_typing_is_a_valid_query(typed: str) -> None:
    """FTS5 syntax in the input (quotes, operators, columns, stars) never reaches FTS5."""
    assert _SHARED["store"] is not None
    search.search_comments(_SHARED["store"].reader(), typed)


_SHARED: dict[str, Store | None] = {"store": None}


@pytest.fixture(autouse=True, scope="module")
def shared_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """A store for the property test (hypothesis runs it many times in one test)."""
    store = open_store(tmp_path_factory.mktemp("shared"))
    store.run_sync(ingest, [remote(1, body="<p>Anything at all, NEAR and OR and AND</p>")])
    _SHARED["store"] = store
    yield
    store.close()
    _SHARED["store"] = None


# --- finding comments -----------------------------------------------------------------------


def test_words_prefixes_and_case(store: Store) -> None:
    assert set(found(store, "bonus")) == {"c1", "c3", "c4"}  # prefix: bonuses too
    assert found(store, "REORG") == ["c1"]
    assert found(store, "reorg bon") == ["c1"]  # every word must appear
    assert found(store, "reorg parking") == []


def test_accents_are_folded(store: Store) -> None:
    assert found(store, "krakow") == ["c2"]
    assert found(store, "Kraków") == ["c2"]


def test_deleted_comments_are_not_found(store: Store) -> None:
    assert "c5" not in found(store, "secret")


def test_markup_is_not_searchable(store: Store) -> None:
    assert found(store, "strong") == []
    assert found(store, "intranet") == []  # a link's address is not its text
    assert found(store, "faq") == ["c6"]


def test_best_match_first(store: Store) -> None:
    assert found(store, "bonus")[0] == "c3"


def test_search_rows_are_list_rows(store: Store) -> None:
    (row,) = search.search_comments(store.reader(), "reorg")
    assert isinstance(row, InboxRow) and row.snippet and row.author_name and row.network


def test_limit_is_respected(store: Store) -> None:
    assert len(found(store, "bonus", limit=2)) == 2


def test_common_words_rank_among_the_newest_matches(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.run_sync(ingest, [remote(n, body="<p>team update</p>") for n in range(10, 20)])
    monkeypatch.setattr(search, "RANK_WINDOW", 4)
    assert sorted(found(store, "team")) == ["c16", "c17", "c18", "c19"]


def test_an_edit_reindexes_the_comment(store: Store) -> None:
    store.run_sync(
        ingest,
        [
            remote(
                2, body="<p>Canteen prices went up.</p>", version=2, edited="2024-05-02T00:00:00Z"
            )
        ],
    )
    assert found(store, "krakow") == []
    assert found(store, "canteen") == ["c2"]


def test_a_removed_row_leaves_the_index(store: Store) -> None:
    db_id = comment_id(store.reader(), "c1")
    store.run_sync(lambda db: db.execute("DELETE FROM comments WHERE id = ?", [db_id]))
    assert found(store, "reorg") == []
    integrity = store.run_sync(
        lambda db: db.execute(
            "INSERT INTO comments_fts(comments_fts, rank) VALUES ('integrity-check', 1)"
        )
    )
    assert integrity is not None  # raises if the index and the table disagree


def test_comment_search_reads_the_fts_index(store: Store) -> None:
    plan = (
        store.reader()
        .execute(
            "EXPLAIN QUERY PLAN SELECT rowid FROM comments_fts WHERE comments_fts MATCH ? "
            "ORDER BY rowid DESC LIMIT 10",
            ['"bonus"*'],
        )
        .fetchall()
    )
    assert "VIRTUAL TABLE INDEX" in " ".join(r[3] for r in plan)


# --- posts and drafts -----------------------------------------------------------------------


def test_posts_are_searched_by_title_and_body(store: Store) -> None:
    store.run_sync(
        accounts.upsert_posts,
        "acct",
        [
            RemotePost(
                "p7",
                "Hybrid work, revisited",
                "Three days in the office",
                "https://x/p7",
                "2024-05-01T09:00:00Z",
                "2024-05-01T09:00:00Z",
            )
        ],
    )
    assert [p.title for p in search.search_posts(store.reader(), "hybrid")] == [
        "Hybrid work, revisited"
    ]
    assert [p.title for p in search.search_posts(store.reader(), "offi")] == [
        "Hybrid work, revisited"
    ]


def test_drafts_are_searched_and_follow_edits(store: Store) -> None:
    draft_id = store.run_sync(drafts.create, "Town hall", "Agenda: pensions")
    assert [d.id for d in search.search_drafts(store.reader(), "pension")] == [draft_id]
    store.run_sync(drafts.save, draft_id, "Town hall", "Agenda: canteen")
    assert search.search_drafts(store.reader(), "pension") == []
