"""Outbox push state transitions against an in-memory fake network (no HTTP,
``tests/fixtures/fake_networks.py``).

The fake never dedupes by key, so any blind resend would show up as a duplicate reply.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from pathlib import Path

import pytest
from fixtures.fake_networks import ME, FakeNetwork
from msgspec.structs import replace

from app import events
from app.core.outbox import Outbox
from app.domain import (
    Account,
    Capabilities,
    DraftState,
    ErrorKind,
    OutboxKind,
    OutboxState,
    Person,
    PublishOptions,
    RemoteComment,
    RemotePost,
    WriteIntent,
)
from app.errors import (
    AuthError,
    BadResponse,
    NetworkError,
    OfflineError,
    OutcomeUnknown,
    RateLimited,
    Rejected,
    StoreError,
)
from app.events import Events
from app.store import Store, accounts, comments, drafts, outbox
from app.sync import Backoff, SyncEngine
from app.sync.reasons import explain, held_text
from app.sync.scheduler import next_scheduled_at, promote_due
from app.timeutil import in_seconds

ALEX = Person("alex", "Alex Doe")
CAPS = Capabilities(
    network="fake",
    display_name="Fake",
    text_formats=("markdown",),
    post_max_chars=10_000,
    reply_max_chars=5_000,
    thread_depth=None,
    idempotency="lookup",
    requests_per_minute=600,
)
FAST = Backoff(base=0.001, cap=0.004, max_attempts=4)
#: Retries fall due at once, so one push runs an item's every try: a wait of even a few
#: milliseconds can outlast a fast machine's whole pass and leave the item for the next.
AT_ONCE = Backoff(base=0, cap=0, max_attempts=FAST.max_attempts)
#: Why every call fails while a fake network is unreachable.
AIRPLANE = "airplane mode"


def comment(
    remote_id: str,
    author: Person = ALEX,
    parent: str | None = None,
    version: int = 1,
    body: str = "How is it going?",
) -> RemoteComment:
    return RemoteComment(
        remote_id=remote_id,
        post_remote_id="p1",
        parent_remote_id=parent,
        root_remote_id=parent,
        author=author,
        body_html=f"<p>{body}</p>",
        created_at="2024-05-01T10:00:00Z",
        edited_at=None,
        version=version,
        is_mine=author is ME,
    )


def fake_network() -> FakeNetwork:
    """A network holding c1 and c2, the comments the store has too (replies go to them)."""
    return FakeNetwork(CAPS, comments=[comment("c1"), comment("c2")])


@pytest.fixture
def store(tmp_path: Path):
    store = Store(tmp_path / "fireside.db")
    for account_id in ("acct", "other"):
        store.run_sync(accounts.add_account, Account(account_id, "fake", account_id, "http://x"))
    post = RemotePost(
        "p1", "Town hall", "Body", "https://x/p1", "2024-05-01T09:00:00Z", "2024-05-01T09:00:00Z"
    )
    store.run_sync(accounts.upsert_posts, "acct", [post])
    store.run_sync(comments.ingest, "acct", ME.name, [comment("c1"), comment("c2")])
    yield store
    store.close()


@pytest.fixture
def net() -> FakeNetwork:
    return fake_network()


@pytest.fixture
def hub() -> Events:
    return Events()


@pytest.fixture
def engine(store: Store, hub: Events, net: FakeNetwork) -> SyncEngine:
    return SyncEngine(store, hub, {"acct": net}, {"acct": ME.name}, backoff=AT_ONCE)


@pytest.fixture
def history(store: Store, hub: Events) -> dict[int, list[str]]:
    """Every state each outbox item passed through, read back when the engine announces it."""
    seen: dict[int, list[str]] = {}

    def listen(event: events.Event) -> None:
        if isinstance(event, events.OutboxChanged) and event.item_id is not None:
            row = (
                store.reader()
                .execute("SELECT state FROM outbox WHERE id = ?", [event.item_id])
                .fetchone()
            )
            seen.setdefault(event.item_id, []).append(row[0])

    hub.subscribe(listen)
    return seen


def queue_reply(
    store: Store,
    target: str = "c1",
    body: str = "Going well, thanks!",
    expected_version: int | None = 1,
) -> int:
    def enqueue(db):
        comment_id = db.execute("SELECT id FROM comments WHERE remote_id = ?", [target]).fetchone()
        return outbox.enqueue(
            db,
            OutboxKind.REPLY,
            "acct",
            body,
            post_remote_id="p1",
            target_remote_id=target,
            comment_id=comment_id[0] if comment_id else None,
            expected_version=expected_version,
        )

    return store.run_sync(enqueue)


def item(store: Store, item_id: int) -> dict:
    return store.run_sync(outbox.get, item_id)


def answered(store: Store, remote_id: str) -> bool:
    return bool(
        store.run_sync(
            lambda db: db.execute(
                "SELECT answered FROM comments WHERE remote_id = ?", [remote_id]
            ).fetchone()[0]
        )
    )


def names(net: FakeNetwork) -> list[str]:
    return [name for name, _ in net.calls]


async def until(net: FakeNetwork, condition) -> None:
    """Wait (at most 5 s) until ``condition()`` holds, re-checking whenever the fake is poked."""
    async with asyncio.timeout(5):
        while not condition():
            net.poked.clear()
            await net.poked.wait()


async def test_reply_is_checked_sent_and_answers_the_comment(store, engine, net, hub, history):
    seen: list[type] = []
    hub.subscribe(lambda event: seen.append(type(event)))
    item_id = queue_reply(store)

    assert await engine.push("acct") == Counter({"sent": 1})

    row = item(store, item_id)
    assert row.state == "sent" and row.remote_id == net.mine()[0].remote_id
    assert names(net) == ["get_comment", "list_replies", "reply"]
    assert net.calls[-1][1] == ("c1", "Going well, thanks!", row.idempotency_key)
    assert answered(store, "c1")
    assert history[item_id] == ["sending", "sent"]
    assert events.InboxChanged in seen


async def test_response_lost_after_commit_is_looked_up_not_resent(store, engine, net, history):
    net.fail("reply", OutcomeUnknown("connection reset after sending"), applied=True)
    item_id = queue_reply(store)

    await engine.push("acct")

    assert history[item_id] == ["sending", "unknown", "sending", "sent"]
    assert names(net).count("reply") == 1 and names(net)[-1] == "lookup_write"
    assert len(net.mine()) == 1
    assert item(store, item_id).remote_id == net.mine()[0].remote_id
    assert answered(store, "c1")
    # What was asked travels with the key, for networks that find a write by its text.
    row = item(store, item_id)
    assert net.intents[row.idempotency_key] == WriteIntent(
        OutboxKind.REPLY, "p1", "c1", "", "Going well, thanks!", "markdown", row.created_at
    )


async def test_unknown_that_never_landed_is_sent_again_with_the_same_key(store, engine, net):
    net.fail("reply", OutcomeUnknown("503 from the proxy"))
    item_id = queue_reply(store)

    await engine.push("acct")

    check = ["get_comment", "list_replies"]
    assert names(net) == [*check, "reply", "lookup_write", *check, "reply"]
    replies = [args for name, args in net.calls if name == "reply"]
    assert replies[0][2] == replies[1][2] == item(store, item_id).idempotency_key
    assert len(net.mine()) == 1 and item(store, item_id).state == "sent"


@pytest.mark.parametrize(
    "failure", [BadResponse("truncated body"), NetworkError("stream reset by peer")]
)
async def test_garbled_or_cut_answer_to_a_write_counts_as_unknown(
    store, engine, net, history, failure
):
    net.fail("reply", failure, applied=True)
    item_id = queue_reply(store)

    await engine.push("acct")

    assert history[item_id] == ["sending", "unknown", "sending", "sent"]
    assert len(net.mine()) == 1


async def test_offline_keeps_the_item_queued_and_flips_online(store, engine, net, hub):
    changes: list[events.OnlineChanged] = []
    hub.subscribe(lambda e: changes.append(e) if isinstance(e, events.OnlineChanged) else None)
    net.fail("get_comment", OfflineError("no route to host"), times=3)
    first, second = queue_reply(store, "c1"), queue_reply(store, "c2")

    assert await engine.push("acct") == Counter({"queued": 1})

    assert not engine.online
    assert not engine.reachable("acct") and engine.unreachable() == {"acct": "no route to host"}
    assert changes == [events.OnlineChanged("acct", False, "no route to host")]
    for item_id in (first, second):
        row = item(store, item_id)
        assert row.state == "queued" and row.attempts == 0
    assert "Offline" in item(store, first).last_error

    await engine.push("acct")  # two more offline tries use up no attempts
    await engine.push("acct")
    assert await engine.push("acct") == Counter({"sent": 2})
    assert engine.online and engine.reachable("acct")
    assert changes[-1] == events.OnlineChanged("acct", True, "")
    assert len(net.mine()) == 2


async def test_rate_limit_waits_retry_after_then_sends(store, engine, net):
    net.fail("reply", RateLimited("slow down", retry_after=0.05))
    item_id = queue_reply(store)

    assert await engine.push("acct") == Counter({"sent": 1})

    # Only the write was refused: its check, seconds old, stands (no second check).
    assert names(net) == ["get_comment", "list_replies", "reply", "reply"]
    assert net.times[3] - net.times[2] >= 0.05
    assert item(store, item_id).attempts == 1  # the 429 did not count
    assert len(net.mine()) == 1


async def test_a_rate_limit_during_the_check_checks_again(store, engine, net):
    net.fail("list_replies", RateLimited("slow down", retry_after=0.01))
    queue_reply(store)

    assert await engine.push("acct") == Counter({"sent": 1})

    check = ["get_comment", "list_replies"]
    assert names(net) == [*check, *check, "reply"]  # an unfinished check is not kept


async def test_rate_limit_storm_without_retry_after_backs_off(store, hub, net):
    engine = SyncEngine(store, hub, {"acct": net}, {"acct": ME.name}, backoff=FAST)
    net.fail("get_comment", RateLimited("slow down"), times=FAST.max_attempts * 2)
    item_id = queue_reply(store)

    assert await engine.push("acct") == Counter({"sent": 1})

    assert names(net).count("get_comment") == FAST.max_attempts * 2 + 1
    assert all(b > a for a, b in zip(net.times, net.times[1:], strict=False))
    assert item(store, item_id).attempts == 1


async def test_long_retry_after_ends_the_pass_and_the_item_waits(store, engine, net):
    net.fail("reply", RateLimited("daily quota used up", retry_after=3600))
    first, second = queue_reply(store, "c1"), queue_reply(store, "c2")

    assert await engine.push("acct") == Counter({"queued": 1})

    row = item(store, first)
    assert row.next_attempt_at >= in_seconds(3500) and row.attempts == 0
    assert item(store, second).state == "queued"
    assert await engine.push("acct") == Counter()  # the gate refuses without a request
    assert names(net) == ["get_comment", "list_replies", "reply"]


async def test_rejected_fails_for_good_in_plain_words(store, engine, net):
    net.fail("reply", Rejected("the reply is longer than 5,000 characters"))
    item_id, later = queue_reply(store, "c1"), queue_reply(store, "c2")

    assert await engine.push("acct") == Counter({"failed": 1, "sent": 1})

    row = item(store, item_id)
    assert (row.state, row.error_kind) == ("failed", "permanent")
    assert "refused the reply" in row.last_error and "5,000" in row.last_error
    assert item(store, later).state == "sent"


async def test_auth_error_fails_the_item_and_stops_the_push(store, engine, net):
    net.fail("get_comment", AuthError("the token was revoked"))
    item_id, later = queue_reply(store, "c1"), queue_reply(store, "c2")

    await engine.push("acct")

    row = item(store, item_id)
    assert (row.state, row.error_kind) == ("failed", "auth")
    assert "Sign in again" in row.last_error
    assert item(store, later).state == "queued"


async def test_unresolved_unknown_fails_as_unknown_after_its_attempts(store, engine, net):
    net.fail("reply", OutcomeUnknown("timed out"), applied=False, times=1)
    net.fail("lookup_write", OutcomeUnknown("timed out"), times=FAST.max_attempts - 1)
    item_id = queue_reply(store)

    await engine.push("acct")

    row = item(store, item_id)
    assert (row.state, row.error_kind) == ("failed", "unknown")
    assert row.attempts == FAST.max_attempts
    assert "could not confirm" in row.last_error
    assert names(net).count("reply") == 1

    store.run_sync(outbox.retry, item_id)  # the user's Retry looks it up before any send
    assert item(store, item_id).state == "unknown"


async def test_failing_reads_give_up_as_retryable(store, engine, net):
    net.fail("get_comment", NetworkError("502 bad gateway"), times=FAST.max_attempts)
    item_id = queue_reply(store)

    await engine.push("acct")

    row = item(store, item_id)
    assert (row.state, row.error_kind) == ("failed", "retryable")
    assert "reply" not in names(net)


async def test_auth_error_during_a_look_up_is_looked_up_again_on_retry(store, engine, net):
    item_id = queue_reply(store)
    store.run_sync(outbox.update, item_id, OutboxState.UNKNOWN)
    net.fail("lookup_write", AuthError("expired"))

    await engine.push("acct")

    assert (item(store, item_id).state, item(store, item_id).error_kind) == (
        "failed",
        "auth_unconfirmed",  # the sign-in failed, and whether it landed is still unknown
    )
    store.run_sync(outbox.retry, item_id)
    assert item(store, item_id).state == "unknown"


@pytest.mark.parametrize("change", ["deleted", "edited", "answered"])
async def test_thread_that_moved_holds_the_reply(store, engine, net, change):
    if change == "deleted":
        del net.comments["c1"]
    elif change == "edited":
        net.comments["c1"] = comment("c1", version=2, body="Edited: how is it going?")
    else:
        net.comments["r9"] = comment("r9", ME, "c1", body="Answered on my phone")
    item_id = queue_reply(store)

    assert await engine.push("acct") == Counter({"held": 1})

    row = item(store, item_id)
    assert (row.state, row.error_kind) == ("held", change)
    assert row.last_error == held_text(ErrorKind(change))
    assert "reply" not in names(net)

    store.run_sync(outbox.retry, item_id)  # the user confirms: it goes out unchecked
    net.calls.clear()
    await engine.push("acct")
    assert names(net) == ["reply"] and item(store, item_id).state == "sent"


def stored(store: Store, remote_id: str) -> dict:
    return store.run_sync(
        lambda db: dict(
            db.execute("SELECT * FROM comments WHERE remote_id = ?", [remote_id]).fetchone()
        )
    )


async def test_a_reply_held_for_an_edit_shows_the_comment_as_it_now_reads(store, engine, net, hub):
    """The pre-send check read the edited comment anyway: it is stored with the hold, so
    the thread shows what the person would now be answering."""
    seen: list[type] = []
    hub.subscribe(lambda event: seen.append(type(event)))
    edited = "Edited: how is it going, @Dana?"
    net.comments["c1"] = comment("c1", version=2, body=edited)
    item_id = queue_reply(store)

    assert await engine.push("acct") == Counter({"held": 1})

    row = stored(store, "c1")
    assert (row["body_text"], row["version"], row["mentions_me"]) == (edited, 2, 1)
    assert stored(store, "c2")["body_text"] == "How is it going?"
    assert item(store, item_id).error_kind == "edited"
    assert events.InboxChanged in seen and "whoami" not in names(net)  # the name is known


def outcome_lines(caplog: pytest.LogCaptureFixture) -> list[tuple[int, str]]:
    """The sender's line per item that did not simply go out: (level, text)."""
    return [
        (r.levelno, r.getMessage())
        for r in caplog.records
        if r.name == "app.sync.sender" and r.msg == "account %s: outbox item %d is %s: %s"
    ]


