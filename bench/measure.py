"""Store-level timings on a copy of the generated store, the way the window calls the store.

Reads go through ``Store.reader()`` (the UI thread's read-only connection: short indexed
reads); the triage action goes through ``Store.run_sync`` (the writer thread, one
transaction, synchronous=FULL), exactly as ``Core.set_triage`` does.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from app.domain import InboxFilter, InboxOrder, InboxView, TriageState, VipTier
from app.store import Store, comments, search, triage

#: What people type: specific words, phrases, a name, and common words and short prefixes
#: (search runs as you type), which match tens of thousands of comments.
SEARCHES = (
    "bonus",
    "reorg",
    "return to office",
    "parking",
    "pension",
    "how does this change",
    "Leeds",
    "transparency",
    "AI features",
    "layoffs",
    "cust",
    "team",
    "thanks",
    "we",
    "th",
)


@dataclass
class Timings:
    """Milliseconds per sample, by what was measured."""

    samples: dict[str, list[float]] = field(default_factory=dict)

    def add(self, name: str, ms: float) -> None:
        self.samples.setdefault(name, []).append(ms)

    def median(self, name: str) -> float:
        return statistics.median(self.samples[name])


def timed(fn: Callable[[], object]) -> float:
    """Milliseconds one call takes."""
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


#: Filters of the inbox's filter bar, as a person combines them.
FILTERS = {
    "senior and up": InboxFilter(min_tier=VipTier.SENIOR),
    "written in the last day": InboxFilter(newer_than_days=1),
    "waiting over a week": InboxFilter(waiting_over_days=7),
    "one network, key and up, newest first": InboxFilter(
        network="wordpress", min_tier=VipTier.KEY, order=InboxOrder.NEWEST
    ),
    "waiting longest first": InboxFilter(order=InboxOrder.LONGEST_WAITING),
}


def measure_views(store: Store, out: Timings, repeats: int = 5) -> None:
    """view_count + first page of view_page, per view (the first call is a cold one)."""
    db = store.reader()
    for view in InboxView:
        for _ in range(repeats):
            out.add(
                f"view:{view}",
                timed(lambda v=view: (comments.view_count(db, v), comments.view_page(db, v))),
            )
        out.add("view:any", out.median(f"view:{view}"))
    for name, narrow in FILTERS.items():  # Needs reply as the filter bar narrows it
        for _ in range(repeats):
            out.add(
                f"view:needs_reply {name}",
                timed(
                    lambda n=narrow: (
                        comments.view_count(db, InboxView.NEEDS_REPLY, None, n),
                        comments.view_page(db, InboxView.NEEDS_REPLY, narrow=n),
                    )
                ),
            )
    out.add("view_counts (all views, one pass)", timed(lambda: comments.view_counts(db)))


def next_item_ids(store: Store, count: int = 150) -> list[int]:
    """The rows a person walks through: the top of Needs reply, in order."""
    return [
        row.id for row in comments.view_page(store.reader(), InboxView.NEEDS_REPLY, limit=count)
    ]


def measure_next_item(store: Store, ids: list[int], out: Timings) -> None:
    """Loading one comment with its thread chain (and the replies under it: what
    ``Inbox.thread`` reads)."""
    db = store.reader()
    for cid in ids:
        out.add("next:chain", timed(lambda c=cid: comments.thread_chain(db, c)))
        out.add("next:chain+replies", timed(lambda c=cid: comments.thread(db, c)))


def measure_search(store: Store, out: Timings, repeats: int = 3) -> None:
    db = store.reader()
    for text in SEARCHES:
        for _ in range(repeats):
            out.add("search", timed(lambda t=text: search.search_comments(db, t)))
            out.add(f"search:{text}", out.samples["search"][-1])


def measure_triage(store: Store, ids: list[int], out: Timings) -> None:
    """set_state on one comment in its own transaction, then undo it (also timed)."""
    for cid in ids:
        out.add(
            "triage", timed(lambda c=cid: store.run_sync(triage.set_state, [c], TriageState.DONE))
        )
        out.add("undo", timed(lambda: store.run_sync(triage.undo_last)))


def measure_store(store: Store) -> Timings:
    """Every store-level measurement on an open store."""
    out = Timings()
    measure_views(store, out)
    ids = next_item_ids(store)
    measure_next_item(store, ids, out)
    measure_search(store, out)
    measure_triage(store, ids[:40], out)
    return out
