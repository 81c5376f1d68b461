"""Schema migrations: from every earlier version to LATEST without losing a row, a backup
first, and files that are too new or damaged refused and left byte for byte as they were."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from fixtures.schema_builds import build, connect, snapshot, without_derived

from app.domain import InboxView, OutboxState, TriageState, VipSource, VipTier
from app.errors import StoreCorrupt, StoreTooNew
from app.store import Store, comments, migrations, outbox, search, triage
from app.store import db as store_db
from app.store.db import ALWAYS_CHECKED, migrate, open_database, schema_version
from app.store.migrations import LATEST, MIGRATIONS
from app.text.asking import is_question

EARLIER = list(range(1, LATEST))


def files_in(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


def backup_of(path: Path) -> Path:
    return path.with_name(f"{path.name}.before-v{LATEST}.bak")


# --- a fresh database -------------------------------------------------------------------


def test_migrations_list_matches_latest() -> None:
    assert len(MIGRATIONS) == LATEST >= 2
    assert all(m.__doc__ for m in MIGRATIONS), "every migration says what it adds"


def test_fresh_store_is_latest_wal_with_foreign_keys_and_no_backup(tmp_path: Path) -> None:
    store = Store(tmp_path / "fireside.db")
    try:
        writer = store.run_sync(
            lambda db: (
                schema_version(db.conn),
                db.execute("PRAGMA journal_mode").fetchone()[0],
                db.execute("PRAGMA foreign_keys").fetchone()[0],
                db.execute("PRAGMA synchronous").fetchone()[0],
            )
        )
        reader = store.reader()
        assert writer == (LATEST, "wal", 1, 2)  # synchronous 2 = FULL
        assert reader.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert reader.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        store.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fireside.db"]


def test_empty_file_is_treated_as_a_new_database(tmp_path: Path) -> None:
    path = tmp_path / "fireside.db"
    path.touch()
    conn = open_database(path)
    try:
        assert schema_version(conn) == LATEST
    finally:
        conn.close()


def test_foreign_keys_are_enforced(tmp_path: Path) -> None:
    conn = open_database(tmp_path / "fireside.db")
    try:
        with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
            conn.execute("INSERT INTO draft_versions(draft_id, title, body) VALUES (99, 't', 'b')")
    finally:
        conn.close()


# --- from every earlier version ------------------------------------------------------------


@pytest.mark.parametrize("version", EARLIER)
def test_every_earlier_version_migrates_keeping_every_value(tmp_path: Path, version: int) -> None:
    path = tmp_path / "fireside.db"
    before = build(path, version)
    conn = open_database(path)
    try:
        assert schema_version(conn) == LATEST
        after = snapshot(conn, like=before)  # all but the tiers derived from titles
        assert without_derived(after) == without_derived(before)
        if version <= MIGRATIONS.index(migrations._questions_read_again):  # read again
            assert all(
                bool(asks) is is_question(text or "")
                for text, asks in conn.execute("SELECT body_text, is_question FROM comments")
            )
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()


@pytest.mark.parametrize("version", EARLIER)
def test_drafts_outbox_and_triage_states_survive(tmp_path: Path, version: int) -> None:
    """The same promise as above, stated in the product's words."""
    path = tmp_path / "fireside.db"
    build(path, version)
    conn = open_database(path)
    try:
        drafts = conn.execute("SELECT id, state, body FROM drafts ORDER BY id").fetchall()
        assert [tuple(r) for r in drafts] == [
            (1, "draft", "First **draft**"),
            (2, "for_review", "Reviewed text"),
            (3, "scheduled", "Ready to go"),
        ]
        assert conn.execute("SELECT COUNT(*) FROM draft_versions").fetchone()[0] == 3
        items = {r["idempotency_key"]: r["state"] for r in conn.execute("SELECT * FROM outbox")}
        assert items == {**{f"key-{s}": str(s) for s in OutboxState}, "key-publish": "queued"}
        triaged = dict(conn.execute("SELECT remote_id, triage_state FROM comments").fetchall())
        assert triaged == {
            "c1": "open",
            "c2": "done",
            "c3": "snoozed",
            "c4": "open",
            "c5": "open",
            "c6": "done",
        }
        snoozed = conn.execute("SELECT snoozed_until FROM comments WHERE remote_id = 'c3'")
        assert snoozed.fetchone()[0] == "2031-01-01T09:00:00Z"
    finally:
        conn.close()


