"""The outbox table: written before any send, one idempotency key per item for life, and
state changes that never allow a blind resend."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import sqlite_utils
from fixtures.store_data import ACCOUNT, comment_id, ingest, open_store, remote

from app.domain import (
    PUBLISH_NOW,
    Account,
    Delivery,
    ErrorKind,
    HeldSend,
    OutboxKind,
    OutboxState,
    PublishOptions,
)
from app.errors import UserError
from app.store import Store, accounts, drafts, outbox
from app.timeutil import parse

NOW = "2024-06-01T12:00:00Z"
EARLIER, LATER = "2024-06-01T11:00:00Z", "2024-06-01T13:00:00Z"


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    monkeypatch.setattr(outbox, "now_iso", lambda: NOW)
    store = open_store(tmp_path)
    store.run_sync(ingest, [remote(1)])
    yield store
    store.close()


def reply(db: sqlite_utils.Database, body: str = "Thanks!", **extra) -> int:
    return outbox.enqueue(
        db,
        OutboxKind.REPLY,
        ACCOUNT.id,
        body,
        target_remote_id="c1",
        comment_id=comment_id(db, "c1"),
        post_remote_id="p1",
        **extra,
    )


def put_in(store: Store, item_id: int, state: OutboxState, **columns) -> None:
    sets = ", ".join(f"{k} = ?" for k in ["state", *columns])
    store.run_sync(
        lambda db: db.execute(
            f"UPDATE outbox SET {sets} WHERE id = ?", [str(state), *columns.values(), item_id]
        )
    )


def item(store: Store, item_id: int) -> dict:
    return store.run_sync(outbox.get, item_id)


def test_enqueue_records_everything_with_a_fresh_key(store: Store) -> None:
    first = store.run_sync(lambda db: reply(db, "One", expected_version=3, batch_id="b1"))
    second = store.run_sync(reply, "Two")
    row = item(store, first)
    assert (row.kind, row.state, row.body, row.attempts) == (
        "reply",
        "queued",
        "One",
        0,
    )
    assert (row.expected_version, row.batch_id, row.text_format) == (3, "b1", "markdown")
    assert (row.title, row.draft_id, row.options) == ("", None, PUBLISH_NOW)  # a reply's
    assert row.next_attempt_at == row.created_at == row.updated_at == NOW
    assert len(row.idempotency_key) == 32
    assert row.idempotency_key != item(store, second).idempotency_key


def test_the_key_is_unique_in_the_table(store: Store) -> None:
    first, second = store.run_sync(reply), store.run_sync(reply)
    key = item(store, first).idempotency_key
    with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
        store.run_sync(
            lambda db: db.execute(
                "UPDATE outbox SET idempotency_key = ? WHERE id = ?", [key, second]
            )
        )


def test_the_key_never_changes_through_a_whole_life(store: Store) -> None:
    item_id = store.run_sync(reply)
    key = item(store, item_id).idempotency_key
    steps = [
        lambda db: outbox.claim_due(db, ACCOUNT.id, LATER),
        outbox.recover_interrupted,
        lambda db: outbox.update(
            db, item_id, OutboxState.FAILED, error="timeout", error_kind="unknown"
        ),
        lambda db: outbox.retry(db, item_id),
        lambda db: outbox.claim_due(db, ACCOUNT.id, LATER),
        lambda db: outbox.release(db, item_id, OutboxState.QUEUED, error="offline"),
        lambda db: outbox.edit_body(db, item_id, "Edited"),
        lambda db: outbox.update(db, item_id, OutboxState.SENT, remote_id="r9"),
    ]
    for step in steps:
        store.run_sync(step)
        assert item(store, item_id).idempotency_key == key


def test_publish_items_point_at_their_draft(store: Store) -> None:
    draft_id = store.run_sync(drafts.create, "Title", "Body")
    item_id = store.run_sync(
        lambda db: outbox.enqueue(
            db, OutboxKind.PUBLISH, ACCOUNT.id, "Body", title="Title", draft_id=draft_id
        )
    )
    assert (item(store, item_id).draft_id, item(store, item_id).kind) == (draft_id, "publish")
    assert store.run_sync(outbox.unsent_publishes, draft_id) == 1
    store.run_sync(outbox.cancel, item_id)
    assert store.run_sync(outbox.unsent_publishes, draft_id) == 0


def test_get_of_a_missing_item_says_so(store: Store) -> None:
    with pytest.raises(UserError, match="Outbox item 77 does not exist"):
        store.run_sync(outbox.get, 77)


# --- claiming and sending ---------------------------------------------------------------


def test_claim_takes_the_oldest_due_item_and_marks_it_sending(store: Store) -> None:
    first, second = store.run_sync(reply, "first"), store.run_sync(reply, "second")
    claimed = store.run_sync(outbox.claim_due, ACCOUNT.id, NOW)
    assert claimed.id == first
    assert (item(store, first).state, item(store, first).attempts) == ("sending", 1)
    assert store.run_sync(outbox.claim_due, ACCOUNT.id, NOW).id == second
    assert store.run_sync(outbox.claim_due, ACCOUNT.id, NOW) is None


def test_claim_waits_for_next_attempt_and_skips_other_states(store: Store) -> None:
    waiting = store.run_sync(reply)
    put_in(store, waiting, OutboxState.QUEUED, next_attempt_at=LATER)
    for state in (
        OutboxState.HELD,
        OutboxState.FAILED,
        OutboxState.SENT,
        OutboxState.CANCELLED,
        OutboxState.SENDING,
    ):
        put_in(store, store.run_sync(reply), state, next_attempt_at=EARLIER)
    assert store.run_sync(outbox.claim_due, ACCOUNT.id, NOW) is None
    assert store.run_sync(outbox.claim_due, "other-account", LATER) is None
    assert store.run_sync(outbox.claim_due, ACCOUNT.id, LATER).id == waiting


def test_unknown_items_are_claimed_for_a_look_up(store: Store) -> None:
    item_id = store.run_sync(reply)
    put_in(store, item_id, OutboxState.UNKNOWN, next_attempt_at=EARLIER)
    claimed = store.run_sync(outbox.claim_due, ACCOUNT.id, NOW)
    assert (claimed.id, claimed.state) == (item_id, "unknown")  # the caller looks it up
    assert item(store, item_id).state == "sending"


def test_update_records_outcomes(store: Store) -> None:
    item_id = store.run_sync(reply)
    store.run_sync(
        lambda db: outbox.update(
            db,
            item_id,
            OutboxState.FAILED,
            error="429",
            error_kind="retryable",
            next_attempt_at=LATER,
        )
    )
    row = item(store, item_id)
    assert (row.state, row.last_error, row.error_kind, row.next_attempt_at) == (
        "failed",
        "429",
        "retryable",
        LATER,
    )
    store.run_sync(lambda db: outbox.update(db, item_id, OutboxState.SENT, remote_id="r1"))
    row = item(store, item_id)
    assert (row.state, row.remote_id, row.sent_at, row.last_error) == (
        "sent",
        "r1",
        NOW,
        None,
    )
    assert row.next_attempt_at == LATER  # kept when not given


def test_a_crash_while_sending_becomes_unknown_never_queued(store: Store) -> None:
    sending, queued = store.run_sync(reply), store.run_sync(reply)
    store.run_sync(outbox.claim_due, ACCOUNT.id, NOW)
    assert [i.id for i in store.run_sync(outbox.recover_interrupted)] == [sending]
    row = item(store, sending)
    assert row.state == "unknown" and "checking with the network" in row.last_error
    assert item(store, queued).state == "queued"


def test_release_gives_the_attempt_back(store: Store) -> None:
    item_id = store.run_sync(reply)
    store.run_sync(outbox.claim_due, ACCOUNT.id, NOW)
    store.run_sync(
        lambda db: outbox.release(
            db, item_id, OutboxState.QUEUED, error="offline", next_attempt_at=LATER
        )
    )
    row = item(store, item_id)
    assert (row.state, row.attempts, row.last_error, row.next_attempt_at) == (
        "queued",
        0,
        "offline",
        LATER,
    )


def test_next_due_at_is_the_earliest_waiting_item(store: Store) -> None:
    assert store.run_sync(outbox.next_due_at) is None
    a, b, c = (store.run_sync(reply) for _ in range(3))
    put_in(store, a, OutboxState.QUEUED, next_attempt_at=LATER)
    put_in(store, b, OutboxState.UNKNOWN, next_attempt_at=EARLIER)
    put_in(store, c, OutboxState.FAILED, next_attempt_at="2000-01-01T00:00:00Z")
    assert store.run_sync(outbox.next_due_at) == EARLIER


# --- what the person may do ---------------------------------------------------------------


@pytest.mark.parametrize("state", list(OutboxState))
def test_edit_and_cancel_only_while_nothing_can_have_left(store: Store, state: OutboxState) -> None:
    item_id = store.run_sync(reply)
    put_in(store, item_id, state)
    if state in outbox.EDITABLE:
        store.run_sync(outbox.edit_body, item_id, "Better words")
        assert item(store, item_id).body == "Better words"
        store.run_sync(outbox.cancel, item_id)
        assert item(store, item_id).state == "cancelled"
    else:
        with pytest.raises(UserError, match="can no longer be edited"):
            store.run_sync(outbox.edit_body, item_id, "Better words")
        with pytest.raises(UserError, match="can no longer be cancelled"):
            store.run_sync(outbox.cancel, item_id)
        assert (item(store, item_id).body, item(store, item_id).state) == (
            "Thanks!",
            str(state),
        )


def test_a_failed_item_that_may_have_arrived_keeps_its_text(store: Store) -> None:
    """Its look-up matches on what was sent (Viva Engage and Teams carry no key), so the
    text stays; it can still be cancelled or retried."""
    item_id = store.run_sync(reply)
    put_in(store, item_id, OutboxState.FAILED, error_kind="unknown")
    with pytest.raises(UserError) as refused:
        store.run_sync(outbox.edit_body, item_id, "Better words")
    assert str(refused.value) == (
        "This item may already have arrived (its last send got no clear answer), so it "
        "cannot be edited: Retry checks with the network first, or Cancel it."
    )
    assert item(store, item_id).body == "Thanks!"
    store.run_sync(outbox.cancel, item_id)
    assert item(store, item_id).state == "cancelled"


def test_signing_in_again_requeues_only_what_failed_for_lack_of_sign_in(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As Retry would: the same key, a fresh count of tries, due now, and a look-up first
    for an item whose try may have landed before the sign-in failed."""
    signed_out, unconfirmed, refused, held = (store.run_sync(reply) for _ in range(4))
    put_in(store, signed_out, OutboxState.FAILED, error_kind="auth", attempts=1, last_error="x")
    put_in(store, unconfirmed, OutboxState.FAILED, error_kind="auth_unconfirmed", attempts=3)
    put_in(store, refused, OutboxState.FAILED, error_kind="permanent", attempts=1)
    put_in(store, held, OutboxState.HELD, error_kind="auth")
    store.run_sync(accounts.add_account, Account("other", "sandbox", "Other", "http://o"))
    elsewhere = store.run_sync(
        lambda db: outbox.enqueue(db, OutboxKind.PUBLISH, "other", "Hello", title="Hi")
    )
    put_in(store, elsewhere, OutboxState.FAILED, error_kind="auth")
    clock(monkeypatch, LATER)

    requeued = store.run_sync(outbox.requeue_signed_out, ACCOUNT.id)

    assert [(i.id, i.state) for i in requeued] == [(signed_out, "failed"), (unconfirmed, "failed")]
    for item_id, state in ((signed_out, "queued"), (unconfirmed, "unknown")):
        row = item(store, item_id)
        assert (row.state, row.attempts, row.last_error) == (state, 0, None)
        assert row.next_attempt_at == row.updated_at == LATER
    for untouched in (refused, held, elsewhere):
        assert item(store, untouched).updated_at == NOW


