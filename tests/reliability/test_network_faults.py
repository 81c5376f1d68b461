"""Network faults through the real sandbox server and a fault-injecting proxy (issue 4, 2).

Fireside talks to the sandbox server through ``FaultProxy`` (tcp_proxy.py), which breaks
the wire: resets before and after the server commits, stalls, one byte a second, bodies
cut short or 20 MB long, latency spikes. The server adds its own 429 storms (with and
without Retry-After), 5xx and malformed bodies. ``tests/test_sync_faults.py`` shows each
server fault once with the engine called by hand; here the engine's own loop
(``SyncEngine.run``) keeps syncing through every fault (fault_scenarios.py) and each
scenario shows three things:

* the failure is reported as what it is: the sync report and the outbox item name it
  ("timed out", "connection reset", "rate limited", "response too large", ...);
* nothing is written twice: the server's request log holds exactly one committed write
  for the reply's idempotency key, and the server exactly one reply;
* once the fault ends, the loop recovers by itself: the reply goes out, a clean sync
  follows and the local copy matches the server again.

Then the connector's two bounds are checked on their own: an overall deadline per request
(a server that drips a byte a second beats httpx's read timeout, which restarts with every
byte) and a cap on the size of an answer (read in pieces, never buffered whole).
"""

from __future__ import annotations

import asyncio
import itertools
import shutil
import time
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import httpx
import pytest
from reliability.fault_scenarios import (
    DEADLINE_S,
    READ_TIMEOUT_S,
    SCENARIOS,
    Scenario,
    Watch,
    says,
)
from reliability.tcp_proxy import FaultProxy

from app.domain import Account, OutboxKind
from app.errors import BadResponse, NetworkError, OutcomeUnknown
from app.events import Events
from app.networks.http import MAX_RESPONSE_BYTES
from app.networks.http import retry_after as _retry_after
from app.networks.sandbox import SandboxNetwork
from app.sandbox import SandboxServer
from app.store import Store, accounts, outbox
from app.sync import Backoff, SyncEngine

ACCOUNT = "sb"
#: Tiny delays; four tries per read. A Retry-After over max_wait ends the pass instead of
#: being slept through, so a 1 s Retry-After shows up as "rate limited" in the report.
FAST = Backoff(base=0.002, cap=0.01, max_attempts=4, max_wait=0.5)
LOOP_INTERVAL_S = 0.05
NEW_COMMENTS = 3


def make_network(
    url: str, token: str, *, read_timeout: float = READ_TIMEOUT_S, deadline: float = DEADLINE_S
) -> SandboxNetwork:
    client = httpx.AsyncClient(timeout=httpx.Timeout(read_timeout, connect=2.0))
    return SandboxNetwork(client, url, token, deadline=deadline)


