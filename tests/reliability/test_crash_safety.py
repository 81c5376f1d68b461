"""Crash safety: a Fireside core killed with SIGKILL at random moments loses nothing it
promised to keep, and sends nothing twice.

The core runs in a child process (``crash_child.py``) against this test's sandbox server,
which runs in the test's own process and so sees every request: its log says which
writes it committed, per idempotency key. Each cycle hands a child its work (new comments
appear on the network; the child queues replies, syncs and drains the outbox while it
types a draft with the editor's autosave timing), then kills it at a moment a seeded
random generator picks: a random time after the start or after the core opened; just as
its n-th autosave starts, or after its n-th ingested page or outbox change (plus a few
random milliseconds, to land inside that write or the next); or while the server, having
committed a reply, holds back its answer (a "hang" fault: the worst moment for
exactly-once).

After each kill, on a copy of the database files exactly as the kill left them (the next
child restarts on the originals):

- ``PRAGMA integrity_check`` and FTS5's integrity check (against the content tables) pass;
- the draft holds the text the child reported saved more than ``AUTOSAVE_PROMISE_S``
  before the kill, and indeed every save it confirmed (its pipe still holds every line
  it wrote); how long typed words had stayed unsaved is measured and printed;
- no idempotency key has more than one committed write on the server, every committed
  write belongs to an outbox item, a queued item has none and a sent item has one; and,
  whatever the keys say, no comment has two replies from Fireside on the server.

Every restart must open the core (recovery after an unclean shutdown, integrity check)
unless it is killed first. After the last kill one clean run sends what is left; then
every reply is sent, with exactly one committed write per key and one reply on the
server per item, nothing is 'sending' or 'unknown', and the database holds every comment
the server has.

Random delays here only choose *when* to kill. Whether something happened is always read
from the child's lines, the database or the server, and every wait is bounded.

Normal run: ``KILLS`` kills. Long mode (``--long`` or ``FIRESIDE_LONG=1``, see
conftest.py): ``LONG_KILLS``. The numbers are printed at the end.
"""

from __future__ import annotations

import random
import shutil
import signal
import sqlite3
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from crash_child import PATIENCE_S, Child, child_env, word_count

from app.config import database_path
from app.sandbox import SandboxServer, seed

pytestmark = pytest.mark.skipif(
    sys.platform not in ("linux", "darwin"),
    reason="needs SIGKILL and a monotonic clock shared by processes (Linux, macOS)",
)

KILLS, LONG_KILLS = 30, 300
#: The autosave interval: text saved this long ago must survive any kill (the editor,
#: ui/common/autosave.py, saves within 0.8 s of a keystroke, to keep words this fresh).
AUTOSAVE_PROMISE_S = 1.0
SEED = 4_2024
#: How a cycle picks its moment, and how often each way is picked.
TRIGGERS = {"start-up": 1, "time": 2, "SAVING": 2, "PAGE": 2, "OUTBOX": 3, "LANDED": 2}
#: The line the test adds to a child's when the server holds back an answer it committed.
HANGING = "SERVER-HANGS"
FTS_TABLES = ("comments_fts", "posts_fts", "drafts_fts")
#: Outbox states an item may be in between kills (no fault is injected: nothing fails).
IN_FLIGHT = {"queued", "sending", "unknown", "sent"}


@dataclass
class Snapshot:
    """What a database copy holds that this test checks."""

    integrity: list[str]
    draft: str | None = None
    outbox: dict[str, tuple[int, str, str | None]] = field(default_factory=dict)
    targets: dict[str, str] = field(default_factory=dict)  # idempotency key -> comment
    comments: set[str] = field(default_factory=set)


@dataclass
class Tally:
    kills: int = 0
    during_start: int = 0
    mid_pull: int = 0
    mid_save: int = 0
    mid_send: int = 0
    landed_unrecorded: int = 0  # the server had committed the reply; Fireside had not noted it
    unsaved_typing: int = 0
    oldest_unsaved_s: float = 0.0  # age of the oldest word not yet on disk at a kill
    slowest_save_s: float = 0.0  # keystroke to confirmed save, worst case
    typed: int = 0
    saved: int = 0

    def count(self, child: Child) -> None:
        """Where this kill struck, from what the child had said."""
        self.kills += 1
        self.during_start += "READY" not in child.seen
        heads = [line.split()[0] for line in child.seen]
        pulls = [head for head in heads if head in ("PULLING", "PULLED")]
        self.mid_pull += pulls[-1:] == ["PULLING"]
        saves = [head for head in heads if head in ("SAVING", "SAVED")]
        self.mid_save += saves[-1:] == ["SAVING"]


