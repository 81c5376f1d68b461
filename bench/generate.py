"""A large, realistic store for the benchmarks, built through the app/store APIs and cached.

Comment bodies come from the sandbox's ``CommentWriter`` (the same phrasings, questions,
praise, push-back, mentions and hostile markup), so FTS has real words to find and the
question/mention flags are set by the real ingest code. Everything is written in one
transaction with ``comments.ingest`` in chunks (executemany inside). The result is cached
under a key made of the migrations applied (their names, in order) and the generator
version, so reruns are quick. A new migration migrates the cached store of the same size
and generator that has all the earlier ones, as a person's store is migrated (and says
how long that took), instead of generating it again; a store made with other migrations
(another branch's, or another order) is generated again.

Branches may share one cache folder (``$FIRESIDE_BENCH_CACHE``), so a build never deletes
a store because its key is not this build's: that store may be another branch's, or the
one this build migrated a copy of. It deletes only stores of the same size that no build
has used for ``UNUSED_FOR`` (the file's modification time, set whenever a build reuses,
migrates or generates it): those of deleted branches and old generator versions.
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from app.domain import (
    Account,
    DraftState,
    OutboxKind,
    OutboxState,
    Person,
    RemoteComment,
    RemotePost,
    TriageState,
)
from app.sandbox import corpus
from app.sandbox.seed import CommentWriter
from app.store import Store, accounts, comments, drafts, migrations, outbox, triage
from app.store.sql import Database

#: Bump when the generated data changes shape, so old caches are not reused.
GENERATOR_VERSION = 4
#: A cached store of the benchmark's size that no build has used for this long is deleted.
UNUSED_FOR = timedelta(days=14)
ACCOUNT = Account(
    "bench-blog", "wordpress", "Corporate blog (benchmark)", "https://blog.example.com", "dana"
)
MY_NAME = corpus.EXECUTIVE["name"]
SEED = 20250601
#: One person in this many leads (a VP or a director): the VIPs sorted first.
LEADERS_EVERY = 40
CHUNK = 5_000
_START = datetime(2023, 6, 1, 8, 0, tzinfo=UTC)
_SPAN = timedelta(days=730)


@dataclass(frozen=True)
class Spec:
    """What to generate."""

    comments: int = 200_000
    posts: int = 2_000
    people: int = 2_500


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def cache_dir() -> Path:
    """``$FIRESIDE_BENCH_CACHE``, else ``.bench-cache/`` at the repository root (git-ignored)."""
    chosen = os.environ.get("FIRESIDE_BENCH_CACHE")
    path = Path(chosen) if chosen else Path(__file__).resolve().parent.parent / ".bench-cache"
    path.mkdir(parents=True, exist_ok=True)
    return path


def cache_key(spec: Spec, applied: int | None = None) -> str:
    """The file name of the store for ``spec`` with the first ``applied`` migrations (all
    by default): their count and a hash of their names in order, so a store made by a
    branch with other migrations or another order is never taken for this build's; then
    the generator version and the size."""
    steps = migrations.MIGRATIONS[:applied]
    names = "\n".join(step.__name__ for step in steps)
    digest = hashlib.sha256(names.encode()).hexdigest()[:10]
    return f"store-v{len(steps)}-{digest}-g{GENERATOR_VERSION}-{spec.comments}c-{spec.posts}p.db"


def _people(rng: random.Random, count: int) -> list[Person]:
    firsts, lasts = corpus.FIRST_NAMES, corpus.LAST_NAMES
    departments = list(corpus.DEPARTMENTS)
    people = [Person("u1", MY_NAME, corpus.EXECUTIVE["title"], "Executive Office", "Executive")]
    for index in range(2, count + 2):
        dept = departments[index % len(departments)]
        vp, director, _, ics, frontline = corpus.DEPARTMENTS[dept]
        if index % LEADERS_EVERY == 0:  # VIPs by the directory: VPs and directors
            level, title = (
                ("VP", vp) if index % (2 * LEADERS_EVERY) == 0 else ("Director", director)
            )
        else:
            level = "Frontline" if frontline and rng.random() < 0.45 else "IC"
            title = rng.choice(frontline if level == "Frontline" else ics)
        name = f"{rng.choice(firsts)} {rng.choice(lasts)}"
        people.append(Person(f"u{index}", name, title, dept, level))
    return people


def _posts(count: int) -> list[tuple[str, RemotePost]]:
    """(topic, post), evenly spread over two years, titles from the sandbox corpus."""
    spacing = _SPAN / count
    posts = []
    for index in range(count):
        topic, title, body = corpus.POSTS[index % len(corpus.POSTS)]
        stamp = iso(_START + index * spacing)
        posts.append(
            (
                topic,
                RemotePost(
                    f"p{index + 1}",
                    f"{title} (#{index + 1})",
                    body,
                    f"https://blog.example.com/p{index + 1}",
                    stamp,
                    stamp,
                ),
            )
        )
    return posts


def _counts(rng: random.Random, total: int, posts: int) -> list[int]:
    """Comments per post: uneven (some posts draw far more), summing exactly to ``total``."""
    weights = [rng.uniform(0.3, 1.7) for _ in range(posts)]
    scale = total / sum(weights)
    counts = [int(w * scale) for w in weights]
    for index in range(total - sum(counts)):
        counts[index % posts] += 1
    return counts


class _ThreadWriter:
    """Writes one post's comments: top-level comments, replies, and my answers."""

    def __init__(self, rng: random.Random, people: list[Person]) -> None:
        self.rng = rng
        self.writer = CommentWriter(rng)
        self.people = people
        self.next_id = 1

    def thread(self, topic: str, post: RemotePost, count: int) -> Iterator[RemoteComment]:
        rng = self.rng
        moment = datetime.fromisoformat(post.created_at.replace("Z", "+00:00"))
        written: list[tuple[RemoteComment, str | None]] = []
        for _ in range(count):
            moment += timedelta(minutes=rng.randint(1, 90))
            questions = [(c, k) for c, k in written[-30:] if k and not c.is_mine]
            if questions and rng.random() < 0.06:
                parent, cluster = rng.choice(questions)
                body = self.writer.my_answer(parent.author.first_name, cluster)
                comment = self._comment(post, self.people[0], body, moment, parent, mine=True)
                cluster = None
            else:
                author = rng.choice(self.people[1:])
                if written and rng.random() < 0.3:
                    parent, parent_cluster = rng.choice(written)
                    body, cluster = self.writer.reply_to(parent_cluster, topic, author.department)
                else:
                    parent = None
                    body, cluster = self.writer.top_level(topic, author.department)
                comment = self._comment(post, author, body, moment, parent)
            written.append((comment, cluster))
            yield comment

    def _comment(
        self,
        post: RemotePost,
        author: Person,
        body: str,
        moment: datetime,
        parent: RemoteComment | None,
        *,
        mine: bool = False,
    ) -> RemoteComment:
        remote_id = f"c{self.next_id}"
        self.next_id += 1
        root = None if parent is None else (parent.root_remote_id or parent.remote_id)
        edited = self.rng.random() < 0.03
        return RemoteComment(
            remote_id,
            post.remote_id,
            parent.remote_id if parent else None,
            root,
            author,
            body,
            iso(moment),
            iso(moment + timedelta(minutes=30)) if edited else None,
            2 if edited else 1,
            deleted=self.rng.random() < 0.01,
            is_mine=mine,
        )