async def test_a_hold_is_announced_logged_and_stored_with_my_name_asked_once(
    store, hub, net, history, caplog
):
    """Without my name known, the check asks for it once to store the edited comment as
    mentioning me."""
    caplog.set_level(logging.INFO, logger="app.sync.sender")
    engine = SyncEngine(store, hub, {"acct": net}, backoff=AT_ONCE)
    net.comments["c1"] = comment("c1", version=2, body="Edited: how is it going, @Dana?")
    item_id = queue_reply(store)

    assert await engine.push("acct") == Counter({"held": 1})

    assert history[item_id] == ["sending", "held"]
    assert names(net).count("whoami") == 1 and stored(store, "c1")["mentions_me"] == 1
    assert outcome_lines(caplog) == [
        (
            logging.INFO,
            f"account acct: outbox item {item_id} is held: {held_text(ErrorKind.EDITED)}",
        )
    ]


async def test_each_outcome_but_a_send_is_logged_with_its_reason(store, engine, net, caplog):
    caplog.set_level(logging.INFO, logger="app.sync.sender")
    net.fail("get_comment", OfflineError("no route"))
    item_id = queue_reply(store)

    await engine.push("acct")
    net.fail("reply", Rejected("too long"))
    await engine.push("acct")

    assert outcome_lines(caplog) == [
        (
            logging.INFO,
            f"account acct: outbox item {item_id} is queued: "
            "Offline (no route); it goes out when the network is back.",
        ),
        (
            logging.WARNING,
            f"account acct: outbox item {item_id} is failed: "
            "The network refused the reply: too long",
        ),
    ]


