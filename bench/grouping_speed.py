"""Grouping on the benchmark store: every question given its vector (cached beside the
store, since the encoder needs minutes for 70,000 questions on a laptop core), then the
time to open a group (G: ``core.grouping.matches`` and the rows the inbox shows; M: the
same ranked again by its first ten rows, ticked) and the
Themes view (``core.grouping.themes``), as wall time (the target) and the process's CPU
time (what the work costs when the machine's cores are shared), as they are opened again
and right after a write (a sync's page: the in-memory caches read the store again), and
what one page of a sync adds (vectors for 64 new questions, made off the UI thread).

The bench store repeats its texts (a few thousand distinct questions), so each distinct
text is encoded once; storing goes through ``app.store.vectors`` as the app's backfill
does.
"""

from __future__ import annotations

import asyncio
import random
import shutil
import statistics
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

from app import events
from app.core.grouping import BATCH, Grouping
from app.core.inbox import Inbox
from app.domain.grouping import MOST_CONFIRMED
from app.store import Store, vectors
from app.store.sql import Database
from app.text.encoder import Encoder
from bench import generate
from bench.generate import Spec
from bench.report import Line

SEEDS = 20
STORE_PAGE = 2_000


def vectored_store(spec: Spec, encoder: Encoder) -> tuple[Path, float | None]:
    """The cached store with a vector for every question; (path, seconds to make, if made)."""
    source = generate.cached_store(spec).path
    target = source.with_name(f"{source.stem}-vectors.db")
    if target.exists():
        return target, None
    started = time.perf_counter()
    partial = target.with_suffix(".partial")
    shutil.copyfile(source, partial)
    store = Store(partial)
    try:
        texts = store.run_sync(_distinct_question_texts)
        made = np.vstack([encoder.encode(texts[at : at + 256]) for at in range(0, len(texts), 256)])
        by_text = dict(zip(texts, made, strict=True))
        for _ in range(10_000):  # bounded: every round stores a page
            page = store.run_sync(vectors.pending, STORE_PAGE)
            if not page:
                break
            store.run_sync(vectors.save, page, np.stack([by_text[p.text] for p in page]))
    finally:
        store.close()
    partial.rename(target)
    return target, time.perf_counter() - started


def _distinct_question_texts(db: Database) -> list[str]:
    return [
        t
        for (t,) in db.execute(
            "SELECT DISTINCT body_text FROM comments WHERE is_question = 1 AND is_mine = 0 "
            "AND deleted = 0"
        )
    ]


async def _timings(path: Path, encoder: Encoder) -> dict[str, list[float]]:
    store = Store(path)
    hub = events.Events()
    grouping, inbox = Grouping(store, hub), Inbox(store, hub)
    found: dict[str, list[float]] = defaultdict(list)
    try:
        open_ids = await store.read(vectors.open_question_ids)
        seeds = random.Random(14).sample(open_ids, min(SEEDS, len(open_ids)))
        await grouping.matches(seeds[0])  # word counts and the first read: once per session
        for written in (False, True):
            after = " after a write" if written else ""
            for seed in seeds:
                if written:
                    await store.run(_touch)
                started, cpu = time.perf_counter(), time.process_time()
                matches = await grouping.matches(seed)
                await inbox.rows([seed, *(m.comment_id for m in matches)])
                found["group" + after].append((time.perf_counter() - started) * 1000)
                found["cpu:group" + after].append((time.process_time() - cpu) * 1000)
                if not written:  # M: the same group ranked again by its first rows, ticked
                    ticked = [m.comment_id for m in matches[:MOST_CONFIRMED]]
                    started = time.perf_counter()
                    again = await grouping.matches(seed, ticked)
                    await inbox.rows([seed, *ticked, *(m.comment_id for m in again)])
                    found["again"].append((time.perf_counter() - started) * 1000)
            for _ in range(5):
                if written:
                    await store.run(_touch)
                started, cpu = time.perf_counter(), time.process_time()
                await grouping.themes()
                found["themes" + after].append((time.perf_counter() - started) * 1000)
                found["cpu:themes" + after].append((time.process_time() - cpu) * 1000)
        texts = [f"Will the {w} policy change for people in {p}?" for w, p in _words(BATCH)]
        started = time.perf_counter()
        encoder.encode(texts)
        found["page"].append((time.perf_counter() - started) * 1000)
    finally:
        await grouping.close()
        await asyncio.to_thread(store.close)
    return found


def _touch(db: Database) -> None:
    """A small real write, as a page of a sync makes (the caches read the store again).

    It must change a value: SQLite writes nothing for an update to the same value, and
    then the store's ``data_version`` stays as it was."""
    db.execute(
        "UPDATE comments SET version = version + 1 WHERE id = (SELECT min(id) FROM comments)"
    )


def _words(n: int) -> list[tuple[str, str]]:
    topics = ["travel", "parking", "pension", "hiring", "bonus", "leave", "laptop", "office"]
    places = ["Leeds", "Berlin", "Madrid", "Dublin", "Lyon", "Austin", "Pune", "Oslo"]
    return [(topics[i % len(topics)], places[i // len(topics) % len(places)]) for i in range(n)]


def lines(spec: Spec, encoder: Encoder) -> list[Line]:
    path, made_s = vectored_store(spec, encoder)
    how = "cached" if made_s is None else f"made in {made_s:.0f} s"
    print(f"grouping store: {path.name} (vectors {how})")
    t = asyncio.run(_timings(path, encoder))
    size = f"{spec.comments // 1000:,}k"
    table = []
    for what, label in (("group", "a group (G)"), ("themes", "Themes")):
        for after in ("", " after a write"):
            times = t[what + after]
            table.append(
                Line(
                    f"grouping: open {label} on {size}{after}, median of {len(times)}",
                    statistics.median(times),
                    "ms",
                    "group-open",
                    note=f"worst {max(times):.1f} ms; CPU time median "
                    f"{statistics.median(t['cpu:' + what + after]):.1f} ms",
                )
            )
    again = t["again"]
    table.append(
        Line(
            f"grouping: rank a group again by {MOST_CONFIRMED} ticked (M) on "
            f"{size}, median of {len(again)}",
            statistics.median(again),
            "ms",
            "group-open",
            note=f"worst {max(again):.1f} ms; off the UI thread",
        )
    )
    table.append(
        Line(
            f"grouping: vectors for one synced page ({BATCH} questions), off the UI thread",
            t["page"][0],
            "ms",
        )
    )
    return table