@pytest.fixture(scope="module")
def synced_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database after a full first sync of a fresh sandbox (every sandbox starts from the
    same seed, so each test copies this instead of pulling ~2,200 comments again)."""
    directory = tmp_path_factory.mktemp("faults-synced")
    with SandboxServer(directory / "sandbox", token="synced") as server:
        store = Store(directory / "fireside.db")
        store.run_sync(accounts.add_account, Account(ACCOUNT, "sandbox", "Sandbox", server.url))

        async def first_sync():
            network = make_network(server.url, server.token, deadline=60.0)
            try:
                return await SyncEngine(store, Events(), {ACCOUNT: network}).pull(ACCOUNT)
            finally:
                await network.aclose()

        report = asyncio.run(first_sync())
        store.close()
    assert report.error is None, report.error
    return directory / "fireside.db"


@pytest.fixture
def store(tmp_path: Path, synced_db: Path) -> Iterator[Store]:
    shutil.copy(synced_db, tmp_path / "fireside.db")
    opened = Store(tmp_path / "fireside.db")
    yield opened
    opened.close()


@pytest.fixture
def proxy(sandbox_server: SandboxServer) -> Iterator[FaultProxy]:
    with FaultProxy(sandbox_server.url) as started:
        yield started


@pytest.fixture
async def network(proxy: FaultProxy, sandbox_server: SandboxServer) -> AsyncIterator:
    made = make_network(proxy.url, sandbox_server.token)
    yield made
    await made.aclose()


@pytest.fixture
def hub() -> Events:
    return Events()


@pytest.fixture
def engine(store: Store, hub: Events, network: SandboxNetwork) -> SyncEngine:
    return SyncEngine(store, hub, {ACCOUNT: network}, backoff=FAST)


async def until(watch: Watch, condition: Callable[[], bool]) -> None:
    """Wait, event by event, until ``condition`` holds (15 s at most)."""
    async with asyncio.timeout(15):
        while not condition():
            watch.changed.clear()
            await watch.changed.wait()


def queue_reply(store: Store) -> dict:
    """One reply to an open comment nobody answered yet; returns its outbox row."""

    def enqueue(db) -> int:
        target = db.execute(
            """SELECT c.id, c.remote_id, c.version, p.remote_id FROM comments c
            JOIN posts p ON p.id = c.post_id
            WHERE c.is_mine = 0 AND c.deleted = 0 AND c.answered = 0 AND NOT EXISTS (
                SELECT 1 FROM comments r WHERE r.parent_remote_id = c.remote_id)
            ORDER BY c.id LIMIT 1"""
        ).fetchone()
        return outbox.enqueue(
            db,
            OutboxKind.REPLY,
            ACCOUNT,
            "Thank you; we will come back to this on Friday.",
            post_remote_id=target[3],
            target_remote_id=target[1],
            comment_id=target[0],
            expected_version=target[2],
        )

    return store.run_sync(lambda db: outbox.get(db, enqueue(db)))


def item(store: Store, item_id: int) -> dict:
    return store.run_sync(outbox.get, item_id)


def local_comments(store: Store) -> int:
    return store.run_sync(lambda db: db.execute("SELECT COUNT(*) FROM comments").fetchone()[0])


def assert_written_once(server: SandboxServer, row: dict) -> None:
    """One committed POST carries the key (others were rejected, replayed or never got
    through), and the comment holds exactly one reply by the executive."""
    posts = [
        r
        for r in server.requests()
        if r["method"] == "POST" and r["idempotency_key"] == row.idempotency_key
    ]
    assert sum(r["committed"] for r in posts) == 1, posts
    mine = [r for r in server.state.replies(row.target_remote_id) if r["author"]["id"] == "u1"]
    assert [r["id"] for r in mine] == [row.remote_id]


# -- every fault, lasting until it ends, under the engine's own loop ---------------------------


@pytest.fixture
def servers(sandbox_server: SandboxServer, proxy: FaultProxy) -> tuple[SandboxServer, FaultProxy]:
    return sandbox_server, proxy


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.name)
async def test_fault_is_reported_written_once_and_the_loop_recovers(
    scenario: Scenario, engine, store, hub, servers
):
    sandbox_server, proxy = servers
    row = queue_reply(store)
    sandbox_server.simulate_comments(NEW_COMMENTS)
    before = sandbox_server.stats()["comments"]
    watch = Watch(hub, store)
    scenario.start(sandbox_server, proxy)

    runner = asyncio.create_task(engine.run(interval=LOOP_INTERVAL_S))
    try:
        await until(
            watch,
            lambda: watch.pull_said(scenario.pull_says) and watch.push_said(scenario.push_says),
        )
        assert item(store, row.id).state != "failed"
        scenario.end(sandbox_server, proxy)
        mark = watch.mark()
        await until(
            watch,
            lambda: (
                watch.clean_since(mark)
                and item(store, row.id).state == "sent"
                and local_comments(store) == sandbox_server.stats()["comments"]
            ),
        )
    finally:
        engine.stop()
        await asyncio.wait_for(runner, 10)

    sync_error = next(e for e in watch.sync_errors if says(e, scenario.pull_says))
    push_error = next(e for e in watch.outbox_errors if says(e, scenario.push_says))
    print(f"\n{scenario.name}:\n  sync report: {sync_error}\n  outbox item: {push_error}")
    assert engine.online  # a broken answer is not "offline"
    assert sandbox_server.stats()["comments"] == before + 1
    assert_written_once(sandbox_server, item(store, row.id))
    assert store.run_sync(accounts.list_accounts)[0].last_sync_error is None


async def test_retry_after_is_honoured_during_a_storm(engine, store, hub, sandbox_server):
    """While 429s with Retry-After: 1 keep coming, no request follows one within a second."""
    row = queue_reply(store)
    watch = Watch(hub, store)
    sandbox_server.add_fault("rate_limit", 2, retry_after=1)  # the storm ends by itself

    runner = asyncio.create_task(engine.run(interval=LOOP_INTERVAL_S))
    try:
        await until(watch, lambda: item(store, row.id).state == "sent")
    finally:
        engine.stop()
        await asyncio.wait_for(runner, 10)

    log = sandbox_server.requests()
    assert [r["status"] for r in log[:3]] == [429, 429, 200]
    for limited, following in itertools.pairwise(log[:3]):
        assert following["at"] - limited["at"] >= 0.95
    assert watch.pull_said("rate limited") and watch.push_said("rate limited")
    assert_written_once(sandbox_server, item(store, row.id))


async def test_latency_below_the_deadline_only_slows_the_sync(engine, store, proxy, sandbox_server):
    row = queue_reply(store)
    sandbox_server.simulate_comments(NEW_COMMENTS)
    proxy.set_latency(0.05)  # every request
    proxy.add_fault("delay", 3, seconds=DEADLINE_S / 2)  # and a few spikes on top

    [report] = await engine.sync_all()

    assert report.error is None and report.fetched >= NEW_COMMENTS
    assert report.outbox == {"sent": 1}
    assert [r.fault for r in proxy.requests()[:3]] == ["delay"] * 3
    assert_written_once(sandbox_server, item(store, row.id))


# -- the connector's own bounds ----------------------------------------------------------------


async def test_a_server_that_drips_is_cut_off_by_the_deadline(proxy, sandbox_server):
    """One byte a second beats httpx's read timeout (5 s here), which restarts with every
    byte; the overall deadline ends the request after 1.2 s however the bytes trickle."""
    network = make_network(proxy.url, sandbox_server.token, read_timeout=5.0, deadline=1.2)
    proxy.add_fault("drip", seconds=1.0)
    started = time.monotonic()
    try:
        with pytest.raises(NetworkError, match=r"timed out: no complete answer within 1\.2 s"):
            await network.pull_comments(None)
        elapsed = time.monotonic() - started
    finally:
        await network.aclose()

    [dripped] = proxy.requests()
    assert dripped.fault == "drip" and dripped.forwarded
    assert dripped.sent >= 2  # bytes kept coming, each well inside the read timeout
    assert 1.2 <= elapsed < 2.5, elapsed


@pytest.mark.parametrize("declare_length", [False, True], ids=["chunked", "content-length"])
async def test_a_20_mb_answer_is_refused_without_buffering_it(
    network, proxy, sandbox_server, declare_length
):
    """The server's answer padded with 20 MB of JSON whitespace is still valid JSON: only
    the size cap refuses it. The connector stops reading at the cap (or at once when the
    Content-Length announces too much), so the proxy never gets all 20 MB out."""
    size = 20 * 1024 * 1024
    proxy.add_fault("huge", 2, size=size, declare_length=declare_length)

    with pytest.raises(BadResponse, match="response too large"):
        await network.pull_comments(None)
    with pytest.raises(BadResponse, match="response too large"):  # a write: it did land
        await network.reply("p1", "c8", "Noted.", "text", key="huge-1")
    assert await network.lookup_write("huge-1") is not None  # the outbox settles it so

    for entry in proxy.requests()[:2]:
        assert entry.fault == "huge" and entry.sent < size
    refused = proxy.requests()[0].sent
    print(f"\nbytes the proxy got out before Fireside hung up: {refused:,} of {size:,}")
    if not declare_length:
        assert refused > MAX_RESPONSE_BYTES  # read up to the cap, then refused


async def test_resets_before_and_after_the_commit(network, proxy, sandbox_server):
    """Before: the server never saw the write. After: it committed. Either way Fireside
    cannot know, says so, and the look-up by key tells the two apart."""
    proxy.add_fault("reset_before", method="POST")
    with pytest.raises(OutcomeUnknown, match="connection reset"):
        await network.reply("p1", "c8", "First try.", "text", key="rb-1")
    assert await network.lookup_write("rb-1") is None

    proxy.add_fault("reset_after", method="POST")
    with pytest.raises(OutcomeUnknown, match="connection reset"):
        await network.reply("p1", "c8", "Second try.", "text", key="ra-1")
    assert await network.lookup_write("ra-1") is not None

    posts = [r for r in sandbox_server.requests() if r["method"] == "POST"]
    assert [(r["idempotency_key"], r["committed"]) for r in posts] == [("ra-1", True)]


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("2", 2.0),
        ("inf", None),
        ("nan", None),
        ("-3", None),
        ("soon", None),
        ("1e12", 24 * 3600.0),  # believed only up to a day
        ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0),  # a date in the past: now
    ],
)
def test_hostile_retry_after_values_are_bounded(header: str, seconds: float | None):
    response = httpx.Response(429, headers={"Retry-After": header})
    assert _retry_after(response) == seconds