@pytest.mark.parametrize("version", EARLIER)
def test_migrated_rows_work_with_the_store_code(tmp_path: Path, version: int) -> None:
    """Search indexes old comments, views count them, the outbox and undo carry on."""
    path = tmp_path / "fireside.db"
    build(path, version)
    store = Store(path)
    try:
        db = store.reader()
        assert [r.id for r in search.search_comments(db, "bonus")] == [1, 2]
        assert [r.id for r in search.search_comments(db, "krak")] == [2]
        assert comments.view_counts(db) == {
            InboxView.NEEDS_REPLY: 1,
            InboxView.VIPS: 0,
            InboxView.QUESTIONS: 1,
            InboxView.MENTIONS: 0,
            InboxView.SNOOZED: 1,
            InboxView.DONE: 2,
            InboxView.ALL: 4,
        }
        claimed = store.run_sync(outbox.claim_due, "sandbox", "2030-01-01T00:00:00Z")
        assert claimed.idempotency_key in ("key-queued", "key-unknown")
        store.run_sync(triage.set_state, [1], TriageState.DONE)
        assert store.run_sync(triage.undo_last) == ("done", [1])
    finally:
        store.close()


@pytest.mark.parametrize(
    ("start", "target"), [(k, j) for k in range(1, LATEST + 1) for j in range(k, LATEST + 1)]
)
def test_migrate_stops_at_the_target_and_reports_what_it_found(
    tmp_path: Path, start: int, target: int
) -> None:
    path = tmp_path / "fireside.db"
    before = build(path, start)
    conn = connect(path)
    try:
        assert migrate(conn, path, target) == start
        assert schema_version(conn) == target
        assert without_derived(snapshot(conn, like=before)) == without_derived(before)
    finally:
        conn.close()


# --- backups ------------------------------------------------------------------------------


@pytest.mark.parametrize("version", EARLIER)
def test_a_backup_of_the_old_version_is_taken_before_migrating(
    tmp_path: Path, version: int
) -> None:
    path = tmp_path / "fireside.db"
    before = build(path, version)
    open_database(path).close()
    backup = backup_of(path)
    assert backup.exists()
    copy = sqlite3.connect(backup)
    try:
        assert schema_version(copy) == version  # taken before, not after
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert snapshot(copy) == before
    finally:
        copy.close()


def test_no_backup_when_nothing_to_migrate(tmp_path: Path) -> None:
    path = tmp_path / "fireside.db"
    build(path, LATEST)
    open_database(path).close()
    assert not backup_of(path).exists()


def test_a_failed_migration_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The last migration runs for real, then fails: its changes roll back, the file keeps
    its old version and rows, and the next start can try again."""
    path = tmp_path / "fireside.db"
    before = build(path, LATEST - 1)
    real = MIGRATIONS[LATEST - 1]

    def fails_halfway(db) -> None:
        real(db)
        db.execute("CREATE TABLE half_done (x)")
        raise RuntimeError("disk pulled out")

    monkeypatch.setattr(store_db, "MIGRATIONS", [*MIGRATIONS[:-1], fails_halfway])
    with pytest.raises(RuntimeError, match="disk pulled out"):
        open_database(path)
    conn = sqlite3.connect(path)
    try:
        assert schema_version(conn) == LATEST - 1
        assert snapshot(conn) == before
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        assert "half_done" not in names
    finally:
        conn.close()
    monkeypatch.undo()
    open_database(path).close()  # and the real migration still works afterwards


# --- refusing what we must not touch ------------------------------------------------------


@pytest.mark.parametrize("journal", ["wal", "delete"])
def test_newer_database_is_refused_and_left_byte_identical(tmp_path: Path, journal: str) -> None:
    path = tmp_path / "fireside.db"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute(f"PRAGMA journal_mode = {journal}")
    conn.execute("CREATE TABLE future (x)")
    conn.execute("INSERT INTO future VALUES ('from a newer Fireside')")
    conn.execute(f"PRAGMA user_version = {LATEST + 1}")
    conn.close()
    before = files_in(tmp_path)
    with pytest.raises(StoreTooNew, match=rf"schema {LATEST + 1}.*not modified"):
        open_database(path)
    with pytest.raises(StoreTooNew):
        Store(path)
    assert files_in(tmp_path) == before


def test_migrate_itself_refuses_a_newer_database(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "x.db", isolation_level=None)
    try:
        conn.execute(f"PRAGMA user_version = {LATEST + 3}")
        with pytest.raises(StoreTooNew):
            migrate(conn, tmp_path / "x.db")
        assert schema_version(conn) == LATEST + 3
    finally:
        conn.close()


def _damage_table(path: Path, table: str) -> None:
    """Overwrite the b-tree page header of ``table``'s root page (after a checkpoint)."""
    conn = sqlite3.connect(path)
    (root,) = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", [table]).fetchone()
    (page_size,) = conn.execute("PRAGMA page_size").fetchone()
    conn.close()  # the last connection checkpoints the WAL into the file
    data = bytearray(path.read_bytes())
    start = (root - 1) * page_size
    data[start : start + 64] = b"\xab" * 64
    path.write_bytes(bytes(data))


