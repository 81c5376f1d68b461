"""The log file: where it goes, that it rotates, that no credential is ever written, and
that every way a sync goes wrong is written there."""

from __future__ import annotations

import logging
from logging.handlers import RotatingFileHandler
from pathlib import Path

import pytest
from fixtures.fake_networks import ME, STAMP, WORDPRESS_LIKE, FakeNetwork
from msgspec.structs import replace

from app import logs
from app.domain import (
    Account,
    CommentPage,
    OutboxKind,
    Person,
    PullMode,
    RemoteComment,
    RemotePost,
)
from app.errors import AuthError
from app.events import Events
from app.store import Store, accounts, comments, outbox
from app.sync import Backoff, SyncEngine

SECRET = "tok-Zq81-never-logged"
CAPABILITIES = WORDPRESS_LIKE
FAST = Backoff(base=0.001, cap=0.004, max_attempts=4)


@pytest.mark.parametrize(
    "text",
    [
        f"Authorization: Bearer {SECRET}",
        f"headers={{'authorization': 'Basic {SECRET}'}}",
        f"Proxy-Authorization: Negotiate {SECRET}",
        f"sent bearer {SECRET} to the server",
        f"GET http://127.0.0.1:9/api?token={SECRET}&limit=5",
        f"https://x/cb#state=1&access_token={SECRET}",
        f'{{"refresh_token": "{SECRET}", "n": 1}}',
        f"{{'password': '{SECRET}'}}",
    ],
)
def test_redact_blanks_credentials(text: str) -> None:
    cleaned = logs.redact(text)
    assert SECRET not in cleaned
    assert logs.REDACTED in cleaned


def test_redact_keeps_what_helps_debugging() -> None:
    text = 'GET /api/v1/comments?limit=200&page_token=abc123 "HTTP/1.1 200 OK"'
    assert logs.redact(text) == text


def test_log_file_in_the_data_dir_redacts_messages_args_and_tracebacks(tmp_path: Path) -> None:
    log = logging.getLogger("fireside.test")
    with logs.to_file(tmp_path) as path:
        assert path == tmp_path / "logs" / "fireside.log"
        handler = next(
            h for h in logging.getLogger().handlers if isinstance(h, RotatingFileHandler)
        )
        assert handler.maxBytes > 0 and handler.backupCount > 0
        log.info("calling %s", f"http://127.0.0.1/x?token={SECRET}")
        log.debug("not written: the default level is INFO")
        try:
            raise RuntimeError(f"401 with Authorization: Bearer {SECRET}")
        except RuntimeError:
            log.exception("request failed")
    text = path.read_text(encoding="utf-8")
    assert "calling http://127.0.0.1/x?token=[redacted]" in text
    assert "Traceback" in text and "RuntimeError: 401 with Authorization: [redacted]" in text
    assert "not written" not in text
    assert SECRET not in text


def test_handlers_are_removed_afterwards(tmp_path: Path, capsys) -> None:
    root = logging.getLogger()
    before = list(root.handlers)
    with logs.to_file(tmp_path, verbose=True):
        assert len(root.handlers) == len(before) + 2
        assert root.level == logging.DEBUG
        logging.getLogger("fireside.test").debug("to stderr too, %s", f"bearer {SECRET}")
    assert root.handlers == before
    err = capsys.readouterr().err
    assert "to stderr too, bearer [redacted]" in err and SECRET not in err


# --- what a sync writes there -------------------------------------------------------------


async def test_every_sync_failure_is_logged_with_its_account_and_item_and_no_secret(
    tmp_path: Path,
) -> None:
    """Crash recovery, offline, skipped unreadable items, a held reply and a revoked
    sign-in, each in the log file, each naming the account and, for an outbox item, its
    id; the token the network's errors carry is redacted everywhere."""
    store = Store(tmp_path / "fireside.db")
    store.run_sync(accounts.add_account, Account("acct", "fake", "Blog", "http://x"))
    post = RemotePost("p1", "Town hall", "", "", STAMP, STAMP)
    store.run_sync(accounts.upsert_posts, "acct", [post])
    asked = [_comment("c1"), _comment("c2")]
    store.run_sync(comments.ingest, "acct", ME.name, asked)
    net = FakeNetwork(CAPABILITIES, posts=[post], comments=asked)
    engine = SyncEngine(store, Events(), {"acct": net}, {"acct": ME.name}, backoff=FAST)
    interrupted = _queue_reply(store, "c1")
    store.run_sync(outbox.claim_due, "acct")  # the previous run died while sending it
    try:
        with logs.to_file(tmp_path) as path:
            net.unreachable = f"cannot reach http://x/api?access_token={SECRET}"
            await engine.sync("acct")

            net.unreachable = None
            net.comments["c1"] = _comment("c1", version=2)  # edited: the reply is held
            net.pull_comments = _with_unreadable(net.pull_comments)  # type: ignore[method-assign]
            await engine.sync("acct")

            refused = _queue_reply(store, "c2")
            net.fail("reply", AuthError(f"401 for Authorization: Bearer {SECRET}"))
            await engine.sync("acct")
    finally:
        store.close()
    text = path.read_text(encoding="utf-8")

    for line in (
        f"account acct: outbox item {interrupted} was being sent when Fireside stopped; it "
        "is looked up on the network before anything is resent",
        "account acct: offline (cannot reach http://x/api?access_token=[redacted]",
        f"account acct: outbox item {interrupted} is unknown: Offline (",
        "account acct: sync failed: cannot reach",
        "account acct: reachable again",
        "account acct: skipped an unreadable item: Comment c9 could not be read",
        f"account acct: outbox item {interrupted} is held: Held: the comment was edited",
        "account acct: the network refused the sign-in (401 for Authorization: [redacted]",
        f"account acct: outbox item {refused} is failed: The network no longer accepts",
    ):
        assert line in text, f"{line!r} is not in the log:\n{text}"
    assert SECRET not in text


def _comment(remote_id: str, version: int = 1) -> RemoteComment:
    return RemoteComment(
        remote_id, "p1", None, None, Person("ada", "Ada"), "<p>So?</p>", STAMP, None, version
    )


def _queue_reply(store: Store, target: str) -> int:
    def enqueue(db) -> int:
        [comment_id] = db.execute(
            "SELECT id FROM comments WHERE remote_id = ?", [target]
        ).fetchone()
        return outbox.enqueue(
            db,
            OutboxKind.REPLY,
            "acct",
            "Soon.",
            post_remote_id="p1",
            target_remote_id=target,
            comment_id=comment_id,
            expected_version=1,
        )

    return store.run_sync(enqueue)


def _with_unreadable(pull):
    """The network's pull, with one item on the page that could not be read."""

    async def pull_comments(cursor: str | None, mode: PullMode = PullMode.ROUTINE) -> CommentPage:
        page = await pull(cursor, mode)
        return replace(page, errors=["Comment c9 could not be read: its author is not an object"])

    return pull_comments
