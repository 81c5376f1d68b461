"""The sandbox network's durable state: one SQLite file (WAL) holding people, posts, comments,
the global change sequence and the idempotency records.

Every access goes through ``SandboxState``, which serialises use of its single connection
with a lock (the HTTP server is threaded). Methods return dicts in the API's JSON shape and
raise ``ApiError`` for missing objects. A write and its idempotency record commit together
inside ``transaction()``, so "the write landed" and "the key is known" can never disagree.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from app.sandbox import seed
from app.sandbox.wire import ApiError, not_found, now_iso

DB_FILE = "sandbox.sqlite3"
SCHEMA_VERSION = 1
IDEMPOTENCY_TTL_S = 24 * 3600

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS people (
    id TEXT PRIMARY KEY, num INTEGER NOT NULL UNIQUE, name TEXT NOT NULL, title TEXT NOT NULL,
    department TEXT NOT NULL, level TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS posts (
    id TEXT PRIMARY KEY, num INTEGER NOT NULL UNIQUE, title TEXT NOT NULL, body TEXT NOT NULL,
    format TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS comments (
    id TEXT PRIMARY KEY, num INTEGER NOT NULL UNIQUE, post_id TEXT NOT NULL REFERENCES posts(id),
    parent_id TEXT REFERENCES comments(id), root_id TEXT REFERENCES comments(id),
    author_id TEXT NOT NULL REFERENCES people(id), body_html TEXT NOT NULL,
    created_at TEXT NOT NULL, edited_at TEXT, version INTEGER NOT NULL DEFAULT 1,
    deleted INTEGER NOT NULL DEFAULT 0, seq INTEGER NOT NULL UNIQUE, cluster TEXT);
CREATE INDEX IF NOT EXISTS comments_post ON comments(post_id, num);
CREATE INDEX IF NOT EXISTS comments_parent ON comments(parent_id, num);
CREATE TABLE IF NOT EXISTS writes (
    key TEXT PRIMARY KEY, method TEXT NOT NULL, path TEXT NOT NULL, status INTEGER NOT NULL,
    response TEXT, kind TEXT NOT NULL, action TEXT NOT NULL, object_id TEXT NOT NULL,
    created_at REAL NOT NULL);
"""

_COMMENT_SELECT = """
SELECT c.*, p.name AS a_name, p.title AS a_title, p.department AS a_department,
       p.level AS a_level
FROM comments c JOIN people p ON p.id = c.author_id
"""


def _person(row: sqlite3.Row) -> dict:
    return {
        "id": row["id"],
        "name": row["name"],
        "title": row["title"],
        "department": row["department"],
        "level": row["level"],
    }


def _author(row: sqlite3.Row) -> dict:
    return {
        "id": row["author_id"],
        "name": row["a_name"],
        "title": row["a_title"],
        "department": row["a_department"],
        "level": row["a_level"],
    }


def _comment(row: sqlite3.Row) -> dict:
    return {
        "id": row["id"],
        "post_id": row["post_id"],
        "parent_id": row["parent_id"],
        "root_id": row["root_id"],
        "author": _author(row),
        "body_html": row["body_html"],
        "created_at": row["created_at"],
        "edited_at": row["edited_at"],
        "version": row["version"],
        "deleted": bool(row["deleted"]),
        "seq": row["seq"],
    }