DAMAGED = [(LATEST, table) for table in ALWAYS_CHECKED] + [
    (LATEST - 1, "comments"),
    (LATEST - 1, "drafts"),
]


@pytest.mark.parametrize("kind", ["garbage", "text", *DAMAGED])
def test_corrupt_file_is_refused_and_left_unchanged(tmp_path: Path, kind) -> None:
    """Every open checks what the person wrote; a migration checks the whole file first."""
    path = tmp_path / "fireside.db"
    if kind == "garbage":
        path.write_bytes(bytes(range(256)) * 64)
    elif kind == "text":
        path.write_text("my shopping list, not a database\n" * 100)
    else:
        version, table = kind
        build(path, version)
        _damage_table(path, table)
    before = files_in(tmp_path)
    with pytest.raises(StoreCorrupt, match="untouched") as caught:
        open_database(path)
    assert str(path) in str(caught.value)
    with pytest.raises(StoreCorrupt):
        Store(path)
    assert files_in(tmp_path) == before  # no backup, no journal switch, no migration


CRASH = """
import sqlite3, sys, os
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("INSERT INTO drafts(title, body, created_at, updated_at) "
             "VALUES ('Written on the plane', 'Every word', 'x', 'x')")
os._exit(0)  # killed: no close, no checkpoint; the commit lives in the -wal file
"""


def crash_after_a_commit(path: Path) -> None:
    subprocess.run([sys.executable, "-c", CRASH, str(path)], check=True, timeout=30)
    assert path.with_name(path.name + "-wal").stat().st_size > 0


def test_after_a_crash_the_committed_work_is_there(tmp_path: Path) -> None:
    path = tmp_path / "fireside.db"
    build(path, LATEST)
    crash_after_a_commit(path)
    conn = open_database(path)
    try:
        titles = [r[0] for r in conn.execute("SELECT title FROM drafts")]
        assert "Written on the plane" in titles
    finally:
        conn.close()


def test_after_a_crash_the_whole_file_is_checked(tmp_path: Path) -> None:
    """Damage in comments (which a sync can fetch again) is not looked for on a normal open,
    to keep start-up fast; after a crash, the whole file is checked before anything else."""
    path = tmp_path / "fireside.db"
    build(path, LATEST)
    _damage_table(path, "comments")
    open_database(path).close()  # a clean previous session: only the small tables checked
    crash_after_a_commit(path)
    with pytest.raises(StoreCorrupt, match="untouched"):
        open_database(path)


def test_a_starred_person_becomes_a_key_person_set_by_hand(tmp_path: Path) -> None:
    """The v5 star was the VIP of its day: the tiers keep it as a key person, by hand."""
    path = tmp_path / "fireside.db"
    build(path, 6)
    conn = connect(path)
    try:
        conn.execute("UPDATE people SET starred = 1 WHERE id = 1")
        migrate(conn, path, 7)
        tiers = dict(
            (
                (pid, (tier, source))
                for pid, tier, source in conn.execute("SELECT id, vip_tier, vip_source FROM people")
            )
        )
    finally:
        conn.close()
    assert tiers[1] == (VipTier.KEY, VipSource.HAND)
    assert {v for k, v in tiers.items() if k != 1} == {(VipTier.NONE, None)}


def test_people_already_stored_get_their_directory_tier_and_comments_carry_it(
    tmp_path: Path,
) -> None:
    """Triage at volume: the directory rule runs once over the people kept before it; a
    tier set by hand stays; each comment carries its author's tier (VIPs first)."""
    path = tmp_path / "fireside.db"
    build(path, 6)
    conn = connect(path)
    try:
        conn.execute("UPDATE people SET starred = 1 WHERE id = 3")  # a key person, by hand
        migrate(conn, path, LATEST)
        people = {
            pid: (tier, source)
            for pid, tier, source in conn.execute("SELECT id, vip_tier, vip_source FROM people")
        }
        carried = dict(conn.execute("SELECT id, author_tier FROM comments").fetchall())
        authors = dict(conn.execute("SELECT id, author_id FROM comments").fetchall())
    finally:
        conn.close()
    assert people == {
        1: (VipTier.TOP, VipSource.DIRECTORY),  # "CEO"
        2: (VipTier.NONE, None),  # "Engineer"
        3: (VipTier.KEY, VipSource.HAND),  # "Shift Lead", starred
    }
    assert carried == {cid: people[author][0] for cid, author in authors.items()}


