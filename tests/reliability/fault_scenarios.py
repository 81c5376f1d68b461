"""The network faults the reliability tests play, shared by the core test
(``test_network_faults.py``) and the Qt responsiveness test (``tests/ui/``).

Each scenario is one fault, from the sandbox server (429, 5xx, malformed bodies) or from
the fault-injecting proxy in front of it (resets, stalls, drips, cuts, 20 MB bodies,
latency spikes), aimed at two places:

* the pull: it lasts until ``end()``, so every pass of the sync loop meets it (the proxy
  hits the change feed ``GET /api/v1/comments``; the server, which matches by path prefix
  only, hits ``GET /api/v1/posts``, the first request of every pull);
* writes (``POST``): the next ``WRITE_HITS`` of them, then it is over by itself. The
  outbox retries an item at once while its backoff is under a second (timestamps have
  whole seconds), so a write fault that never ended would use up the item's tries
  before the test could end it.

``pull_says`` / ``push_says`` are the words the sync report and the outbox item's error
must contain while the fault lasts: a failure is reported as what it is, not as a generic
"sync failed". ``Watch`` records what the engine reports the moment it reports it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from app import events
from app.events import Events
from app.sandbox import SandboxServer
from app.store import Store, outbox

if TYPE_CHECKING:
    from reliability.tcp_proxy import FaultProxy

PULL = "/api/v1/comments"  # the change feed (exact path: not one comment, not its replies)
SERVER_PULL = "/api/v1/posts"  # the pull's first request; no write touches it
#: Per-request bounds of the connector under test. The proxy drips one byte a second, so
#: the httpx read timeout (READ_TIMEOUT_S) never fires on a drip: only the deadline does.
READ_TIMEOUT_S = 2.0
DEADLINE_S = 0.5
WRITE_HITS = 2  # writes a fault hits before it ends by itself
STORM = 100_000  # "count" of a server fault that lasts until clear_faults()

Start = Callable[[SandboxServer, "FaultProxy"], None]


@dataclass(frozen=True)
class Scenario:
    name: str
    on_pull: Start
    on_write: Start
    pull_says: str
    push_says: str

    def start(self, server: SandboxServer, proxy: FaultProxy) -> None:
        self.on_pull(server, proxy)
        self.on_write(server, proxy)

    def end(self, server: SandboxServer, proxy: FaultProxy) -> None:
        server.clear_faults()
        proxy.clear_faults()


def _proxy(kind: str, says: str, **options: object) -> dict:
    def on_pull(server: SandboxServer, proxy: FaultProxy) -> None:
        proxy.add_fault(kind, None, method="GET", path=PULL, **options)

    def on_write(server: SandboxServer, proxy: FaultProxy) -> None:
        proxy.add_fault(kind, WRITE_HITS, method="POST", **options)

    return {"on_pull": on_pull, "on_write": on_write, "pull_says": says, "push_says": says}


def _server(kind: str, says: str, **options: object) -> dict:
    def on_pull(server: SandboxServer, proxy: FaultProxy) -> None:
        server.add_fault(kind, STORM, method="GET", path_prefix=SERVER_PULL, **options)

    def on_write(server: SandboxServer, proxy: FaultProxy) -> None:
        server.add_fault(kind, WRITE_HITS, method="POST", **options)

    return {"on_pull": on_pull, "on_write": on_write, "pull_says": says, "push_says": says}


SCENARIOS = [
    Scenario("latency spike", **_proxy("delay", "timed out", seconds=3 * DEADLINE_S)),
    Scenario("reset before commit", **_proxy("reset_before", "connection reset")),
    Scenario("reset after commit", **_proxy("reset_after", "connection reset")),
    Scenario("stall", **_proxy("stall", "timed out", seconds=10)),
    Scenario("drip", **_proxy("drip", "timed out", seconds=1.0)),
    Scenario("429 storm", **_server("rate_limit", "rate limited")),
    Scenario("429 storm, Retry-After", **_server("rate_limit", "rate limited", retry_after=1)),
    Scenario("5xx", **_server("error", "server error", status=503)),
    Scenario("cut mid-body", **_proxy("cut", "truncated")),
    Scenario("malformed body", **_server("malformed", "not valid JSON")),
    Scenario("20 MB body", **_proxy("huge", "response too large")),
]


def says(text: str | None, words: str) -> bool:
    return text is not None and words.lower() in text.lower()


class Watch:
    """Sync errors and outbox errors as the engine emits them. With a store, each changed
    outbox item is read at once (its error is cleared when it is sent a moment later);
    leave the store out where the reads must not happen on a UI loop."""

    def __init__(self, hub: Events, store: Store | None = None) -> None:
        self.sync_errors: list[str | None] = []
        self.outbox_errors: list[str] = []
        self.changed = asyncio.Event()
        self._store = store
        self.unsubscribe = hub.subscribe(self._on_event)

    def _on_event(self, event: events.Event) -> None:
        if isinstance(event, events.SyncFinished):
            self.sync_errors.append(event.error)
        elif isinstance(event, events.OutboxChanged) and self._store and event.item_id is not None:
            row = self._store.run_sync(outbox.get, event.item_id)
            if row.last_error:
                self.outbox_errors.append(row.last_error)
        self.changed.set()

    def pull_said(self, words: str) -> bool:
        return any(says(error, words) for error in self.sync_errors)

    def push_said(self, words: str) -> bool:
        return any(says(error, words) for error in self.outbox_errors)

    def mark(self) -> int:
        """A point in the sync history; ``clean_since(mark)`` looks only after it."""
        return len(self.sync_errors)

    def clean_since(self, mark: int) -> bool:
        return None in self.sync_errors[mark:]