class Harness:
    """The sandbox server, the seeded choices and the running tally of one crash test."""

    def __init__(self, server: SandboxServer, tmp_path: Path, monkeypatch) -> None:
        self.server = server
        self.rng = random.Random(SEED)
        self.data_dir = tmp_path / "data"
        self.env = child_env(self.data_dir, server.token)
        self.scratch = tmp_path / "copy"
        self.errors = tmp_path / "children.err"
        self.tally = Tally()
        self.words = 0  # the draft's length on disk after the last kill
        self.first_new_comment = _next_comment_number(server)
        self.child: Child | None = None  # the one running now
        pause = server._pause  # the server pauses only for hang faults here (no latency)

        def signalled_pause(seconds: float) -> None:
            child = self.child  # (a server thread: read it once)
            if child is not None:  # a "hang" with ``apply`` pauses right after its commit
                child.note(HANGING)
            pause(seconds)

        monkeypatch.setattr(server, "_pause", signalled_pause)

    def one_kill(self, cycle: int, child: Child) -> None:
        """Give a child its work, kill it at this cycle's moment, check what it left."""
        rng, server = self.rng, self.server
        child.expect("IMPORTED")
        if rng.random() < 0.5:
            server.simulate_comments(rng.randint(20, 450))
        plan = {
            "url": server.url,
            "seed": rng.randrange(2**32),
            "replies": rng.choice((0, 1, 2, 4, 6)),
            "final": False,
        }
        trigger = rng.choices(list(TRIGGERS), list(TRIGGERS.values()))[0]
        if cycle == 0:
            trigger = "start-up"  # inside the very first open: creation and migrations
        if trigger == "LANDED":  # the server commits the reply, then holds back its answer
            plan["replies"] = max(plan["replies"], 2)
            server.add_fault("hang", method="POST", path_prefix="/api/v1/comments", apply=True)
        self.child, started = child, time.monotonic()
        child.start(plan)
        try:
            self._wait_for_the_moment(child, trigger, started)
            killed_at = child.kill()
        finally:
            server.clear_faults()
            self.child = None
        where = f"kill {cycle + 1} ({trigger}); the child said …{child.seen[-6:]}"
        assert child.proc.returncode == -signal.SIGKILL, f"{where}\n{_tail(self.errors)}"

        snap = _inspect_copy(database_path(self.data_dir), self.scratch)
        assert snap.integrity == ["ok"], where
        self.words = _check_draft(
            child, snap, killed_at, words_before=self.words, tally=self.tally, where=where
        )
        _check_outbox(server, snap, self.tally, where)
        _check_replies_on_server(server, self.first_new_comment, snap, where)
        self.tally.count(child)

    def _wait_for_the_moment(self, child: Child, trigger: str, started: float) -> None:
        """Read the child's lines until the moment this cycle kills it (all waits bounded)."""
        rng = self.rng
        if trigger == "start-up":  # inside open_core: recovery, integrity check, migrations
            child.pump(started + rng.uniform(0.0, 0.3))
            return
        child.expect("READY")
        if trigger == "time":
            child.pump(time.monotonic() + rng.uniform(0.1, 1.6))
            return
        if trigger == "LANDED":  # while the child waits for the answer to a committed reply
            # (or, with nothing to send after all, once it has synced)
            child.pump(time.monotonic() + PATIENCE_S, lambda line: line in (HANGING, "SYNCED"))
            child.pump(time.monotonic() + rng.uniform(0, 0.01))
            return
        wanted, seen = rng.randint(1, 8 if trigger == "OUTBOX" else 2), 0

        def moment(line: str) -> bool:
            nonlocal seen
            head = line.split(maxsplit=1)[0]
            seen += head == trigger
            # With no more of that work to come, the kill hits typing alone.
            return seen >= wanted or (head == "SYNCED" and trigger != "SAVING")

        hit = child.pump(time.monotonic() + 3.0, moment)
        if hit is not None and hit.startswith(trigger):  # land inside what just began
            child.pump(time.monotonic() + rng.uniform(0, 0.01 if trigger == "SAVING" else 0.03))
        else:
            child.pump(time.monotonic() + rng.uniform(0, 0.4))

    def clean_run(self, child: Child) -> None:
        """After the last kill: one run that is left alone sends everything and exits."""
        child.expect("IMPORTED")
        child.start({"url": self.server.url, "seed": 0, "replies": 0, "final": True})
        child.expect("DONE")
        assert child.close() == 0, _tail(self.errors)


