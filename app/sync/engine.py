"""The sync engine: pulls comments per account with cursors, pushes the outbox through
``Sender``, and runs the background loop.

Every request to a network goes through ``SyncEngine._call``: it waits at the account's
rate-limit gate, each HTTP request it makes is paced to the account's budget
(``app.sync.pacing``), and its outcome decides whether that account is reachable (an
OfflineError makes it unreachable; the next success makes it reachable again; both emit
ONLINE_CHANGED with the account id). Reachability is per account: one site that cannot be
reached never stops the others. ``online`` means at least one account is reachable (or none
is synced), so "offline" is what the user is when the machine has no network at all;
``reachable`` and ``unreachable`` tell the accounts apart. Pulls of one account never
overlap, nor do its pushes. Each pulled page is ingested together with the cursor that
follows it, in one transaction, so a crash mid-sync resumes where it stopped.

The loop (``run``) promotes due scheduled drafts and syncs every reachable account, then
sleeps until the interval ends, an outbox item or scheduled draft becomes due, an
unreachable account's next probe is due, or ``wake()`` is called. An unreachable account is
only probed (``whoami``), at growing intervals (never longer than the interval; ``wake()``
probes at once), and synced as soon as a probe answers. The accounts are visited side by
side, so a slow one delays the next pass, never another account's requests.
``wake(PullMode.RESCAN)`` is a person asking to sync (F5): that pass's pulls also re-scan
what networks cannot report as changed (see ``PullMode``).

Accounts come and go while it runs (``add_network``, ``remove_network``): every pass works
on a snapshot of the accounts, a pull stops after the page in progress once its connector
was removed or replaced, and removing or replacing returns only when no pull or push of
the account still uses the old connector, so the caller may close it then.

The log (``logs/fireside.log``) gets one line for each thing that goes wrong, naming the
account (and the outbox item): an account going offline and coming back, a network
refusing the sign-in, a pull that failed, each item a pull skipped as unreadable, the
items a crash left 'sending'; the sender logs each item's outcome. Messages are the ones
the person sees, which carry no secret (and the log's filter redacts any that slips in).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable
from typing import TypeVar

import msgspec

from app import events
from app.domain import Capabilities, CommentPage, OutboxItem, OutboxState, PullMode
from app.errors import AuthError, NetworkError, OfflineError, RateLimited, StoreError
from app.events import Events
from app.networks import ratelimit
from app.networks.base import Network
from app.store import accounts, comments, outbox
from app.store.db import Store
from app.store.sql import Database
from app.sync import scheduler
from app.sync.backoff import Backoff, RateGate
from app.sync.checks import PassedChecks
from app.sync.pacing import AccountMeter, AccountPacing
from app.sync.sender import Sender
from app.timeutil import now, parse

log = logging.getLogger(__name__)
T = TypeVar("T")

#: The sync_state key of the comments cursor.
COMMENTS_CURSOR = "comments"
#: A sync report's error when the account was removed before its pull could start.
REMOVED = "The account was removed; nothing was synced."


class SyncReport(msgspec.Struct):
    """What one sync of one account did. ``error`` is None only when the pull fully worked;
    ``outbox`` counts the items its pushes tried, each once, by the state it ended in;
    ``waiting`` is how many of the account's items are still on their way out after it
    (queued or to be looked up, tried in this sync or not)."""

    account_id: str
    fetched: int = 0
    item_errors: list[str] = msgspec.field(default_factory=list)
    error: str | None = None
    outbox: Counter[OutboxState] = msgspec.field(default_factory=Counter)
    waiting: int = 0


class _Unreachable(msgspec.Struct):
    """An account whose network could not be reached: why, how many times in a row (the
    failure that found it, then each failed probe), and when to probe it next."""

    reason: str
    failures: int
    probe_at: float  # time.monotonic()


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
        pacing: AccountPacing | None = None,
    ) -> None:
        self._store = store
        self._events = hub
        self._networks = networks
        self._my_names = dict(my_names or {})
        self._backoff = backoff or Backoff()
        self._max_pages = max_pages
        self._max_items = max_items
        self._gate = RateGate(self._backoff)
        self._pacing = pacing or AccountPacing()
        self._sender = Sender(
            store,
            hub,
            self._backoff,
            self._gate,
            self._call,
            my_name=self._my_name,
            checks=PassedChecks(),
        )
        self._push_locks: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._pull_locks: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._recovery = asyncio.Lock()
        self._recovered = False
        #: Accounts whose network could not be reached, until a request answers again.
        self._unreachable: dict[str, _Unreachable] = {}
        self._wake = asyncio.Event()
        #: The next pass was asked for by a person (``wake(PullMode.RESCAN)``).
        self._asked = PullMode.ROUTINE
        self._stopping = False
        #: Accounts whose network refused their credentials on the last request.
        self._refused: set[str] = set()

    @property
    def online(self) -> bool:
        """At least one account is reachable (also True when no account is synced)."""
        return not self._networks or any(a not in self._unreachable for a in self._networks)

    def reachable(self, account_id: str) -> bool:
        """Did the account's network answer (or was it not tried yet)? False after an
        OfflineError, until a request to it goes through again."""
        return account_id not in self._unreachable

    def unreachable(self) -> dict[str, str]:
        """The accounts that cannot be reached now, each with why."""
        return {a: u.reason for a, u in self._unreachable.items()}

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
        self._pacing.forget(account_id)
        self._mark_reachable(account_id)  # no longer synced: no longer unreachable either
        await self._quiesce(account_id)
        return old

    def refused(self, account_id: str) -> bool:
        """Did the account's network refuse its credentials on the last request?"""
        return account_id in self._refused

    def is_sending(self, item: OutboxItem) -> bool:
        """Is this engine sending ``item`` right now? An item the store says is 'sending'
        that this engine is not sending was cut short by a crash or a kill (the data dir's
        lock keeps any other process from sending meanwhile)."""
        return self._sender.holds(item)

    async def _quiesce(self, account_id: str) -> None:
        """Wait for the account's pull and push in progress (a pull stops after its page)."""
        async with self._pull_locks[account_id], self._push_locks[account_id]:
            self._my_names.pop(account_id, None)

    # -- requests ------------------------------------------------------------------------

    async def _call(self, account_id: str, fn: Callable[..., Awaitable[T]], *args: object) -> T:
        """One request to an account's network, after its gate; tracks reachability and 429s."""
        await self._gate.wait(account_id)
        meter = self._meter(account_id)
        try:
            if meter is None:
                result = await fn(*args)
            else:
                with ratelimit.metered(meter):
                    result = await fn(*args)
        except OfflineError as exc:
            self._mark_unreachable(account_id, str(exc) or type(exc).__name__)
            raise
        except RateLimited as exc:
            if meter is not None:
                meter.refused()
            self._gate.limited(account_id, exc.retry_after)
            raise
        except AuthError as exc:
            if account_id not in self._refused:
                log.warning("account %s: the network refused the sign-in (%s)", account_id, exc)
            self._refused.add(account_id)
            raise
        self._refused.discard(account_id)
        self._gate.passed(account_id)
        self._mark_reachable(account_id)
        return result

    def _meter(self, account_id: str) -> AccountMeter | None:
        """The account's pacing (None for a connector that states no capabilities: fakes)."""
        capabilities = getattr(self._networks.get(account_id), "capabilities", None)
        if not isinstance(capabilities, Capabilities):
            return None
        return self._pacing.meter(account_id, capabilities)

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

    def _mark_unreachable(self, account_id: str, reason: str) -> None:
        """The account's network could not be reached; first probe after one backoff delay."""
        if account_id not in self._networks:  # removed while the request was out
            return
        known = self._unreachable.get(account_id)
        if known is not None:
            known.reason = reason
            return
        probe_at = time.monotonic() + self._backoff.delay(1)
        self._unreachable[account_id] = _Unreachable(reason, 1, probe_at)
        log.warning("account %s: offline (%s)", account_id, reason)
        self._events.emit(events.OnlineChanged(account_id=account_id, online=False, reason=reason))

    def _mark_reachable(self, account_id: str) -> None:
        if self._unreachable.pop(account_id, None) is not None:
            log.info("account %s: reachable again", account_id)
            self._events.emit(events.OnlineChanged(account_id=account_id, online=True, reason=""))

    async def _my_name(self, account_id: str, network: Network) -> str:
        if account_id not in self._my_names:
            person = await self._read(account_id, network.whoami)
            self._my_names[account_id] = person.name
        return self._my_names[account_id]

    # -- pull ----------------------------------------------------------------------------

    async def pull(self, account_id: str, mode: PullMode = PullMode.ROUTINE) -> SyncReport:
        """Fetch my posts and every new page of comments (``mode``: see PullMode); record
        and announce the outcome."""
        report = SyncReport(account_id, error="The sync stopped unexpectedly; see the log.")
        async with self._pull_locks[account_id]:
            network = self._networks.get(account_id)
            if network is None:  # removed while this pull waited for its turn
                report.error = REMOVED
                return report
            self._events.emit(events.SyncStarted(account_id=account_id))
            try:
                complete = await self._pull_pages(account_id, network, report, mode)
                report.error = _pull_error(report, complete)
            except (NetworkError, StoreError) as exc:  # StoreError: e.g. the disk is full
                report.error = str(exc) or type(exc).__name__
            finally:
                if report.error is not None:
                    log.warning("account %s: sync failed: %s", account_id, report.error)
                try:
                    await self._store.run(accounts.record_sync, account_id, report.error)
                except StoreError:
                    log.warning("could not record the sync of %s", account_id, exc_info=True)
                self._events.emit(events.SyncFinished(account_id=account_id, error=report.error))
        return report

    async def _pull_pages(
        self, account_id: str, network: Network, report: SyncReport, mode: PullMode
    ) -> bool:
        """Pull pages until the network has no more, or the account's connector was removed
        or replaced; False if the page bound stopped it."""
        posts = await self._read(account_id, network.list_my_posts)
        await self._store.run(accounts.upsert_posts, account_id, posts)
        my_name = await self._my_name(account_id, network)
        cursor = await self._store.run(accounts.get_cursor, account_id, COMMENTS_CURSOR)
        for _ in range(self._max_pages):
            page = await self._read(account_id, network.pull_comments, cursor, mode)
            prepared = await asyncio.to_thread(
                comments.prepare, page.comments, my_name, page.errors
            )
            await self._store.run(_save_page, account_id, prepared, page)
            report.fetched += len(page.comments)
            report.item_errors += page.errors
            for error in page.errors:
                log.warning("account %s: skipped an unreadable item: %s", account_id, error)
            self._events.emit(events.SyncProgress(account_id=account_id, fetched=report.fetched))
            if page.comments:
                self._events.emit(events.InboxChanged())
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
            left = await self._store.run(outbox.recover_interrupted)
            self._recovered = True
        for item in left:
            log.warning(
                "account %s: outbox item %d was being sent when Fireside stopped; it is "
                "looked up on the network before anything is resent",
                item.account_id,
                item.id,
            )
        if left:
            self._events.emit(events.OutboxChanged(item_id=None))
        return len(left)

    async def push(self, account_id: str) -> Counter[OutboxState]:
        """Send the account's due outbox items; counts them by the state they ended in."""
        return Counter((await self._push(account_id)).values())

    async def _push(self, account_id: str) -> dict[int, OutboxState]:
        """Send the account's due outbox items; the state each one tried ended in."""
        await self.recover()
        async with self._push_locks[account_id]:
            network = self._networks.get(account_id)
            if network is None:  # removed while this push waited for its turn
                return {}
            try:
                return await self._sender.push(account_id, network, self._max_items)
            except StoreError:
                # The store failed mid-push (disk full): an item may be left 'sending' after
                # its write left. Recover again before the next push, so it is looked up.
                self._recovered = False
                raise

    async def push_all(self) -> dict[str, Counter[OutboxState]]:
        account_ids = list(self._networks)
        results = await asyncio.gather(*(self.push(a) for a in account_ids))
        return dict(zip(account_ids, results, strict=True))

    # -- sync ----------------------------------------------------------------------------

    async def sync(self, account_id: str, mode: PullMode = PullMode.ROUTINE) -> SyncReport:
        """Push (what waits), pull (what is new), push (what the pull made due). An item
        both pushes tried counts once, in the state the second left it in."""
        pushed = await self._push(account_id)
        report = await self.pull(account_id, mode)
        pushed |= await self._push(account_id)
        report.outbox = Counter(pushed.values())
        report.waiting = await self._store.read(outbox.waiting_count, account_id)
        return report

    async def sync_all(self, mode: PullMode = PullMode.ROUTINE) -> list[SyncReport]:
        """Queue scheduled drafts that fell due, then sync every account (reachable or
        not: this is the one-shot sync of ``fireside sync``; the loop probes instead)."""
        await scheduler.promote_due(self._store, self._events)
        syncs = (self.sync(a, mode) for a in list(self._networks))
        return list(await asyncio.gather(*syncs))

    # -- background loop -----------------------------------------------------------------

    async def run(self, interval: float) -> None:
        """Sync every ``interval`` seconds (sooner when work falls due) until ``stop()``;
        probe unreachable accounts in between."""
        next_sync = time.monotonic()  # the first pass syncs every account
        failed_passes = 0
        try:
            while not self._stopping:
                full = self._wake.is_set() or time.monotonic() >= next_sync
                self._wake.clear()
                mode, self._asked = self._asked, PullMode.ROUTINE
                if full:
                    next_sync = time.monotonic() + interval
                try:
                    await self._pass(full, mode)
                    next_sync = min(next_sync, await self._work_due_at())
                    failed_passes = 0
                except Exception:
                    log.exception("sync pass failed; trying again on the next one")
                    failed_passes += 1
                if not self._stopping:
                    floor = (
                        min(interval, self._backoff.delay(failed_passes)) if failed_passes else 0
                    )
                    await self._sleep(max(floor, self._until(next_sync)))
        finally:
            self._stopping = False  # a stop() that came first still ends this run

    def wake(self, mode: PullMode = PullMode.ROUTINE) -> None:
        """Start the next pass now, syncing every reachable account and probing every
        unreachable one (the user queued something, or asked to sync: ``mode`` RESCAN
        makes that pass's pulls re-scan, see PullMode)."""
        if mode is PullMode.RESCAN:
            self._asked = mode
        self._wake.set()

    def stop(self) -> None:
        """Let ``run`` return after the pass in progress."""
        self._stopping = True
        self._wake.set()

    async def _pass(self, full: bool, mode: PullMode = PullMode.ROUTINE) -> None:
        """Promote due drafts; then, side by side, sync each reachable account (on a full
        pass) and probe each unreachable one whose probe is due (every one on a full pass)."""
        await scheduler.promote_due(self._store, self._events)
        await asyncio.gather(*(self._visit(a, full, mode) for a in list(self._networks)))

    async def _visit(self, account_id: str, full: bool, mode: PullMode) -> None:
        try:
            unreachable = self._unreachable.get(account_id)
            if unreachable is not None:
                if not full and time.monotonic() < unreachable.probe_at:
                    return
                if not await self._probe(account_id, unreachable):
                    return
            elif not full:
                return
            await self.sync(account_id, mode)
        except Exception:  # one account's failure never ends the others' syncs
            log.exception("sync of %s failed; trying again on the next pass", account_id)

    async def _probe(self, account_id: str, unreachable: _Unreachable) -> bool:
        """One cheap call to an unreachable account; True when its network answered, if only
        to refuse (the sync that follows says what is wrong)."""
        network = self._networks.get(account_id)
        if network is None:
            return False
        # The next probe is scheduled first, so no failure of this one can skip it.
        unreachable.failures += 1
        unreachable.probe_at = time.monotonic() + self._backoff.delay(unreachable.failures)
        try:
            person = await self._call(account_id, network.whoami)
        except NetworkError as exc:
            if isinstance(exc, OfflineError) or exc.retryable:
                return False
            self._mark_reachable(account_id)
            return True
        self._my_names.setdefault(account_id, person.name)
        return True

    def _until(self, next_sync: float) -> float:
        """Seconds until the next full pass or the next probe, whichever comes first."""
        wake_at = min([next_sync, *(u.probe_at for u in self._unreachable.values())])
        return max(0.0, wake_at - time.monotonic())

    async def _work_due_at(self) -> float:
        """When (monotonic) the next outbox item or scheduled draft falls due; infinity if
        nothing waits, or if what waits is already due and was not sendable in this pass
        (e.g. signed out, or its account unreachable): the interval then."""
        due = await self._store.run(_next_due_at)
        if due is None:
            return math.inf
        until = (parse(due) - now()).total_seconds()
        return time.monotonic() + until if until > 0 else math.inf

    async def _sleep(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), seconds)


