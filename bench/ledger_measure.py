"""The relationship ledger and the coverage scorecard on the benchmark store, the way the
window asks for them: through the core's ``Ledger`` (reads on the store's reading
thread, awaited on the Qt loop); the scorecard's window from its creation until its
charts are painted; a person's page as it opens, and its next page of older comments
("Show older comments"). "Now" is the store's newest comment, so the scorecard's weeks
hold the store's latest questions rather than the empty weeks after it was generated."""

from __future__ import annotations

import time
from types import SimpleNamespace

from app.core.ledger import Ledger
from app.domain.ledger import LEDGER_PAGE
from app.store import Store
from bench import qt
from bench.measure import Timings
from bench.report import Line

#: Comments whose author's page is opened (the top of Needs reply).
PAGES = 20
REPEATS = 5


def _newest(store: Store) -> str:
    found: str = store.reader().execute("SELECT MAX(created_at) FROM comments").fetchone()[0]
    return found


def _timed_async(ledger_call) -> float:
    started = time.perf_counter()
    qt.run(ledger_call())
    return (time.perf_counter() - started) * 1000


def _scorecard_window(ledger: Ledger) -> float:
    """ms from building the scorecard's window to its charts painted (``grab`` paints)."""
    from ui.ledger.scorecard import ScorecardDialog

    qt.application()
    core = SimpleNamespace(ledger=ledger)  # the dialog asks the core for .ledger only
    started = time.perf_counter()
    dialog = ScorecardDialog(core, lambda _: None)  # type: ignore[arg-type]
    dialog.resize(1024, 640)
    dialog.show()
    qt.run(qt.until(lambda: dialog.card is not None, what="the scorecard"))
    dialog.grab()
    elapsed = (time.perf_counter() - started) * 1000
    dialog.close()
    dialog.deleteLater()
    return elapsed


def measure(store: Store, comment_ids: list[int]) -> list[Line]:
    newest = _newest(store)
    ledger = Ledger(store, clock=lambda: newest)
    out = Timings()
    for _ in range(REPEATS):
        out.add("scorecard", _timed_async(lambda: ledger.scorecard(8)))
        out.add("waiting", _timed_async(lambda: ledger.waiting_longest(50)))
        out.add("window", _scorecard_window(ledger))
    for cid in comment_ids[:PAGES]:
        out.add("person", _timed_async(lambda c=cid: ledger.person_of(c)))
        page = qt.run(ledger.person_of(cid))
        if page is not None and page.more:
            out.add("older", _timed_async(lambda p=page: ledger.older(p)))
    card = qt.run(ledger.scorecard(8))
    sizes = f"{card.total.asked:,} questions in 8 weeks, {len(card.by_post)} post groups"
    return [
        Line(
            "scorecard: core read, 8 weeks (worker thread)",
            out.median("scorecard"),
            "ms",
            note=sizes,
        ),
        Line(
            "scorecard: window built, read, charts painted",
            out.median("window"),
            "ms",
            "scorecard",
            f"worst {max(out.samples['window']):.0f} ms",
        ),
        Line("people waiting longest: core read (50)", out.median("waiting"), "ms"),
        Line(
            "a person's page: core read",
            out.median("person"),
            "ms",
            note=f"median of {len(out.samples['person'])} people; what the page reads on "
            f"opening: the newest {LEDGER_PAGE} and every one waiting",
        ),
        Line(
            "a person's page: next older page",
            out.median("older") if "older" in out.samples else None,
            "ms",
            note=f"median of {len(out.samples.get('older', []))} people with more",
        ),
    ]
