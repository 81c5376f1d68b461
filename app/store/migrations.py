"""Forward-only schema migrations. Each entry upgrades from version N-1 to N; never edit one.

The schema version lives in ``PRAGMA user_version``. ``LATEST`` is what this build writes.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from collections.abc import Callable

from app.store.sql import Database
from app.text.question_marks import QUESTION_MARKS
from app.vip.tiers import tier_from_directory


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


def _v4_undo_send_and_reply_drafts(db: Database) -> None:
    """Undo send: an outbox item may be held until its grace period ends (``hold_until``),
    and a batch keeps the words it was written with so it can go back to the composer.
    Replies being written are kept per comment (``reply_drafts``)."""
    db.executescript("""
        ALTER TABLE outbox ADD COLUMN hold_until TEXT;
        CREATE TABLE reply_batches (
            batch_id TEXT PRIMARY KEY,
            template TEXT NOT NULL,
            copies TEXT NOT NULL DEFAULT '{}',
            created_at TEXT NOT NULL
        );
        CREATE TABLE reply_drafts (
            comment_id INTEGER PRIMARY KEY REFERENCES comments(id),
            template TEXT NOT NULL,
            copy TEXT,
            updated_at TEXT NOT NULL
        );
    """)


def _v5_starred_people(db: Database) -> None:
    """A star on a person (their new comments are announced, until VIPs come), and the
    language a draft is spell checked in (NULL: the system's)."""
    db.execute("ALTER TABLE people ADD COLUMN starred INTEGER NOT NULL DEFAULT 0")
    db.execute("ALTER TABLE drafts ADD COLUMN language TEXT")


#: Counted in every view: other people's comments that still exist (``_BASE_WHERE`` of
#: ``app.store.comments``); the key of ``comment_counts`` is what the views filter on.
_COUNTED = "{r}.is_mine = 0 AND {r}.deleted = 0"
_COUNT_KEY = (
    "ifnull({r}.triage_state, ''), ifnull({r}.answered, -1), ifnull({r}.is_question, -1), "
    "ifnull({r}.mentions_me, -1)"
)
_COUNT_MATCH = (
    "triage_state = ifnull({r}.triage_state, '') AND answered = ifnull({r}.answered, -1) "
    "AND is_question = ifnull({r}.is_question, -1) AND mentions_me = ifnull({r}.mentions_me, -1)"
)
#: A comment in a post's open count: the Needs reply view's condition.
_OPEN = (
    "ifnull({r}.is_mine = 0 AND {r}.deleted = 0 AND {r}.answered = 0 "
    "AND {r}.triage_state = 'open', 0)"
)


def _v6_counts_and_view_indexes(db: Database) -> None:
    """A million comments: each view's count and each post's open count are kept by
    triggers (``comment_counts``, ``post_counts``) instead of counted on every read;
    partial indexes give the sparse views (needs reply, questions, mentions) their first
    page as a short index range whatever the mix; a search drops deleted comments through
    a small partial index instead of reading each match's row; an unchanged text is not
    re-indexed when a sync writes its comment again."""
    old, new = "old", "new"
    statements = [
        """CREATE TABLE comment_counts(
            triage_state TEXT NOT NULL, answered INTEGER NOT NULL,
            is_question INTEGER NOT NULL, mentions_me INTEGER NOT NULL, n INTEGER NOT NULL,
            PRIMARY KEY (triage_state, answered, is_question, mentions_me)) WITHOUT ROWID""",
        f"""INSERT INTO comment_counts SELECT {_COUNT_KEY.format(r="c")}, COUNT(*)
            FROM comments c WHERE {_COUNTED.format(r="c")} GROUP BY 1, 2, 3, 4""",
        f"""CREATE TRIGGER comment_counts_ai AFTER INSERT ON comments
            WHEN {_COUNTED.format(r=new)} BEGIN
            INSERT INTO comment_counts VALUES ({_COUNT_KEY.format(r=new)}, 1)
                ON CONFLICT DO UPDATE SET n = n + 1;
        END""",
        f"""CREATE TRIGGER comment_counts_ad AFTER DELETE ON comments
            WHEN {_COUNTED.format(r=old)} BEGIN
            UPDATE comment_counts SET n = n - 1 WHERE {_COUNT_MATCH.format(r=old)};
        END""",
        f"""CREATE TRIGGER comment_counts_au
            AFTER UPDATE OF triage_state, answered, is_question, mentions_me, is_mine, deleted
            ON comments
            WHEN old.triage_state IS NOT new.triage_state OR old.answered IS NOT new.answered
              OR old.is_question IS NOT new.is_question OR old.mentions_me IS NOT new.mentions_me
              OR old.is_mine IS NOT new.is_mine OR old.deleted IS NOT new.deleted BEGIN
            UPDATE comment_counts SET n = n - 1
                WHERE {_COUNTED.format(r=old)} AND {_COUNT_MATCH.format(r=old)};
            INSERT INTO comment_counts SELECT {_COUNT_KEY.format(r=new)}, 1
                WHERE {_COUNTED.format(r=new)} ON CONFLICT DO UPDATE SET n = n + 1;
        END""",
        "CREATE TABLE post_counts(post_id INTEGER PRIMARY KEY, open INTEGER NOT NULL)",
        f"""INSERT INTO post_counts SELECT c.post_id, COUNT(*) FROM comments c
            WHERE {_OPEN.format(r="c")} GROUP BY c.post_id""",
        f"""CREATE TRIGGER post_counts_ai AFTER INSERT ON comments WHEN {_OPEN.format(r=new)}
            BEGIN
            INSERT INTO post_counts VALUES (new.post_id, 1)
                ON CONFLICT DO UPDATE SET open = open + 1;
        END""",
        f"""CREATE TRIGGER post_counts_ad AFTER DELETE ON comments WHEN {_OPEN.format(r=old)}
            BEGIN
            UPDATE post_counts SET open = open - 1 WHERE post_id = old.post_id;
        END""",
        f"""CREATE TRIGGER post_counts_au
            AFTER UPDATE OF triage_state, answered, is_mine, deleted, post_id ON comments
            WHEN {_OPEN.format(r=old)} IS NOT {_OPEN.format(r=new)}
              OR old.post_id IS NOT new.post_id BEGIN
            UPDATE post_counts SET open = open - 1
                WHERE post_id = old.post_id AND {_OPEN.format(r=old)};
            INSERT INTO post_counts SELECT new.post_id, 1 WHERE {_OPEN.format(r=new)}
                ON CONFLICT DO UPDATE SET open = open + 1;
        END""",
        """CREATE TRIGGER post_counts_post_ad AFTER DELETE ON posts BEGIN
            DELETE FROM post_counts WHERE post_id = old.id;
        END""",
        """CREATE INDEX ix_view_needs_reply ON comments(created_at)
            WHERE is_mine = 0 AND deleted = 0 AND answered = 0 AND triage_state = 'open'""",
        """CREATE INDEX ix_view_questions ON comments(created_at)
            WHERE is_mine = 0 AND deleted = 0 AND is_question = 1 AND answered = 0
              AND triage_state = 'open'""",
        """CREATE INDEX ix_view_mentions ON comments(created_at)
            WHERE is_mine = 0 AND deleted = 0 AND mentions_me = 1 AND triage_state = 'open'""",
        # Deleted comments, in a search: one probe of this small index per match.
        "CREATE INDEX ix_comments_deleted ON comments(id) WHERE deleted IS NOT 0",
        # A re-scan upserts every comment of a post; only a changed text is re-indexed.
        "DROP TRIGGER comments_fts_au",
        """CREATE TRIGGER comments_fts_au AFTER UPDATE OF body_text ON comments
            WHEN old.body_text IS NOT new.body_text BEGIN
            INSERT INTO comments_fts(comments_fts, rowid, body_text)
                VALUES ('delete', old.id, old.body_text);
            INSERT INTO comments_fts(rowid, body_text) VALUES (new.id, new.body_text);
        END""",
    ]
    for statement in statements:  # one by one: executescript would commit the migration
        db.execute(statement)


def _v7_vip_tiers(db: Database) -> None:
    """VIP tiers (``app.domain.states.VipTier``) and where each came from; a starred
    person (v5) is a key person set by hand."""
    db.execute("ALTER TABLE people ADD COLUMN vip_tier INTEGER NOT NULL DEFAULT 0")
    db.execute("ALTER TABLE people ADD COLUMN vip_source TEXT")
    db.execute("UPDATE people SET vip_tier = 1, vip_source = 'hand' WHERE starred = 1")


#: When the comment's first answer was written: the earliest of my replies under it and
#: the outbox's sends to it (the time a reply sent by Fireside left).
_FIRST_ANSWER = "(answered_at IS NULL OR answered_at > {t})"


def _ledger_notes_and_answer_times(db: Database) -> None:
    """The relationship ledger and the coverage scorecard: when each comment was first
    answered (``comments.answered_at``, kept by triggers from my replies as they are
    pulled and from the outbox as its replies are sent, and filled in here from both),
    the notes kept per person (``person_notes``: they go with the person's row when its
    account is removed, as everything else stored for it does), and indexes for a person's comments
    by time and for the questions the scorecard counts."""
    mine_under = """SELECT MIN(r.created_at) FROM comments r
        WHERE r.account_id = comments.account_id AND r.parent_remote_id = comments.remote_id
          AND r.is_mine = 1 AND r.deleted = 0"""
    sent_to = (
        "SELECT MIN(o.sent_at) FROM outbox o WHERE o.comment_id = comments.id AND o.state = 'sent'"
    )
    statements = [
        "ALTER TABLE comments ADD COLUMN answered_at TEXT",
        f"UPDATE comments SET answered_at = ({mine_under}) WHERE answered = 1",
        f"""UPDATE comments SET answered_at = ({sent_to})
            WHERE id IN (SELECT comment_id FROM outbox WHERE state = 'sent')
              AND {_FIRST_ANSWER.format(t=f"({sent_to})")}""",
        f"""CREATE TRIGGER answered_at_mine_ai AFTER INSERT ON comments
            WHEN new.is_mine = 1 AND new.deleted = 0 AND new.parent_remote_id IS NOT NULL BEGIN
            UPDATE comments SET answered_at = new.created_at
                WHERE account_id = new.account_id AND remote_id = new.parent_remote_id
                  AND {_FIRST_ANSWER.format(t="new.created_at")};
        END""",
        f"""CREATE TRIGGER answered_at_sent_au AFTER UPDATE OF state ON outbox
            WHEN new.state = 'sent' AND old.state IS NOT 'sent' AND new.comment_id IS NOT NULL
            BEGIN
            UPDATE comments SET answered_at = ifnull(new.sent_at, {_NOW_ISO})
                WHERE id = new.comment_id
                  AND {_FIRST_ANSWER.format(t=f"ifnull(new.sent_at, {_NOW_ISO})")};
        END""",
        """CREATE TABLE person_notes(
            person_id INTEGER PRIMARY KEY REFERENCES people(id) ON DELETE CASCADE,
            text TEXT NOT NULL,
            updated_at TEXT NOT NULL)""",
        "CREATE INDEX ix_comments_author_time ON comments(author_id, created_at)",
        # A person's other accounts: the same id, or the same name (spaces and case aside).
        "CREATE INDEX ix_people_remote_nocase ON people(remote_id COLLATE NOCASE)",
        "CREATE INDEX ix_people_name_key ON people(replace(name, ' ', '') COLLATE NOCASE)",
        """CREATE INDEX ix_coverage_questions
            ON comments(created_at, answered, answered_at, account_id, post_id, author_id)
            WHERE is_mine = 0 AND deleted = 0 AND is_question = 1""",
    ]
    for statement in statements:  # one by one: executescript would commit the migration
        db.execute(statement)


#: Now, in UTC, as the store writes times.
_NOW_ISO = "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"


def _draft_images_and_reply_language(db: Database) -> None:
    """Pictures kept with a draft (the bytes, their type, name and size in pixels), each
    upload of one for an outbox item (what the network called it, so a retry after a crash
    reuses it instead of uploading it again), and the language replies from an account
    are spell checked in (NULL: the system's)."""
    db.executescript("""
        CREATE TABLE draft_images (
            id INTEGER PRIMARY KEY,
            draft_id INTEGER NOT NULL REFERENCES drafts(id),
            name TEXT NOT NULL,
            mime_type TEXT NOT NULL,
            width INTEGER NOT NULL,
            height INTEGER NOT NULL,
            data BLOB NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE INDEX ix_draft_images_draft ON draft_images(draft_id);
        CREATE TABLE outbox_uploads (
            outbox_id INTEGER NOT NULL REFERENCES outbox(id),
            image_id INTEGER NOT NULL REFERENCES draft_images(id),
            remote_id TEXT NOT NULL,
            url TEXT NOT NULL,
            uploaded_at TEXT NOT NULL,
            PRIMARY KEY (outbox_id, image_id)
        ) WITHOUT ROWID;
        ALTER TABLE accounts ADD COLUMN language TEXT;
    """)


def _question_vectors(db: Database) -> None:
    """Sentence vectors of questions and the themes they fall into (issue 14's grouping).

    A vector is 512 signed bytes, numbered in the order it was made (``seq``). A theme is
    the question that started it (its vector and label); each vectored question names its
    theme. A changed comment loses its vector (made again from the new text); a removed
    one loses it too.
    """
    for statement in (
        """CREATE TABLE question_themes(
            id INTEGER PRIMARY KEY, label TEXT NOT NULL, vector BLOB NOT NULL)""",
        """CREATE TABLE comment_vectors(
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            comment_id INTEGER NOT NULL UNIQUE REFERENCES comments(id) ON DELETE CASCADE,
            vector BLOB NOT NULL,
            theme_id INTEGER NOT NULL REFERENCES question_themes(id))""",
        "CREATE INDEX ix_comment_vectors_theme ON comment_vectors(theme_id)",
        """CREATE TRIGGER comment_vectors_au AFTER UPDATE OF body_text ON comments
            WHEN old.body_text IS NOT new.body_text BEGIN
            DELETE FROM comment_vectors WHERE comment_id = old.id;
        END""",
        """CREATE INDEX ix_questions_to_vector ON comments(id)
            WHERE is_question = 1 AND is_mine = 0 AND deleted = 0""",
    ):
        db.execute(statement)


def _triage_at_volume(db: Database) -> None:
    """Issue 14's triage: each comment carries its author's VIP tier (kept by triggers) so
    "VIPs first" is one index, not a sort of the view; undo for imported VIP lists; saved
    replies (snippets); and the answer library (questions answered, with the answer).
    People already stored get the tier their directory title gives (``app.vip.tiers``)."""
    db.execute("ALTER TABLE comments ADD COLUMN author_tier INTEGER NOT NULL DEFAULT 0")
    people = db.execute("SELECT id, title, level FROM people WHERE vip_source IS NULL").fetchall()
    db.conn.executemany(
        "UPDATE people SET vip_tier = ?, vip_source = 'directory' WHERE id = ?",
        [
            (int(tier), pid)
            for pid, title, level in people
            if (tier := tier_from_directory(title or "", level or ""))
        ],
    )
    statements = [
        """UPDATE comments SET author_tier = (SELECT p.vip_tier FROM people p
            WHERE p.id = comments.author_id)
            WHERE author_id IN (SELECT id FROM people WHERE vip_tier > 0)""",
        """CREATE TRIGGER comments_author_tier_ai AFTER INSERT ON comments
            WHEN (SELECT vip_tier FROM people WHERE id = new.author_id) > 0 BEGIN
            UPDATE comments SET author_tier = (SELECT vip_tier FROM people
                WHERE id = new.author_id) WHERE id = new.id;
        END""",
        """CREATE TRIGGER people_vip_tier_au AFTER UPDATE OF vip_tier ON people
            WHEN old.vip_tier IS NOT new.vip_tier BEGIN
            UPDATE comments SET author_tier = new.vip_tier WHERE author_id = new.id;
        END""",
        """CREATE INDEX ix_view_needs_reply_tier ON comments(author_tier, created_at)
            WHERE is_mine = 0 AND deleted = 0 AND answered = 0 AND triage_state = 'open'""",
        # Other people's comments by VIPs, with what the views and filters test: a tier
        # filter on any view reads only this (a few thousand rows), then the page's rows.
        """CREATE INDEX ix_comments_vip ON comments(author_tier, created_at, triage_state,
            answered, is_question, mentions_me, deleted, post_id)
            WHERE author_tier > 0 AND is_mine = 0""",
        """CREATE TABLE vip_imports(id INTEGER PRIMARY KEY, file_name TEXT NOT NULL,
            applied_at TEXT NOT NULL, undone_at TEXT)""",
        """CREATE TABLE vip_import_before(
            import_id INTEGER NOT NULL REFERENCES vip_imports(id) ON DELETE CASCADE,
            person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
            vip_tier INTEGER NOT NULL, vip_source TEXT,
            PRIMARY KEY (import_id, person_id))""",
        """CREATE TABLE snippets(id INTEGER PRIMARY KEY, name TEXT NOT NULL,
            body TEXT NOT NULL, updated_at TEXT NOT NULL)""",
        """CREATE TABLE answers(id INTEGER PRIMARY KEY,
            comment_id INTEGER NOT NULL REFERENCES comments(id) ON DELETE CASCADE,
            batch_id TEXT NOT NULL, answer TEXT NOT NULL, given_at TEXT NOT NULL)""",
        "CREATE INDEX ix_answers_comment ON answers(comment_id)",
        "CREATE INDEX ix_outbox_batch ON outbox(batch_id) WHERE batch_id IS NOT NULL",
    ]
    for statement in statements:  # one by one: executescript would commit the migration
        db.execute(statement)


def _reply_name_fallback(db: Database) -> None:
    """The word typed in the composer's "No name?" ("there": what {first_name} reads for
    people their network does not name) is part of the reply being written: kept with its
    reply drafts and with a queued batch's words, so neither a restart nor undo send loses it."""
    for table in ("reply_drafts", "reply_batches"):
        db.execute(f"ALTER TABLE {table} ADD COLUMN name_fallback TEXT NOT NULL DEFAULT ''")


def _org_charts(db: Database) -> None:
    """Issue 14's directory tiers from Microsoft Graph: each author's job title and
    manager chain (``app.store.org_charts``), kept between the rare reads that refresh it,
    and per account the executive's own id there and the last refusal (a missing permission)."""
    db.execute(
        """CREATE TABLE org_charts(
            account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
            remote_id TEXT NOT NULL, title TEXT NOT NULL, managers TEXT NOT NULL,
            read_at TEXT NOT NULL, PRIMARY KEY (account_id, remote_id))"""
    )
    db.execute(
        """CREATE TABLE directory_reads(
            account_id TEXT PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
            executive_id TEXT NOT NULL DEFAULT '', refused_at TEXT, refusal TEXT)"""
    )


def _terse_questions_vectored_whole(db: Database) -> None:
    """Questions asked in three words or fewer ("Rumour says our Yorkshire location is
    going. True?") are now encoded with the sentences around them
    (``app.text.encoder.asked_text``): their stored vectors, made from the question
    alone, are dropped, and the encoder's backfill makes them again."""
    from app.text import asking, similarity  # the lexicon, only when migrating

    def encoded_otherwise(text: str) -> bool:
        return similarity.asks_tersely(text) and len(asking.sentences(text)) > len(
            similarity.asked_sentences(text)
        )

    _drop_vectors_of(db, encoded_otherwise)


def _acronyms_spelled_out(db: Database) -> None:
    """Workplace acronyms are now encoded with what they stand for
    (``app.text.acronyms``): the vectors of comments that use one are dropped, and the
    encoder's backfill makes them again."""
    from app.text import acronyms  # the list, only when migrating

    _drop_vectors_of(db, lambda text: acronyms.spelled_out(text) != text)


def _english_vectors(db: Database) -> None:
    """A question's stored vector now holds an English one beside the multilingual one
    (``app.text.encoder``; zeros for a comment in another language), so every stored
    vector is dropped and the encoder's backfill makes them again. The themes' starting
    vectors stay: themes are still made by the multilingual vectors alone."""
    _drop_vectors_of(db, lambda _text: True)


def _questions_with_the_sentence_before(db: Database) -> None:
    """A question is now encoded with the sentence before it (``app.text.encoder``): the
    vectors of comments in which a question follows a sentence that asks nothing are
    dropped, and the encoder's backfill makes them again (a terse one, encoded whole
    anyway, is made again the same)."""
    from app.text.asking import asks, sentences

    def encoded_otherwise(text: str) -> bool:
        asking = [asks(sentence) for sentence in sentences(text)]
        return any(now and not before for before, now in itertools.pairwise(asking))

    _drop_vectors_of(db, encoded_otherwise)


def _questions_in_every_script(db: Database) -> None:
    """A comment now asks when it has a Chinese, Japanese or Arabic question mark, ends as a
    question does without one (か, 吗, 까), or asks in so many words ("I'd love to know
    whether..."), and no longer when it only exclaims ("What a year!"): the rule of
    :func:`_asked_before_v24` (the classifier of the day; v24 reads comments by today's).
    Stored comments the two rules read differently are updated (the views' counts follow
    by their triggers; the encoder's backfill gives new questions vectors); a few seconds
    at a million comments. Sentences now end at 。, at the fullwidth question and
    exclamation marks and at ؟ too (``app.text.asking.sentences``): the vectors of comments
    using them, or with a sentence read otherwise than before, are made again."""
    from app.text.asking import sentences

    db.conn.create_function(
        "asks", 1, lambda text: _asked_before_v24(text or ""), deterministic=True
    )
    db.conn.create_function(
        "asked_before", 1, lambda text: _asked_before_v23(text or ""), deterministic=True
    )
    db.execute(
        "UPDATE comments SET is_question = asks(body_text) "
        "WHERE asks(body_text) IS NOT asked_before(body_text)"
    )

    def encoded_otherwise(text: str) -> bool:
        return any(end in text for end in "。\uff1f\uff01؟") or any(
            _asked_before_v24(sentence) != _asked_before_v23(sentence)
            for sentence in sentences(text)
        )

    _drop_vectors_of(db, encoded_otherwise)


#: How ``app.text.classify`` told a question before v23: a question mark, or a sentence
#: opening like an English question.
_OPENED_BEFORE_V23 = re.compile(
    r"^(who|what|when|where|why|how|will|would|can|could|should|is|are|do|does|did|any)\b",
    re.IGNORECASE,
)


def _asked_before_v23(text: str) -> bool:
    return "?" in text or any(
        _OPENED_BEFORE_V23.match(part.strip()) for part in re.split(r"[.!\n]", text)
    )


def _questions_by_what_they_ask(db: Database) -> None:
    """A comment now asks by what its sentences mean rather than by their marks alone
    (``app.text.asking``): rhetorical questions ("Who else loved the offsite?") and
    statements with their subject left out ("Can't wait") no longer ask; questions after a
    lead-in ("honest q - can you..."), ending "or not", asking for something ("list pls"),
    or without a mark in Thai, Turkish, Polish, Russian and other languages now do. Stored
    flags the rule before gave (:func:`_asked_before_v24`) are updated where the new one
    reads the comment otherwise (the views' counts follow by their triggers), and the
    vectors of comments with a sentence the two rules read otherwise, or a question mark
    inside a link (where a sentence no longer ends), are made again."""
    from app.text.asking import asks, is_question, sentences

    db.conn.create_function("asks", 1, lambda text: is_question(text or ""), deterministic=True)
    db.conn.create_function(
        "asked_before", 1, lambda text: _asked_before_v24(text or ""), deterministic=True
    )
    db.execute(
        "UPDATE comments SET is_question = asks(body_text) "
        "WHERE is_question = asked_before(body_text) AND is_question IS NOT asks(body_text)"
    )
    _drop_vectors_of(
        db,
        lambda text: (
            _IN_A_LINK.search(text) is not None
            or any(asks(s) != _asked_before_v24(s) for s in sentences(text))
        ),
    )


#: A question mark inside a link ("policy?id=42"): sentences no longer end there (v24).
_IN_A_LINK = re.compile(r"\?[?!？！؟]*[A-Za-z0-9_/=&%]")


def _vectors_say_whether_their_language_is_read(db: Database) -> None:
    """A stored vector now says whether the multilingual encoder was trained on its
    comment's language (``app.text.encoder.READ``; rows stored before read back as if it
    was): the vectors of unanswered questions in other languages (``app.text.language``)
    are dropped, and the encoder's backfill makes them again with the language read. Only
    an open question can start ticked in a group, and one snoozed or done can open again;
    an answered one cannot. About a second on the 200k benchmark store, and the language
    model's 120 MB let go after."""
    from app.text import language

    asked = db.execute(
        "SELECT c.id, c.body_text FROM comments c JOIN comment_vectors v ON v.comment_id = c.id "
        "WHERE c.is_mine = 0 AND c.deleted = 0 AND c.is_question = 1 AND c.answered = 0"
    ).fetchall()
    try:
        unread = [(i,) for i, text in asked if not language.reading(text or "").known]
    finally:
        language.unload()
    db.conn.executemany("DELETE FROM comment_vectors WHERE comment_id = ?", unread)


def _asked_before_v24(text: str) -> bool:
    """How the comment classifier told a question from v23 to v24, kept as it was: a
    question mark in any script or ¿, or a sentence (split at stops in any script and line
    breaks)
    opening like an English question (not an exclamation), asking indirectly, or ending in
    Japanese -か (not そうですか), Chinese 吗 or Korean -ㅂ니까 or -ㄹ까요."""
    if not QUESTION_MARKS.isdisjoint(text) or "¿" in text:
        return True
    return any(_sentence_asked_before_v24(part.strip()) for part in re.split(r"[.!\n。！]", text))


def _sentence_asked_before_v24(said: str) -> bool:
    if not said:
        return False
    if _OPENED_BEFORE_V24.match(said) or _INDIRECT_BEFORE_V24.search(said):
        return True
    if said.endswith(("吗", "嗎")) or (
        re.search("(?:です|ます|ません|でしょう|ました|でした|の)か$", said)
        and said != "そうですか"
    ):
        return True
    return any(
        said.endswith(ending) and _hangul_final(said[-len(ending) - 1 : -len(ending)]) == final
        for ending, final in (("니까", 17), ("까요", 8))  # finals ㅂ and ㄹ
    )


def _hangul_final(syllable: str) -> int | None:
    """The final consonant's number of a Hangul syllable (0: none), None for anything else."""
    first, count, finals = 0xAC00, 11172, 28
    if len(syllable) != 1 or not 0 <= ord(syllable) - first < count:
        return None
    return (ord(syllable) - first) % finals


_OPENED_BEFORE_V24 = re.compile(
    r"^(?:(?:honest|quick|genuine) question[\s,:-]+)?"
    r"(?!what an?\b|how (?:great|cool|proud|amazing|awesome|exciting|lovely|nice|good"
    r"|brilliant|fantastic|wonderful)\b|who knew\b)"
    r"(?:who|what|when|where|why|how|will|would|can|could|should|is|are|do|does|did|any)\b",
    re.IGNORECASE,
)
_INDIRECT_BEFORE_V24 = re.compile(
    r"\b(?:wonder(?:ing)?\s+(?:if|whether)|(?:(?:like|love) to know|any idea|anyone know)\s+"
    r"(?:if|whether|what|when|where|why|how|who))\b",
    re.IGNORECASE,
)


def _drop_vectors_not_to_be_vectored(db: Database) -> None:
    """Drop the stored vectors of comments deleted, one's own or no longer read as
    questions: they would start themes and name them (one restored is vectored again by
    the encoder's backfill)."""
    from app.store.vectors import TO_VECTOR

    db.execute(
        "DELETE FROM comment_vectors WHERE comment_id IN (SELECT v.comment_id "
        f"FROM comment_vectors v JOIN comments c ON c.id = v.comment_id WHERE NOT ({TO_VECTOR}))"
    )


def _drop_vectors_of(db: Database, encoded_otherwise: Callable[[str], bool]) -> None:
    """Drop the stored question vectors of the comments whose text the encoder now reads
    otherwise; its backfill makes them again."""
    vectored = db.execute(
        "SELECT c.id, c.body_text FROM comments c JOIN comment_vectors v ON v.comment_id = c.id"
    ).fetchall()
    stale = [(comment_id,) for comment_id, text in vectored if encoded_otherwise(text or "")]
    db.conn.executemany("DELETE FROM comment_vectors WHERE comment_id = ?", stale)


def _ledger_pages(db: Database) -> None:
    """Issue 16's person's page at a million comments: a person's comments by (time, id)
    with their answer (a page of the newest, the next page, and the totals from the index
    alone), and those still waiting, so the page reads what it lists, not the whole
    history. ``is_mine`` and ``deleted`` are columns too: the planner counts a partial
    index as covering only when it holds every column the query names. ``author_id IS NOT
    NULL`` (every comment has one) keeps them to queries that name an author: without it
    the first would be the planner's choice for counting every comment (the All view),
    which ``ix_comments_inbox`` serves."""
    db.execute(
        """CREATE INDEX ix_comments_author_history
            ON comments(author_id, created_at, id, answered, answered_at, is_mine, deleted)
            WHERE is_mine = 0 AND deleted = 0 AND author_id IS NOT NULL"""
    )
    db.execute(
        """CREATE INDEX ix_comments_author_waiting ON comments(author_id, created_at, id)
            WHERE is_mine = 0 AND deleted = 0 AND answered = 0 AND triage_state = 'open'
              AND author_id IS NOT NULL"""
    )


def _themes_from_indexes(db: Database) -> None:
    """Themes read from two small indexes, not from the vectors' and comments' rows: the
    open questions with their askers and times, and each vector's theme. The first Themes
    of a session read every open question's vector row (the vector is ~1.5 KB) and comment
    row: 410-940 ms from a cold disk on the bench's 200k store, 15-20 ms now."""
    db.execute(  # the condition's columns too: SQLite before 3.42 reads the row for them
        """CREATE INDEX ix_open_question_askers ON comments(
              author_id, created_at, is_mine, deleted, is_question, answered, triage_state)
            WHERE is_mine = 0 AND deleted = 0 AND is_question = 1 AND answered = 0
              AND triage_state = 'open'"""
    )
    db.execute("CREATE INDEX ix_comment_vectors_themes ON comment_vectors(comment_id, theme_id)")


def _snippet_uids(db: Database) -> None:
    """Saved replies travel through the two-laptop workspace: each snippet gets an id every
    device agrees on (the row id is this database's own), made here for those kept so far."""
    db.execute("ALTER TABLE snippets ADD COLUMN uid TEXT NOT NULL DEFAULT ''")
    db.execute("UPDATE snippets SET uid = lower(hex(randomblob(8)))")
    db.execute("CREATE UNIQUE INDEX ix_snippets_uid ON snippets(uid)")


def _deleted_drafts(db: Database) -> None:
    """Drafts can be deleted and restored: ``deleted_at`` says when one was deleted (NULL:
    it is not). A deleted draft keeps every row it had (text, versions, pictures)."""
    db.execute("ALTER TABLE drafts ADD COLUMN deleted_at TEXT")


def _draft_images_by_hash(db: Database) -> None:
    """A draft's picture as the workspace names it on every device: the sha256 of its
    bytes (worked out here for the pictures already kept, one in memory at a time), and,
    for a picture of a shared draft whose bytes have not arrived yet, the member whose
    laptop it is still coming from ('' once here; its ``data`` is empty until then). A
    table of their own: columns added to ``draft_images`` would sit after its bytes, and
    SQLite reads through a row's bytes to reach them."""
    db.executescript("""
        CREATE TABLE draft_image_hashes (
            image_id INTEGER PRIMARY KEY REFERENCES draft_images(id),
            sha256 TEXT NOT NULL,
            coming_from TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX ix_draft_image_hashes_sha256 ON draft_image_hashes(sha256, coming_from);
        CREATE INDEX ix_draft_image_hashes_coming ON draft_image_hashes(sha256)
            WHERE coming_from != '';
    """)
    for (image_id,) in db.execute("SELECT id FROM draft_images").fetchall():
        (data,) = db.execute("SELECT data FROM draft_images WHERE id = ?", [image_id]).fetchone()
        db.execute(
            "INSERT INTO draft_image_hashes (image_id, sha256) VALUES (?, ?)",
            [image_id, hashlib.sha256(data).hexdigest()],
        )


def _themes_of_mapped_vectors(db: Database) -> None:
    """Themes are made by the questions' vectors as the ranking's adapter maps them
    (``app.text.grouping.theme_vectors``; with each labelled set left out of its training,
    that set's themes are purer and hold more of each question's askers). Every theme is
    made again from the stored vectors, in the order they were made (a few thousand at a
    time, by the rule the store applies to each new batch, ``app.store.vectors.Theming``,
    with the centres at full precision where the store reads them back from bytes: a
    cosine moves by up to 0.01), each named by the comment that starts it; every vector
    then names its new theme and the old themes go (those no vector named any more too).
    The vectors of comments no longer to be vectored (deleted, or no longer read as
    questions) are dropped first: they would start themes and name them; one restored is
    vectored again by the encoder's backfill.

    On the 200k benchmark store (69,639 vectors, 82 themes before, 80 after), 4.1 s (the
    other core busy); measured before on an earlier adapter at 0.5, 4.0 s: mapping the
    vectors ~1.5 s (about half of it the English part, no longer mapped), comparing them
    with the centres ~0.9 s, pointing the vectors at their themes ~0.8 s; with a vector
    for each of its 200,000 comments 11.4 s, so some 20 s estimated for the 1M store's
    ~350,000 (no 1M store with vectors is kept to measure). The comparisons grow with
    questions x themes: 20,000 questions that all differ (20,000 themes) take some 20 s
    of them."""
    from app.store.vectors import Theming
    from app.text import encoder

    _drop_vectors_not_to_be_vectored(db)
    last = db.execute("SELECT max(id) FROM question_themes").fetchone()[0]
    themes = Theming.none()
    moved: list[tuple[int, int]] = []  # (new theme, seq)
    stored = db.execute(
        "SELECT v.seq, v.vector, c.body_text FROM comment_vectors v "
        "JOIN comments c ON c.id = v.comment_id ORDER BY v.seq"
    )
    while batch := stored.fetchmany(4096):
        rows = encoder.from_bytes([bytes(vector) for _, vector, _ in batch])
        ids = themes.of(db, [text or "" for _, _, text in batch], rows)
        moved += zip(ids, [seq for seq, _, _ in batch], strict=True)
    db.conn.executemany("UPDATE comment_vectors SET theme_id = ? WHERE seq = ?", moved)
    if last is not None:
        db.execute("DELETE FROM question_themes WHERE id <= ?", [last])


def _questions_read_again(db: Database) -> None:
    """Comments are read as asking by a finer rule (``app.text.asking``): a question its
    writer answers or disowns in the next sentence ("Could this have been an email? Yes it
    could.", "Rhetorical question.") and complaints and idioms shaped as questions ("Why
    is it always...", "Who needs sleep anyway") no longer ask; a statement before the
    thinking face, a question after an emoji ("Great news 🎉 when does it land"), question
    words and "or not" in Indonesian, Chinese, Vietnamese, Hindi and Turkish, and requests
    to share, send or confirm in most of the languages read ("pásanos las diapos porfa",
    "자료 공유 부탁드립니다") now do. A stored flag is only ever the rule's reading of the
    text, so each that today's rule reads otherwise is set again (the views' counts follow
    by their triggers; the encoder's backfill gives new questions vectors). Vectors go for
    comments no longer to be vectored, and for those with a question answered or disowned
    after it (the sentences vectored change); the backfill makes the latter again."""
    from app.text.asking import answered_after, asks, is_question, sentences

    db.conn.create_function("asks", 1, lambda text: is_question(text or ""), deterministic=True)
    db.execute(
        "UPDATE comments SET is_question = asks(body_text) WHERE is_question IS NOT asks(body_text)"
    )
    _drop_vectors_not_to_be_vectored(db)

    def answered_or_disowned(text: str) -> bool:
        said = sentences(text)
        return any(answered_after(said, at) and asks(s) for at, s in enumerate(said))

    _drop_vectors_of(db, answered_or_disowned)


#: What made the themes each time a migration made every theme again (one entry for each
#: ``_themes_of_mapped_vectors`` in ``MIGRATIONS``, in order): a digest of the shipped
#: adapter's multilingual map and ``app.text.grouping.THEME_COSINE``. Themes are kept by
#: vectors that map made, so a new map or threshold needs that migration once more and its
#: digest here (``tests/test_adapter.py`` checks, and names the digest).
THEMES_MADE_BY = (
    "ce695081bb74577cf478e1284cbd6eef7e373f8e7710db74e791cf975a1b6df5",
    # v27: the adapter learnt with less pull towards the identity (bench.adapter_training),
    # and themes joined at 0.53
    "055b18715310fd04f6bc560ede89f63419c5e21c9b37b97f8651564c950bdd6a",
    # v29: the adapter learnt again from the sets' questions as v28 reads them
    "351573d7b68b26274e01c198bd840893c9c862e49d45c8deae6298639282447e",
)


MIGRATIONS: list[Callable[[Database], None]] = [
    _v1_core,
    _v2_search_and_undo,
    _v3_account_settings,
    _v4_undo_send_and_reply_drafts,
    _v5_starred_people,
    _v6_counts_and_view_indexes,
    _v7_vip_tiers,
    _ledger_notes_and_answer_times,
    _draft_images_and_reply_language,
    _question_vectors,
    _triage_at_volume,
    _reply_name_fallback,
    _org_charts,
    _terse_questions_vectored_whole,
    _ledger_pages,
    _themes_from_indexes,
    _snippet_uids,
    _deleted_drafts,
    _draft_images_by_hash,
    _acronyms_spelled_out,
    _english_vectors,
    _questions_with_the_sentence_before,
    _questions_in_every_script,
    _questions_by_what_they_ask,
    _vectors_say_whether_their_language_is_read,
    _themes_of_mapped_vectors,
    _themes_of_mapped_vectors,
    _questions_read_again,
    _themes_of_mapped_vectors,
]
LATEST = len(MIGRATIONS)

#: Migrations that make something again, whole, from what the store keeps (the same step
#: at more than one version, each time what makes it changes): an upgrade runs each at its
#: last version only, since that run undoes any earlier one. A store of v25 makes its
#: themes once, not once for each adapter since.
MADE_AGAIN_WHOLE = frozenset({_themes_of_mapped_vectors})


def undone_later(version: int, target: int) -> bool:
    """Whether an upgrade to ``target`` makes again, later, what ``version``'s step makes,
    so that step need not run."""
    step = MIGRATIONS[version - 1]
    return step in MADE_AGAIN_WHOLE and step in MIGRATIONS[version:target]