def test_editable_states_exclude_everything_in_flight() -> None:
    assert set(outbox.EDITABLE) == {OutboxState.QUEUED, OutboxState.HELD, OutboxState.FAILED}


@pytest.mark.parametrize("state", list(OutboxState))
def test_retry_only_failed_or_held(store: Store, state: OutboxState) -> None:
    item_id = store.run_sync(reply)
    put_in(store, item_id, state, attempts=4, next_attempt_at=LATER)
    if state in (OutboxState.FAILED, OutboxState.HELD):
        store.run_sync(outbox.retry, item_id)
        row = item(store, item_id)
        assert (row.state, row.attempts, row.next_attempt_at) == ("queued", 0, NOW)
        assert row.confirmed == (1 if state is OutboxState.HELD else 0)
    else:
        with pytest.raises(UserError, match="Only failed or held"):
            store.run_sync(outbox.retry, item_id)
        assert item(store, item_id).state == str(state)


def test_retry_of_an_unknown_outcome_looks_it_up_first(store: Store) -> None:
    item_id = store.run_sync(reply)
    put_in(store, item_id, OutboxState.FAILED, error_kind="unknown")
    store.run_sync(outbox.retry, item_id)
    assert item(store, item_id).state == "unknown"


def test_pending_count_and_list(store: Store) -> None:
    ids = {state: store.run_sync(reply, str(state)) for state in OutboxState}
    for state, item_id in ids.items():
        put_in(store, item_id, state)
    assert store.run_sync(outbox.pending_count) == 5  # queued, sending, unknown, held, failed
    everything = store.run_sync(outbox.list_items)
    assert [r.id for r in everything] == sorted(ids.values(), reverse=True)
    assert {r.recipient for r in everything} == {"Person1 Surname"}
    assert everything[0].network == ACCOUNT.network
    open_only = {r.state for r in store.run_sync(outbox.list_items, False)}
    assert open_only == {"queued", "sending", "unknown", "held", "failed"}


