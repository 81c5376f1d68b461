"""Pushing one account's outbox to its network without ever sending anything twice.

Each due item is claimed (state 'sending'); an 'unknown' one is first looked up by its
idempotency key (found: sent; not found: safe to send again with the same key); a reply
not yet confirmed by the user is checked against its thread; a post's pictures are
uploaded (``app.sync.uploads``: a failure there is a read's, nothing of the post left);
then the write goes out and the result is recorded. How failures end:

    OfflineError            never left: the item goes back as it was; the push stops
    RateLimited             the item goes back, due after Retry-After; the gate waits
    a place's daily limit   (Teams: 3,000 messages a day in a channel) the item goes back,
                            due when the place has room again (``daily_limit``)
    Rejected, NotFound      failed ("permanent")
    AuthError               failed ("auth"); the push stops until the user signs in again,
                            which queues the item again by itself
    any other NetworkError  (OutcomeUnknown, BadResponse, 5xx...) on the write: 'unknown',
                            resolved only by a look-up; on a read: nothing was written,
                            the item is tried again after a backoff

A reply held because its comment was edited stores the comment as the check found it, in
the same transaction as the hold, so the thread shows what the person would now answer.

Offline and rate-limited tries do not count; after ``backoff.max_attempts`` others an item
fails with error_kind "unknown" while it may have landed, "retryable" otherwise. A failure
before an unknown item was looked up keeps error_kind "unknown" ("auth_unconfirmed" when the
sign-in was refused), so Retry, or signing in again, looks it up first.
What a person reads about each outcome comes from ``app.sync.reasons``.

Every outcome is logged with the account and the item's id (a warning when the item
failed); the messages are the ones the outbox records, which carry no secret.
``holds(item)`` says whether this sender is sending an item now, so the outbox can tell a
send in progress from one a crash cut short.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

import msgspec

from app import events
from app.domain import (
    DraftState,
    ErrorKind,
    OutboxItem,
    OutboxKind,
    OutboxState,
    PublishOptions,
    RemoteComment,
    RemoteKind,
    RemotePost,
)
from app.errors import AuthError, NetworkError, NotFound, OfflineError, RateLimited, Rejected
from app.events import Events
from app.networks.base import Network
from app.pictures import PictureStillComing
from app.store import accounts, comments, drafts, outbox
from app.store.db import Store
from app.store.sql import Database
from app.sync import daily_limit, uploads
from app.sync.backoff import Backoff, RateGate
from app.sync.checks import PassedChecks
from app.sync.reasons import held_text
from app.timeutil import in_seconds

log = logging.getLogger(__name__)
#: A post whose picture is still coming from another laptop looks again this much later
#: (the picture arrives with a workspace sync); the account's other items go meanwhile.
PICTURE_WAIT_S = 60

#: ``call(account_id, network_method, *args)``: one guarded request (gate, online state).
Call = Callable[..., Awaitable[Any]]
#: ``my_name(account_id, network)``: the signed-in person's display name (for mentions).
MyName = Callable[[str, Network], Awaitable[str]]

_WHAT = {
    OutboxKind.REPLY: "reply",
    OutboxKind.PUBLISH: "post",
    OutboxKind.EDIT: "edit",
    OutboxKind.DELETE: "deletion",
}

EXPIRED = (
    "The network answered unclearly and has since forgotten the send (it remembers sends "
    "only for a limited time)."
)


class _Moved(msgspec.Struct, frozen=True):
    """How the thread moved under a reply, and the comment as it is now (None: gone)."""

    kind: ErrorKind
    comment: RemoteComment | None = None


class _Try(msgspec.Struct):
    """One claimed item on its way out."""

    item: OutboxItem
    claimed: OutboxState  # queued, or unknown (awaiting a look-up)
    resolved: bool  # we know the write has not landed, so sending it is safe
    writing: bool = False  # the write request may have left

    @property
    def what(self) -> str:
        return _WHAT[self.item.kind]


class Sender:
    """Sends claimed outbox items through ``call`` and records every outcome in the store."""

    def __init__(
        self,
        store: Store,
        hub: Events,
        backoff: Backoff,
        gate: RateGate,
        call: Call,
        *,
        my_name: MyName,
        checks: PassedChecks | None = None,
    ) -> None:
        self._store = store
        self._events = hub
        self._backoff = backoff
        self._gate = gate
        self._call = call
        self._my_name = my_name
        #: Items claimed by this sender and not yet settled, and accounts with a claim
        #: under way (its item is 'sending' in the store before its id is known here).
        self._holding: set[int] = set()
        self._claiming: set[str] = set()
        self._checks = checks  # pre-send checks that passed (None: always check)

    def holds(self, item: OutboxItem) -> bool:
        """Is this sender sending ``item`` now (or claiming an item of its account)?"""
        return item.id in self._holding or item.account_id in self._claiming

    async def push(
        self, account_id: str, network: Network, max_items: int
    ) -> dict[int, OutboxState]:
        """Send what is due for one account; returns the state each item tried ended in."""
        outcomes: dict[int, OutboxState] = {}
        for _ in range(max_items):
            try:
                await self._gate.wait(account_id)
            except RateLimited:
                break  # a long wait: the items keep their due times in the outbox
            item = await self._claim(account_id)
            if item is None:
                break
            try:
                self._events.emit(events.OutboxChanged(item_id=item.id))
                claimed = item.state
                attempt = _Try(item, claimed, resolved=claimed is OutboxState.QUEUED)
                state, keep_going = await self._process(account_id, network, attempt)
            finally:
                self._holding.discard(item.id)
            outcomes[item.id] = state
            if not keep_going:
                break
        return outcomes

    async def _claim(self, account_id: str) -> OutboxItem | None:
        self._claiming.add(account_id)
        try:
            item = await self._store.run(outbox.claim_due, account_id)
            if item is not None:
                self._holding.add(item.id)
            return item
        finally:
            self._claiming.discard(account_id)

    async def _process(
        self, account_id: str, network: Network, attempt: _Try
    ) -> tuple[OutboxState, bool]:
        """Run one try and turn its failure, if any, into the item's next state."""
        try:
            return await self._send(account_id, network, attempt), True
        except OfflineError as exc:
            await self._release(attempt, f"Offline ({exc}); it goes out when the network is back.")
            return attempt.claimed, False
        except PictureStillComing as exc:  # a shared draft scheduled here before it came
            await self._release(attempt, str(exc), in_seconds(PICTURE_WAIT_S))
            return attempt.claimed, True
        except RateLimited as exc:
            if attempt.writing and self._checks is not None:
                self._checks.passed(attempt.item)  # only the write was refused: keep its check
            await self._release(
                attempt,
                f"Rate limited by the network ({exc}); it goes out once the wait is over.",
                in_seconds(self._gate.remaining(account_id)),
            )
            return attempt.claimed, True
        except AuthError as exc:
            message = (
                f"The network no longer accepts this account's sign-in ({exc}). "
                "Sign in again: it then goes out by itself."
            )
            return await self._fail(attempt, ErrorKind.AUTH, message), False
        except (Rejected, NotFound) as exc:
            return await self._fail(
                attempt, ErrorKind.PERMANENT, f"The network refused the {attempt.what}: {exc}"
            ), True
        except NetworkError as exc:  # timeout, reset, 5xx, garbled body: retryable
            state = OutboxState.UNKNOWN if attempt.writing else attempt.claimed
            return await self._retry_later(attempt, state, exc), True
        except BaseException:
            # Cancelled or a bug: never leave the item 'sending'.
            state = OutboxState.UNKNOWN if attempt.writing else attempt.claimed
            log.warning(
                "account %s: sending outbox item %d was interrupted; it is %s now",
                account_id,
                attempt.item.id,
                state,
            )
            await self._store.run(
                partial(
                    outbox.update,
                    error="Sending was interrupted; "
                    "Fireside checks with the network before any resend.",
                ),
                attempt.item.id,
                state,
            )
            raise

    async def _send(self, account_id: str, network: Network, attempt: _Try) -> OutboxState:
        item = attempt.item
        if not attempt.resolved:
            remote_id = await self._call(
                account_id, network.lookup_write, item.idempotency_key, item.intent()
            )
            if remote_id is not None:
                return await self._sent(item, remote_id)
            if outbox.key_expired(item, network.capabilities.key_retention_s):
                return await self._finish(
                    item,
                    OutboxState.FAILED,
                    error=EXPIRED,
                    error_kind=ErrorKind.EXPIRED,
                )
            attempt.resolved = True
        if item.kind in (OutboxKind.PUBLISH, OutboxKind.REPLY):
            full = await daily_limit.room_for(self._store, network, account_id, item)
            if full is not None:  # the place's daily limit: it waits, and says why
                await self._release(attempt, full.sentence, full.until)
                return attempt.claimed
        checked = self._checks is not None and self._checks.fresh(item)
        if item.kind is OutboxKind.REPLY and not item.confirmed and not checked:
            moved = await self._thread_moved(account_id, network, item)
            if moved is not None:
                return await self._hold(account_id, network, item, moved)
        options = item.options
        if item.kind is OutboxKind.PUBLISH:  # its pictures first: nothing of the post left
            options = await uploads.with_images(self._store, self._call, account_id, network, item)
        attempt.writing = True
        remote_id, post = await self._write(account_id, network, item, options)
        return await self._sent(item, remote_id, post)

    async def _thread_moved(
        self, account_id: str, network: Network, item: OutboxItem
    ) -> _Moved | None:
        """How the thread moved (deleted, edited, answered), or None if it did not."""
        target = item.target_remote_id
        try:
            comment = await self._call(account_id, network.get_comment, target)
        except NotFound:
            return _Moved(ErrorKind.DELETED)
        if comment.deleted:
            return _Moved(ErrorKind.DELETED)
        expected = item.expected_version
        if expected is not None and comment.version != expected:
            return _Moved(ErrorKind.EDITED, comment)
        replies = await self._call(account_id, network.list_replies, target)
        if any(r.is_mine and not r.deleted for r in replies):
            return _Moved(ErrorKind.ANSWERED)
        return None

    async def _hold(
        self, account_id: str, network: Network, item: OutboxItem, moved: _Moved
    ) -> OutboxState:
        """Hold the reply for the person; an edited comment is stored as it now reads, in
        the same transaction (one that cannot be stored is logged and left as it was)."""
        refreshed: list[comments.PreparedComment] = []
        if moved.comment is not None:
            my_name = await self._my_name(account_id, network)
            refreshed = comments.prepare([moved.comment], my_name)
        await self._store.run(_record_held, item, moved.kind, refreshed)
        _log_outcome(item, OutboxState.HELD, held_text(moved.kind))
        self._events.emit(events.OutboxChanged(item_id=item.id))
        if refreshed:
            self._events.emit(events.InboxChanged())
        return OutboxState.HELD

    async def _write(
        self, account_id: str, network: Network, item: OutboxItem, options: PublishOptions
    ) -> tuple[str, RemotePost | None]:
        """Send the item's write with its idempotency key; returns the remote id it concerns
        and, for a publish, the post as the network made it."""
        kind, key, body = item.kind, item.idempotency_key, item.body
        if kind is OutboxKind.REPLY:
            comment = await self._call(
                account_id,
                network.reply,
                item.post_remote_id,
                item.target_remote_id,
                body,
                item.text_format,
                key,
            )
            return str(comment.remote_id), None
        if kind is OutboxKind.PUBLISH:
            post = await self._call(
                account_id,
                network.publish,
                item.title,
                body,
                item.text_format,
                key,
                options,
            )
            return str(post.remote_id), post
        # Edits and deletions name a comment by target_remote_id, else the post.
        target, remote_id = (
            (RemoteKind.COMMENT, item.target_remote_id)
            if item.target_remote_id
            else (RemoteKind.POST, item.post_remote_id or "")
        )
        if kind is OutboxKind.EDIT:
            await self._call(account_id, network.edit, target, remote_id, body, key)
        else:
            await self._call(account_id, network.delete, target, remote_id, key)
        return remote_id, None

    async def _sent(
        self, item: OutboxItem, remote_id: str, post: RemotePost | None = None
    ) -> OutboxState:
        published = await self._store.run(_record_sent, item, remote_id, post)
        log.info("account %s: outbox item %d sent (%s)", item.account_id, item.id, remote_id)
        self._events.emit(events.OutboxChanged(item_id=item.id))
        if item.kind is OutboxKind.REPLY or post is not None:
            self._events.emit(events.InboxChanged())  # answered, or a new post to list
        if published:
            self._events.emit(events.DraftsChanged(draft_id=item.draft_id))
        return OutboxState.SENT

    async def _retry_later(
        self, attempt: _Try, state: OutboxState, exc: NetworkError
    ) -> OutboxState:
        """A retryable failure: back off, or fail once the item has had all its tries."""
        attempts = attempt.item.attempts + 1
        unknown = state is OutboxState.UNKNOWN
        if attempts >= self._backoff.max_attempts:
            message = (
                f"Fireside could not confirm whether the {attempt.what} arrived ({exc}). "
                "Check the thread; Retry looks it up again before sending anything."
                if unknown
                else f"Gave up after {attempts} tries ({exc}). Retry when the network works."
            )
            return await self._fail(
                attempt, ErrorKind.UNKNOWN if unknown else ErrorKind.RETRYABLE, message
            )
        message = (
            f"No clear answer from the network ({exc}); Fireside checks whether the "
            f"{attempt.what} arrived before trying again."
            if unknown
            else f"The network had a problem ({exc}); trying again shortly."
        )
        return await self._finish(
            attempt.item,
            state,
            error=message,
            error_kind=ErrorKind.UNKNOWN if unknown else ErrorKind.RETRYABLE,
            next_attempt_at=in_seconds(self._backoff.delay(attempts)),
        )

    async def _fail(self, attempt: _Try, error_kind: ErrorKind, message: str) -> OutboxState:
        # Until the look-up said "not landed", a failed item stays "unknown" for Retry (and
        # for signing in again, when the sign-in was what failed).
        kind = error_kind
        if not attempt.resolved:
            auth = error_kind is ErrorKind.AUTH
            kind = ErrorKind.AUTH_UNCONFIRMED if auth else ErrorKind.UNKNOWN
        return await self._finish(attempt.item, OutboxState.FAILED, error=message, error_kind=kind)

    async def _finish(self, item: OutboxItem, state: OutboxState, **changes: Any) -> OutboxState:
        await self._store.run(partial(outbox.update, **changes), item.id, state)
        _log_outcome(item, state, changes.get("error") or "")
        self._events.emit(events.OutboxChanged(item_id=item.id))
        return state

    async def _release(self, attempt: _Try, error: str, next_attempt_at: str | None = None) -> None:
        _log_outcome(attempt.item, attempt.claimed, error)
        await self._store.run(
            partial(outbox.release, error=error, next_attempt_at=next_attempt_at),
            attempt.item.id,
            attempt.claimed,
        )
        self._events.emit(events.OutboxChanged(item_id=attempt.item.id))


