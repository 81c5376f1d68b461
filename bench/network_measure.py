"""Sync and send at scale, in the window a person has open (``window_stalls.Session``).

Sync: the sandbox account is added to the benchmark store (which keeps its own comments)
and a first sync pulls the sandbox's comments (100,000 by default), then a second sync
finds nothing new. Each is timed, with the requests made and the bytes received (counted
by the account's HTTP transport) and the window's worst stall meanwhile. The sandbox's
limit is raised for the sync (what is measured is Fireside's pace, not the limit's).

Send: a batch of personalised replies is queued as the batch dialog queues it, the
sandbox's limit is set (by default 20 requests a second, burst 50), and the outbox drains.
From the server's own request log: requests, 429s, the rate achieved against the limit
(first request to last), and duplicates (more than one committed reply to a comment).
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx

from bench import qt
from bench.sandbox_proc import SandboxProcess
from bench.window_stalls import Session

#: The sync's limit: far above what one client pulls, so the sync goes at its own pace.
SYNC_LIMIT = (100_000, 10.0)
TEMPLATE = "Thank you, {first_name}. We will come back to this on Friday, with the numbers."


class CountingTransport(httpx.AsyncBaseTransport):
    """httpx's transport, counting requests and the bytes of the answers' bodies."""

    def __init__(self) -> None:
        self._inner = httpx.AsyncHTTPTransport()
        self.requests = 0
        self.received = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self._inner.handle_async_request(request)
        self.requests += 1
        response.stream = _Counted(response.stream, self)
        return response

    async def aclose(self) -> None:
        await self._inner.aclose()


class _Counted(httpx.AsyncByteStream):
    def __init__(self, stream: Any, counter: CountingTransport) -> None:
        self._stream = stream
        self._counter = counter

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._stream:
            self._counter.received += len(chunk)
            yield chunk

    async def aclose(self) -> None:
        await self._stream.aclose()


async def connect_sandbox(session: Session, sandbox: SandboxProcess) -> CountingTransport:
    """Add the sandbox account to the session's store and connect it, counted (its
    modules loaded off the loop first, as ``app.bootstrap.connect`` loads them)."""
    from app.bootstrap import SANDBOX_ACCOUNT_ID, load_network_modules
    from app.domain import Account
    from app.networks.sandbox import KIND, SandboxNetwork
    from app.store import accounts as accounts_repo

    await asyncio.to_thread(load_network_modules, {KIND.id})
    account = Account(SANDBOX_ACCOUNT_ID, KIND.id, KIND.display_name, sandbox.url)
    await session.core.store.run(accounts_repo.add_or_move_account, account)
    counter = CountingTransport()
    client = httpx.AsyncClient(transport=counter, timeout=httpx.Timeout(20.0, connect=5.0))
    network = SandboxNetwork(client, sandbox.url, sandbox.token)
    await session.core.engine.add_network(account.id, network)
    return counter


@dataclass
class SyncRun:
    fetched: int
    requests: int
    received: int  # bytes
    seconds: float
    stall: tuple[float, float]  # worst stall, most UI-thread work (ms)
    error: str | None


async def sync_twice(
    session: Session, sandbox: SandboxProcess, counter: CountingTransport
) -> list[SyncRun]:
    """A first sync of everything the sandbox holds, then one with nothing new."""
    from app.bootstrap import SANDBOX_ACCOUNT_ID

    sandbox.set_rate_limit(*SYNC_LIMIT)  # blocks the loop: a tick first, then the phase
    await qt.settle(0.05)
    runs = []
    qt.phase(session.beat)
    for _ in range(2):
        requests, received = counter.requests, counter.received
        started = time.perf_counter()
        report = await session.core.engine.sync(SANDBOX_ACCOUNT_ID)
        seconds = time.perf_counter() - started
        await caught_up(session)
        runs.append(
            SyncRun(
                report.fetched,
                counter.requests - requests,
                counter.received - received,
                seconds,
                qt.phase(session.beat),
                report.error,
            )
        )
    return runs


async def caught_up(session: Session) -> None:
    """Until the window shows what the store holds (its coalesced reads came back)."""
    window = session.window
    await qt.settle(1.2)  # the sidebar reads at most once a second while a sync runs
    await qt.until(
        lambda: not window.inbox.model.refreshing and not window.sidebar.updating,
        what="the window's reads",
    )


@dataclass
class SendRun:
    replies: int
    sent: int
    requests: int
    refused: int  # answered 429
    duplicates: int
    seconds: float  # first request to last, by the server's clock
    limit_rps: float
    burst: int
    stall: tuple[float, float]  # worst stall, most UI-thread work (ms)

    @property
    def achieved_rps(self) -> float:
        return (self.requests - 1) / self.seconds if self.seconds > 0 else 0.0

    @property
    def share(self) -> float:
        """Achieved rate / the limit's sustained rate."""
        return self.achieved_rps / self.limit_rps


async def send_batch(
    session: Session, sandbox: SandboxProcess, replies: int, capacity: int, window_s: float
) -> SendRun:
    """Queue ``replies`` personalised replies and drain them at the sandbox's limit."""
    from app.bootstrap import SANDBOX_ACCOUNT_ID

    core = session.core
    ids = await core.store.read(_open_comments, SANDBOX_ACCOUNT_ID, replies)
    items = await core.replies.queue(ids, TEMPLATE)
    sandbox.set_rate_limit(capacity, window_s)  # starts full
    sandbox.reset_log()
    await qt.settle(0.05)  # the control calls blocked the loop: a tick, then the phase
    qt.phase(session.beat)
    deadline = time.monotonic() + 30 + 10 * len(items) / (capacity / window_s)
    while await core.store.read(_waiting, SANDBOX_ACCOUNT_ID) and time.monotonic() < deadline:
        await core.engine.push(SANDBOX_ACCOUNT_ID)
        await qt.settle(0.05)  # nothing due now: a 429's item waits for its time
    await caught_up(session)
    stall = qt.phase(session.beat)  # before the log is read (a blocking control call)
    log = sandbox.requests()
    stamps = [entry["at"] for entry in log]
    written = Counter(
        entry["path"] for entry in log if entry["method"] == "POST" and entry["committed"]
    )
    return SendRun(
        len(ids),
        await core.store.read(_sent, items),
        len(log),
        sum(1 for entry in log if entry["status"] == 429),
        sum(n - 1 for n in written.values() if n > 1),
        max(stamps) - min(stamps) if stamps else 0.0,
        capacity / window_s,
        capacity,
        stall,
    )


def _open_comments(db: Any, account_id: str, count: int) -> list[int]:
    rows = db.execute(
        """SELECT id FROM comments WHERE account_id = ? AND is_mine = 0 AND deleted = 0
           AND answered = 0 AND triage_state = 'open' ORDER BY id LIMIT ?""",
        [account_id, count],
    )
    return [row[0] for row in rows]


def _waiting(db: Any, account_id: str) -> int:
    row = db.execute(
        "SELECT COUNT(*) FROM outbox WHERE account_id = ? AND state IN ('queued', 'sending')",
        [account_id],
    ).fetchone()
    return int(row[0])


def _sent(db: Any, items: list[int]) -> int:
    marks = ",".join("?" * len(items))
    sql = f"SELECT COUNT(*) FROM outbox WHERE state = 'sent' AND id IN ({marks})"
    return int(db.execute(sql, items).fetchone()[0])
