"""The persistent outbox: every write is recorded here, with its idempotency key, before it
is sent. States: queued → sending → sent | failed | unknown; held waits for the user."""

from __future__ import annotations

import json
import uuid

from app.domain import (
    LOOK_UP_FIRST,
    SIGN_IN_KINDS,
    Delivery,
    ErrorKind,
    HeldSend,
    OutboxItem,
    OutboxKind,
    OutboxState,
    PublishOptions,
)
from app.domain.states import EDITABLE
from app.errors import UserError
from app.store.sql import Database
from app.store.tables import insert_row
from app.timeutil import now, now_iso, parse


def enqueue(
    db: Database,
    kind: OutboxKind,
    account_id: str,
    body: str,
    *,
    post_remote_id: str | None = None,
    target_remote_id: str | None = None,
    comment_id: int | None = None,
    draft_id: int | None = None,
    title: str = "",
    text_format: str = "markdown",
    expected_version: int | None = None,
    batch_id: str | None = None,
    options: PublishOptions | None = None,
    hold_until: str | None = None,
) -> int:
    """Record a write; its idempotency key is made here, once, and never changes.
    With ``hold_until`` (undo send) the item is not due before that time."""
    stamp = now_iso()
    return insert_row(
        db,
        "outbox",
        {
            "kind": str(kind),
            "account_id": account_id,
            "idempotency_key": uuid.uuid4().hex,
            "post_remote_id": post_remote_id,
            "target_remote_id": target_remote_id,
            "comment_id": comment_id,
            "draft_id": draft_id,
            "title": title,
            "body": body,
            "text_format": text_format,
            "state": str(OutboxState.QUEUED),
            "expected_version": expected_version,
            "batch_id": batch_id,
            "options": json.dumps((options or PublishOptions()).to_json()),
            "created_at": stamp,
            "updated_at": stamp,
            "next_attempt_at": hold_until or stamp,
            "hold_until": hold_until,
        },
    )


def get(db: Database, item_id: int) -> OutboxItem:
    row = db.execute("SELECT * FROM outbox WHERE id = ?", [item_id]).fetchone()
    if row is None:
        raise UserError(f"Outbox item {item_id} does not exist.")
    return OutboxItem.from_row(row)


def list_items(db: Database, include_sent: bool = True) -> list[OutboxItem]:
    """Items newest first, with where each goes (network, account name, recipient)."""
    where = "" if include_sent else "WHERE o.state NOT IN ('sent', 'cancelled')"
    return [
        OutboxItem.from_row(r)
        for r in db.query(f"""SELECT o.*, a.network, a.name AS account_name,
            p.name AS recipient FROM outbox o JOIN accounts a ON a.id = o.account_id
            LEFT JOIN comments c ON c.id = o.comment_id
            LEFT JOIN people p ON p.id = c.author_id
            {where} ORDER BY o.id DESC""")
    ]


def pending_count(db: Database) -> int:
    count: int = db.execute(
        "SELECT COUNT(*) FROM outbox WHERE state IN "
        "('queued', 'sending', 'unknown', 'held', 'failed')"
    ).fetchone()[0]
    return count


def claim_due(db: Database, account_id: str, now: str | None = None) -> OutboxItem | None:
    """Take the oldest due item (queued, or unknown awaiting a look-up); mark it sending."""
    row = db.execute(
        "SELECT * FROM outbox WHERE account_id = ? AND state IN ('queued', 'unknown') "
        "AND next_attempt_at <= ? ORDER BY id LIMIT 1",
        [account_id, now or now_iso()],
    ).fetchone()
    if row is None:
        return None
    item = OutboxItem.from_row(row)
    db.execute(
        "UPDATE outbox SET state = 'sending', attempts = attempts + 1, updated_at = ? WHERE id = ?",
        [now_iso(), item.id],
    )
    return item