class SandboxState:
    """Opens (creating and seeding on first use) the state file in ``state_dir``."""

    def __init__(self, state_dir: Path, idempotency_ttl: float = IDEMPOTENCY_TTL_S) -> None:
        state_dir.mkdir(parents=True, exist_ok=True)
        self.path = state_dir / DB_FILE
        self.idempotency_ttl = idempotency_ttl
        self.base_url = ""
        self.lock = threading.RLock()
        self.db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA foreign_keys=ON")
        self.db.execute("PRAGMA synchronous=NORMAL")
        with self.transaction():
            for statement in filter(str.strip, _SCHEMA.split(";")):
                self.db.execute(statement)
            if self._meta("schema_version") is None:
                self._set_meta("schema_version", str(SCHEMA_VERSION))
            if self._meta("seeded") is None:
                self._seed()
            self.db.execute(
                "DELETE FROM writes WHERE created_at < ?", (time.time() - self.idempotency_ttl,)
            )

    # -- plumbing --------------------------------------------------------------------------

    def close(self) -> None:
        with self.lock:
            self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Hold the lock and an IMMEDIATE transaction; roll back on any exception."""
        with self.lock:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                yield self.db
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            self.db.execute("COMMIT")

    def _meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def _set_meta(self, key: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (key, value))

    def _seed(self) -> None:
        data = seed.build_seed(anchor=datetime.now(UTC))
        self.db.executemany(
            "INSERT INTO people VALUES (:id, :num, :name, :title, :department, :level)", data.people
        )
        self.db.executemany(
            "INSERT INTO posts VALUES (:id, :num, :title, :body, :format, :created_at,"
            " :updated_at, :deleted)",
            data.posts,
        )
        self.db.executemany(
            "INSERT INTO comments VALUES (:id, :num, :post_id, :parent_id, :root_id, :author_id,"
            " :body_html, :created_at, :edited_at, :version, :deleted, :seq, :cluster)",
            data.comments,
        )
        self._set_meta("seeded", now_iso())

    def get_token(self) -> str | None:
        with self.lock:
            return self._meta("token")

    def set_token(self, token: str) -> None:
        with self.transaction():
            self._set_meta("token", token)

    def _next(self, table: str, column: str = "num") -> int:
        return self.db.execute(f"SELECT COALESCE(MAX({column}), 0) + 1 FROM {table}").fetchone()[0]

    # -- people ----------------------------------------------------------------------------

    def person(self, person_id: str) -> dict:
        with self.lock:
            row = self.db.execute("SELECT * FROM people WHERE id = ?", (person_id,)).fetchone()
        if row is None:
            raise not_found("Person", person_id)
        return _person(row)

    def me(self) -> dict:
        return self.person(seed.EXEC_ID)

    def people_page(self, after: int, limit: int) -> tuple[list[dict], int | None]:
        with self.lock:
            rows = self.db.execute(
                "SELECT * FROM people WHERE num > ? ORDER BY num LIMIT ?", (after, limit + 1)
            ).fetchall()
        more = len(rows) > limit
        rows = rows[:limit]
        return [_person(r) for r in rows], (rows[-1]["num"] if more else None)

    def random_people(self, rng, count: int) -> list[dict]:
        with self.lock:
            rows = self.db.execute(
                "SELECT * FROM people WHERE id != ? ORDER BY num", (seed.EXEC_ID,)
            ).fetchall()
        return [_person(rng.choice(rows)) for _ in range(count)]

    # -- posts -----------------------------------------------------------------------------

    def _post(self, row: sqlite3.Row) -> dict:
        return {
            "id": row["id"],
            "title": row["title"],
            "body": row["body"],
            "format": row["format"],
            "url": f"{self.base_url}/p/{row['id']}",
            "created_at": row["created_at"],
            "updated_at": row["updated_at"],
            "deleted": bool(row["deleted"]),
        }

    def _post_row(self, post_id: str, include_deleted: bool = False) -> sqlite3.Row:
        row = self.db.execute("SELECT * FROM posts WHERE id = ?", (post_id,)).fetchone()
        if row is None or (row["deleted"] and not include_deleted):
            raise not_found("Post", post_id)
        return row

    def post(self, post_id: str) -> dict:
        with self.lock:
            return self._post(self._post_row(post_id))

    def posts_page(self, before: int | None, limit: int) -> tuple[list[dict], int | None]:
        """Live posts, newest first; ``before`` is the num the previous page ended at."""
        with self.lock:
            rows = self.db.execute(
                "SELECT * FROM posts WHERE deleted = 0 AND num < ? ORDER BY num DESC LIMIT ?",
                (before if before is not None else 2**62, limit + 1),
            ).fetchall()
        more = len(rows) > limit
        rows = rows[:limit]
        return [self._post(r) for r in rows], (rows[-1]["num"] if more else None)

    def create_post(self, title: str, body: str, text_format: str) -> dict:
        num, stamp = self._next("posts"), now_iso()
        self.db.execute(
            "INSERT INTO posts VALUES (?, ?, ?, ?, ?, ?, ?, 0)",
            (f"p{num}", num, title, body, text_format, stamp, stamp),
        )
        return self._post(self._post_row(f"p{num}"))

    def update_post(self, post_id: str, title: str | None, body: str, text_format: str) -> dict:
        row = self._post_row(post_id)
        self.db.execute(
            "UPDATE posts SET title = ?, body = ?, format = ?, updated_at = ? WHERE id = ?",
            (title if title is not None else row["title"], body, text_format, now_iso(), post_id),
        )
        return self._post(self._post_row(post_id))

    def delete_post(self, post_id: str) -> None:
        """Tombstone the post and every live comment on it; already deleted is fine."""
        row = self._post_row(post_id, include_deleted=True)
        if row["deleted"]:
            return
        self.db.execute(
            "UPDATE posts SET deleted = 1, updated_at = ? WHERE id = ?", (now_iso(), post_id)
        )
        ids = [
            r[0]
            for r in self.db.execute(
                "SELECT id FROM comments WHERE post_id = ? AND deleted = 0 ORDER BY num", (post_id,)
            )
        ]
        for comment_id in ids:
            self._tombstone(comment_id)

    def live_post_ids(self) -> list[str]:
        with self.lock:
            return [
                r[0] for r in self.db.execute("SELECT id FROM posts WHERE deleted = 0 ORDER BY num")
            ]

    def post_topic_index(self, post_id: str) -> int:
        with self.lock:
            return self._post_row(post_id)["num"] - 1

    # -- comments --------------------------------------------------------------------------

    def _comment_row(self, comment_id: str) -> sqlite3.Row | None:
        return self.db.execute(_COMMENT_SELECT + " WHERE c.id = ?", (comment_id,)).fetchone()

    def _written_comment(self, comment_id: str) -> dict:
        """A comment this state has just written (under its lock), so it is there."""
        row = self._comment_row(comment_id)
        assert row is not None, comment_id
        return _comment(row)

    def comment(self, comment_id: str, include_deleted: bool = False) -> dict:
        with self.lock:
            row = self._comment_row(comment_id)
        if row is None or (row["deleted"] and not include_deleted):
            raise not_found("Comment", comment_id)
        return _comment(row)

    def comments_since(self, after_seq: int, limit: int) -> tuple[list[dict], bool]:
        with self.lock:
            rows = self.db.execute(
                _COMMENT_SELECT + " WHERE c.seq > ? ORDER BY c.seq LIMIT ?", (after_seq, limit + 1)
            ).fetchall()
        return [_comment(r) for r in rows[:limit]], len(rows) > limit

    def post_comments(self, post_id: str, after: int, limit: int) -> tuple[list[dict], int | None]:
        with self.lock:
            self._post_row(post_id)
            rows = self.db.execute(
                _COMMENT_SELECT + " WHERE c.post_id = ? AND c.deleted = 0 AND c.num > ?"
                " ORDER BY c.num LIMIT ?",
                (post_id, after, limit + 1),
            ).fetchall()
        more = len(rows) > limit
        rows = rows[:limit]
        return [_comment(r) for r in rows], (rows[-1]["num"] if more else None)

    def replies(self, comment_id: str) -> list[dict]:
        with self.lock:
            self.comment(comment_id, include_deleted=True)
            rows = self.db.execute(
                _COMMENT_SELECT + " WHERE c.parent_id = ? AND c.deleted = 0 ORDER BY c.num",
                (comment_id,),
            ).fetchall()
        return [_comment(r) for r in rows]

    def create_comment(
        self,
        post_id: str,
        parent_id: str | None,
        author_id: str,
        body_html: str,
        cluster: str | None = None,
    ) -> dict:
        """Insert a comment (call inside ``transaction()``); replies inherit the thread root."""
        root_id = None
        if parent_id is not None:
            parent = self._comment_row(parent_id)
            if parent is None or parent["deleted"]:
                raise not_found("Comment", parent_id)
            post_id = parent["post_id"]
            root_id = parent["root_id"] or parent["id"]
        self._post_row(post_id)
        num, seq = self._next("comments"), self._next("comments", "seq")
        self.db.execute(
            "INSERT INTO comments VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, 1, 0, ?, ?)",
            (
                f"c{num}",
                num,
                post_id,
                parent_id,
                root_id,
                author_id,
                body_html,
                now_iso(),
                seq,
                cluster,
            ),
        )
        return self._written_comment(f"c{num}")

    def edit_comment(self, comment_id: str, body_html: str) -> dict:
        row = self._comment_row(comment_id)
        if row is None or row["deleted"]:
            raise not_found("Comment", comment_id)
        self.db.execute(
            "UPDATE comments SET body_html = ?, edited_at = ?, version = version + 1,"
            " seq = ? WHERE id = ?",
            (body_html, now_iso(), self._next("comments", "seq"), comment_id),
        )
        return self._written_comment(comment_id)

    def _tombstone(self, comment_id: str) -> None:
        self.db.execute(
            "UPDATE comments SET deleted = 1, body_html = '', seq = ? WHERE id = ?",
            (self._next("comments", "seq"), comment_id),
        )

    def delete_comment(self, comment_id: str) -> None:
        """Tombstone a comment (bumping its seq); deleting a tombstone again is a no-op."""
        row = self._comment_row(comment_id)
        if row is None:
            raise not_found("Comment", comment_id)
        if not row["deleted"]:
            self._tombstone(comment_id)

    def comment_author(self, comment_id: str) -> str:
        row = self._comment_row(comment_id)
        if row is None or row["deleted"]:
            raise not_found("Comment", comment_id)
        return row["author_id"]

    def live_comment_ids(self, post_id: str | None = None) -> list[str]:
        with self.lock:
            if post_id is None:
                rows = self.db.execute("SELECT id FROM comments WHERE deleted = 0 ORDER BY num")
            else:
                rows = self.db.execute(
                    "SELECT id FROM comments WHERE deleted = 0 AND post_id = ? ORDER BY num",
                    (post_id,),
                )
            return [r[0] for r in rows]

    # -- idempotency -----------------------------------------------------------------------

    def find_write(self, key: str) -> sqlite3.Row | None:
        row = self.db.execute("SELECT * FROM writes WHERE key = ?", (key,)).fetchone()
        if row is not None and row["created_at"] < time.time() - self.idempotency_ttl:
            self.db.execute("DELETE FROM writes WHERE key = ?", (key,))
            return None
        return row

    def record_write(
        self,
        key: str,
        *,
        method: str,
        path: str,
        status: int,
        response: dict | None,
        kind: str,
        action: str,
        object_id: str,
    ) -> None:
        self.db.execute(
            "INSERT INTO writes VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                key,
                method,
                path,
                status,
                None if response is None else json.dumps(response),
                kind,
                action,
                object_id,
                time.time(),
            ),
        )

    def write_record(self, key: str) -> dict:
        with self.lock:
            row = self.find_write(key)
        if row is None:
            raise ApiError(
                404,
                "not_found",
                f"No write with Idempotency-Key {key!r} was committed in the last 24 hours.",
            )
        return {
            "key": row["key"],
            "status": row["status"],
            "kind": row["kind"],
            "action": row["action"],
            "id": row["object_id"],
            "method": row["method"],
            "path": row["path"],
        }

    # -- introspection for tests and the control API ---------------------------------------

    def stats(self) -> dict[str, int]:
        with self.lock:
            one = self.db.execute
            return {
                "people": one("SELECT COUNT(*) FROM people").fetchone()[0],
                "posts": one("SELECT COUNT(*) FROM posts WHERE deleted = 0").fetchone()[0],
                "comments": one("SELECT COUNT(*) FROM comments").fetchone()[0],
                "live_comments": one("SELECT COUNT(*) FROM comments WHERE deleted = 0").fetchone()[
                    0
                ],
                "seq": one("SELECT COALESCE(MAX(seq), 0) FROM comments").fetchone()[0],
            }

    def clusters(self) -> dict[str, list[str]]:
        """Seeded question clusters: cluster id -> ids of comments asking that question."""
        with self.lock:
            rows = self.db.execute(
                "SELECT cluster, id FROM comments WHERE cluster IS NOT NULL ORDER BY num"
            ).fetchall()
        out: dict[str, list[str]] = {}
        for cluster, comment_id in rows:
            out.setdefault(cluster, []).append(comment_id)
        return out
