"""The bench's cached store is reused or migrated only when its migrations are this
build's (the first ones, in order); one made by a branch with other migrations is built
again, and kept for that branch until no build has used it for ``UNUSED_FOR``, as
``bench/generate.py`` promises."""

from __future__ import annotations

import os
import sqlite3
import time
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
    assert theirs.exists()  # the other branch, sharing the folder, still uses it
    assert generate.cached_store(SPEC) == generate.Cached(store.path)  # now reused as is


def test_a_store_cached_with_this_builds_first_migrations_is_migrated(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    older = _cache_as_built_with(migrations.MIGRATIONS[:-1], cache, monkeypatch)

    store = generate.cached_store(SPEC)

    assert (store.built_s, store.migrated_from) == (None, migrations.LATEST - 1)
    assert _schema(store.path)[0] == migrations.LATEST
    assert older.exists() and _schema(older)[0] == migrations.LATEST - 1  # a copy migrated


def _last_used(path: Path, seconds_ago: float) -> None:
    moment = time.time() - seconds_ago
    os.utime(path, (moment, moment))


def test_only_stores_no_build_used_for_a_while_are_pruned(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Other branches' stores of this size stay while used; one unused for longer than
    UNUSED_FOR goes, when this build reuses its own store as when it builds one."""
    unused_for = generate.UNUSED_FOR.total_seconds()
    ours = generate.cached_store(SPEC).path
    _last_used(ours, unused_for + 60)  # reusing it marks it used again
    recent = _cache_as_built_with([*migrations.MIGRATIONS[:-1], _their_feature], cache, monkeypatch)
    _last_used(recent, unused_for - 60)
    stale = _cache_as_built_with([*migrations.MIGRATIONS[:-2], _their_feature], cache, monkeypatch)
    _last_used(stale, unused_for + 60)
    other_size = cache / generate.cache_key(generate.Spec(comments=300, posts=5))
    other_size.write_bytes(stale.read_bytes())
    _last_used(other_size, unused_for + 60)

    assert generate.cached_store(SPEC) == generate.Cached(ours)

    assert time.time() - ours.stat().st_mtime < unused_for
    assert (recent.exists(), stale.exists(), other_size.exists()) == (True, False, True)