# About 20 s on a quiet machine (30 kills), minutes on a loaded one; ten times the bound in
# long mode (conftest.py).
@pytest.mark.timeout(600)
def test_sigkill_at_random_moments_loses_nothing_and_sends_nothing_twice(
    tmp_path: Path, sandbox_server: SandboxServer, long_mode: bool, capsys, monkeypatch
) -> None:
    kills = LONG_KILLS if long_mode else KILLS
    sandbox_server.set_rate_limit(100_000, 10.0)  # the test counts writes, not 429s
    harness = Harness(sandbox_server, tmp_path, monkeypatch)
    began = time.monotonic()
    with harness.errors.open("a") as stderr:
        spare: Child | None = Child(harness.data_dir, harness.env, stderr)
        try:
            for cycle in range(kills):
                assert spare is not None
                child, spare = spare, Child(harness.data_dir, harness.env, stderr)
                harness.one_kill(cycle, child)  # while the spare imports
            assert spare is not None
            final, spare = spare, None
            harness.clean_run(final)
        finally:
            if spare is not None:
                spare.kill()
    elapsed = time.monotonic() - began
    sent = _check_the_end(harness, sandbox_server)
    tally = harness.tally
    with capsys.disabled():
        print(
            f"\ncrash safety: {tally.kills} SIGKILLs in {elapsed:.1f} s "
            f"({elapsed / tally.kills:.2f} s per kill): {tally.during_start} during start-up, "
            f"{tally.mid_pull} mid-pull, {tally.mid_send} mid-send ({tally.landed_unrecorded} "
            f"after the server committed the reply, before Fireside recorded it), "
            f"{tally.mid_save} mid-autosave, "
            f"{tally.unsaved_typing} with unsaved typing (oldest unsaved word "
            f"{tally.oldest_unsaved_s:.2f} s old; slowest keystroke-to-disk "
            f"{tally.slowest_save_s:.2f} s; promise {AUTOSAVE_PROMISE_S:.1f} s). "
            f"{sent} replies, each committed once; {tally.typed} words typed, "
            f"{tally.saved} autosaves."
        )


def _inspect_copy(db: Path, scratch: Path) -> Snapshot:
    """Check a copy of the database files as they are now (the originals stay untouched,
    so the next child recovers from exactly what the kill left)."""
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir()
    for suffix in ("", "-wal", "-journal"):  # -shm is an index SQLite rebuilds from the WAL
        source = db.with_name(db.name + suffix)
        if source.exists():
            shutil.copyfile(source, scratch / source.name)
    if not (scratch / db.name).exists():
        return Snapshot(["ok"])  # killed before the database was created
    conn = sqlite3.connect(scratch / db.name, isolation_level=None)
    try:
        return _read_snapshot(conn)
    finally:
        conn.close()


def _read_snapshot(conn: sqlite3.Connection) -> Snapshot:
    snap = Snapshot([row[0] for row in conn.execute("PRAGMA integrity_check")])
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    for fts in FTS_TABLES:
        if fts in tables:  # raises "database disk image is malformed" on a mismatch
            conn.execute(f"INSERT INTO {fts}({fts}, rank) VALUES ('integrity-check', 1)")
    if "drafts" in tables:
        row = conn.execute("SELECT body FROM drafts ORDER BY id LIMIT 1").fetchone()
        snap.draft = None if row is None else row[0]
    if "outbox" in tables:
        rows = conn.execute(
            "SELECT idempotency_key, id, state, last_error, target_remote_id FROM outbox"
        ).fetchall()
        snap.outbox = {key: (item_id, state, error) for key, item_id, state, error, _ in rows}
        snap.targets = {row[0]: row[4] for row in rows}
    if "comments" in tables:
        snap.comments = {row[0] for row in conn.execute("SELECT remote_id FROM comments")}
    return snap


def _stamped(child: Child, word: str) -> list[tuple[float, int]]:
    return [
        (float(parts[1]), int(parts[2]))
        for parts in (line.split() for line in child.seen)
        if parts[0] == word
    ]


