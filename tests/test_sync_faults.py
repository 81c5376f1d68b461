"""The sync engine against the real sandbox server on 127.0.0.1, with faults injected.

Exactly-once is checked on the server's side: its comment count and its request log
(every POST carrying an item's idempotency key, and whether it was committed).
"""

from __future__ import annotations

import asyncio
import itertools
import shutil
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import httpx
import pytest

from app import events
from app.domain import Account, DraftState, ErrorKind, OutboxKind
from app.events import Events
from app.networks.sandbox import SandboxNetwork
from app.sandbox import SandboxServer
from app.store import Store, accounts, drafts, outbox
from app.sync import Backoff, SyncEngine
from app.sync.reasons import held_text
from app.timeutil import in_seconds

pytest_plugins = ["sandbox_fixtures"]

ACCOUNT = "sb"
FAST = Backoff(base=0.002, cap=0.01, max_attempts=6)
#: Retries fall due at once, for a test that needs an item's every try in one push (a wait
#: of a few milliseconds can outlast a fast machine's whole pass).
AT_ONCE = Backoff(base=0, cap=0, max_attempts=FAST.max_attempts)


def make_network(server: SandboxServer, timeout: float = 0.5) -> SandboxNetwork:
    """A connector with a short timeout, so a hanging server looks like a lost answer fast."""
    return SandboxNetwork(httpx.AsyncClient(timeout=timeout), server.url, server.token)


def open_store(path: Path, server: SandboxServer) -> Store:
    store = Store(path)
    store.run_sync(accounts.add_account, Account(ACCOUNT, "sandbox", "Sandbox", server.url))
    return store