def _chunks(items: Iterator[RemoteComment], size: int) -> Iterator[list[RemoteComment]]:
    chunk: list[RemoteComment] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _all_comments(
    rng: random.Random, spec: Spec, posts: list[tuple[str, RemotePost]], people: list[Person]
) -> Iterator[RemoteComment]:
    writer = _ThreadWriter(rng, people)
    for (topic, post), count in zip(posts, _counts(rng, spec.comments, len(posts)), strict=True):
        yield from writer.thread(topic, post, count)


def _triage_history(db: Database, rng: random.Random) -> None:
    """What months of use leave behind: old comments mostly done, some snoozed, via set_state."""
    cutoff = iso(_START + _SPAN - timedelta(days=45))
    rows = db.execute(
        "SELECT id, created_at < ? FROM comments WHERE is_mine = 0 ORDER BY id", [cutoff]
    ).fetchall()
    done = [cid for cid, old in rows if rng.random() < (0.9 if old else 0.15)]
    done_set = set(done)
    snoozed = [cid for cid, _ in rows if cid not in done_set and rng.random() < 0.03]
    for start in range(0, len(done), 100):
        triage.set_state(db, done[start : start + 100], TriageState.DONE)
    # Far ahead of the real clock: the app wakes expired snoozes when it starts.
    until = iso(datetime.now(UTC) + timedelta(days=3650))
    for start in range(0, len(snoozed), 50):
        triage.set_state(db, snoozed[start : start + 50], TriageState.SNOOZED, until)


