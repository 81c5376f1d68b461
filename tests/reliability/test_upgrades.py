"""Upgrades: a database written by every earlier schema version, kept as a file in
tests/fixtures/schemas/ (see generate.py there), opens in this build with every draft,
version, outbox item, comment and triage state intact, and a backup of it is taken first.

The kept files are only ever copied: SQLite leaves -wal and -shm files next to any WAL
database it opens, even read-only, so tests open copies (``pristine`` for reading).
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import numpy as np
import pytest
from fixtures.schema_builds import snapshot, without_derived

from app import cli
from app.domain import DraftState, OutboxKind, OutboxState, TriageState
from app.store import Store, comments, drafts, outbox, search, triage
from app.store.db import backup_path, migrate, schema_version
from app.store.migrations import LATEST
from app.text import encoder, grouping
from app.text.adapter import shipped

SCHEMAS = Path(__file__).resolve().parents[1] / "fixtures" / "schemas"
EARLIER = list(range(1, LATEST))
#: Kept files stay small: they live in the repository forever. Every table and index costs
#: a 4 KiB page even when empty, so the bound grows with the schema, not with the rows.
MAX_FIXTURE_BYTES = 400_000


def kept(version: int) -> Path:
    return SCHEMAS / f"v{version}.db"


@pytest.fixture(scope="module", autouse=True)
def _kept_files_stay_untouched():
    before = sorted(p.name for p in SCHEMAS.iterdir())
    yield
    assert sorted(p.name for p in SCHEMAS.iterdir()) == before


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory):
    """``pristine(version)``: a copy of the kept file, only read by the tests."""
    directory = tmp_path_factory.mktemp("pristine")
    copies: dict[int, Path] = {}

    def copy(version: int) -> Path:
        if version not in copies:
            copies[version] = directory / kept(version).name
            shutil.copyfile(kept(version), copies[version])
        return copies[version]

    return copy


def read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


def copy_of(version: int, directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "fireside.db"
    shutil.copyfile(kept(version), path)
    return path


def rows(path: Path, sql: str) -> list[tuple]:
    conn = read_only(path)
    try:
        return [tuple(r) for r in conn.execute(sql)]
    finally:
        conn.close()


def schema_of(conn: sqlite3.Connection) -> list[tuple]:
    return [
        tuple(r)
        for r in conn.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"
        )
    ]


# --- the kept files themselves ------------------------------------------------------------


@pytest.mark.parametrize("version", range(1, LATEST + 1))
def test_every_schema_version_has_a_kept_database(version: int, pristine) -> None:
    """Adding migration N+1 without keeping v<N>.db first fails here (run generate.py)."""
    assert kept(version).is_file(), f"run: python tests/fixtures/schemas/generate.py v{version}"
    assert kept(version).stat().st_size <= MAX_FIXTURE_BYTES
    assert not kept(version).with_name(f"v{version}.db-wal").exists()
    conn = read_only(pristine(version))
    try:
        assert schema_version(conn) == version
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        conn.close()


@pytest.mark.parametrize("version", range(1, LATEST + 1))
def test_old_migrations_still_build_what_they_built(tmp_path: Path, version: int, pristine) -> None:
    """Migrations are never edited: running them today up to N gives the kept file's
    schema, object for object."""
    conn = sqlite3.connect(tmp_path / "today.db", isolation_level=None)
    try:
        migrate(conn, target=version)
        today = schema_of(conn)
    finally:
        conn.close()
    conn = read_only(pristine(version))
    try:
        assert schema_of(conn) == today
    finally:
        conn.close()


@pytest.mark.parametrize("version", range(1, LATEST + 1))
def test_kept_databases_hold_every_state(version: int, pristine) -> None:
    """So that 'every row survived' below means every state survived."""
    path = pristine(version)
    assert {r[0] for r in rows(path, "SELECT state FROM drafts")} == set(map(str, DraftState))
    assert {r[0] for r in rows(path, "SELECT state FROM outbox")} == set(map(str, OutboxState))
    assert {r[0] for r in rows(path, "SELECT kind FROM outbox")} == set(map(str, OutboxKind))
    assert {r[0] for r in rows(path, "SELECT triage_state FROM comments")} == set(
        map(str, TriageState)
    )
    held = {r[0] for r in rows(path, "SELECT error_kind FROM outbox WHERE state = 'held'")}
    assert held == {"deleted", "edited", "answered"}
    assert rows(path, "SELECT COUNT(*) FROM draft_versions")[0][0] >= len(DraftState)
    assert rows(path, "SELECT COUNT(*) FROM comments WHERE answered = 1")[0][0] > 0
    assert rows(path, "SELECT COUNT(*) FROM comments WHERE deleted = 1")[0][0] > 0


# --- upgrading a copy -----------------------------------------------------------------------


@pytest.mark.parametrize("version", EARLIER)
def test_an_old_database_upgrades_with_every_row_intact(tmp_path: Path, version: int) -> None:
    path = copy_of(version, tmp_path)
    conn = read_only(path)
    before = snapshot(conn)
    conn.close()
    Store(path).close()  # the app's own way in: checks, backs up, migrates
    conn = read_only(path)
    try:
        assert schema_version(conn) == LATEST
        # every column of every row, but the tiers titles give and the questions texts give
        after = snapshot(conn, like=before)
        assert without_derived(after) == without_derived(before)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        conn.close()


@pytest.mark.parametrize("version", EARLIER)
def test_drafts_replies_and_triage_states_read_back_the_same(
    tmp_path: Path, version: int, pristine
) -> None:
    """The promise in the product's words: the same drafts with their history, the same
    replies waiting or sent, the same comments done, snoozed or open."""
    queries = {
        "drafts": "SELECT id, state, title, body, scheduled_at, published_at FROM drafts",
        "versions": "SELECT draft_id, reason, title, body FROM draft_versions ORDER BY id",
        "outbox": "SELECT idempotency_key, kind, state, body, attempts, error_kind, "
        "last_error, remote_id, first_sent_at, confirmed, batch_id FROM outbox ORDER BY id",
        "triage": "SELECT remote_id, triage_state, snoozed_until, answered, deleted, version "
        "FROM comments ORDER BY id",
    }
    old = {name: rows(pristine(version), sql) for name, sql in queries.items()}
    path = copy_of(version, tmp_path)
    Store(path).close()
    assert {name: rows(path, sql) for name, sql in queries.items()} == old


@pytest.mark.parametrize("version", EARLIER)
def test_a_backup_of_the_old_database_is_taken_first(
    tmp_path: Path, version: int, pristine
) -> None:
    path = copy_of(version, tmp_path)
    Store(path).close()
    backup = backup_path(path, LATEST)
    assert backup.is_file()
    assert not list(tmp_path.glob("*.partial*"))
    copy, original = read_only(backup), read_only(pristine(version))
    try:
        assert schema_version(copy) == version  # taken before the migration, not after
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert snapshot(copy) == snapshot(original)
    finally:
        copy.close()
        original.close()


@pytest.mark.parametrize("version", EARLIER)
def test_upgraded_rows_work_with_todays_code(tmp_path: Path, version: int, pristine) -> None:
    """Search finds old comments, history lists old versions, the outbox and undo go on."""
    store = Store(copy_of(version, tmp_path))
    try:
        db = store.reader()
        assert [r.id for r in search.search_comments(db, "parking")] == [4]  # c4
        assert [r.id for r in search.search_comments(db, "bonus")] == [1, 2]
        assert len(drafts.versions(db, 6)) == 3
        assert drafts.get(db, 4).targets == ("sandbox", "blog")
        assert sum(comments.view_counts(db).values()) > 0
        everything = store.run_sync(outbox.list_items)
        assert len(everything) == rows(pristine(version), "SELECT COUNT(*) FROM outbox")[0][0]
        claimed = store.run_sync(outbox.claim_due, "sandbox", "2030-01-01T00:00:00Z")
        assert claimed is not None
        assert claimed.state in (OutboxState.QUEUED, OutboxState.UNKNOWN)
        store.run_sync(triage.set_state, [1], TriageState.DONE)
        assert store.run_sync(triage.undo_last) == ("done", [1])
        store.run_sync(drafts.save, 1, "Town hall notes", "Edited after the upgrade")
        assert drafts.get(store.reader(), 1).body == "Edited after the upgrade"
    finally:
        store.close()


@pytest.mark.parametrize("version", EARLIER)
def test_the_command_line_upgrades_and_lists_the_old_outbox(
    tmp_path: Path, version: int, capsys, pristine
) -> None:
    """``fireside outbox`` on an old data dir: upgraded, and every waiting item listed."""
    path = copy_of(version, tmp_path / "data")
    assert cli.main(["--data-dir", str(path.parent), "outbox", "--json"]) == 0
    listed = capsys.readouterr().out
    waiting = rows(
        pristine(version), "SELECT body FROM outbox WHERE state NOT IN ('sent', 'cancelled')"
    )
    assert all(body in listed for (body,) in waiting)
    assert backup_path(path, LATEST).is_file()


def test_themes_stored_by_v25_are_made_again_by_the_mapped_vectors(tmp_path: Path) -> None:
    """v25 made themes by the raw multilingual vectors; after the upgrade each theme is
    started (in the order the vectors were made) by a question whose vector, as the shipped
    adapter maps it, is the theme's, named by that question, and the questions join them
    by the mapped vectors: two the raw rule put together (cosine 0.70) are apart, two it
    kept apart (0.40) are together. The old themes, one that no vector named too, go.
    They are made once, though two versions since v25 make them again: the first new
    theme comes straight after the old ones."""
    alike, apart = _pairs_the_adapter_moves()
    read = {4: alike[0], 1: alike[1], 15: apart[0], 11: apart[1]}  # comment -> vector
    made = [4, 1, 15, 11, 7]  # the order the vectors were made; 7 (Arabic) not read
    path = copy_of(25, tmp_path)
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA foreign_keys = ON")
        themes = [
            conn.execute(
                "INSERT INTO question_themes(label, vector) VALUES (?, ?)",
                [label, encoder.to_bytes(vector)],
            ).lastrowid
            for label, vector in [
                ("Parking", alike[0]),
                ("Remote Friday", apart[0]),
                ("Slides", apart[1]),
                ("Riyadh", np.zeros(encoder.DIMENSIONS, np.float32)),
                ("Gone", apart[1]),
            ]
        ]
        raw_theme = {4: themes[0], 1: themes[0], 15: themes[1], 11: themes[2], 7: themes[3]}
        for comment_id in made:
            row = np.zeros(encoder.WIDTH, np.float32)
            row[encoder.MULTILINGUAL] = read.get(comment_id, alike[0])
            row[encoder.READ] = comment_id in read
            conn.execute(
                "INSERT INTO comment_vectors(comment_id, vector, theme_id) VALUES (?, ?, ?)",
                [comment_id, encoder.to_bytes(row), raw_theme[comment_id]],
            )
    finally:
        conn.close()
    Store(path).close()
    found = rows(
        path,
        "SELECT v.comment_id, v.vector, t.id, t.label, t.vector, c.body_text "
        "FROM comment_vectors v JOIN question_themes t ON t.id = v.theme_id "
        "JOIN comments c ON c.id = v.comment_id ORDER BY v.seq",
    )
    assert [comment_id for comment_id, *_ in found] == made
    theme_of = {comment_id: theme for comment_id, _, theme, *_ in found}
    first = theme_of[made[0]]
    assert first == max(themes) + 1
    assert [theme_of[c] for c in made] == [first, first + 1, first + 2, first + 2, first + 3]
    assert not set(theme_of.values()) & set(themes)
    starters = {theme: n for n, (_, _, theme, *_) in reversed(list(enumerate(found)))}
    for n, (_, vector, theme, label, centre, text) in enumerate(found):
        if starters[theme] == n:
            mapped = grouping.theme_vectors(encoder.from_bytes([vector]))[0]
            assert bytes(centre) == encoder.to_bytes(mapped)
            assert label == grouping.label(text)
    assert rows(path, "SELECT count(*) FROM question_themes") == [(4,)]
    assert rows(path, "PRAGMA foreign_key_check") == []


def test_the_upgrade_to_v26_drops_the_vectors_of_comments_not_to_be_vectored(
    tmp_path: Path,
) -> None:
    """A vector kept for a comment since deleted (10), one's own (5) or no longer read as
    a question (2) would start a theme and name it: the upgrade drops it (the backfill
    makes it again if the comment comes back); a question's (4) stays."""
    path = copy_of(25, tmp_path)
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA foreign_keys = ON")
        row = np.zeros(encoder.WIDTH, np.float32)
        row[0], row[encoder.READ] = 1.0, 1.0
        theme = conn.execute(
            "INSERT INTO question_themes(label, vector) VALUES ('Gone', ?)",
            [encoder.to_bytes(row[encoder.MULTILINGUAL])],
        ).lastrowid
        for comment_id in (10, 5, 2, 4):
            conn.execute(
                "INSERT INTO comment_vectors(comment_id, vector, theme_id) VALUES (?, ?, ?)",
                [comment_id, encoder.to_bytes(row), theme],
            )
    finally:
        conn.close()
    Store(path).close()
    assert rows(path, "SELECT comment_id FROM comment_vectors") == [(4,)]
    assert rows(path, "SELECT count(*) FROM question_themes") == [(1,)]
    assert rows(path, "PRAGMA foreign_key_check") == []


def _pairs_the_adapter_moves() -> tuple[np.ndarray, np.ndarray]:
    """Two pairs of unit vectors: one at a cosine of 0.70 that the shipped adapter maps far
    apart, one at 0.40 that it maps close together (along the directions it shrinks and
    stretches most)."""
    _, _, directions = np.linalg.svd(shipped().multilingual)  # most stretched first

    def pair(shared: np.ndarray, other: np.ndarray, cosine: float) -> np.ndarray:
        half = np.arccos(cosine) / 2
        return np.stack([np.cos(half) * shared + s * np.sin(half) * other for s in (1, -1)])

    return pair(directions[-1], directions[0], 0.70), pair(directions[1], directions[-2], 0.40)