async def test_the_hold_and_the_new_text_are_one_transaction(store, engine, net, monkeypatch):
    def full_disk(*args: object) -> None:
        raise RuntimeError("the disk filled")

    net.comments["c1"] = comment("c1", version=2, body="Edited")
    item_id = queue_reply(store)
    monkeypatch.setattr(comments, "store_prepared", full_disk)

    with pytest.raises(RuntimeError):
        await engine.push("acct")

    assert item(store, item_id).state == "queued"  # not held: checked again next time
    assert stored(store, "c1")["version"] == 1


async def test_reply_without_expected_version_skips_the_version_check(store, engine, net):
    net.comments["c1"] = comment("c1", version=5)
    queue_reply(store, expected_version=None)
    assert await engine.push("acct") == Counter({"sent": 1})


async def test_crash_while_sending_is_recovered_by_look_up(store, hub, net, history):
    item_id = queue_reply(store)
    store.run_sync(outbox.claim_due, "acct")  # the previous run died mid-send
    await net.reply(
        "p1", "c1", "Going well, thanks!", "markdown", item(store, item_id).idempotency_key
    )
    net.calls.clear()

    engine = SyncEngine(store, hub, {"acct": net}, {"acct": ME.name}, backoff=FAST)
    assert await engine.push("acct") == Counter({"sent": 1})

    assert names(net) == ["lookup_write"]
    assert len(net.mine()) == 1
    assert await engine.recover() == 0  # once per engine


async def test_recovery_makes_what_a_crash_left_unknown_and_says_so(store, hub, net):
    item_id = queue_reply(store)
    store.run_sync(outbox.claim_due, "acct")  # the previous run died mid-send
    announced: list[events.Event] = []
    hub.subscribe(announced.append)
    engine = SyncEngine(store, hub, {"acct": net}, {"acct": ME.name}, backoff=FAST)

    assert await engine.recover() == 1

    assert item(store, item_id).state == "unknown"
    assert announced == [events.OutboxChanged(item_id=None)]