def held(db: Database, now: str | None = None) -> list[HeldSend]:
    """Batches still in their undo-send grace period, the newest first."""
    rows = db.execute(
        "SELECT batch_id, kind, COUNT(*), MIN(hold_until), MAX(draft_id) FROM outbox "
        "WHERE state = 'queued' AND hold_until > ? AND batch_id IS NOT NULL "
        "GROUP BY batch_id ORDER BY MAX(id) DESC",
        [now or now_iso()],
    ).fetchall()
    return [HeldSend(r[0], OutboxKind(r[1]), r[2], r[3], r[4]) for r in rows]


def take_back(db: Database, batch_id: str, now: str | None = None) -> list[OutboxItem]:
    """Cancel a batch whose grace period has not ended; its items as they were. Raises
    UserError when it has ended: an item may then be leaving, so nothing is taken back."""
    stamp = now or now_iso()
    items = [
        OutboxItem.from_row(r)
        for r in db.execute("SELECT * FROM outbox WHERE batch_id = ? ORDER BY id", [batch_id])
    ]
    if not items or any(
        i.state is not OutboxState.QUEUED or not i.hold_until or i.hold_until <= stamp
        for i in items
    ):
        raise UserError("Too late to undo: it has already started to go out. See the outbox.")
    db.execute(
        "UPDATE outbox SET state = 'cancelled', updated_at = ? WHERE batch_id = ?",
        [stamp, batch_id],
    )
    return items


def last_sent_at(db: Database) -> str | None:
    """When the outbox last sent something (None: never)."""
    sent: str | None = db.execute("SELECT MAX(sent_at) FROM outbox").fetchone()[0]
    return sent


def key_expired(item: OutboxItem, retention_s: float | None, margin_s: float = 600) -> bool:
    """True when the network may already have forgotten this item's idempotency key, so a
    look-up that finds nothing no longer proves the write never landed."""
    if retention_s is None or not item.first_sent_at:
        return False
    age = (now() - parse(item.first_sent_at)).total_seconds()
    return age > retention_s - margin_s


def update(
    db: Database,
    item_id: int,
    state: OutboxState,
    *,
    error: str | None = None,
    error_kind: ErrorKind | None = None,
    remote_id: str | None = None,
    next_attempt_at: str | None = None,
) -> None:
    stamp = now_iso()
    db.execute(
        """UPDATE outbox SET state = ?, last_error = ?, error_kind = ?,
        remote_id = COALESCE(?, remote_id), next_attempt_at = COALESCE(?, next_attempt_at),
        updated_at = ?, sent_at = CASE WHEN ? = 'sent' THEN ? ELSE sent_at END,
        first_sent_at = CASE WHEN ? = 'unknown' THEN COALESCE(first_sent_at, ?)
                             ELSE first_sent_at END WHERE id = ?""",
        [
            str(state),
            error,
            None if error_kind is None else str(error_kind),
            remote_id,
            next_attempt_at,
            stamp,
            str(state),
            stamp,
            str(state),
            stamp,
            item_id,
        ],
    )


def recover_interrupted(db: Database) -> list[OutboxItem]:
    """After a crash, an item left 'sending' may or may not have landed: make it 'unknown'.
    Returns the items so recovered, as the crash left them."""
    left = [
        OutboxItem.from_row(r) for r in db.execute("SELECT * FROM outbox WHERE state = 'sending'")
    ]
    db.execute(
        "UPDATE outbox SET state = 'unknown', last_error = ?, updated_at = ?, "
        "first_sent_at = COALESCE(first_sent_at, updated_at) WHERE state = 'sending'",
        ["Fireside stopped while sending; checking with the network before any resend.", now_iso()],
    )
    return left


def edit_body(db: Database, item_id: int, body: str) -> None:
    item = get(db, item_id)
    if item.state not in EDITABLE:
        raise UserError(f"This item is {item.state} and can no longer be edited.")
    if item.state is OutboxState.FAILED and item.error_kind is ErrorKind.UNKNOWN:
        # It may have arrived: Retry looks it up by what was sent (on Viva Engage and
        # Teams by its text), so the text must stay what was sent.
        raise UserError(
            "This item may already have arrived (its last send got no clear answer), so it "
            "cannot be edited: Retry checks with the network first, or Cancel it."
        )
    db.execute(
        "UPDATE outbox SET body = ?, updated_at = ? WHERE id = ?", [body, now_iso(), item_id]
    )


