"""Grouping as front ends use it: the open questions ranked against one, each with how
sure the ranking is (``matches``: what G shows, and what M shows once rows are ticked),
and the themes of the open questions (``themes``, what the Themes view shows).

Questions get their sentence vector in the background: after each page a sync stores,
and for a store that had none (a backfill, newest first, announced with
``QuestionsIndexed``), in batches of ``BATCH``. The encoder runs in a worker process of
its own (its Python would otherwise hold the GIL away from the window's thread for tens
of milliseconds), made when the first text is encoded: making the pool starts
multiprocessing's resource tracker, a Python process of its own, which has no place on
the way to the window's first paint. Reads and writes go through the store's threads.

Its own modules load numpy (over 100 ms to import): the first call of any method here
imports them on a worker thread (``_loaded``), so neither that import nor a wait for it
ever runs on the window's thread.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
import os
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING

from app import events as ev
from app.domain.grouping import MOST_CONFIRMED, QuestionMatch, Theme
from app.store import Store

if TYPE_CHECKING:  # numpy and the model's code load on first use, not for the window's start
    from concurrent.futures import ProcessPoolExecutor

    from app.store.questions import QuestionMatcher
    from app.text.encoder import Vectors

log = logging.getLogger(__name__)

BATCH = 64
#: What grouping runs, numpy and the encoder's process pool with it (``_loaded``).
HEAVY_MODULES = ("app.store.questions", "concurrent.futures.process")


class Grouping:
    def __init__(self, store: Store, events: ev.Events) -> None:
        self._store = store
        self._events = events
        self._worker: ProcessPoolExecutor | None = None  # made by the first encoding
        self._worker_lock = threading.Lock()  # encodings are submitted from worker threads
        self._matcher_made: QuestionMatcher | None = None
        self._catching_up: asyncio.Task[None] | None = None
        self._again = False
        self._loading: asyncio.Task[None] | None = None
        self._unsubscribe = events.subscribe(self._heard)

    async def _loaded(self) -> None:
        """The grouping's modules, imported on a worker thread the first time."""
        loading = self._loading
        if loading is None:
            loading = self._loading = asyncio.ensure_future(asyncio.to_thread(_import_heavy))
        await asyncio.shield(loading)

    @property
    def _matcher(self) -> QuestionMatcher:
        if self._matcher_made is None:
            from app.store.questions import QuestionMatcher

            self._matcher_made = QuestionMatcher()
        return self._matcher_made

    async def matches(self, comment_id: int, confirmed: Sequence[int] = ()) -> list[QuestionMatch]:
        """Open questions asking what ``comment_id`` asks, best first, with confidence;
        with ``confirmed`` (questions a person ticked as asking the same, in
        ``app.domain.grouping.ranking_order``), ranked by the first ``MOST_CONFIRMED`` of
        them too (``app.text.grouping.fused``), and those left out of the matches."""
        await self._loaded()
        from app.store.questions import ranked_matches
        from app.text import grouping

        asked = [comment_id, *confirmed[:MOST_CONFIRMED]]
        seeds = await self._vectors(asked)
        if not seeds or seeds[0][0] != comment_id:
            return []
        rankings = await self._store.read(ranked_matches, self._matcher, seeds)
        if not confirmed:
            return rankings[0]
        return grouping.fused(rankings, left_out=[*asked, *confirmed])

    async def _vectors(self, comment_ids: list[int]) -> list[tuple[int, Vectors]]:
        """The questions' vectors, in their order: the stored ones, the others made now
        (in one batch); questions that are gone are left out."""
        from app.store import vectors
        from app.text.encoder import from_bytes

        found = await self._store.read(vectors.stored_or_text, comment_ids)
        new = {i: text for i, text in found.items() if isinstance(text, str)}
        made = dict(zip(new, await self._encode(list(new.values())), strict=True)) if new else {}
        seeds = []
        for i in comment_ids:
            kept = found.get(i)
            if isinstance(kept, bytes):
                seeds.append((i, from_bytes([kept])[0]))
            elif kept is not None:
                seeds.append((i, made[i]))
        return seeds

    async def progress(self) -> tuple[int, int]:
        """(questions with a vector, questions in all): a group may miss the others."""
        await self._loaded()
        from app.store import vectors

        return await self._store.read(vectors.progress)

    async def themes(self) -> list[Theme]:
        """Themes of two or more open questions, the newest question first."""
        await self._loaded()
        return await self._store.read(self._matcher.themes)

    def catch_up_soon(self) -> asyncio.Task[None]:
        """Make the missing vectors in the background (once at a time; asked again while
        running, it goes round once more)."""
        if self._catching_up is not None and not self._catching_up.done():
            self._again = True
            return self._catching_up
        self._catching_up = asyncio.get_running_loop().create_task(self._catch_up())
        return self._catching_up

    async def catch_up(self) -> None:
        """Make every missing vector now, and return when none is missing."""
        await self._loaded()
        from app.store import vectors

        await asyncio.shield(self.catch_up_soon())
        if (await self._store.read(vectors.pending, 1)) != []:
            await asyncio.shield(self.catch_up_soon())

    async def _catch_up(self) -> None:
        """Make vectors for every question without one, a batch at a time."""
        await self._loaded()
        from app.store import vectors

        while True:
            self._again = False
            done, total = await self._store.read(vectors.progress)
            for _ in range(total // BATCH + 2):  # bounded: each round stores or ends
                batch = await self._store.read(vectors.pending, BATCH)
                if not batch:
                    break
                made = await self._encode([p.text for p in batch])
                stored = await self._store.run(vectors.save, batch, made)
                done = min(total, done + stored)
                self._events.emit(ev.QuestionsIndexed(done, total))
            if not self._again:
                return

    async def close(self) -> None:
        self._unsubscribe()
        if self._catching_up is not None:
            self._catching_up.cancel()
            await asyncio.gather(self._catching_up, return_exceptions=True)
        if self._worker is not None:
            await asyncio.to_thread(self._worker.shutdown, wait=True, cancel_futures=True)

    async def _encode(self, texts: list[str]) -> Vectors:
        """Encode in the worker process. Submitted from a thread: the first submission
        starts the process, and starting one is not work for the window's thread."""
        from concurrent.futures.process import BrokenProcessPool

        try:
            return await asyncio.to_thread(self._in_worker, texts)
        except BrokenProcessPool:  # the worker died (killed, out of memory): a new one
            log.warning("the sentence encoder's process ended; starting another")
            with self._worker_lock:
                self._worker = None
            return await asyncio.to_thread(self._in_worker, texts)

    def _in_worker(self, texts: list[str]) -> Vectors:
        from app.text.encoder import encode_here

        with self._worker_lock:
            if self._worker is None:
                self._worker = _worker()
            worker = self._worker
        return worker.submit(encode_here, texts).result()

    def _heard(self, event: ev.Event) -> None:
        if isinstance(event, ev.SyncProgress | ev.SyncStarted):
            try:
                self.catch_up_soon()
            except RuntimeError:  # no running loop: a synchronous caller; the next sync will
                log.debug("no event loop to make question vectors on")


def _import_heavy() -> None:
    for name in HEAVY_MODULES:
        importlib.import_module(name)


def _worker() -> ProcessPoolExecutor:
    """One process for the encoder, started on first use ("spawn": no forked Qt or
    database threads; the frozen app's entry calls ``multiprocessing.freeze_support``)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    return ProcessPoolExecutor(
        1, mp_context=multiprocessing.get_context("spawn"), initializer=end_with_parent
    )


def end_with_parent() -> None:
    """In the encoder's process: end it the moment the process that started it ends.

    A Fireside killed (SIGTERM at log-out, SIGKILL, a crash) never shuts its pool down;
    without this its encoder process, model loaded, would live on as an orphan holding the
    parent's stderr. The parent's sentinel becomes ready when the parent is gone, on every
    platform; a daemon thread waits for it."""
    import multiprocessing
    import multiprocessing.connection

    parent = multiprocessing.parent_process()
    if parent is None:  # not a child process: nothing to follow
        return

    def wait_then_end() -> None:
        multiprocessing.connection.wait([parent.sentinel])
        os._exit(0)

    threading.Thread(target=wait_then_end, name="end-with-parent", daemon=True).start()