async def test_a_push_never_recovers_an_item_another_push_is_sending(store, hub, net):
    """Recovery runs before the first push only: a later push (another account's) must not
    take the item the first one is sending for one a crash left behind."""
    engine = SyncEngine(store, hub, {"acct": net, "other": FakeNetwork(CAPS)}, backoff=FAST)
    net.block = asyncio.Event()
    item_id = queue_reply(store)
    sending = asyncio.create_task(engine.push("acct"))
    await until(net, lambda: net.in_flight > 0)

    assert await engine.push("other") == Counter()
    assert item(store, item_id).state == "sending"

    net.block.set()
    assert await sending == Counter({"sent": 1})
    assert len(net.mine()) == 1


async def test_a_store_failure_after_the_write_left_is_looked_up_before_a_resend(
    store, hub, net, monkeypatch
):
    """The disk fills while the reply is on its way: the store cannot record the send, nor
    anything else, and the item is left 'sending'. The next push first recovers it, as
    after a crash, and finds the reply instead of sending it again."""
    engine = SyncEngine(store, hub, {"acct": net}, {"acct": ME.name}, backoff=FAST)
    net.block = asyncio.Event()
    item_id = queue_reply(store)
    sending = asyncio.create_task(engine.push("acct"))
    await until(net, lambda: net.in_flight > 0)

    async def full_disk(*args, **kwargs):
        raise StoreError("database or disk is full")

    with monkeypatch.context() as disk:
        disk.setattr(store, "run", full_disk)
        net.block.set()
        with pytest.raises(StoreError):
            await sending
    assert item(store, item_id).state == "sending"

    assert await engine.push("acct") == Counter({"sent": 1})
    assert names(net).count("reply") == 1 and names(net)[-1] == "lookup_write"
    assert len(net.mine()) == 1


async def test_cancelled_mid_write_becomes_unknown_and_is_resolved(store, engine, net):
    net.block = asyncio.Event()
    item_id = queue_reply(store)
    task = asyncio.create_task(engine.push("acct"))
    await until(net, lambda: net.in_flight > 0)

    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert item(store, item_id).state == "unknown"

    net.block = None
    assert await engine.push("acct") == Counter({"sent": 1})
    assert len(net.mine()) == 1


async def test_pushes_for_one_account_never_overlap(store, engine, net):
    net.block = asyncio.Event()
    ids = [queue_reply(store, "c1"), queue_reply(store, "c2")]
    tasks = [asyncio.create_task(engine.push("acct")) for _ in range(2)]
    await until(net, lambda: net.in_flight > 0)
    net.block.set()
    await asyncio.gather(*tasks)

    assert net.max_in_flight == 1
    assert names(net).count("reply") == 2 and len(net.mine()) == 2
    assert all(item(store, i).state == "sent" for i in ids)


async def test_edit_and_delete_name_a_comment_or_the_post(store, engine, net):
    edit = store.run_sync(
        lambda db: outbox.enqueue(db, OutboxKind.EDIT, "acct", "Fixed typo", target_remote_id="r5")
    )
    delete = store.run_sync(
        lambda db: outbox.enqueue(db, OutboxKind.DELETE, "acct", "", post_remote_id="p1")
    )

    assert await engine.push("acct") == Counter({"sent": 2})

    assert net.calls == [("edit", ("comment", "r5", "Fixed typo")), ("delete", ("post", "p1"))]
    assert item(store, edit).remote_id == "r5" and item(store, delete).remote_id == "p1"


async def test_draft_is_published_when_every_target_is_sent(store, hub, net):
    other = FakeNetwork(CAPS)
    engine = SyncEngine(store, hub, {"acct": net, "other": other}, {}, backoff=FAST)
    draft_id = store.run_sync(drafts.create, "Q3 plans", "We will...", ["acct", "other"])
    store.run_sync(drafts.set_state, draft_id, DraftState.SCHEDULED, in_seconds(-1))

    assert await promote_due(store, hub) == [draft_id]
    assert store.run_sync(drafts.get, draft_id).state == "queued"

    await engine.push("acct")
    assert store.run_sync(drafts.get, draft_id).state == "queued"  # one target to go
    await engine.push("other")
    assert store.run_sync(drafts.get, draft_id).state == "published"
    assert len(net.posts) == len(other.posts) == 1
    assert await promote_due(store, hub) == []


async def test_publish_goes_out_with_the_status_and_date_it_was_queued_with(store, hub, net):
    engine = SyncEngine(store, hub, {"acct": net}, {}, backoff=FAST)
    scheduled = PublishOptions("future", "2030-01-02T09:00:00Z")
    store.run_sync(
        lambda db: outbox.enqueue(
            db, OutboxKind.PUBLISH, "acct", "Body", title="T", options=scheduled
        )
    )
    store.run_sync(lambda db: outbox.enqueue(db, OutboxKind.PUBLISH, "acct", "Body 2", title="T2"))

    assert (await engine.push("acct"))["sent"] == 2
    assert [p.options for p in net.published] == [scheduled, PublishOptions("publish", None)]


async def test_a_published_post_is_listed_under_its_account_before_any_pull(store, hub, net):
    other = FakeNetwork(CAPS)
    engine = SyncEngine(store, hub, {"acct": net, "other": other}, {}, backoff=FAST)
    store.run_sync(
        lambda db: outbox.enqueue(db, OutboxKind.PUBLISH, "other", "We will...", title="Q3 plans")
    )

    assert await engine.push("other") == Counter({"sent": 1})

    assert "pull_comments" not in names(other)
    listed = [(p.title, p.account_id) for p in store.run_sync(accounts.list_posts)]
    assert sorted(listed) == [("Q3 plans", "other"), ("Town hall", "acct")]


async def test_scheduler_leaves_future_drafts_and_skips_unknown_targets(store, hub):
    later = store.run_sync(drafts.create, "Later", "...", ["acct"])
    store.run_sync(drafts.set_state, later, DraftState.SCHEDULED, in_seconds(3600))
    orphan = store.run_sync(drafts.create, "Orphan", "...", ["gone"])
    store.run_sync(drafts.set_state, orphan, DraftState.SCHEDULED, in_seconds(-1))
    partial = store.run_sync(drafts.create, "Partial", "...", ["gone", "acct"])
    store.run_sync(drafts.set_state, partial, DraftState.SCHEDULED, in_seconds(-1))

    assert await promote_due(store, hub) == [partial]

    assert [store.run_sync(drafts.get, d).state for d in (later, orphan)] == [
        "scheduled",
        "scheduled",
    ]
    rows = store.run_sync(outbox.list_items)
    assert [(r.kind, r.account_id, r.draft_id) for r in rows] == [("publish", "acct", partial)]
    assert store.run_sync(next_scheduled_at) == store.run_sync(drafts.get, orphan).scheduled_at