def test_items_survive_a_restart(tmp_path: Path) -> None:
    """Written before any network call means: on disk when enqueue returns."""
    store = open_store(tmp_path)
    store.run_sync(ingest, [remote(1)])
    item_id = store.run_sync(reply, "Durable")
    key = item(store, item_id).idempotency_key
    store.close()
    again = Store(tmp_path / "fireside.db")
    try:
        row = again.run_sync(outbox.get, item_id)
        assert (row.body, row.idempotency_key, row.state) == ("Durable", key, "queued")
    finally:
        again.close()


# --- the idempotency key's clock ----------------------------------------------------------


def clock(monkeypatch: pytest.MonkeyPatch, stamp: str) -> None:
    monkeypatch.setattr(outbox, "now_iso", lambda: stamp)


def test_first_sent_at_starts_when_the_outcome_first_became_unknown(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """It starts the key's expiry clock: it must not restart with every later unknown
    outcome, or the clock would never run out."""
    item_id = store.run_sync(reply)
    for state in (OutboxState.SENDING, OutboxState.QUEUED, OutboxState.FAILED):
        store.run_sync(outbox.update, item_id, state)
        assert item(store, item_id).first_sent_at is None
    clock(monkeypatch, EARLIER)
    store.run_sync(outbox.update, item_id, OutboxState.UNKNOWN)
    assert item(store, item_id).first_sent_at == EARLIER

    clock(monkeypatch, LATER)
    for state in (OutboxState.UNKNOWN, OutboxState.FAILED, OutboxState.UNKNOWN):
        store.run_sync(outbox.update, item_id, state)
        assert item(store, item_id).first_sent_at == EARLIER
    assert item(store, item_id).sent_at is None  # only a send stamps sent_at
    store.run_sync(outbox.update, item_id, OutboxState.SENT)
    assert (item(store, item_id).sent_at, item(store, item_id).first_sent_at) == (LATER, EARLIER)


def test_crash_recovery_starts_the_key_clock_when_the_send_began(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    claimed_then, unclear_before = store.run_sync(reply), store.run_sync(reply)
    clock(monkeypatch, EARLIER)
    store.run_sync(outbox.claim_due, ACCOUNT.id, NOW)
    put_in(store, unclear_before, OutboxState.SENDING, first_sent_at="2024-06-01T10:00:00Z")

    clock(monkeypatch, LATER)
    assert len(store.run_sync(outbox.recover_interrupted)) == 2

    row = item(store, claimed_then)
    assert (row.state, row.first_sent_at, row.updated_at) == ("unknown", EARLIER, LATER)
    assert row.last_error == (
        "Fireside stopped while sending; checking with the network before any resend."
    )
    assert item(store, unclear_before).first_sent_at == "2024-06-01T10:00:00Z"
    assert store.run_sync(outbox.recover_interrupted) == []


def unclear_since(store: Store, stamp: str | None):
    item_id = store.run_sync(reply)
    put_in(store, item_id, OutboxState.UNKNOWN, first_sent_at=stamp)
    return item(store, item_id)


@pytest.mark.parametrize(
    ("age_s", "expired"),
    [(0, False), (2999, False), (3000, False), (3001, True), (3599, True), (7200, True)],
)
def test_a_key_counts_as_expired_a_safety_margin_before_the_network_forgets_it(
    store: Store, monkeypatch: pytest.MonkeyPatch, age_s: int, expired: bool
) -> None:
    """A network keeping keys an hour may forget one early (clocks differ): after 50
    minutes (the default margin is 10), a look-up that finds nothing proves nothing."""
    monkeypatch.setattr(outbox, "now", lambda: parse(NOW) + timedelta(seconds=age_s))
    row = unclear_since(store, NOW)
    assert outbox.key_expired(row, 3600) is expired
    assert outbox.key_expired(row, 3600, margin_s=0) is (age_s > 3600)


def test_a_key_never_expires_without_a_retention_or_a_send(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(outbox, "now", lambda: parse(NOW) + timedelta(days=365))
    assert not outbox.key_expired(unclear_since(store, NOW), None)
    assert not outbox.key_expired(unclear_since(store, None), 60)


# --- batches and hand-backs ---------------------------------------------------------------


def test_cancel_batch_cancels_only_what_has_not_left(store: Store) -> None:
    ids = {state: store.run_sync(lambda db: reply(db, batch_id="b1")) for state in OutboxState}
    for state, item_id in ids.items():
        put_in(store, item_id, state)
    elsewhere = store.run_sync(lambda db: reply(db, batch_id="b2"))

    # queued, held, failed are cancelled; sending, unknown and sent may have left
    assert store.run_sync(outbox.cancel_batch, "b1") == (3, 3)

    for state, item_id in ids.items():
        row = item(store, item_id)
        cancelled = state in outbox.EDITABLE or state is OutboxState.CANCELLED
        assert row.state == ("cancelled" if cancelled else str(state))
        assert row.updated_at == NOW
    assert item(store, elsewhere).state == "queued"
    assert store.run_sync(outbox.cancel_batch, "b1") == (0, 3)
    assert store.run_sync(outbox.cancel_batch, "nothing") == (0, 0)


def test_release_never_counts_below_zero_and_keeps_the_due_time(store: Store) -> None:
    item_id = store.run_sync(reply)
    put_in(store, item_id, OutboxState.SENDING, attempts=0, next_attempt_at=LATER)
    store.run_sync(lambda db: outbox.release(db, item_id, OutboxState.UNKNOWN, error="offline"))
    row = item(store, item_id)
    assert (row.state, row.attempts, row.next_attempt_at) == ("unknown", 0, LATER)


def test_update_clears_the_error_and_keeps_the_remote_id(store: Store) -> None:
    item_id = store.run_sync(reply)
    put_in(store, item_id, OutboxState.SENDING, remote_id="r1", error_kind="retryable")
    store.run_sync(lambda db: outbox.update(db, item_id, OutboxState.HELD, error="moved"))
    row = item(store, item_id)
    assert (row.state, row.remote_id, row.error_kind, row.last_error) == (
        "held",
        "r1",
        None,
        "moved",
    )


# --- how a draft goes out -------------------------------------------------------------------


def test_deliveries_say_how_a_draft_goes_to_each_account(store: Store) -> None:
    other = Account("blog", "wordpress", "Company blog", "https://blog.example")
    store.run_sync(accounts.add_account, other)
    draft_id = store.run_sync(drafts.create, "Q3", "Body")
    scheduled = PublishOptions("future", "2030-01-02T09:00:00Z")

    def publish(db: sqlite_utils.Database, account_id: str, **extra) -> int:
        return outbox.enqueue(
            db, OutboxKind.PUBLISH, account_id, "Body", title="Q3", draft_id=draft_id, **extra
        )

    first = store.run_sync(publish, ACCOUNT.id)
    second = store.run_sync(lambda db: publish(db, other.id, options=scheduled))
    put_in(store, store.run_sync(publish, other.id), OutboxState.CANCELLED)
    store.run_sync(reply)  # not a publish
    store.run_sync(lambda db: outbox.update(db, first, OutboxState.SENT))
    other_draft = store.run_sync(drafts.create, "Other", "Body")
    store.run_sync(
        lambda db: outbox.enqueue(db, OutboxKind.PUBLISH, ACCOUNT.id, "B", draft_id=other_draft)
    )

    assert store.run_sync(outbox.deliveries, draft_id) == [
        Delivery(ACCOUNT.id, ACCOUNT.name, ACCOUNT.network, OutboxState.SENT, NOW, PUBLISH_NOW),
        Delivery(other.id, other.name, "wordpress", OutboxState.QUEUED, None, scheduled),
    ]
    assert store.run_sync(outbox.unsent_publishes, draft_id) == 1
    put_in(store, second, OutboxState.FAILED)
    assert store.run_sync(outbox.unsent_publishes, draft_id) == 1
    put_in(store, second, OutboxState.SENT)
    assert store.run_sync(outbox.unsent_publishes, draft_id) == 0


# --- undo send and replies bridged by hand ----------------------------------------------


def test_undo_is_too_late_from_the_moment_the_hold_ends(store: Store) -> None:
    """At the very end of the grace period the item is due (``claim_due`` takes it at
    ``next_attempt_at <= now``), so from that moment undo must refuse: it may be leaving."""
    held = store.run_sync(lambda db: reply(db, batch_id="b1", hold_until=LATER))

    with pytest.raises(UserError) as refused:
        store.run_sync(lambda db: outbox.take_back(db, "b1", now=LATER))
    assert str(refused.value) == (
        "Too late to undo: it has already started to go out. See the outbox."
    )
    assert item(store, held).state == "queued"
    assert store.run_sync(outbox.claim_due, ACCOUNT.id, LATER).id == held


def test_undo_just_before_the_hold_ends_takes_the_batch_back(store: Store) -> None:
    held = store.run_sync(lambda db: reply(db, batch_id="b1", hold_until=LATER))

    [taken] = store.run_sync(lambda db: outbox.take_back(db, "b1", now=NOW))

    assert (taken.id, item(store, held).state) == (held, "cancelled")


@pytest.mark.parametrize(
    ("state", "kind"),
    [
        (OutboxState.HELD, ErrorKind.EDITED),  # a network's reply held for a moved thread
        (OutboxState.CANCELLED, ErrorKind.BY_HAND),  # a bridged reply the person cancelled
    ],
)
def test_only_a_reply_waiting_to_be_pasted_by_hand_can_be_marked_sent(
    store: Store, state: OutboxState, kind: ErrorKind
) -> None:
    item_id = store.run_sync(reply)
    put_in(store, item_id, state, error_kind=str(kind))

    with pytest.raises(UserError, match="Only replies waiting to be pasted by hand"):
        store.run_sync(outbox.handed_over, item_id)
    assert item(store, item_id).state == str(state)


def test_held_batches_say_what_waits_and_until_when_the_newest_first(store: Store) -> None:
    draft_id = store.run_sync(drafts.create, "Q3", "Body")
    store.run_sync(lambda db: reply(db, batch_id="replies", hold_until=LATER))
    store.run_sync(lambda db: reply(db, batch_id="replies", hold_until="2024-06-01T13:00:05Z"))
    store.run_sync(
        lambda db: outbox.enqueue(
            db,
            OutboxKind.PUBLISH,
            ACCOUNT.id,
            "Body",
            draft_id=draft_id,
            batch_id="post",
            hold_until=LATER,
        )
    )
    store.run_sync(lambda db: reply(db, batch_id="gone out", hold_until=EARLIER))

    assert store.run_sync(outbox.held) == [
        HeldSend("post", OutboxKind.PUBLISH, 1, LATER, draft_id),
        HeldSend("replies", OutboxKind.REPLY, 2, LATER, None),
    ]


def test_retry_of_a_reply_bridged_by_hand_says_how_to_send_it(store: Store) -> None:
    item_id = store.run_sync(reply)
    store.run_sync(outbox.hold_for_hand, [item_id])

    with pytest.raises(UserError) as refused:
        store.run_sync(outbox.retry, item_id)

    assert str(refused.value) == (
        "Fireside sends nothing to a site bridged by hand: use Reply by hand to copy it, "
        "paste it on the page, then mark it sent."
    )
    assert (item(store, item_id).state, item(store, item_id).error_kind) == ("held", "by_hand")
