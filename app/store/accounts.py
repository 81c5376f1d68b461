"""Accounts, people (with the VIP tier their directory entry gives: ``org_charts``), posts
and per-account sync cursors."""

from __future__ import annotations

import json
from collections.abc import Iterable

from app.domain import Account, Person, Post, RemotePost
from app.store import org_charts
from app.store.sql import Database, insert
from app.text.remote_text import storable_text
from app.timeutil import now_iso


def add_account(db: Database, account: Account) -> None:
    insert(
        db,
        "accounts",
        {
            "id": account.id,
            "network": account.network,
            "name": account.name,
            "base_url": account.base_url,
            "username": account.username,
            "settings": json.dumps(account.settings, sort_keys=True),
            "created_at": now_iso(),
        },
        or_ignore=True,
    )


def add_or_move_account(db: Database, account: Account) -> None:
    """Add the account; when it is stored already, only its address changes (the built-in
    sandbox listens on a new port each start)."""
    add_account(db, account)
    db.execute("UPDATE accounts SET base_url = ? WHERE id = ?", [account.base_url, account.id])


def list_accounts(db: Database) -> list[Account]:
    return [
        Account(
            id=r["id"],
            network=r["network"],
            name=r["name"],
            base_url=r["base_url"],
            username=r["username"] or "",
            last_sync_at=r["last_sync_at"],
            last_sync_error=r["last_sync_error"],
            settings=json.loads(r["settings"] or "{}"),
            language=r["language"],
        )
        for r in db.query("SELECT * FROM accounts ORDER BY created_at, id")
    ]


def set_language(db: Database, account_id: str, language: str | None) -> None:
    """The language replies from the account are spell checked in (None: the system's)."""
    db.execute("UPDATE accounts SET language = ? WHERE id = ?", [language, account_id])


def reply_language(db: Database, comment_ids: list[int]) -> str | None:
    """The language to check replies to these comments in: their accounts' one, when
    they agree on one; else None (the system's)."""
    rows = db.execute(
        "SELECT DISTINCT a.language FROM comments c JOIN accounts a ON a.id = c.account_id "
        f"WHERE c.id IN ({', '.join('?' * len(comment_ids))})",
        comment_ids,
    ).fetchall()
    return rows[0][0] if len(rows) == 1 else None


def update_account(db: Database, account: Account) -> None:
    """Store an account's new name, address, user name and settings (after re-auth)."""
    db.execute(
        "UPDATE accounts SET name = ?, base_url = ?, username = ?, settings = ? WHERE id = ?",
        [
            account.name,
            account.base_url,
            account.username,
            json.dumps(account.settings, sort_keys=True),
            account.id,
        ],
    )


def record_sync(db: Database, account_id: str, error: str | None) -> None:
    """Remember the outcome of a sync; the time only moves on success."""
    if error is None:
        db.execute(
            "UPDATE accounts SET last_sync_at = ?, last_sync_error = NULL WHERE id = ?",
            [now_iso(), account_id],
        )
    else:
        db.execute("UPDATE accounts SET last_sync_error = ? WHERE id = ?", [error, account_id])


def get_cursor(db: Database, account_id: str, key: str) -> str | None:
    row = db.execute(
        "SELECT value FROM sync_state WHERE account_id = ? AND key = ?", [account_id, key]
    ).fetchone()
    return row[0] if row else None


def set_cursor(db: Database, account_id: str, key: str, value: str | None) -> None:
    db.execute(
        "INSERT INTO sync_state(account_id, key, value) VALUES (?, ?, ?) "
        "ON CONFLICT(account_id, key) DO UPDATE SET value = excluded.value",
        [account_id, key, value],
    )


def upsert_people(db: Database, account_id: str, people: list[Person]) -> None:
    db.conn.executemany(
        "INSERT INTO people(account_id, remote_id, name, title, department, level) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(account_id, remote_id) DO UPDATE SET "
        "name = excluded.name, title = excluded.title, department = excluded.department, "
        "level = excluded.level",
        [(account_id, p.remote_id, p.name, p.title, p.department, p.level) for p in people],
    )
    org_charts.apply_tiers(db, account_id, [p.remote_id for p in people])


def upsert_posts(db: Database, account_id: str, posts: list[RemotePost]) -> None:
    db.conn.executemany(
        "INSERT INTO posts(account_id, remote_id, title, body, url, created_at, updated_at, "
        "deleted) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(account_id, remote_id) DO UPDATE "
        "SET title = excluded.title, body = excluded.body, url = excluded.url, "
        "updated_at = excluded.updated_at, deleted = excluded.deleted",
        [
            (
                account_id,
                p.remote_id,
                storable_text(p.title),
                storable_text(p.body),
                storable_text(p.url),
                p.created_at,
                p.updated_at,
                int(p.deleted),
            )
            for p in posts
        ],
    )


def open_counts(db: Database, post_ids: Iterable[int]) -> dict[int, int]:
    """How many comments are open on each of these posts (``post_counts``, kept by
    triggers); a deleted or unknown post is left out. One indexed look-up per post."""
    wanted = sorted(post_ids)
    marks = ",".join("?" * len(wanted))
    return {
        row[0]: row[1]
        for row in db.execute(
            f"""SELECT p.id, COALESCE(n.open, 0) FROM posts p
            LEFT JOIN post_counts n ON n.post_id = p.id
            WHERE p.id IN ({marks}) AND p.deleted = 0""",
            wanted,
        )
    }


def list_posts(db: Database) -> list[Post]:
    """Posts with their open-comment counts, newest first, for the sidebar. The counts are
    ``post_counts``, kept by triggers (schema v6), not counted here."""
    return [
        Post.from_row(r)
        for r in db.execute("""
        SELECT p.id, p.title, p.account_id, a.network, p.created_at,
               COALESCE(n.open, 0) AS open
        FROM posts p JOIN accounts a ON a.id = p.account_id
        LEFT JOIN post_counts n ON n.post_id = p.id
        WHERE p.deleted = 0 ORDER BY p.created_at DESC""")
    ]