async def test_a_due_draft_is_queued_as_written_and_announced(store, hub, caplog):
    draft_id = store.run_sync(drafts.create, "Q3 plans", "We will grow.", ["acct", "other"])
    store.run_sync(drafts.set_state, draft_id, DraftState.SCHEDULED, in_seconds(-1))
    announced: list[events.Event] = []
    hub.subscribe(announced.append)
    assert store.run_sync(next_scheduled_at) is not None

    assert await promote_due(store, hub) == [draft_id]

    rows = store.run_sync(outbox.list_items)
    assert sorted((r.account_id, r.title, r.body) for r in rows) == [
        ("acct", "Q3 plans", "We will grow."),
        ("other", "Q3 plans", "We will grow."),
    ]
    assert announced == [events.DraftsChanged(draft_id=draft_id), events.OutboxChanged()]
    assert "skipping targets" not in caplog.text  # every target is an account
    assert store.run_sync(next_scheduled_at) is None
    assert await promote_due(store, hub) == [] and len(announced) == 2


async def test_run_loop_wakes_early_and_recovers_from_offline(store, engine, net, hub):
    online: list[bool] = []
    hub.subscribe(
        lambda e: online.append(e.online) if isinstance(e, events.OnlineChanged) else None
    )
    hub.subscribe(lambda event: net.poked.set())
    runner = asyncio.create_task(engine.run(interval=3600))
    try:
        await until(net, lambda: "pull_comments" in names(net))  # the first pass is done
        net.unreachable = AIRPLANE
        item_id = queue_reply(store)
        engine.wake()
        await until(net, lambda: names(net).count("whoami") >= 3)  # probing while offline
        assert online == [False] and item(store, item_id).state == "queued"
        net.unreachable = None
        await until(net, lambda: item(store, item_id).state == "sent")
        assert online == [False, True]
        assert len(net.mine()) == 1
    finally:
        engine.stop()
        await asyncio.wait_for(runner, 5)


async def test_one_unreachable_account_never_stops_the_others(store, hub, net):
    """Per-account reachability: while "other" cannot be reached, the loop only probes it
    (at growing intervals) and keeps sending for "acct"; once "other" answers, it is synced
    and its waiting item goes out, by itself, without a wake-up."""
    far = FakeNetwork(CAPS)
    far.unreachable = AIRPLANE
    engine = SyncEngine(store, hub, {"acct": net, "other": far}, backoff=FAST)
    changes: list[events.OnlineChanged] = []
    hub.subscribe(lambda e: changes.append(e) if isinstance(e, events.OnlineChanged) else None)
    poke = asyncio.Event()  # set on every call to either network and on every event
    for fake in (net, far):
        fake.poked = poke
    hub.subscribe(lambda event: poke.set())
    waiting = store.run_sync(
        lambda db: outbox.enqueue(db, OutboxKind.PUBLISH, "other", "Body", title="Q3")
    )
    runner = asyncio.create_task(engine.run(interval=3600))
    try:
        await until(net, lambda: "pull_comments" in names(net) and not engine.reachable("other"))
        assert engine.online and engine.reachable("acct")
        assert engine.unreachable() == {"other": AIRPLANE}
        assert changes == [events.OnlineChanged("other", False, AIRPLANE)]
        assert item(store, waiting).state == "queued"

        first = queue_reply(store, "c1")
        engine.wake()  # the user queued a reply: it goes out while "other" is unreachable
        await until(
            net,
            lambda: (
                item(store, first).state == "sent" and names(net).count("pull_comments") == 2
            ),  # the first pass and this one
        )
        pulls, probed = names(net).count("pull_comments"), len(far.calls)
        await until(net, lambda: len(far.calls) >= probed + 3)  # probes, without a wake-up
        assert names(net).count("pull_comments") == pulls  # probes do not re-sync "acct"
        assert set(names(far)[probed:]) == {"whoami"}  # and only probe "other"

        far.unreachable = None  # its server is back: the next probe finds it, no wake-up
        await until(
            net,
            lambda: (
                item(store, waiting).state == "sent" and "pull_comments" in names(far)[probed:]
            ),  # synced once it answered
        )
        assert engine.reachable("other") and engine.unreachable() == {}
        assert changes[-1] == events.OnlineChanged("other", True, "")
        assert [c.online for c in changes] == [False, True]
        assert item(store, waiting).attempts == 1  # the offline tries used up none
        assert len(far.posts) == 1 and len(net.mine()) == 1  # each sent once
    finally:
        engine.stop()
        await asyncio.wait_for(runner, 5)


async def test_every_account_unreachable_is_offline(store, hub, net):
    far = FakeNetwork(CAPS)
    engine = SyncEngine(store, hub, {"acct": net, "other": far}, backoff=FAST)
    net.unreachable = far.unreachable = AIRPLANE
    await engine.sync_all()
    assert not engine.online
    assert set(engine.unreachable()) == {"acct", "other"}
    net.unreachable = None
    await engine.pull("acct")
    assert engine.online and engine.reachable("acct") and not engine.reachable("other")


async def test_removing_an_unreachable_account_forgets_it(store, hub, net):
    far = FakeNetwork(CAPS)
    far.unreachable = AIRPLANE
    engine = SyncEngine(store, hub, {"acct": net, "other": far}, backoff=FAST)
    changes: list[events.OnlineChanged] = []
    hub.subscribe(lambda e: changes.append(e) if isinstance(e, events.OnlineChanged) else None)
    await engine.pull("other")
    assert engine.unreachable() == {"other": AIRPLANE}

    assert await engine.remove_network("other") is far
    assert engine.unreachable() == {} and engine.online
    assert changes[-1] == events.OnlineChanged("other", True, "")


async def test_stop_before_the_loop_starts_still_ends_it(engine, net):
    engine.stop()
    await asyncio.wait_for(engine.run(interval=3600), 5)
    assert net.calls == []


async def test_unknown_older_than_the_key_retention_is_not_resent_blindly(store, engine, net):
    """A look-up that finds nothing proves nothing once the network forgot the key: the
    item fails for the user to check, and their Retry sends it once."""
    net.capabilities = replace(CAPS, key_retention_s=3600)
    item_id = queue_reply(store)
    store.run_sync(outbox.claim_due, "acct")
    store.run_sync(outbox.update, item_id, OutboxState.UNKNOWN)
    store.run_sync(
        lambda db: db.execute(
            "UPDATE outbox SET first_sent_at = '2020-01-01T00:00:00Z' WHERE id = ?", [item_id]
        )
    )

    assert await engine.push("acct") == Counter({"failed": 1})
    row = item(store, item_id)
    assert (row.state, row.error_kind) == ("failed", "expired")
    assert "reply" not in names(net)

    store.run_sync(outbox.retry, item_id)
    await engine.push("acct")
    assert names(net).count("reply") == 1 and item(store, item_id).state == "sent"