def _save_page(
    db: Database,
    account_id: str,
    prepared: list[comments.PreparedComment],
    page: CommentPage,
) -> None:
    """A page and the cursor after it, in one transaction: the posts it found first, then
    its comments; on a re-scan, comments of the re-scanned posts that the page no longer
    has are marked deleted."""
    if page.posts:
        accounts.upsert_posts(db, account_id, list(page.posts))
    comments.store_prepared(db, account_id, prepared)
    if page.complete_for_posts:
        present = [p.comment.remote_id for p in prepared]
        comments.mark_missing_deleted(db, account_id, page.complete_for_posts, present)
    if page.next_cursor is not None:
        accounts.set_cursor(db, account_id, COMMENTS_CURSOR, page.next_cursor)


def _pull_error(report: SyncReport, complete: bool) -> str | None:
    """Why the pull did not finish, or None. Items skipped as unreadable are not an
    error: everything else was synced and nobody can do anything about another person's
    malformed event; they are logged and listed in ``report.item_errors``."""
    if not complete:
        return "The network kept sending pages; the rest follows on the next sync."
    return None


def _next_due_at(db: Database) -> str | None:
    """When the next outbox item or scheduled draft falls due."""
    times = [t for t in (outbox.next_due_at(db), scheduler.next_scheduled_at(db)) if t]
    return min(times, default=None)