def _check_draft(
    child: Child, snap: Snapshot, killed_at: float, *, words_before: int, tally: Tally, where: str
) -> int:
    """Every save the child confirmed is on disk (the promise: whatever was saved more than
    ``AUTOSAVE_PROMISE_S`` before the kill; here every confirmed save, however recent,
    since the pipe still holds every line the child wrote). How old the unsaved words
    were is measured, not asserted: that is the editor's timing under this machine's load.
    """
    on_disk = 0 if snap.draft is None else word_count(snap.draft)
    typed, saved = _stamped(child, "TYPED"), _stamped(child, "SAVED")
    promised = max((n for t, n in saved if t <= killed_at - AUTOSAVE_PROMISE_S), default=0)
    assert on_disk >= promised, f"a save older than the promise was lost; {where}"
    confirmed = max((n for _, n in saved), default=0)
    assert on_disk >= confirmed, f"a confirmed save was lost ({on_disk} < {confirmed}); {where}"
    assert on_disk <= max([words_before, *(n for _, n in typed)]), where
    unsaved = [t for t, n in typed if n > on_disk]
    if unsaved:
        tally.unsaved_typing += 1
        tally.oldest_unsaved_s = max(tally.oldest_unsaved_s, killed_at - min(unsaved))
    typed_at = {n: t for t, n in typed}
    previous = words_before
    for saved_at, n in saved:
        if n > previous and previous + 1 in typed_at:
            tally.slowest_save_s = max(tally.slowest_save_s, saved_at - typed_at[previous + 1])
        previous = max(previous, n)
    tally.typed += len(typed)
    tally.saved += len(saved)
    return on_disk


def _committed_writes(server: SandboxServer) -> Counter[str | None]:
    return Counter(
        entry["idempotency_key"]
        for entry in server.requests()
        if entry["method"] != "GET" and entry["committed"]
    )


def _check_outbox(server: SandboxServer, snap: Snapshot, tally: Tally, where: str) -> None:
    committed = _committed_writes(server)
    assert None not in committed, f"a write went out without an idempotency key; {where}"
    twice = {key: n for key, n in committed.items() if n > 1}
    assert not twice, f"replies committed more than once: {twice}; {where}"
    strays = set(committed) - set(snap.outbox)
    assert not strays, f"the server has writes Fireside has no record of: {strays}; {where}"
    for key, (item_id, state, error) in snap.outbox.items():
        assert state in IN_FLIGHT, f"item {item_id} is {state} ({error}); {where}"
        if state == "sent":
            assert committed[key] == 1, f"item {item_id} is sent but not on the server; {where}"
        if state == "queued":
            assert committed[key] == 0, f"item {item_id} went out yet is queued; {where}"
    sending = [key for key, (_, state, _) in snap.outbox.items() if state == "sending"]
    tally.mid_send += bool(sending)
    tally.landed_unrecorded += any(committed[key] for key in sending)


def _next_comment_number(server: SandboxServer) -> int:
    assert server.state is not None
    with server.state.lock:
        return server.state.db.execute("SELECT COALESCE(MAX(num), 0) + 1 FROM comments").fetchone()[
            0
        ]


def _my_new_replies(server: SandboxServer, first_new: int) -> Counter[str]:
    """How many replies the executive (Fireside's account) made to each comment, on the
    server, since the test began."""
    assert server.state is not None
    with server.state.lock:
        rows = server.state.db.execute(
            "SELECT parent_id FROM comments WHERE author_id = ? AND num >= ?",
            [seed.EXEC_ID, first_new],
        ).fetchall()
    return Counter(row[0] for row in rows)


def _check_replies_on_server(
    server: SandboxServer, first_new: int, snap: Snapshot, where: str
) -> None:
    """Whatever the keys say: no comment got two replies, and each reply is one Fireside
    queued (a resend under a new key would show here)."""
    replies = _my_new_replies(server, first_new)
    twice = {target: n for target, n in replies.items() if n > 1}
    assert not twice, f"comments answered more than once on the server: {twice}; {where}"
    unknown = set(replies) - set(snap.targets.values())
    assert not unknown, f"replies on the server Fireside never queued: {unknown}; {where}"


def _check_the_end(harness: Harness, server: SandboxServer) -> int:
    db = database_path(harness.data_dir)
    assert not db.with_name(db.name + "-wal").exists(), "the clean run did not close cleanly"
    conn = sqlite3.connect(db, isolation_level=None)
    try:
        snap = _read_snapshot(conn)
    finally:
        conn.close()
    assert snap.integrity == ["ok"]
    assert snap.draft is not None and word_count(snap.draft) >= harness.words
    states = Counter(state for _, state, _ in snap.outbox.values())
    assert set(states) == {"sent"}, f"not everything was sent: {states}"
    committed = _committed_writes(server)
    assert committed == Counter(dict.fromkeys(snap.outbox, 1)), "each reply exactly once"
    replies = _my_new_replies(server, harness.first_new_comment)
    assert replies == Counter(snap.targets.values()), "one reply on the server per item"
    assert server.state is not None
    with server.state.lock:
        on_server = {row[0] for row in server.state.db.execute("SELECT id FROM comments")}
    assert snap.comments == on_server, "comments were lost between pages"
    return len(snap.outbox)


def _tail(path: Path, lines: int = 40) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