# --- a sync's outbox report, and an item a crash left 'sending' ------------------------


async def test_a_sync_counts_each_item_once_in_the_state_it_ended_in(store, engine, net):
    """The first push stops offline with an item handed back; the pull finds the network
    again and the second push sends both: two items sent, not "1 queued, 2 sent"."""
    net.fail("reply", OfflineError("the Wi-Fi dropped"))
    first, second = queue_reply(store, "c1"), queue_reply(store, "c2")

    report = await engine.sync("acct")

    assert report.outbox == Counter({OutboxState.SENT: 2}) and report.waiting == 0
    assert names(net).count("reply") == 3 and len(net.mine()) == 2
    assert item(store, first).state == item(store, second).state == "sent"


async def test_a_sync_says_how_many_items_still_wait(store, engine, net):
    net.unreachable = AIRPLANE
    for target in ("c1", "c2", "c1"):
        queue_reply(store, target)

    report = await engine.sync("acct")

    # Both pushes tried the oldest item (and stopped there): it counts once.
    assert report.outbox == Counter({OutboxState.QUEUED: 1})
    assert report.waiting == 3 and report.error == AIRPLANE


async def test_an_item_a_crash_left_sending_reads_as_interrupted_until_looked_up(
    store, hub, engine, net
):
    queue_reply(store)
    store.run_sync(outbox.claim_due, "acct")  # the previous run died mid-send
    front = Outbox(store, hub, engine)

    [shown] = await front.items()

    assert shown.interrupted and shown.state is OutboxState.SENDING
    assert explain(shown).headline == "Interrupted; will be checked before anything is resent."
    assert "asks acct whether it arrived" in explain(shown).advice
    assert await engine.push("acct") == Counter({"sent": 1})
    assert names(net)[0] == "lookup_write"
    [settled] = await front.items()
    assert not settled.interrupted and explain(settled).headline.startswith("Sent")


async def test_an_item_being_claimed_already_reads_as_being_sent(store, engine, net, monkeypatch):
    """The store marks the item 'sending' before the engine knows which item it got: in
    between, the account's claim names it as the engine's own, never as interrupted."""
    claim_due = outbox.claim_due
    seen: list[bool] = []

    def claiming(db, account_id):
        claimed = claim_due(db, account_id)
        if claimed is not None:
            seen.append(engine.is_sending(claimed))
        return claimed

    monkeypatch.setattr(outbox, "claim_due", claiming)
    queue_reply(store)

    assert await engine.push("acct") == Counter({"sent": 1})
    assert seen == [True]


async def test_an_item_being_sent_reads_as_being_sent(store, hub, engine, net):
    """The engine names an item as its own from the moment the store says 'sending': the
    outbox, refreshed at every change the engine announces, never calls it interrupted."""
    front = Outbox(store, hub, engine)
    seen: list[tuple[OutboxState, bool]] = []

    def claimed(event: events.Event) -> None:
        if isinstance(event, events.OutboxChanged) and event.item_id is not None:
            row = store.run_sync(outbox.get, event.item_id)
            seen.append((row.state, engine.is_sending(row)))

    hub.subscribe(claimed)
    net.block = asyncio.Event()
    item_id = queue_reply(store)
    task = asyncio.create_task(engine.push("acct"))
    await until(net, lambda: net.in_flight > 0)

    [shown] = await front.items()
    assert shown.state is OutboxState.SENDING and not shown.interrupted
    assert explain(shown).headline == "Sending to acct now."

    net.block.set()
    assert await task == Counter({"sent": 1})
    assert seen[0] == (OutboxState.SENDING, True)
    assert not engine.is_sending(item(store, item_id))


# -- what each outcome leaves behind (each test pins one exactly-once rule) ---------------


SLOW = Backoff(base=60.0, cap=60.0, max_attempts=4)


def slow_engine(store: Store, hub: Events, net: FakeNetwork) -> SyncEngine:
    """Retries a minute apart: a push tries each item once, and the due time shows."""
    return SyncEngine(store, hub, {"acct": net}, {"acct": ME.name}, backoff=SLOW)


async def test_a_write_unclear_on_its_last_attempt_fails_as_unknown(store, engine, net):
    """Every attempt's write was sent and its answer lost, and each look-up found nothing:
    the last one may still have landed, so Retry must look it up before sending."""
    net.fail("reply", OutcomeUnknown("timed out"), times=FAST.max_attempts)
    item_id = queue_reply(store)

    await engine.push("acct")

    row = item(store, item_id)
    assert (row.state, row.error_kind, row.attempts) == ("failed", "unknown", FAST.max_attempts)
    assert row.last_error == (
        "Fireside could not confirm whether the reply arrived (timed out). "
        "Check the thread; Retry looks it up again before sending anything."
    )
    assert names(net).count("reply") == FAST.max_attempts
    assert names(net).count("lookup_write") == FAST.max_attempts - 1

    store.run_sync(outbox.retry, item_id)
    net.calls.clear()
    await engine.push("acct")
    assert names(net)[0] == "lookup_write" and item(store, item_id).state == "sent"


async def test_a_read_failing_on_every_attempt_gives_up_in_plain_words(store, engine, net):
    net.fail("list_replies", NetworkError("502 bad gateway"), times=FAST.max_attempts)
    item_id = queue_reply(store)

    await engine.push("acct")

    row = item(store, item_id)
    assert (row.state, row.error_kind) == ("failed", "retryable")
    assert row.last_error == (
        f"Gave up after {FAST.max_attempts} tries (502 bad gateway). Retry when the network works."
    )


async def test_a_retryable_failure_backs_off_before_the_next_try(store, hub, net):
    engine = slow_engine(store, hub, net)
    net.fail("get_comment", NetworkError("502 bad gateway"))
    item_id = queue_reply(store)
    before = in_seconds(SLOW.delay(1) / 2 - 1)

    assert await engine.push("acct") == Counter({"queued": 1})

    row = item(store, item_id)
    assert (row.state, row.error_kind, row.attempts) == ("queued", "retryable", 1)
    assert before <= row.next_attempt_at <= in_seconds(SLOW.cap + 1)
    assert row.last_error == "The network had a problem (502 bad gateway); trying again shortly."
    assert await engine.push("acct") == Counter()  # not due yet: nothing is tried
    assert names(net) == ["get_comment"]


