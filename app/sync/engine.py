"""The sync engine: pulls comments per account with cursors, pushes the outbox through
``Sender``, and runs the background loop.

Every request to a network goes through ``SyncEngine._call``: it waits at the account's
rate-limit gate, and its outcome decides ``online`` (an OfflineError makes Fireside
offline; the next success makes it online again; both emit ONLINE_CHANGED). Pulls of one
account never overlap, nor do its pushes. Each pulled page is ingested together with the
cursor that follows it, in one transaction, so a crash mid-sync resumes where it stopped.

The loop (``run``) promotes due scheduled drafts, syncs every account, then sleeps until
the interval ends, an outbox item or scheduled draft becomes due, or ``wake()`` is called.
While offline it only probes (``whoami``), at growing intervals, and syncs once a probe
answers.

Accounts come and go while it runs (``add_network``, ``remove_network``): every pass works
on a snapshot of the accounts, a pull stops after the page in progress once its connector
was removed or replaced, and removing or replacing returns only when no pull or push of
the account still uses the old connector, so the caller may close it then.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TypeVar

import sqlite_utils

from app import events
from app.errors import AuthError, NetworkError, OfflineError, RateLimited, StoreError
from app.events import Events
from app.networks.base import Network
from app.store import accounts, comments, outbox
from app.store.db import Store
from app.sync import scheduler
from app.sync.backoff import Backoff, RateGate
from app.sync.sender import Sender
from app.timeutil import now, parse

log = logging.getLogger(__name__)
T = TypeVar("T")

#: The sync_state key of the comments cursor.
COMMENTS_CURSOR = "comments"
#: A sync report's error when the account was removed before its pull could start.
REMOVED = "The account was removed; nothing was synced."


@dataclass
class SyncReport:
    """What one sync of one account did. ``error`` is None only when the pull fully worked;
    ``outbox`` counts pushed items by the state they ended in."""

    account_id: str
    fetched: int = 0
    item_errors: list[str] = field(default_factory=list)
    error: str | None = None
    outbox: Counter[str] = field(default_factory=Counter)


class SyncEngine:
    """Sync for every account: ``networks`` maps account id to its connector, ``my_names``
    account id to the signed-in person's display name (fetched by ``whoami`` if missing)."""

    def __init__(
        self,
        store: Store,
        hub: Events,
        networks: dict[str, Network],
        my_names: dict[str, str] | None = None,
        *,
        backoff: Backoff | None = None,
        max_pages: int = 1000,
        max_items: int = 1000,
    ) -> None:
        self._store = store
        self._events = hub
        self._networks = networks
        self._my_names = dict(my_names or {})
        self._backoff = backoff or Backoff()
        self._max_pages = max_pages
        self._max_items = max_items
        self._gate = RateGate(self._backoff)
        self._sender = Sender(store, hub, self._backoff, self._gate, self._call)
        self._push_locks: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._pull_locks: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._recovery = asyncio.Lock()
        self._recovered = False
        self._online = True
        self._wake = asyncio.Event()
        self._stopping = False
        #: Accounts whose network refused their credentials on the last request.
        self._refused: set[str] = set()

    @property
    def online(self) -> bool:
        return self._online

    # -- accounts ------------------------------------------------------------------------

    async def add_network(self, account_id: str, network: Network) -> Network | None:
        """Use ``network`` for the account from now on; the next pass syncs it. Returns the
        connector it replaced (None if new) once nothing uses that one: close it then."""
        old = self._networks.get(account_id)
        self._networks[account_id] = network
        self._refused.discard(account_id)
        if old is None:
            return None
        await self._quiesce(account_id)
        return old

    async def remove_network(self, account_id: str) -> Network | None:
        """Stop syncing the account; returns its connector (None if it had none) once no
        pull or push uses it any more: close it then."""
        old = self._networks.pop(account_id, None)
        self._refused.discard(account_id)
        await self._quiesce(account_id)
        return old

    def refused(self, account_id: str) -> bool:
        """Did the account's network refuse its credentials on the last request?"""
        return account_id in self._refused

    async def _quiesce(self, account_id: str) -> None:
        """Wait for the account's pull and push in progress (a pull stops after its page)."""
        async with self._pull_locks[account_id], self._push_locks[account_id]:
            self._my_names.pop(account_id, None)

    # -- requests ------------------------------------------------------------------------

    async def _call(self, account_id: str, fn: Callable[..., Awaitable[T]], *args: object) -> T:
        """One request to an account's network, after its gate; tracks online and 429s."""
        await self._gate.wait(account_id)
        try:
            result = await fn(*args)
        except OfflineError as exc:
            self._set_online(False, f"{account_id}: {exc}")
            raise
        except RateLimited as exc:
            self._gate.limited(account_id, exc.retry_after)
            raise
        except AuthError:
            self._refused.add(account_id)
            raise
        self._refused.discard(account_id)
        self._gate.passed(account_id)
        self._set_online(True, "")
        return result

    async def _read(self, account_id: str, fn: Callable[..., Awaitable[T]], *args: object) -> T:
        """A read is safe to repeat: rate limits, timeouts, 5xx and garbled bodies are
        retried a bounded number of times; offline and permanent errors are not."""
        for attempt in range(1, self._backoff.max_attempts):
            try:
                return await self._call(account_id, fn, *args)
            except RateLimited:
                if self._gate.remaining(account_id) > self._backoff.max_wait:
                    raise
                # otherwise the gate holds the next request for Retry-After
            except OfflineError:
                raise
            except NetworkError as exc:
                if not exc.retryable:
                    raise
                log.info("%s: read failed (%s); retrying", account_id, exc)
                await asyncio.sleep(self._backoff.delay(attempt))
        return await self._call(account_id, fn, *args)

    def _set_online(self, online: bool, reason: str) -> None:
        if online != self._online:
            self._online = online
            self._events.emit(events.ONLINE_CHANGED, online=online, reason=reason)

    async def _my_name(self, account_id: str, network: Network) -> str:
        if account_id not in self._my_names:
            person = await self._read(account_id, network.whoami)
            self._my_names[account_id] = person.name
        return self._my_names[account_id]

    # -- pull ----------------------------------------------------------------------------

    async def pull(self, account_id: str) -> SyncReport:
        """Fetch my posts and every new page of comments; record and announce the outcome."""
        report = SyncReport(account_id, error="The sync stopped unexpectedly; see the log.")
        async with self._pull_locks[account_id]:
            network = self._networks.get(account_id)
            if network is None:  # removed while this pull waited for its turn
                report.error = REMOVED
                return report
            self._events.emit(events.SYNC_STARTED, account_id=account_id)
            try:
                complete = await self._pull_pages(account_id, network, report)
                report.error = _pull_error(report, complete)
            except (NetworkError, StoreError) as exc:  # StoreError: e.g. the disk is full
                report.error = str(exc) or type(exc).__name__
            finally:
                try:
                    await self._store.run(accounts.record_sync, account_id, report.error)
                except StoreError:
                    log.warning("could not record the sync of %s", account_id, exc_info=True)
                self._events.emit(events.SYNC_FINISHED, account_id=account_id, error=report.error)
        return report

    async def _pull_pages(self, account_id: str, network: Network, report: SyncReport) -> bool:
        """Pull pages until the network has no more, or the account's connector was removed
        or replaced; False if the page bound stopped it."""
        posts = await self._read(account_id, network.list_my_posts)
        await self._store.run(accounts.upsert_posts, account_id, posts)
        my_name = await self._my_name(account_id, network)
        cursor = await self._store.run(accounts.get_cursor, account_id, COMMENTS_CURSOR)
        for _ in range(self._max_pages):
            page = await self._read(account_id, network.pull_comments, cursor)
            prepared = await asyncio.to_thread(
                comments.prepare, page.comments, my_name, page.errors
            )
            await self._store.run(
                _save_page, account_id, prepared, page.next_cursor, page.complete_for_posts
            )
            report.fetched += len(page.comments)
            report.item_errors += page.errors
            self._events.emit(events.SYNC_PROGRESS, account_id=account_id, fetched=report.fetched)
            if page.comments:
                self._events.emit(events.INBOX_CHANGED)
            cursor = page.next_cursor or cursor
            if not page.has_more or self._networks.get(account_id) is not network:
                return True
        return False

    # -- push ----------------------------------------------------------------------------

    async def recover(self) -> int:
        """Before the first push (and after a push the store cut short): items left
        'sending' by a crash become 'unknown', to be looked up before any resend."""
        async with self._recovery:
            if self._recovered:
                return 0
            count = await self._store.run(outbox.recover_interrupted)
            self._recovered = True
        if count:
            self._events.emit(events.OUTBOX_CHANGED, item_id=None)
        return count

    async def push(self, account_id: str) -> Counter[str]:
        """Send the account's due outbox items; counts them by the state they ended in."""
        await self.recover()
        async with self._push_locks[account_id]:
            network = self._networks.get(account_id)
            if network is None:  # removed while this push waited for its turn
                return Counter()
            try:
                return await self._sender.push(account_id, network, self._max_items)
            except StoreError:
                # The store failed mid-push (disk full): an item may be left 'sending' after
                # its write left. Recover again before the next push, so it is looked up.
                self._recovered = False
                raise

    async def push_all(self) -> dict[str, Counter[str]]:
        account_ids = list(self._networks)
        results = await asyncio.gather(*(self.push(a) for a in account_ids))
        return dict(zip(account_ids, results, strict=True))

    # -- sync ----------------------------------------------------------------------------

    async def sync(self, account_id: str) -> SyncReport:
        """Push (what waits), pull (what is new), push (what the pull made due)."""
        pushed = await self.push(account_id)
        report = await self.pull(account_id)
        report.outbox = pushed + await self.push(account_id)
        return report

    async def sync_all(self) -> list[SyncReport]:
        """Queue scheduled drafts that fell due, then sync every account."""
        await scheduler.promote_due(self._store, self._events)
        return list(await asyncio.gather(*(self.sync(a) for a in list(self._networks))))

    # -- background loop -----------------------------------------------------------------

    async def run(self, interval: float) -> None:
        """Sync every ``interval`` seconds (sooner when work falls due) until ``stop()``."""
        offline_passes = 0
        try:
            while not self._stopping:
                self._wake.clear()
                try:
                    if not self._online:  # offline: due drafts still move to the outbox
                        await scheduler.promote_due(self._store, self._events)
                        await self._probe()
                    if self._online:
                        await self.sync_all()
                except Exception:
                    log.exception("sync pass failed; trying again on the next one")
                offline_passes = 0 if self._online else offline_passes + 1
                if not self._stopping:
                    await self._sleep(await self._pause(interval, offline_passes))
        finally:
            self._stopping = False  # a stop() that came first still ends this run

    def wake(self) -> None:
        """Start the next pass now (the user queued something, or asked to sync)."""
        self._wake.set()

    def stop(self) -> None:
        """Let ``run`` return after the pass in progress."""
        self._stopping = True
        self._wake.set()

    async def _probe(self) -> None:
        """While offline, one cheap call per account until one answers."""
        for account_id, network in list(self._networks.items()):
            with contextlib.suppress(NetworkError):
                person = await self._call(account_id, network.whoami)
                self._my_names.setdefault(account_id, person.name)
                return

    async def _pause(self, interval: float, offline_passes: int) -> float:
        if offline_passes:
            return min(interval, self._backoff.delay(offline_passes))
        due = await self._store.run(_next_due_at)
        if due is None:
            return interval
        until = (parse(due) - now()).total_seconds()
        # Work already due was not sendable in this pass (e.g. signed out): the interval.
        return min(interval, until) if until > 0 else interval

    async def _sleep(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), seconds)