def cancel(db: Database, item_id: int) -> None:
    item = get(db, item_id)
    if item.state not in EDITABLE:
        raise UserError(f"This item is {item.state} and can no longer be cancelled.")
    update(db, item_id, OutboxState.CANCELLED)


def cancel_batch(db: Database, batch_id: str) -> tuple[int, int]:
    """Cancel a batch's items that have not left; returns (cancelled, already gone)."""
    editable = tuple(str(s) for s in EDITABLE)
    marks = ",".join("?" * len(editable))
    cancelled = db.execute(
        f"UPDATE outbox SET state = 'cancelled', updated_at = ? "
        f"WHERE batch_id = ? AND state IN ({marks})",
        [now_iso(), batch_id, *editable],
    ).rowcount
    gone = db.execute(
        "SELECT COUNT(*) FROM outbox WHERE batch_id = ? AND state != 'cancelled'", [batch_id]
    ).fetchone()[0]
    return cancelled, gone


def retry(db: Database, item_id: int) -> None:
    """The user asks to try a failed or held item again (same key: never a duplicate).

    Retrying a held item is the user's confirmation that it should go out even though the
    thread moved; the pre-send check then lets it through. A retry starts a fresh count of
    attempts.
    """
    item = get(db, item_id)
    if item.state not in (OutboxState.FAILED, OutboxState.HELD):
        raise UserError(f"Only failed or held items can be retried; this one is {item.state}.")
    if item.error_kind is ErrorKind.BY_HAND:
        raise UserError(
            "Fireside sends nothing to a site bridged by hand: use Reply by hand to copy "
            "it, paste it on the page, then mark it sent."
        )
    state = _requeued_state(item)
    db.execute(
        "UPDATE outbox SET state = ?, attempts = 0, next_attempt_at = ?, updated_at = ?, "
        "confirmed = CASE WHEN ? THEN 1 ELSE confirmed END WHERE id = ?",
        [str(state), now_iso(), now_iso(), item.state is OutboxState.HELD, item_id],
    )


def hold_for_hand(db: Database, item_ids: list[int]) -> None:
    """Replies to a site bridged by hand wait for the person from the start: no sender
    ever claims a held item, and Retry refuses these."""
    for item_id in item_ids:
        update(db, item_id, OutboxState.HELD, error_kind=ErrorKind.BY_HAND)


def handed_over(db: Database, item_id: int) -> OutboxItem:
    """The person pasted a bridged reply on the page and says so: it is sent."""
    item = get(db, item_id)
    if item.state is not OutboxState.HELD or item.error_kind is not ErrorKind.BY_HAND:
        raise UserError(
            f"Only replies waiting to be pasted by hand can be marked sent; this one is "
            f"{item.state}."
        )
    update(db, item_id, OutboxState.SENT)
    return item


def by_hand(db: Database) -> list[OutboxItem]:
    """Replies waiting to be pasted by hand, oldest first."""
    return [
        OutboxItem.from_row(r)
        for r in db.query(
            """SELECT o.*, a.network, a.name AS account_name, p.name AS recipient
            FROM outbox o JOIN accounts a ON a.id = o.account_id
            LEFT JOIN comments c ON c.id = o.comment_id
            LEFT JOIN people p ON p.id = c.author_id
            WHERE o.state = 'held' AND o.error_kind = ? ORDER BY o.id""",
            [str(ErrorKind.BY_HAND)],
        )
    ]