@pytest.fixture(scope="module")
def synced_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database after a full first sync of a fresh sandbox. Every sandbox starts from the
    same seed, so push tests copy this instead of each pulling ~2,000 comments."""
    directory = tmp_path_factory.mktemp("synced")
    with SandboxServer(directory / "sandbox", token="synced") as server:
        store = open_store(directory / "fireside.db", server)

        async def first_sync():
            network = make_network(server)
            try:
                return await SyncEngine(store, Events(), {ACCOUNT: network}).pull(ACCOUNT)
            finally:
                await network.aclose()

        report = asyncio.run(first_sync())
        store.close()
    assert report.error is None, report.error
    return directory / "fireside.db"


@pytest.fixture
def store(tmp_path: Path, sandbox_server: SandboxServer):
    """An empty database (for pull tests)."""
    store = open_store(tmp_path / "fireside.db", sandbox_server)
    yield store
    store.close()


@pytest.fixture
def synced(tmp_path: Path, synced_db: Path):
    """A database that has already pulled everything the fresh sandbox holds."""
    shutil.copy(synced_db, tmp_path / "synced.db")
    store = Store(tmp_path / "synced.db")
    yield store
    store.close()


@pytest.fixture
def hub() -> Events:
    return Events()


@pytest.fixture
async def engine(store, hub, sandbox_server) -> AsyncIterator[SyncEngine]:
    """An engine over the empty database."""
    network = make_network(sandbox_server)
    yield SyncEngine(store, hub, {ACCOUNT: network}, backoff=FAST)
    await network.aclose()


@pytest.fixture
async def pusher(synced, hub, sandbox_server) -> AsyncIterator[SyncEngine]:
    """An engine over the synced database."""
    network = make_network(sandbox_server)
    yield SyncEngine(synced, hub, {ACCOUNT: network}, backoff=FAST)
    await network.aclose()


@pytest.fixture
async def eager_pusher(synced, hub, sandbox_server) -> AsyncIterator[SyncEngine]:
    """An engine over the synced database whose retries fall due at once."""
    network = make_network(sandbox_server)
    yield SyncEngine(synced, hub, {ACCOUNT: network}, backoff=AT_ONCE)
    await network.aclose()


@pytest.fixture
def changed(hub: Events) -> asyncio.Event:
    """Set on every event the engine emits, so tests wait on conditions, not on time."""
    flag = asyncio.Event()
    hub.subscribe(lambda event: flag.set())
    return flag


async def until(changed: asyncio.Event, condition: Callable[[], bool]) -> None:
    async with asyncio.timeout(10):
        while not condition():
            changed.clear()
            await changed.wait()


OPEN_COMMENTS = """
    SELECT c.id, c.remote_id, c.version, p.remote_id AS post_remote_id
    FROM comments c JOIN posts p ON p.id = c.post_id
    WHERE c.is_mine = 0 AND c.deleted = 0 AND c.answered = 0
      AND NOT EXISTS (SELECT 1 FROM comments r
                      WHERE r.account_id = c.account_id AND r.parent_remote_id = c.remote_id)
    ORDER BY c.id LIMIT ?"""


def open_comments(store: Store, count: int) -> list[dict]:
    """Unanswered comments by others that nobody replied to yet, oldest first."""
    return store.run_sync(lambda db: [dict(r) for r in db.query(OPEN_COMMENTS, [count])])


def queue_replies(store: Store, targets: list[dict]) -> list[int]:
    def enqueue(db):
        return [
            outbox.enqueue(
                db,
                OutboxKind.REPLY,
                ACCOUNT,
                f"Thanks for asking ({t['id']})",
                post_remote_id=t["post_remote_id"],
                target_remote_id=t["remote_id"],
                comment_id=t["id"],
                expected_version=t["version"],
            )
            for t in targets
        ]

    return store.run_sync(enqueue)


def item(store: Store, item_id: int) -> dict:
    return store.run_sync(outbox.get, item_id)


def posts_with_key(server: SandboxServer, key: str) -> list[dict]:
    return [r for r in server.requests() if r["idempotency_key"] == key and r["method"] == "POST"]


def assert_delivered_once(store: Store, server: SandboxServer, item_ids: list[int]) -> None:
    for item_id in item_ids:
        row = item(store, item_id)
        assert row.state == "sent", row
        assert sum(r["committed"] for r in posts_with_key(server, row.idempotency_key)) == 1
        replies = server.state.replies(row.target_remote_id)
        assert [r["id"] for r in replies if r["author"]["id"] == "u1"] == [row.remote_id]


def synced_at(store: Store, account_id: str) -> str | None:
    """When the account last synced without an error (None: never)."""
    found = [a for a in store.run_sync(accounts.list_accounts) if a.id == account_id]
    return found[0].last_sync_at


def answerable(store: Store, server: SandboxServer, count: int) -> tuple[list[dict], int]:
    """``count`` open comments to answer, and how many comments the server holds now."""
    return open_comments(store, count), server.stats()["comments"]


# -- pull ------------------------------------------------------------------------------------


async def test_pull_resumes_after_losing_the_server_mid_sync(engine, store, hub, sandbox_server):
    total = sandbox_server.stats()["comments"]

    def lose_server(event: events.Event) -> None:  # the Wi-Fi drops after page one
        if isinstance(event, events.SyncProgress):
            unsubscribe()
            sandbox_server.stop()

    unsubscribe = hub.subscribe(lose_server)
    report = await engine.pull(ACCOUNT)

    assert report.error and "Cannot reach" in report.error and not engine.online
    saved = store.run_sync(accounts.get_cursor, ACCOUNT, "comments")
    assert saved is not None and 0 < report.fetched < total
    assert store.run_sync(accounts.list_accounts)[0].last_sync_at is None

    sandbox_server.start()
    sandbox_server.reset_log()
    report = await engine.pull(ACCOUNT)

    assert report.error is None and engine.online
    pulls = [r for r in sandbox_server.requests() if r["path"] == "/api/v1/comments"]
    assert f"since={saved.partition('|')[0]}" in pulls[0]["query"]
    stored = store.run_sync(lambda db: db.execute("SELECT COUNT(*) FROM comments").fetchone()[0])
    assert stored == total

    sandbox_server.reset_log()
    assert (await engine.pull(ACCOUNT)).fetched == 0  # nothing changed: nothing transferred
    sandbox_server.simulate_comments(3)
    assert (await engine.pull(ACCOUNT)).fetched == 3


async def test_pull_survives_storms_and_garbled_pages(engine, store, sandbox_server):
    sandbox_server.add_fault("rate_limit", count=2, method="GET", retry_after=0)
    sandbox_server.add_fault("error", count=2, method="GET", status=502)
    sandbox_server.add_fault("malformed", method="GET", path_prefix="/api/v1/comments")
    sandbox_server.add_fault("truncate", method="GET", path_prefix="/api/v1/comments")

    report = await engine.pull(ACCOUNT)

    assert report.error is None, report.error
    assert report.fetched == sandbox_server.stats()["comments"]
    assert sandbox_server.faults.pending() == []


async def test_a_bad_item_is_reported_and_the_rest_synced(engine, store, sandbox_server):
    sandbox_server.add_fault("bad_item", method="GET", path_prefix="/api/v1/comments", item_index=3)

    report = await engine.pull(ACCOUNT)

    total = sandbox_server.stats()["comments"]
    assert report.fetched == total - 1 and len(report.item_errors) == 1
    # Skipped, not failed: everything else was synced and no person can fix it.
    assert "malformed" in report.item_errors[0] and report.error is None
    assert store.run_sync(accounts.list_accounts)[0].last_sync_error == report.error


# -- push: exactly once ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "fault",
    [
        {"kind": "drop"},  # committed, then the socket closed: no response at all
        {"kind": "hang", "apply": True, "hang_s": 2.0},  # committed, client times out
        {"kind": "truncate"},  # committed, half a body
        {"kind": "malformed"},  # committed, body is not JSON
    ],
)
async def test_write_committed_but_answer_lost_is_not_duplicated(
    pusher, synced, sandbox_server, fault
):
    targets, before = answerable(synced, sandbox_server, 1)
    [item_id] = queue_replies(synced, targets)
    sandbox_server.add_fault(**fault, method="POST", path_prefix="/api/v1/comments/")

    assert await pusher.push(ACCOUNT) == Counter({"sent": 1})

    row = item(synced, item_id)
    assert len(posts_with_key(sandbox_server, row.idempotency_key)) == 1  # looked up
    lookups = [r for r in sandbox_server.requests() if r["path"].startswith("/api/v1/writes/")]
    assert len(lookups) == 1
    assert sandbox_server.stats()["comments"] == before + 1
    assert_delivered_once(synced, sandbox_server, [item_id])


async def test_5xx_storm_on_writes_drains_without_loss_or_duplicates(
    pusher, synced, sandbox_server
):
    targets, before = answerable(synced, sandbox_server, 3)
    ids = queue_replies(synced, targets)
    sandbox_server.add_fault("error", count=3, method="POST", status=503)
    sandbox_server.add_fault("error", count=2, method="GET", status=500)

    report = await pusher.sync(ACCOUNT)

    assert report.outbox == Counter({"sent": 3}) and report.error is None
    assert sandbox_server.stats()["comments"] == before + 3
    assert_delivered_once(synced, sandbox_server, ids)
    answered = synced.run_sync(
        lambda db: db.execute(
            "SELECT COUNT(*) FROM comments WHERE answered = 1 AND id IN (?, ?, ?)",
            [t["id"] for t in targets],
        ).fetchone()[0]
    )
    assert answered == 3


async def test_endless_answer_loss_fails_as_unknown_and_retry_looks_it_up(
    eager_pusher, synced, sandbox_server
):
    pusher = eager_pusher
    targets, before = answerable(synced, sandbox_server, 1)
    [item_id] = queue_replies(synced, targets)
    sandbox_server.add_fault("drop", method="POST")  # landed, answer lost...
    sandbox_server.add_fault(
        "error", count=FAST.max_attempts, method="GET", status=502, path_prefix="/api/v1/writes/"
    )

    assert await pusher.push(ACCOUNT) == Counter({"failed": 1})  # ...and look-ups fail

    row = item(synced, item_id)
    assert (row.error_kind, row.attempts) == ("unknown", FAST.max_attempts)
    synced.run_sync(outbox.retry, item_id)  # a fresh set of tries: one more 502, then found
    assert await pusher.push(ACCOUNT) == Counter({"sent": 1})
    assert len(posts_with_key(sandbox_server, row.idempotency_key)) == 1
    assert sandbox_server.stats()["comments"] == before + 1
    assert_delivered_once(synced, sandbox_server, [item_id])


async def test_429_storm_with_retry_after_is_honoured(pusher, synced, sandbox_server):
    targets, before = answerable(synced, sandbox_server, 3)
    ids = queue_replies(synced, targets)
    sandbox_server.reset_log()
    sandbox_server.add_fault("rate_limit", count=2, retry_after=1)

    assert await pusher.push(ACCOUNT) == Counter({"sent": 3})

    log = sandbox_server.requests()
    for limited, following in itertools.pairwise(log[:3]):
        assert limited["status"] == 429
        assert following["at"] - limited["at"] >= 0.95
    assert sandbox_server.stats()["comments"] == before + 3
    assert_delivered_once(synced, sandbox_server, ids)
    assert all(item(synced, i).attempts == 1 for i in ids)  # 429s used up no attempt


async def test_429_storm_without_retry_after_backs_off_and_drains(pusher, synced, sandbox_server):
    targets, before = answerable(synced, sandbox_server, 4)
    ids = queue_replies(synced, targets)
    sandbox_server.add_fault("rate_limit", count=15)

    report = await pusher.sync(ACCOUNT)

    assert report.outbox == Counter({"sent": 4}) and report.error is None
    assert sandbox_server.stats()["comments"] == before + 4
    assert_delivered_once(synced, sandbox_server, ids)


async def test_real_rate_limiter_is_paced_to_and_never_hit(pusher, synced, sandbox_server):
    targets, before = answerable(synced, sandbox_server, 2)
    ids = queue_replies(synced, targets)
    sandbox_server.set_rate_limit(4, 1.0)  # 4 requests a second; each reply needs three

    assert await pusher.push(ACCOUNT) == Counter({"sent": 2})

    # The first answer's RateLimit headers told the new limit; the rest waited for it.
    assert [r["status"] for r in sandbox_server.requests()].count(429) == 0
    assert sandbox_server.stats()["comments"] == before + 2
    assert_delivered_once(synced, sandbox_server, ids)


# -- offline -----------------------------------------------------------------------------------


async def test_offline_items_wait_and_go_out_once_when_back(
    pusher, synced, hub, changed, sandbox_server
):
    targets, before = answerable(synced, sandbox_server, 2)
    online: list[tuple[bool, str]] = []
    hub.subscribe(
        lambda e: (
            online.append((e.online, e.reason)) if isinstance(e, events.OnlineChanged) else None
        )
    )
    sandbox_server.stop()
    ids = queue_replies(synced, targets)

    runner = asyncio.create_task(pusher.run(interval=3600))
    try:
        await until(changed, lambda: not pusher.online)
        assert [item(synced, i).state for i in ids] == ["queued", "queued"]
        assert all(item(synced, i).attempts == 0 for i in ids)
        assert "Cannot reach" in online[0][1]

        sandbox_server.start()  # same port, same state
        await until(changed, lambda: all(item(synced, i).state == "sent" for i in ids))
        assert [o for o, _ in online] == [False, True]
    finally:
        pusher.stop()
        await asyncio.wait_for(runner, 10)
    assert sandbox_server.stats()["comments"] == before + 2
    assert_delivered_once(synced, sandbox_server, ids)


@pytest.fixture
def far_server(tmp_path: Path, sandbox_template: Path) -> Iterator[tuple[SandboxServer, str]]:
    """A second sandbox server, stopped, and the URL it serves on once started again."""
    shutil.copytree(sandbox_template, tmp_path / "far")
    server = SandboxServer(tmp_path / "far", token="far", rate_limit=(1000, 10.0))
    url = server.start().url  # its port is kept when it starts again
    server.stop()
    try:
        yield server, url
    finally:
        server.stop()


async def test_one_sandbox_down_the_other_keeps_sending_and_it_recovers_by_itself(
    synced, hub, changed, sandbox_server, far_server
):
    """Two sandbox servers, one stopped: the loop keeps sending through the other, only
    probes the stopped one, and syncs it as soon as it is back, without a wake-up."""
    far, url = far_server
    synced.run_sync(accounts.add_account, Account("far", "sandbox", "Far sandbox", url))
    near_network = make_network(sandbox_server)
    far_network = SandboxNetwork(httpx.AsyncClient(timeout=0.5), url, "far")
    engine = SyncEngine(synced, hub, {ACCOUNT: near_network, "far": far_network}, backoff=FAST)
    reachability: list[tuple[str, bool]] = []
    hub.subscribe(
        lambda e: (
            reachability.append((e.account_id, e.online))
            if isinstance(e, events.OnlineChanged)
            else None
        )
    )
    targets, before = answerable(synced, sandbox_server, 2)
    first = queue_replies(synced, targets[:1])
    runner = asyncio.create_task(engine.run(interval=3600))
    try:
        await until(
            changed,
            lambda: not engine.reachable("far") and item(synced, first[0]).state == "sent",
        )
        assert engine.online and "Cannot reach" in engine.unreachable()["far"]

        second = queue_replies(synced, targets[1:])
        engine.wake()
        await until(changed, lambda: item(synced, second[0]).state == "sent")
        assert not engine.reachable("far")

        far.start()  # same port, same state
        await until(
            changed,
            lambda: engine.reachable("far") and synced_at(synced, "far") is not None,
        )
        assert reachability == [("far", False), ("far", True)]
    finally:
        engine.stop()
        await asyncio.wait_for(runner, 10)
        await near_network.aclose()
        await far_network.aclose()
    assert sandbox_server.stats()["comments"] == before + 2
    assert_delivered_once(synced, sandbox_server, first + second)


# -- pre-send check ----------------------------------------------------------------------------


async def test_thread_moved_meanwhile_holds_the_reply(pusher, synced, sandbox_server):
    targets, before = answerable(synced, sandbox_server, 4)
    deleted, edited, answered, untouched = ids = queue_replies(synced, targets)
    sandbox_server.simulate_delete(targets[0]["remote_id"])
    sandbox_server.simulate_edit(targets[1]["remote_id"])
    sandbox_server.simulate_my_reply(targets[2]["remote_id"])

    assert await pusher.push(ACCOUNT) == Counter({"held": 3, "sent": 1})

    kinds = ["deleted", "edited", "answered"]
    assert [item(synced, i).error_kind for i in ids[:3]] == kinds
    assert [item(synced, i).last_error for i in ids[:3]] == [held_text(ErrorKind(k)) for k in kinds]
    assert sandbox_server.stats()["comments"] == before + 2  # the web answer and ours
    assert_delivered_once(synced, sandbox_server, [untouched])

    synced.run_sync(outbox.retry, edited)  # the user read the edit and sends anyway
    assert await pusher.push(ACCOUNT) == Counter({"sent": 1})
    assert_delivered_once(synced, sandbox_server, [edited])
    assert item(synced, deleted).state == item(synced, answered).state == "held"


# -- crash recovery and scheduled posts --------------------------------------------------------


async def test_crash_after_the_request_left_is_resolved_by_look_up(synced, hub, sandbox_server):
    [item_id] = queue_replies(synced, open_comments(synced, 1))
    claimed = synced.run_sync(outbox.claim_due, ACCOUNT)
    network = make_network(sandbox_server)
    try:
        sent = await network.reply(  # the request left and was committed; then Fireside died
            claimed.post_remote_id,
            claimed.target_remote_id,
            claimed.body,
            claimed.text_format,
            claimed.idempotency_key,
        )
        restarted = SyncEngine(synced, hub, {ACCOUNT: network}, backoff=FAST)
        assert await restarted.push(ACCOUNT) == Counter({"sent": 1})
    finally:
        await network.aclose()

    assert item(synced, item_id).remote_id == sent.remote_id
    assert_delivered_once(synced, sandbox_server, [item_id])


async def test_scheduled_draft_is_published_once_by_the_loop(
    engine, store, changed, sandbox_server
):
    posts_before = sandbox_server.stats()["posts"]
    draft_id = store.run_sync(drafts.create, "Q3 priorities", "Three things matter.", [ACCOUNT])
    store.run_sync(drafts.set_state, draft_id, DraftState.SCHEDULED, in_seconds(-1))

    runner = asyncio.create_task(engine.run(interval=3600))
    try:
        await until(changed, lambda: store.run_sync(drafts.get, draft_id).state == "published")
    finally:
        engine.stop()
        await asyncio.wait_for(runner, 10)

    assert sandbox_server.stats()["posts"] == posts_before + 1
    creates = [
        r
        for r in sandbox_server.requests()
        if (r["method"], r["path"]) == ("POST", "/api/v1/posts")
    ]
    assert len(creates) == 1 and creates[0]["committed"]