def _vectors_kept(
    tmp_path: Path, migration: Callable[..., None], texts: dict[int, str]
) -> set[int]:
    """The comments whose question vector ``migration`` keeps, for a database just before
    it whose comments 1, 2... say ``texts`` and all have a vector."""
    path = tmp_path / "fireside.db"
    before = MIGRATIONS.index(migration)
    build(path, before)
    conn = connect(path)
    try:
        for comment_id, text in texts.items():
            conn.execute(
                "UPDATE comments SET body_text = ?, is_question = 1 WHERE id = ?",
                [text, comment_id],
            )
        theme = conn.execute(
            "INSERT INTO question_themes(label, vector) VALUES ('A theme', ?)", [bytes(512)]
        ).lastrowid
        conn.executemany(
            "INSERT INTO comment_vectors(comment_id, vector, theme_id) VALUES (?, ?, ?)",
            [(comment_id, bytes(512), theme) for comment_id in texts],
        )
        migrate(conn, path, before + 1)
        return {i for (i,) in conn.execute("SELECT comment_id FROM comment_vectors")}
    finally:
        conn.close()


def test_terse_questions_lose_their_vectors_to_be_made_again_from_the_whole_comment(
    tmp_path: Path,
) -> None:
    """Vectors made from a terse question alone ("True?") are dropped for the backfill to
    make again from the whole comment; every other vector is kept."""
    texts = {
        1: "Rumour says our Yorkshire location is going. True?",
        2: "Thanks for the update. Are there going to be layoffs? Asking for Leeds.",
        3: "@Dana is that right? Nobody in Finance knows.",
        4: "Is this real?",  # nothing around it: its vector stays as it was made
    }
    assert _vectors_kept(tmp_path, migrations._terse_questions_vectored_whole, texts) == {2, 4}


def test_questions_with_acronyms_lose_their_vectors_to_be_made_again_spelled_out(
    tmp_path: Path,
) -> None:
    """Vectors made before acronyms were spelled out ("ESPP (employee stock purchase
    plan)") are dropped for the backfill to make again; every other vector is kept."""
    texts = {
        1: "Is the ESPP continuing after the merger?",
        2: "Can we still buy discounted stock through the employee plan?",
        3: "Are the KPIs for Q3 changing?",
        4: "Is it true that the DEIS office moves?",  # no listed acronym
    }
    assert _vectors_kept(tmp_path, migrations._acronyms_spelled_out, texts) == {2, 4}


def test_snippets_kept_so_far_get_an_id_of_their_own_to_share(tmp_path: Path) -> None:
    """Saved replies stored before the workspace shared them each get a distinct shared
    id; their names and texts stay as they were."""
    before = MIGRATIONS.index(migrations._snippet_uids)
    path = tmp_path / "fireside.db"
    build(path, before)
    conn = connect(path)
    kept = [("Thanks", "Thank you, {first_name}!"), ("Hours", "We open at 9.")]
    try:
        conn.executemany(
            "INSERT INTO snippets(name, body, updated_at) VALUES (?, ?, '2026-01-01T00:00:00Z')",
            kept,
        )
        migrate(conn, path, LATEST)
        rows = conn.execute("SELECT name, body, uid FROM snippets ORDER BY id").fetchall()
        with pytest.raises(sqlite3.IntegrityError):
            conn.execute(
                "INSERT INTO snippets(name, body, updated_at, uid) VALUES ('x', 'y', 'z', ?)",
                [rows[0][2]],
            )
    finally:
        conn.close()
    assert [(name, body) for name, body, _ in rows] == kept
    uids = [uid for _, _, uid in rows]
    assert len(set(uids)) == 2 and all(len(uid) == 16 for uid in uids)