def requeue_signed_out(db: Database, account_id: str) -> list[OutboxItem]:
    """The account signed in again: its items failed for lack of sign-in go again by
    themselves, as Retry would send them (same key, a fresh count of attempts, a look-up
    first when an earlier try may have landed). Returns the items requeued."""
    kinds = sorted(str(kind) for kind in SIGN_IN_KINDS)
    failed = [
        OutboxItem.from_row(r)
        for r in db.execute(
            f"SELECT * FROM outbox WHERE account_id = ? AND state = 'failed' "
            f"AND error_kind IN ({','.join('?' * len(kinds))}) ORDER BY id",
            [account_id, *kinds],
        )
    ]
    stamp = now_iso()
    for item in failed:
        db.execute(
            "UPDATE outbox SET state = ?, attempts = 0, last_error = NULL, next_attempt_at = ?, "
            "updated_at = ? WHERE id = ?",
            [str(_requeued_state(item)), stamp, stamp, item.id],
        )
    return failed


def _requeued_state(item: OutboxItem) -> OutboxState:
    """Where a failed or held item goes when it is tried again: one whose outcome was
    unknown is looked up before any send; every other one is queued."""
    return OutboxState.UNKNOWN if item.error_kind in LOOK_UP_FIRST else OutboxState.QUEUED


def release(
    db: Database,
    item_id: int,
    state: OutboxState,
    *,
    error: str,
    next_attempt_at: str | None = None,
) -> None:
    """Hand a claimed item back without counting the attempt: the request never left
    (offline) or the network asked us to wait (429), so it must not use up the item's tries."""
    db.execute(
        "UPDATE outbox SET state = ?, attempts = MAX(attempts - 1, 0), last_error = ?, "
        "next_attempt_at = COALESCE(?, next_attempt_at), updated_at = ? WHERE id = ?",
        [str(state), error, next_attempt_at, now_iso(), item_id],
    )


def waiting_count(db: Database, account_id: str) -> int:
    """The account's items still on their way out: queued, or awaiting a look-up."""
    count: int = db.execute(
        "SELECT COUNT(*) FROM outbox WHERE account_id = ? AND state IN ('queued', 'unknown')",
        [account_id],
    ).fetchone()[0]
    return count


def messages_since(db: Database, account_id: str, since: str) -> list[OutboxItem]:
    """The account's posts and replies sent since ``since`` (ISO UTC) or still on their
    way out (queued, sending, or awaiting a look-up), oldest first: what counts against
    a per-place daily limit."""
    rows = db.execute(
        "SELECT * FROM outbox WHERE account_id = ? AND kind IN ('publish', 'reply') "
        "AND ((state = 'sent' AND sent_at >= ?) OR state IN ('queued', 'sending', 'unknown')) "
        "ORDER BY id",
        [account_id, since],
    ).fetchall()
    return [OutboxItem.from_row(r) for r in rows]


def next_due_at(db: Database) -> str | None:
    """When the earliest item waiting to be sent or looked up becomes due (None: nothing waits)."""
    due: str | None = db.execute(
        "SELECT MIN(next_attempt_at) FROM outbox WHERE state IN ('queued', 'unknown')"
    ).fetchone()[0]
    return due


def unsent_publishes(db: Database, draft_id: int) -> int:
    """Publish items of a draft not yet sent (cancelled ones do not count)."""
    count: int = db.execute(
        "SELECT COUNT(*) FROM outbox WHERE draft_id = ? AND kind = 'publish' "
        "AND state NOT IN ('sent', 'cancelled')",
        [draft_id],
    ).fetchone()[0]
    return count


def deliveries(db: Database, draft_id: int) -> list[Delivery]:
    """How a draft went, or is going, to each account: one per publish item not
    cancelled, oldest first."""
    rows = db.query(
        "SELECT o.account_id, a.name AS account_name, a.network, o.state, o.sent_at, o.options "
        "FROM outbox o JOIN accounts a ON a.id = o.account_id WHERE o.draft_id = ? "
        "AND o.kind = 'publish' AND o.state != 'cancelled' ORDER BY o.id",
        [draft_id],
    )
    return [
        Delivery(
            r["account_id"],
            r["account_name"],
            r["network"],
            OutboxState(r["state"]),
            r["sent_at"],
            PublishOptions.from_json_text(r["options"]),
        )
        for r in rows
    ]