def _save_page(
    db: sqlite_utils.Database,
    account_id: str,
    prepared: list[comments.PreparedComment],
    next_cursor: str | None,
    complete_for_posts: tuple[str, ...] = (),
) -> None:
    """A page and the cursor after it, in one transaction; on a re-scan, comments of the
    re-scanned posts that the page no longer has are marked deleted."""
    comments.store_prepared(db, account_id, prepared)
    if complete_for_posts:
        present = [p.comment.remote_id for p in prepared]
        comments.mark_missing_deleted(db, account_id, complete_for_posts, present)
    if next_cursor is not None:
        accounts.set_cursor(db, account_id, COMMENTS_CURSOR, next_cursor)


def _pull_error(report: SyncReport, complete: bool) -> str | None:
    if report.item_errors:
        first = report.item_errors[0]
        return (
            f"{len(report.item_errors)} item(s) could not be read and were skipped "
            f"(first: {first}); everything else was synced."
        )
    if not complete:
        return "The network kept sending pages; the rest follows on the next sync."
    return None


def _next_due_at(db: sqlite_utils.Database) -> str | None:
    """When the next outbox item or scheduled draft falls due."""
    times = [t for t in (outbox.next_due_at(db), scheduler.next_scheduled_at(db)) if t]
    return min(times, default=None)
