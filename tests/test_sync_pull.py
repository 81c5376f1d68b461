"""Pulling comments with cursors, against an in-memory paging network (no HTTP)."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest

from app import events
from app.domain import Account, CommentPage, Person, PullMode, RemoteComment, RemotePost
from app.errors import AuthError, BadResponse, OfflineError, RateLimited
from app.events import Events
from app.store import Store, accounts, comments
from app.sync import Backoff, SyncEngine
from app.sync.engine import COMMENTS_CURSOR

ME = Person("me", "Dana Chief")
POST = RemotePost(
    "p1", "Town hall", "Body", "https://x/p1", "2024-05-01T09:00:00Z", "2024-05-01T09:00:00Z"
)


def remote(n: int, author: Person | None = None, parent: str | None = None) -> RemoteComment:
    author = author or Person(f"u{n}", f"Person {n}")
    return RemoteComment(
        remote_id=f"c{n}",
        post_remote_id="p1",
        parent_remote_id=parent,
        root_remote_id=parent,
        author=author,
        body_html=f"<p>Comment {n}?</p>",
        created_at=f"2024-05-01T10:{n:02d}:00Z",
        edited_at=None,
        version=1,
        is_mine=author is ME,
    )


class PagingNetwork:
    """A log of comments; the cursor is how many of them the caller has seen."""

    def __init__(self, count: int, page_size: int = 2) -> None:
        self.log = [remote(n) for n in range(1, count + 1)]
        self.page_size = page_size
        self.cursors: list[str | None] = []
        self.modes: list[PullMode] = []
        self.faults: dict[str | None, list[Exception]] = {}  # cursor -> raised in turn
        self.item_errors: dict[int, str] = {}  # page number -> error reported with it
        self.whoami_calls = 0

    async def whoami(self) -> Person:
        self.whoami_calls += 1
        return ME

    async def list_my_posts(self) -> list[RemotePost]:
        return [POST]

    async def pull_comments(
        self, cursor: str | None, mode: PullMode = PullMode.ROUTINE
    ) -> CommentPage:
        self.cursors.append(cursor)
        self.modes.append(mode)
        if self.faults.get(cursor):
            raise self.faults[cursor].pop(0)
        start = int(cursor or 0)
        chunk = self.log[start : start + self.page_size]
        end = start + len(chunk)
        errors = [self.item_errors[start]] if start in self.item_errors else []
        return CommentPage(chunk, str(end), has_more=end < len(self.log), errors=errors)


@pytest.fixture
def store(tmp_path: Path):
    store = Store(tmp_path / "fireside.db")
    store.run_sync(accounts.add_account, Account("acct", "fake", "Fake", "http://x"))
    yield store
    store.close()


@pytest.fixture
def hub() -> Events:
    return Events()


@pytest.fixture
def seen(hub: Events) -> list[events.Event]:
    received: list[events.Event] = []
    hub.subscribe(received.append)
    return received


def make_engine(store: Store, hub: Events, net: PagingNetwork, **options) -> SyncEngine:
    return SyncEngine(
        store,
        hub,
        {"acct": net},
        {"acct": ME.name},
        backoff=Backoff(base=0.001, cap=0.004, max_attempts=3),
        **options,
    )


def stored_ids(store: Store) -> list[str]:
    return [
        r[0]
        for r in store.run_sync(
            lambda db: db.execute("SELECT remote_id FROM comments ORDER BY id").fetchall()
        )
    ]


def account(store: Store) -> Account:
    return store.run_sync(accounts.list_accounts)[0]


async def test_pull_ingests_every_page_and_a_second_pull_transfers_nothing(store, hub, seen):
    net = PagingNetwork(5)
    engine = make_engine(store, hub, net)

    report = await engine.pull("acct")

    assert (report.fetched, report.error, report.item_errors) == (5, None, [])
    assert stored_ids(store) == ["c1", "c2", "c3", "c4", "c5"]
    assert net.cursors == [None, "2", "4"]
    assert store.run_sync(accounts.get_cursor, "acct", COMMENTS_CURSOR) == "5"
    assert [e.fetched for e in seen if isinstance(e, events.SyncProgress)] == [2, 4, 5]
    assert seen[0] == events.SyncStarted("acct")
    assert seen[-1] == events.SyncFinished("acct", None)
    assert events.InboxChanged() in seen
    assert account(store).last_sync_at is not None
    assert store.run_sync(accounts.list_posts)[0].title == "Town hall"

    again = await engine.pull("acct")
    assert again.fetched == 0 and net.cursors[-1] == "5"


async def test_crash_mid_sync_resumes_from_the_last_saved_page(store, hub, seen):
    net = PagingNetwork(5)
    net.faults = {"2": [OfflineError("connection refused")]}
    engine = make_engine(store, hub, net)
    report = await engine.pull("acct")

    assert report.error == "connection refused" and report.fetched == 2
    assert stored_ids(store) == ["c1", "c2"]
    assert store.run_sync(accounts.get_cursor, "acct", COMMENTS_CURSOR) == "2"
    assert account(store).last_sync_at is None  # a failed sync never reports success
    assert account(store).last_sync_error == "connection refused"
    assert seen[-1] == events.SyncFinished("acct", "connection refused")
    assert not engine.online

    report = await engine.pull("acct")
    assert report.error is None and report.fetched == 3
    assert stored_ids(store) == ["c1", "c2", "c3", "c4", "c5"]
    assert net.cursors[2] == "2"  # resumed where it stopped, nothing fetched twice
    assert engine.online and account(store).last_sync_error is None


async def test_item_errors_are_reported_and_the_rest_is_synced(store, hub):
    net = PagingNetwork(4)
    net.item_errors = {2: "comment c9: body is not valid HTML"}
    report = await make_engine(store, hub, net).pull("acct")

    assert report.fetched == 4 and len(stored_ids(store)) == 4
    assert report.item_errors == ["comment c9: body is not valid HTML"]
    # Skipping another person's unreadable item is no account error (nobody can fix it).
    assert report.error is None and account(store).last_sync_error is None


async def test_transient_page_failures_are_retried_within_the_pull(store, hub):
    net = PagingNetwork(3)
    net.faults = {None: [BadResponse("truncated body"), RateLimited("slow down", retry_after=0.01)]}
    report = await make_engine(store, hub, net).pull("acct")

    assert report.error is None and report.fetched == 3
    assert net.cursors == [None, None, None, "2"]


async def test_a_long_retry_after_fails_the_pull_without_waiting(store, hub):
    net = PagingNetwork(3)
    net.faults = {None: [RateLimited("daily quota used up", retry_after=3600)]}
    engine = make_engine(store, hub, net)

    assert (await engine.pull("acct")).error == "daily quota used up"
    report = await engine.pull("acct")

    assert "wait 60 more minute(s)" in report.error
    assert net.cursors == [None]  # the second pull sent nothing


async def test_a_page_that_keeps_failing_fails_the_sync(store, hub):
    net = PagingNetwork(3)
    net.faults = {None: [BadResponse("truncated body")] * 3}
    report = await make_engine(store, hub, net).pull("acct")

    assert report.error == "truncated body" and stored_ids(store) == []
    assert len(net.cursors) == 3


async def test_my_name_comes_from_whoami_once(store, hub):
    net = PagingNetwork(2)
    net.log.append(remote(3, ME, parent="c1"))
    engine = SyncEngine(store, hub, {"acct": net}, {})

    await engine.pull("acct")
    await engine.pull("acct")

    assert net.whoami_calls == 1
    by_id = {
        r["remote_id"]: r
        for r in store.run_sync(
            lambda db: [dict(x) for x in db.query("SELECT remote_id, answered FROM comments")]
        )
    }
    assert by_id["c1"]["answered"] == 1  # my own reply, pulled, answers its parent


async def test_page_bound_stops_a_network_that_never_ends(store, hub):
    net = PagingNetwork(10, page_size=1)
    report = await make_engine(store, hub, net, max_pages=3).pull("acct")

    assert report.fetched == 3 and "next sync" in report.error
    assert store.run_sync(accounts.get_cursor, "acct", COMMENTS_CURSOR) == "3"


async def test_sync_pushes_then_pulls_then_pushes(store, hub, seen):
    net = PagingNetwork(1)
    engine = make_engine(store, hub, net)
    report = await engine.sync("acct")

    assert report.fetched == 1 and report.error is None and not report.outbox
    names = [type(e) for e in seen]
    assert names.index(events.SyncStarted) < names.index(events.SyncFinished)
    assert [r.account_id for r in await engine.sync_all()] == ["acct"]
    assert await engine.push_all() == {"acct": {}}
    assert comments.view_count(store.reader(), None) == 1


async def test_a_sync_someone_asked_for_pulls_every_page_in_rescan_mode(store, hub):
    """``fireside sync`` asks for RESCAN: every page of that pull carries it (connectors
    that cannot see every change re-read what they hold); a scheduled sync does not."""
    net = PagingNetwork(5)
    engine = make_engine(store, hub, net)
    await engine.sync_all(PullMode.RESCAN)
    assert net.modes == [PullMode.RESCAN] * 3
    await engine.sync_all()
    assert net.modes[3:] == [PullMode.ROUTINE]


async def test_only_the_pass_after_a_wake_for_a_rescan_rescans(store, hub):
    """F5 wakes the loop asking for a re-scan: that pass pulls in RESCAN mode, the ones
    before and after it (a reply queued, the interval) do not."""
    net = PagingNetwork(1)
    engine = make_engine(store, hub, net)
    finished: asyncio.Queue[events.SyncFinished] = asyncio.Queue()
    hub.subscribe(lambda e: finished.put_nowait(e) if isinstance(e, events.SyncFinished) else None)
    runner = asyncio.create_task(engine.run(interval=3600))
    try:
        await asyncio.wait_for(finished.get(), 5)  # the first pass
        engine.wake(PullMode.RESCAN)
        await asyncio.wait_for(finished.get(), 5)
        engine.wake()
        await asyncio.wait_for(finished.get(), 5)
    finally:
        engine.stop()
        await asyncio.wait_for(runner, 5)
    assert net.modes == [PullMode.ROUTINE, PullMode.RESCAN, PullMode.ROUTINE]


# --- every request: through the account's gate, tracking refusals -------------------------


async def test_a_request_that_passes_restarts_the_429_backoff(store, hub):
    """Three 429s in a row (each asking to retry at once) then a page that passes: the next
    429 without a Retry-After starts the backoff afresh (20-40 s at base 40), not at its
    fourth step (160-320 s). The next pull reports the wait without sending anything."""
    net = PagingNetwork(3)
    retry_now = RateLimited("slow down", retry_after=0)
    net.faults = {None: [retry_now] * 3, "2": [RateLimited("slow down", retry_after=None)]}
    slow = Backoff(base=40, cap=1000, max_attempts=5, max_wait=1)
    engine = SyncEngine(store, hub, {"acct": net}, {"acct": ME.name}, backoff=slow)

    assert (await engine.pull("acct")).error == "slow down"
    report = await engine.pull("acct")

    waited = re.search(r"wait (\d+) more second", report.error or "")
    assert waited is not None and 20 <= int(waited[1]) <= 40, report.error
    assert net.cursors == [None] * 4 + ["2"]


async def test_a_read_is_tried_as_often_as_the_backoff_allows(store, hub):
    net = PagingNetwork(1)
    net.faults = {None: [BadResponse("truncated body")] * 4}
    engine = SyncEngine(
        store, hub, {"acct": net}, {"acct": ME.name}, backoff=Backoff(0.001, 0.002, 4)
    )

    assert (await engine.pull("acct")).error == "truncated body"
    assert net.cursors == [None] * 4


async def test_a_refused_sign_in_is_remembered_until_a_request_passes(store, hub, caplog):
    net = PagingNetwork(1)
    net.faults = {None: [AuthError("revoked")]}
    engine = make_engine(store, hub, net)

    assert (await engine.pull("acct")).error == "revoked"
    assert engine.refused("acct")
    refusals = [r for r in caplog.records if "refused the sign-in" in r.getMessage()]
    assert len(refusals) == 1

    assert (await engine.pull("acct")).error is None
    assert not engine.refused("acct")


async def test_the_last_try_of_a_read_still_goes_through_the_accounts_gate(store, hub):
    """A read's last try is like the others: its 429 closes the account's gate, so the
    next pull waits without sending anything."""
    net = PagingNetwork(1)
    daily = RateLimited("daily quota used up", retry_after=3600)
    net.faults = {None: [BadResponse("truncated body")] * 2 + [daily]}
    engine = make_engine(store, hub, net)

    assert (await engine.pull("acct")).error == "daily quota used up"
    assert "wait 60 more minute(s)" in ((await engine.pull("acct")).error or "")
    assert net.cursors == [None] * 3


async def test_an_offline_error_without_words_is_named_by_its_kind(store, hub):
    net = PagingNetwork(1)
    net.faults = {None: [OfflineError()]}
    engine = make_engine(store, hub, net)

    await engine.pull("acct")

    assert engine.unreachable() == {"acct": "OfflineError"}


async def test_a_new_connector_for_an_account_asks_who_i_am_again(store, hub):
    """Signing in again may be as someone else: the name the old connector gave is not
    reused."""
    first, second = PagingNetwork(1), PagingNetwork(1)
    engine = SyncEngine(store, hub, {"acct": first}, {})
    await engine.pull("acct")

    assert await engine.add_network("acct", second) is first
    await engine.pull("acct")

    assert (first.whoami_calls, second.whoami_calls) == (1, 1)