def _log_outcome(item: OutboxItem, state: OutboxState, why: str) -> None:
    """One line per item that did not simply go out; a warning when it failed."""
    log.log(
        logging.WARNING if state is OutboxState.FAILED else logging.INFO,
        "account %s: outbox item %d is %s: %s",
        item.account_id,
        item.id,
        state,
        why,
    )


def _record_held(
    db: Database,
    item: OutboxItem,
    kind: ErrorKind,
    refreshed: list[comments.PreparedComment],
) -> None:
    """Hold the item and store the comment as the check found it, in one transaction."""
    outbox.update(db, item.id, OutboxState.HELD, error=held_text(kind), error_kind=kind)
    comments.store_prepared(db, item.account_id, refreshed)


def _record_sent(db: Database, item: OutboxItem, remote_id: str, post: RemotePost | None) -> bool:
    """Mark the item sent, its comment answered, a published post listed under Posts at
    once (the next pull would find it too), and its draft published once every target has
    gone out, in one transaction. Returns True when the draft became published."""
    outbox.update(db, item.id, OutboxState.SENT, remote_id=remote_id)
    if post is not None:
        accounts.upsert_posts(db, item.account_id, [post])
    if item.kind is OutboxKind.REPLY and item.comment_id is not None:
        comments.mark_answered(db, [item.comment_id])
    draft_id = item.draft_id
    if item.kind is not OutboxKind.PUBLISH or draft_id is None:
        return False
    if outbox.unsent_publishes(db, draft_id) or drafts.get(db, draft_id).state is not (
        DraftState.QUEUED
    ):
        return False
    drafts.set_state(db, draft_id, DraftState.PUBLISHED)
    return True
