"""Forward-only schema migrations. Each entry upgrades from version N-1 to N; never edit one.

The schema version lives in ``PRAGMA user_version``. ``LATEST`` is what this build writes.
"""

from __future__ import annotations

from collections.abc import Callable

from app.store.sql import Database


def _v1_core(db: Database) -> None:
    """Accounts, people, posts, threaded comments with triage state, drafts, outbox, cursors."""
    db.table("accounts").create(
        {
            "id": str,
            "network": str,
            "name": str,
            "base_url": str,
            "username": str,
            "created_at": str,
            "last_sync_at": str,
            "last_sync_error": str,
        },
        pk="id",
        not_null={"network", "name"},
    )
    db.table("people").create(
        {
            "id": int,
            "account_id": str,
            "remote_id": str,
            "name": str,
            "title": str,
            "department": str,
            "level": str,
        },
        pk="id",
        foreign_keys=[("account_id", "accounts", "id")],
        not_null={"remote_id", "name"},
    )
    db.execute("CREATE UNIQUE INDEX ux_people_remote ON people(account_id, remote_id)")
    db.table("posts").create(
        {
            "id": int,
            "account_id": str,
            "remote_id": str,
            "title": str,
            "body": str,
            "url": str,
            "created_at": str,
            "updated_at": str,
            "deleted": int,
        },
        pk="id",
        foreign_keys=[("account_id", "accounts", "id")],
        defaults={"deleted": 0},
    )
    db.execute("CREATE UNIQUE INDEX ux_posts_remote ON posts(account_id, remote_id)")
    db.table("comments").create(
        {
            "id": int,
            "account_id": str,
            "remote_id": str,
            "post_id": int,
            "parent_remote_id": str,
            "root_remote_id": str,
            "author_id": int,
            "body_html": str,
            "body_text": str,
            "created_at": str,
            "edited_at": str,
            "version": int,
            "deleted": int,
            "is_mine": int,
            "is_question": int,
            "mentions_me": int,
            "answered": int,
            "triage_state": str,
            "snoozed_until": str,
            "triaged_at": str,
        },
        pk="id",
        foreign_keys=[
            ("account_id", "accounts", "id"),
            ("post_id", "posts", "id"),
            ("author_id", "people", "id"),
        ],
        defaults={
            "deleted": 0,
            "is_mine": 0,
            "is_question": 0,
            "mentions_me": 0,
            "answered": 0,
            "triage_state": "open",
            "version": 1,
        },
    )
    db.executescript("""
        CREATE UNIQUE INDEX ux_comments_remote ON comments(account_id, remote_id);
        CREATE INDEX ix_comments_post ON comments(post_id, created_at);
        CREATE INDEX ix_comments_parent ON comments(account_id, parent_remote_id);
        CREATE INDEX ix_comments_triage ON comments(triage_state, created_at);
        CREATE INDEX ix_comments_created ON comments(created_at);
        CREATE INDEX ix_comments_snoozed ON comments(snoozed_until) WHERE triage_state = 'snoozed';
        CREATE INDEX ix_comments_author ON comments(author_id);
        CREATE INDEX ix_comments_inbox ON comments(
            triage_state, answered, is_question, mentions_me, created_at, post_id, is_mine,
            deleted) WHERE is_mine = 0 AND deleted = 0;
    """)
    db.table("drafts").create(
        {
            "id": int,
            "title": str,
            "body": str,
            "state": str,
            "targets": str,
            "scheduled_at": str,
            "created_at": str,
            "updated_at": str,
            "published_at": str,
        },
        pk="id",
        defaults={"state": "draft", "targets": "[]", "title": "", "body": ""},
    )
    db.table("draft_versions").create(
        {
            "id": int,
            "draft_id": int,
            "title": str,
            "body": str,
            "created_at": str,
            "reason": str,
        },
        pk="id",
        foreign_keys=[("draft_id", "drafts", "id")],
    )
    db.execute("CREATE INDEX ix_draft_versions ON draft_versions(draft_id, id)")
    db.table("outbox").create(
        {
            "id": int,
            "kind": str,
            "account_id": str,
            "idempotency_key": str,
            "post_remote_id": str,
            "target_remote_id": str,
            "comment_id": int,
            "draft_id": int,
            "title": str,
            "body": str,
            "text_format": str,
            "state": str,
            "attempts": int,
            "next_attempt_at": str,
            "last_error": str,
            "error_kind": str,
            "remote_id": str,
            "expected_version": int,
            "first_sent_at": str,
            "confirmed": int,
            "batch_id": str,
            "created_at": str,
            "updated_at": str,
            "sent_at": str,
        },
        pk="id",
        foreign_keys=[
            ("account_id", "accounts", "id"),
            ("comment_id", "comments", "id"),
            ("draft_id", "drafts", "id"),
        ],
        not_null={"kind", "account_id", "idempotency_key", "state"},
        defaults={"attempts": 0, "state": "queued", "text_format": "markdown", "confirmed": 0},
    )
    db.executescript("""
        CREATE UNIQUE INDEX ux_outbox_key ON outbox(idempotency_key);
        CREATE INDEX ix_outbox_state ON outbox(state, next_attempt_at);
    """)
    db.table("sync_state").create(
        {"account_id": str, "key": str, "value": str},
        pk=("account_id", "key"),
        foreign_keys=[("account_id", "accounts", "id")],
    )


def _v2_search_and_undo(db: Database) -> None:
    """FTS5 over comments, posts and drafts; a triage log so the last action can be undone."""
    db.executescript("""
        CREATE VIRTUAL TABLE comments_fts USING fts5(
            body_text, content='comments', content_rowid='id', tokenize='unicode61',
            prefix='2 3');
        CREATE TRIGGER comments_fts_ai AFTER INSERT ON comments BEGIN
            INSERT INTO comments_fts(rowid, body_text) VALUES (new.id, new.body_text);
        END;
        CREATE TRIGGER comments_fts_ad AFTER DELETE ON comments BEGIN
            INSERT INTO comments_fts(comments_fts, rowid, body_text)
                VALUES ('delete', old.id, old.body_text);
        END;
        CREATE TRIGGER comments_fts_au AFTER UPDATE OF body_text ON comments BEGIN
            INSERT INTO comments_fts(comments_fts, rowid, body_text)
                VALUES ('delete', old.id, old.body_text);
            INSERT INTO comments_fts(rowid, body_text) VALUES (new.id, new.body_text);
        END;
        INSERT INTO comments_fts(comments_fts) VALUES ('rebuild');
    """)
    db.table("posts").enable_fts(["title", "body"], create_triggers=True, tokenize="unicode61")
    db.table("drafts").enable_fts(["title", "body"], create_triggers=True, tokenize="unicode61")
    db.table("triage_log").create(
        {
            "id": int,
            "action": str,
            "before": str,
            "created_at": str,
        },
        pk="id",
    )


def _v3_account_settings(db: Database) -> None:
    """Real networks: per-account settings (JSON, never a secret) and publish options
    (remote status and date) on outbox items."""
    db.executescript("""
        ALTER TABLE accounts ADD COLUMN settings TEXT NOT NULL DEFAULT '{}';
        ALTER TABLE outbox ADD COLUMN options TEXT NOT NULL DEFAULT '{}';
    """)


MIGRATIONS: list[Callable[[Database], None]] = [
    _v1_core,
    _v2_search_and_undo,
    _v3_account_settings,
]
LATEST = len(MIGRATIONS)