def _drafts_and_outbox(db: Database, rng: random.Random) -> None:
    for index in range(40):
        draft_id = drafts.create(db, f"Draft {index}", corpus.POSTS[index % 34][2], ["bench-blog"])
        drafts.snapshot(db, draft_id, "explicit save")
        if index % 4 == 0:
            drafts.set_state(db, draft_id, DraftState.FOR_REVIEW)
    # Every state a store closed cleanly can hold: "sending" is only ever left by a crash,
    # and each start of the app would log the recovery of every one of them.
    states = [state for state in OutboxState if state is not OutboxState.SENDING]
    ids = [r[0] for r in db.execute("SELECT id FROM comments WHERE answered = 0 LIMIT 300")]
    for cid in ids:
        item = outbox.enqueue(
            db,
            OutboxKind.REPLY,
            ACCOUNT.id,
            "Thanks, good question.",
            comment_id=cid,
            target_remote_id=f"c{cid}",
        )
        outbox.update(db, item, rng.choice(states))


def populate(db: Database, spec: Spec) -> int:
    """Write the whole synthetic organisation; returns the number of comments stored."""
    rng = random.Random(SEED)
    accounts.add_account(db, ACCOUNT)
    people = _people(rng, spec.people)
    accounts.upsert_people(db, ACCOUNT.id, people)
    posts = _posts(spec.posts)
    accounts.upsert_posts(db, ACCOUNT.id, [post for _, post in posts])
    stored = 0
    for chunk in _chunks(_all_comments(rng, spec, posts, people), CHUNK):
        stored += comments.ingest(db, ACCOUNT.id, MY_NAME, chunk)
    _triage_history(db, rng)
    _drafts_and_outbox(db, rng)
    return stored


def build(path: Path, spec: Spec) -> int:
    """Create a store at ``path`` (which must not exist) in one transaction."""
    store = Store(path)
    try:
        return store.run_sync(populate, spec)
    finally:
        store.close()


@dataclass(frozen=True)
class Cached:
    """The store to measure: built now (``built_s``), migrated from an older schema's cache
    (``migrated_from``, ``migrated_s``), or reused as it was (both None)."""

    path: Path
    built_s: float | None = None
    migrated_from: int | None = None
    migrated_s: float | None = None


def cached_store(spec: Spec, rebuild: bool = False) -> Cached:
    """The cached store for ``spec``: reused, migrated from an older schema, or built."""
    target = cache_dir() / cache_key(spec)
    if target.exists() and not rebuild:
        os.utime(target)  # used now: no build prunes it for UNUSED_FOR
        _prune(target, spec)
        return Cached(target)
    partial = target.with_name(target.name + ".partial")
    for leftover in (partial, *(partial.with_name(partial.name + s) for s in ("-wal", "-shm"))):
        leftover.unlink(missing_ok=True)
    older = None if rebuild else _older(spec)
    started = time.perf_counter()
    if older is not None:
        version, source = older
        shutil.copyfile(source, partial)
        Store(partial).close()  # opening migrates, as for a person; its backup is dropped
        for backup in partial.parent.glob(partial.name + ".before-v*.bak"):
            backup.unlink()
        partial.replace(target)
        _prune(target, spec)
        return Cached(target, migrated_from=version, migrated_s=time.perf_counter() - started)
    build(partial, spec)
    partial.replace(target)
    _prune(target, spec)
    return Cached(target, built_s=time.perf_counter() - started)


def _older(spec: Spec) -> tuple[int, Path] | None:
    """The cached store of this size and generator with the most of this build's first
    migrations (opening it applies the rest), and how many it has."""
    for applied in range(migrations.LATEST - 1, 0, -1):
        path = cache_dir() / cache_key(spec, applied)
        if path.exists():
            return applied, path
    return None


def _prune(keep: Path, spec: Spec) -> None:
    """Drop the other stores of ``spec``'s size that no build has used for ``UNUSED_FOR``."""
    unused_since = time.time() - UNUSED_FOR.total_seconds()
    for old in keep.parent.glob(f"store-*-{spec.comments}c-{spec.posts}p.db"):
        try:
            unused = old != keep and old.stat().st_mtime < unused_since
        except FileNotFoundError:  # another build sharing the folder pruned it first
            continue
        if unused:
            old.unlink(missing_ok=True)