async def test_an_unclear_write_backs_off_and_is_looked_up_when_due(store, hub, net):
    engine = slow_engine(store, hub, net)
    net.fail("reply", OutcomeUnknown("connection reset"), applied=True)
    item_id = queue_reply(store)

    assert await engine.push("acct") == Counter({"unknown": 1})

    row = item(store, item_id)
    assert (row.state, row.error_kind) == ("unknown", "unknown")
    assert row.next_attempt_at >= in_seconds(SLOW.cap / 2 - 1)
    assert row.last_error == (
        "No clear answer from the network (connection reset); Fireside checks whether the "
        "reply arrived before trying again."
    )
    assert row.first_sent_at is not None
    store.run_sync(
        lambda db: outbox.update(db, item_id, OutboxState.UNKNOWN, next_attempt_at=in_seconds(-1))
    )
    net.calls.clear()
    assert await engine.push("acct") == Counter({"sent": 1})
    assert names(net) == ["lookup_write"] and len(net.mine()) == 1


async def test_a_soft_deleted_comment_holds_the_reply(store, engine, net):
    """Some networks keep a deleted comment, flagged, instead of answering 404."""
    net.comments["c1"] = replace(comment("c1"), deleted=True)
    item_id = queue_reply(store)

    assert await engine.push("acct") == Counter({"held": 1})

    assert (item(store, item_id).state, item(store, item_id).error_kind) == ("held", "deleted")
    assert names(net) == ["get_comment"]


async def test_a_reply_of_mine_that_was_deleted_does_not_answer_the_thread(store, engine, net):
    net.comments["r9"] = replace(comment("r9", ME, "c1"), deleted=True)
    net.comments["r8"] = comment("r8", ALEX, "c1")  # someone else's answer is no answer
    queue_reply(store)

    assert await engine.push("acct") == Counter({"sent": 1})


async def test_a_look_up_that_finds_nothing_lets_the_send_fail_for_its_own_reason(
    store, engine, net
):
    """Once the look-up said "not landed", a refusal of the send is permanent, not unknown."""
    item_id = queue_reply(store)
    store.run_sync(outbox.update, item_id, OutboxState.UNKNOWN)
    net.fail("reply", Rejected("too long"))

    assert await engine.push("acct") == Counter({"failed": 1})

    row = item(store, item_id)
    assert (row.state, row.error_kind) == ("failed", "permanent")
    assert row.last_error == "The network refused the reply: too long"
    assert names(net) == ["lookup_write", "get_comment", "list_replies", "reply"]


async def test_a_look_up_that_fails_keeps_the_item_unknown_and_backs_off(store, hub, net):
    engine = slow_engine(store, hub, net)
    item_id = queue_reply(store)
    store.run_sync(outbox.update, item_id, OutboxState.UNKNOWN)
    net.fail("lookup_write", NetworkError("502 bad gateway"))

    assert await engine.push("acct") == Counter({"unknown": 1})

    row = item(store, item_id)
    assert (row.state, row.error_kind) == ("unknown", "unknown")
    assert row.next_attempt_at >= in_seconds(SLOW.cap / 2 - 1)
    assert names(net) == ["lookup_write"]


async def test_a_key_still_within_its_retention_is_trusted(store, engine, net):
    """Found nothing, and the network still remembers the key: safe to send again."""
    net.capabilities = replace(CAPS, key_retention_s=3600)
    item_id = queue_reply(store)
    store.run_sync(outbox.update, item_id, OutboxState.UNKNOWN)

    assert await engine.push("acct") == Counter({"sent": 1})
    assert names(net).count("reply") == 1 and item(store, item_id).error_kind is None


async def test_an_expired_key_fails_in_plain_words(store, engine, net):
    net.capabilities = replace(CAPS, key_retention_s=3600)
    item_id = queue_reply(store)
    store.run_sync(outbox.update, item_id, OutboxState.UNKNOWN)
    store.run_sync(
        lambda db: db.execute(
            "UPDATE outbox SET first_sent_at = ? WHERE id = ?", [in_seconds(-3600), item_id]
        )
    )

    assert await engine.push("acct") == Counter({"failed": 1})
    assert item(store, item_id).last_error == (
        "The network answered unclearly and has since forgotten the send (it remembers sends "
        "only for a limited time)."
    )


@pytest.mark.parametrize(
    "case",
    [
        (OfflineError("no route"), "unknown", None),
        (AuthError("revoked"), "failed", "auth_unconfirmed"),
        (Rejected("nope"), "failed", "unknown"),
    ],
)
async def test_a_look_up_that_cannot_answer_never_resolves_the_item(store, engine, net, case):
    failure, state, error_kind = case
    item_id = queue_reply(store)
    store.run_sync(outbox.update, item_id, OutboxState.UNKNOWN)
    net.fail("lookup_write", failure)

    await engine.push("acct")

    row = item(store, item_id)
    assert (row.state, row.error_kind, row.attempts) == (
        state,
        error_kind,
        0 if state == "unknown" else 1,
    )
    assert "reply" not in names(net)


async def test_offline_and_429_say_why_the_item_waits(store, engine, net):
    net.fail("get_comment", OfflineError("no route to host"))
    item_id = queue_reply(store)
    await engine.push("acct")
    assert item(store, item_id).last_error == (
        "Offline (no route to host); it goes out when the network is back."
    )

    net.fail("get_comment", RateLimited("slow down", retry_after=3600))
    await engine.push("acct")
    row = item(store, item_id)
    assert row.last_error == (
        "Rate limited by the network (slow down); it goes out once the wait is over."
    )
    assert (row.state, row.attempts) == ("queued", 0)
    assert in_seconds(3590) <= row.next_attempt_at <= in_seconds(3610)


async def test_one_accounts_rate_limit_never_stops_another(store, hub, net):
    """The gate is per account: "other" asked for an hour's pause; "acct" goes on."""
    other = FakeNetwork(CAPS)
    engine = SyncEngine(store, hub, {"acct": net, "other": other}, backoff=FAST)
    other.fail("publish", RateLimited("quota", retry_after=3600))
    waiting = store.run_sync(
        lambda db: outbox.enqueue(db, OutboxKind.PUBLISH, "other", "Body", title="Q3")
    )
    item_id = queue_reply(store)

    pushed = await engine.push_all()

    assert pushed == {"acct": Counter({"sent": 1}), "other": Counter({"queued": 1})}
    assert item(store, item_id).state == "sent" and item(store, waiting).state == "queued"
    assert await engine.push("other") == Counter()  # its gate is closed for the hour
    assert await engine.push("acct") == Counter()  # nothing left, and not held up either
    queue_reply(store, "c2")
    assert await engine.push("acct") == Counter({"sent": 1})