def test_drafts_kept_before_deleting_existed_are_all_live_and_can_be_deleted(
    tmp_path: Path,
) -> None:
    """The kept database of the version before drafts could be deleted upgrades with no
    draft deleted: the Drafts list, search and the scheduler see what they saw before,
    and an old draft is deleted and restored whole."""
    from app.store import draft_bin, drafts

    before = MIGRATIONS.index(migrations._deleted_drafts)
    kept = Path(__file__).parent / "fixtures" / "schemas" / f"v{before}.db"
    path = tmp_path / "fireside.db"
    path.write_bytes(kept.read_bytes())
    old = sqlite3.connect(path)
    try:
        unpublished = {
            r[0] for r in old.execute("SELECT id FROM drafts WHERE state != 'published'")
        }
        scheduled = {r[0] for r in old.execute("SELECT id FROM drafts WHERE state = 'scheduled'")}
    finally:
        old.close()
    store = Store(path)
    try:
        db = store.reader()
        assert {d.id for d in drafts.list_drafts(db)} == unpublished
        assert draft_bin.deleted(db) == []
        assert set(drafts.due_scheduled(db, "2999-01-01T00:00:00Z")) == scheduled
        [draft_id, *_] = sorted(unpublished - scheduled)
        whole = (drafts.get(db, draft_id), drafts.versions(db, draft_id))
        store.run_sync(draft_bin.delete, draft_id)
        assert draft_id not in {d.id for d in drafts.list_drafts(db)}
        store.run_sync(draft_bin.restore, draft_id)
        assert (drafts.get(db, draft_id), drafts.versions(db, draft_id)) == whole
    finally:
        store.close()


def _asking_after(
    tmp_path: Path, migration: Callable[..., None], texts: dict[int, tuple[str, bool]]
) -> set[int]:
    """The comments that ask after ``migration``, for a database just before it whose
    comments 1, 2... say ``texts`` (with the flag the rule before it gave), checking that
    the views' counts agree with the flags."""
    path = tmp_path / "fireside.db"
    before = MIGRATIONS.index(migration)
    build(path, before)
    conn = connect(path)
    try:
        conn.executemany(
            "UPDATE comments SET body_text = ?, is_question = ? WHERE id = ?",
            [(text, int(asked), n) for n, (text, asked) in texts.items()],
        )
        migrate(conn, path, before + 1)
        asking = conn.execute(
            "SELECT id FROM comments WHERE is_question = 1 AND id <= ?", [len(texts)]
        )
        counted = conn.execute("SELECT SUM(n) FROM comment_counts WHERE is_question = 1")
        stored = conn.execute(
            "SELECT COUNT(*) FROM comments WHERE is_mine = 0 AND deleted = 0 AND is_question = 1"
        )
        assert counted.fetchone() == stored.fetchone()
        return {comment_id for (comment_id,) in asking}
    finally:
        conn.close()


def test_questions_in_other_scripts_or_asked_in_so_many_words_become_questions(
    tmp_path: Path,
) -> None:
    """Comments stored as asking nothing that ask with a Japanese or Arabic question mark,
    or in so many words, are questions after the upgrade, and the views' counts agree."""
    texts = {
        1: ("説明ありがとうございます。大阪オフィスにも影響がありますか？", False),
        2: ("هل تم تسريب البيانات الشخصية للموظفين؟", False),
        3: ("Thanks Marta. I'd love to know whether there will be a merit increase", False),
        4: ("Great update, thanks.", False),
        5: ("What a year!", True),  # was a question: it opens with "what"
    }
    assert _asking_after(tmp_path, migrations._questions_in_every_script, texts) == {1, 2, 3}


def test_rhetorical_questions_stop_asking_and_unmarked_ones_start(tmp_path: Path) -> None:
    """After v24 a comment asks by what it means: rhetorical questions and statements that
    open like questions no longer ask; questions after a lead-in, ending "or not", or in
    Thai without a mark do, and the views' counts agree."""
    texts = {
        1: ("Who else loved the offsite? 🎉", True),
        2: ("Can't wait for the launch!", True),
        3: ("honest q - can you promise there won't be more cuts", False),
        4: ("vans at home still a thing or not", False),
        5: ("พนักงานหน้าร้านได้โบนัสด้วยไหมคะ", False),
        6: ("Is the Leeds site closing?", True),
        7: ("Great update, thanks.", False),
    }
    after = _asking_after(tmp_path, migrations._questions_by_what_they_ask, texts)
    assert after == {3, 4, 5, 6}


