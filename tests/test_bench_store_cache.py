"""The bench's cached store is reused or migrated only when its migrations are this
build's (the first ones, in order); one made by a branch with other migrations is built
again, as ``bench/generate.py`` promises."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from app.store import db, migrations
from app.store.sql import Database
from bench import generate

SPEC = generate.Spec(comments=200, posts=5, people=30)
Migration = Callable[[Database], None]


def _their_feature(database: Database) -> None:
    """A migration another branch has and this one does not."""
    database.execute("ALTER TABLE comments ADD COLUMN their_feature TEXT")


def _cache_as_built_with(
    steps: list[Migration], cache: Path, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """An empty store cached by a build whose MIGRATIONS are ``steps``, where it puts it."""
    with monkeypatch.context() as other_build:
        other_build.setattr(migrations, "MIGRATIONS", steps)
        other_build.setattr(migrations, "LATEST", len(steps))
        other_build.setattr(db, "MIGRATIONS", steps)
        path = cache / generate.cache_key(SPEC)
        conn = sqlite3.connect(path, isolation_level=None)
        try:
            db.migrate(conn, target=len(steps))
        finally:
            conn.close()
    return path


def _schema(path: Path) -> tuple[int, set[str]]:
    """The store's schema version and its comments' columns."""
    conn = sqlite3.connect(path)
    try:
        columns = {row[1] for row in conn.execute("PRAGMA table_info(comments)")}
        return db.schema_version(conn), columns
    finally:
        conn.close()


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("FIRESIDE_BENCH_CACHE", str(tmp_path))
    return tmp_path


def test_a_store_cached_with_another_branchs_migrations_is_built_again(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Their last migration stands where this build has another: migrating their store
    would skip that one (or, were theirs the same, apply it twice: "duplicate column")."""
    theirs = _cache_as_built_with([*migrations.MIGRATIONS[:-2], _their_feature], cache, monkeypatch)

    store = generate.cached_store(SPEC)

    assert (store.built_s is not None, store.migrated_from) == (True, None)
    version, columns = _schema(store.path)
    assert version == migrations.LATEST and "their_feature" not in columns
    assert not theirs.exists()  # another build's store of this size is dropped
    assert generate.cached_store(SPEC) == generate.Cached(store.path)  # now reused as is


def test_a_store_cached_with_this_builds_first_migrations_is_migrated(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    older = _cache_as_built_with(migrations.MIGRATIONS[:-1], cache, monkeypatch)

    store = generate.cached_store(SPEC)

    assert (store.built_s, store.migrated_from) == (None, migrations.LATEST - 1)
    assert _schema(store.path)[0] == migrations.LATEST
    assert not older.exists()