async def test_interrupted_before_the_write_leaves_the_item_as_it_was(store, engine, net):
    """Cancelled during the pre-send check: nothing left, so no look-up is needed."""
    net.fail("get_comment", asyncio.CancelledError())
    item_id = queue_reply(store)

    with pytest.raises(asyncio.CancelledError):
        await engine.push("acct")

    row = item(store, item_id)
    assert row.state == "queued"
    assert row.last_error == (
        "Sending was interrupted; Fireside checks with the network before any resend."
    )


@pytest.mark.parametrize(
    ("method", "kind"),
    [
        ("lookup_write", OutboxKind.REPLY),
        ("get_comment", OutboxKind.REPLY),
        ("list_replies", OutboxKind.REPLY),
        ("reply", OutboxKind.REPLY),
        ("publish", OutboxKind.PUBLISH),
        ("edit", OutboxKind.EDIT),
        ("delete", OutboxKind.DELETE),
    ],
)
async def test_a_429_on_any_request_closes_that_accounts_gate(store, engine, net, method, kind):
    if kind is OutboxKind.REPLY:
        item_id = queue_reply(store)
        if method == "lookup_write":
            store.run_sync(outbox.update, item_id, OutboxState.UNKNOWN)
    else:
        item_id = store.run_sync(
            lambda db: outbox.enqueue(db, kind, "acct", "Body", title="T", post_remote_id="p1")
        )
    net.fail(method, RateLimited("quota", retry_after=3600))

    assert await engine.push("acct") == Counter({str(item(store, item_id).state): 1})

    assert item(store, item_id).next_attempt_at >= in_seconds(3590)
    assert engine._gate.remaining("acct") > 3590 and engine._gate.remaining("other") == 0
    calls, state = len(net.calls), item(store, item_id).state
    store.run_sync(  # due again, but the account's gate is closed for the hour
        lambda db: outbox.update(db, item_id, OutboxState(state), next_attempt_at=NOW)
    )
    assert await engine.push("acct") == Counter() and len(net.calls) == calls


#: A moment long past, so an item is due.
NOW = "2020-01-01T00:00:00Z"


@pytest.mark.parametrize("kind", [OutboxKind.PUBLISH, OutboxKind.EDIT, OutboxKind.DELETE])
async def test_every_write_carries_the_items_key_and_records_what_it_concerns(
    store, engine, net, kind
):
    item_id = store.run_sync(
        lambda db: outbox.enqueue(db, kind, "acct", "Body", title="T", post_remote_id="p1")
    )

    assert await engine.push("acct") == Counter({"sent": 1})

    row = item(store, item_id)
    assert list(net.writes) == [row.idempotency_key]
    assert row.remote_id == ("post-1" if kind is OutboxKind.PUBLISH else "p1")


async def test_what_is_announced_when_items_are_sent(store, hub, net):
    seen: list[events.Event] = []
    hub.subscribe(seen.append)
    engine = SyncEngine(store, hub, {"acct": net}, {"acct": ME.name}, backoff=FAST)
    draft_id = store.run_sync(drafts.create, "Q3", "Body", ["acct"])
    store.run_sync(drafts.set_state, draft_id, DraftState.SCHEDULED, in_seconds(-1))
    await promote_due(store, hub)
    [publish] = store.run_sync(outbox.list_items)
    seen.clear()

    await engine.push("acct")

    assert seen == [
        events.OutboxChanged(item_id=publish.id),  # claimed
        events.OutboxChanged(item_id=publish.id),  # sent
        events.InboxChanged(),  # a new post to list
        events.DraftsChanged(draft_id=draft_id),  # and the draft published
    ]

    seen.clear()
    reply_id = queue_reply(store)
    await engine.push("acct")
    assert seen == [
        events.OutboxChanged(item_id=reply_id),
        events.OutboxChanged(item_id=reply_id),
        events.InboxChanged(),  # the comment is answered
    ]


async def test_a_publish_leaves_its_draft_alone_until_every_target_is_sent(store, hub, net):
    seen: list[events.Event] = []
    hub.subscribe(seen.append)
    engine = SyncEngine(store, hub, {"acct": net}, {"acct": ME.name}, backoff=FAST)
    draft_id = store.run_sync(drafts.create, "Q3", "Body", ["acct", "other"])
    store.run_sync(drafts.set_state, draft_id, DraftState.SCHEDULED, in_seconds(-1))
    await promote_due(store, hub)
    seen.clear()

    await engine.push("acct")  # one of two targets

    assert not [e for e in seen if isinstance(e, events.DraftsChanged)]
    assert store.run_sync(drafts.get, draft_id).state == "queued"


async def test_a_publish_of_a_draft_no_longer_queued_does_not_publish_it(store, hub, net):
    engine = SyncEngine(store, hub, {"acct": net}, {"acct": ME.name}, backoff=FAST)
    draft_id = store.run_sync(drafts.create, "Q3", "Body", ["acct"])
    store.run_sync(
        lambda db: outbox.enqueue(
            db, OutboxKind.PUBLISH, "acct", "Body", title="Q3", draft_id=draft_id
        )
    )

    assert await engine.push("acct") == Counter({"sent": 1})
    assert store.run_sync(drafts.get, draft_id).state == "draft"


async def test_only_a_reply_answers_its_comment(store, engine, net):
    comment_id = store.run_sync(
        lambda db: db.execute("SELECT id FROM comments WHERE remote_id = 'c1'").fetchone()[0]
    )
    store.run_sync(
        lambda db: outbox.enqueue(
            db, OutboxKind.EDIT, "acct", "Fixed", target_remote_id="r5", comment_id=comment_id
        )
    )

    assert await engine.push("acct") == Counter({"sent": 1})
    assert not answered(store, "c1")


async def test_a_refused_sign_in_says_what_to_do(store, engine, net):
    net.fail("get_comment", AuthError("the token was revoked"))
    item_id = queue_reply(store)

    await engine.push("acct")

    assert item(store, item_id).last_error == (
        "The network no longer accepts this account's sign-in (the token was revoked). "
        "Sign in again: it then goes out by itself."
    )


async def test_releasing_an_item_announces_it(store, engine, net, history):
    net.fail("get_comment", OfflineError("no route to host"))
    item_id = queue_reply(store)

    await engine.push("acct")

    assert history[item_id] == ["sending", "queued"]