def test_questions_read_by_meaning_are_encoded_again(tmp_path: Path) -> None:
    """The vectors of comments with a sentence read otherwise after v24 are made again:
    a rhetorical question, a statement opening like a question, an unmarked question after
    a lead-in; those read as before are kept."""
    texts = {
        1: "Who else loved the offsite? When is the next one?",
        2: "Thanks. Is there a hiring freeze?",
        3: "Thanks Marta. honest q - can you promise there won't be more cuts",
        4: "Can't wait for the launch. Will it come to Leeds?",
        5: "Great update, thanks.",
    }
    kept = _vectors_kept(tmp_path, migrations._questions_by_what_they_ask, texts)
    assert kept == {2, 5}


def test_questions_read_otherwise_now_are_encoded_again(tmp_path: Path) -> None:
    """Those with Chinese, Japanese or Arabic sentence ends, and those with a sentence now
    read otherwise (an indirect question before the question: both are encoded now)."""
    texts = {
        1: "感谢分享。之后还会有裁员吗？",
        2: "شكرا. هل تم تسريب البيانات؟",
        3: "Thanks. Is there a hiring freeze?",
        4: "I'd love to know whether the freeze ends. Will the Leeds site close next year?",
    }
    kept = _vectors_kept(tmp_path, migrations._questions_in_every_script, texts)
    assert kept == {3}


def test_questions_answered_or_disowned_stop_asking_and_more_unmarked_ones_start(
    tmp_path: Path,
) -> None:
    """After v28 a question its writer answers or disowns, or a complaint shaped as one,
    asks nothing; a statement before the thinking face and an Indonesian question without
    a mark ask; the views' counts agree."""
    texts = {
        1: ("Could this meeting have been an email? Yes it could.", True),
        2: ("Who approved this rota? Rhetorical question.", True),
        3: ("Why is it always the night shift that hears last?", True),
        4: ("The canteen closes in March 🤔", False),
        5: ("bonusnya kapan cair ya", False),
        6: ("Is the Leeds site closing?", True),
        7: ("Great update, thanks.", False),
    }
    after = _asking_after(tmp_path, migrations._questions_read_again, texts)
    assert after == {4, 5, 6}


def test_questions_with_one_answered_after_it_are_encoded_again(tmp_path: Path) -> None:
    """A comment still asking whose first question its writer disowns vectors its other
    question alone now: encoded again; one no longer asking loses its vector; one read as
    before keeps it."""
    texts = {
        1: "Who approved this rota? Rhetorical question. When is the bonus paid?",
        2: "Could this meeting have been an email? Yes it could.",
        3: "Thanks. Is there a hiring freeze?",
    }
    kept = _vectors_kept(tmp_path, migrations._questions_read_again, texts)
    assert kept == {3}


@pytest.mark.parametrize(
    ("asked", "made_again"),
    [
        ("Får vi ansattbilletter hos Aurelia nå?", True),
        ("Nhân viên bán thời gian có được thưởng không?", True),
        ("Czy premia będzie wypłacona w grudniu?", False),
        ("Is the Leeds site closing?", False),
    ],
)
def test_open_questions_in_languages_the_encoder_may_not_read_are_encoded_again(
    tmp_path: Path, asked: str, made_again: bool
) -> None:
    """Their vectors are made again to say whether the encoder reads their language; of
    questions that can be open again (1 is open, 2 done, 3 snoozed), not answered ones (4)."""
    norwegian = "Kan vi søke på stillinger i Aurelia etter dette?"
    texts = {1: asked, 2: norwegian, 3: norwegian, 4: norwegian}
    migration = migrations._vectors_say_whether_their_language_is_read
    assert _vectors_kept(tmp_path, migration, texts) == ({4} if made_again else {1, 4})


def test_questions_after_a_statement_lose_their_vectors_to_be_made_again_with_it(
    tmp_path: Path,
) -> None:
    """A question is now encoded with the sentence before it: the vectors of comments in
    which a question follows a sentence that asks nothing are made again, the others kept."""
    texts = {
        1: "Loved the bit about our people. Does that include paying us more?",
        2: "Is the Leeds site closing? Asking for a friend.",
        3: "Is the Leeds site closing? Will Bradford take its staff?",
        4: "Great update, thanks.",
    }
    kept = _vectors_kept(tmp_path, migrations._questions_with_the_sentence_before, texts)
    assert kept == {2, 3, 4}


def test_every_question_loses_its_vector_to_be_made_again_with_the_english_one(
    tmp_path: Path,
) -> None:
    """Vectors made by the multilingual encoder alone are all dropped: the backfill makes
    each again with the English one beside it (zeros for another language)."""
    texts = {1: "Is there a hiring freeze?", 2: "Gibt es einen Einstellungsstopp?"}
    assert _vectors_kept(tmp_path, migrations._english_vectors, texts) == set()
