"""Signing in again on the real servers (issue 10, items 5 and 6), through the core as the
Accounts dialog uses it, with the in-memory keyring and the log file of the data dir.

WordPress: the site's administrator revokes Fireside's application password; the reply
queued meanwhile fails for lack of sign-in; signing in with a new application password
sends it (same key) without a Retry, exactly once. Matrix: Synapse commits a reply and
Fireside quits while the answer trickles back (the proxy drips it), then the device is
signed out; the look-up that would settle the reply is refused, so the item fails without
knowing whether it landed. Signing in again (the same device id) looks it up first: it is
found, and nothing is posted twice.

Each step is in the log, naming the account and the item; no password or token is, nor
anywhere in the data dir.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from reliability.tcp_proxy import FaultProxy

from app import bootstrap, logs, secrets
from app.domain import ErrorKind, OutboxState
from app.sync.reasons import explain


def files_holding(folder: Path, text: str) -> list[str]:
    return [str(p) for p in folder.rglob("*") if p.is_file() and text.encode() in p.read_bytes()]


def _open_comments(db) -> list[int]:
    """The comments of others not answered yet, oldest first."""
    return [
        r[0]
        for r in db.execute(
            "SELECT id FROM comments WHERE is_mine = 0 AND answered = 0 ORDER BY id"
        ).fetchall()
    ]


def logged(data_dir: Path) -> str:
    return (data_dir / logs.LOG_FILE).read_text(encoding="utf-8")


@pytest.mark.integration
@pytest.mark.wordpress
async def test_a_reply_refused_for_a_revoked_password_goes_after_signing_in_again(
    tmp_path, wordpress, memory_keyring
) -> None:
    data_dir = tmp_path / "data"
    exec_user = wordpress.users["exec"]
    with wordpress.rest("exec") as rest:
        post = rest.post(
            "posts", json={"title": "Offsite", "content": "Dates?", "status": "publish"}
        )
    with wordpress.rest("ada") as rest:
        rest.post("comments", json={"post": post.json()["id"], "content": "Is it the 14th?"})
    with logs.to_file(data_dir):
        core = await bootstrap.open_core(data_dir, start_sandbox=False)
        try:
            added = await core.accounts.add(
                "wordpress", wordpress.url, "exec", exec_user.app_password
            )
            account = added.account_id
            await core.engine.sync_all()
            [item_id] = await core.replies.queue(await core.store.read(_open_comments), "Yes.")
            with wordpress.rest("admin") as admin:
                admin.delete(f"users/{exec_user.id}/application-passwords")
                made = admin.post(
                    f"users/{exec_user.id}/application-passwords", json={"name": "Fireside 2"}
                )
            new_password = made.json()["password"]

            [refused] = await core.engine.sync_all()
            [failed] = await core.outbox.items()
            again = await core.accounts.reauthenticate(account, new_password)
            [queued] = await core.outbox.items()
            [report] = await core.engine.sync_all()
            [sent] = await core.outbox.items()
        finally:
            await core.close()

    assert refused.error is not None and "application password" in refused.error
    assert (failed.state, failed.error_kind) == (OutboxState.FAILED, ErrorKind.AUTH)
    assert explain(failed).advice == "Sign in again under Accounts: it then goes out by itself."
    assert again.label == "Connected"
    assert queued.state is OutboxState.QUEUED and queued.idempotency_key == failed.idempotency_key
    assert report.error is None and report.outbox == {OutboxState.SENT: 1}, report
    assert sent.state is OutboxState.SENT and sent.id == item_id
    mine = wordpress.sql(f"SELECT comment_ID FROM wp_comments WHERE user_id = {exec_user.id}")
    assert mine == [[sent.remote_id]], "exactly one reply on the site"
    text = logged(data_dir)
    for line in (
        f"account {account}: the network refused the sign-in (",
        f"account {account}: outbox item {item_id} is failed: The network no longer accepts",
        f"account {account}: signed in again; outbox items {item_id} go out again",
        f"account {account}: outbox item {item_id} sent ({sent.remote_id})",
    ):
        assert line in text, line
    for password in (exec_user.app_password, new_password.replace(" ", "")):
        assert password not in text and files_holding(data_dir, password) == []


@pytest.mark.integration
@pytest.mark.matrix
async def test_a_reply_whose_fate_a_revoked_token_hid_is_looked_up_after_signing_in_again(
    tmp_path, matrix_world, memory_keyring
) -> None:
    from servers.synapse import PASSWORD

    world, dana = matrix_world, matrix_world.dana
    ada = world.commenters[0]
    data_dir = tmp_path / "data"
    root = dana.post(world.town_hall, "Offsite on the 14th")
    question = ada.comment(world.town_hall, root, "Is it the 14th for sure?")
    with logs.to_file(data_dir), FaultProxy(world.server.url) as proxy:
        core = await bootstrap.open_core(data_dir, start_sandbox=False)
        try:
            added = await core.accounts.add(
                "matrix", proxy.url, dana.user_id, PASSWORD, {"room": world.town_hall}
            )
            account = added.account_id
            await core.engine.sync_all()
            [item_id] = await core.replies.queue(await core.store.read(_open_comments), "Yes.")
            # Synapse commits the reply; Fireside quits while its answer trickles back.
            sends = "/_matrix/client/v3/rooms/"
            proxy.add_fault("drip", count=1, method="PUT", path_prefix=sends, seconds=60)
            sending = asyncio.ensure_future(core.engine.push(account))
            await until(lambda: question in dana.answers(world.town_hall), "Synapse committed")
            sending.cancel()
            with pytest.raises(asyncio.CancelledError):
                await sending
            proxy.clear_faults()
            [unclear] = await core.outbox.items()
            old_token = secrets.get_secret(account)
            async with httpx.AsyncClient(
                headers={"Authorization": f"Bearer {old_token}"}
            ) as client:
                await client.post(f"{world.server.url}/_matrix/client/v3/logout", json={})

            await core.engine.sync_all()
            [failed] = await core.outbox.items()
            await core.accounts.reauthenticate(account, PASSWORD)
            [requeued] = await core.outbox.items()
            [report] = await core.engine.sync_all()
            [settled] = await core.outbox.items()
            new_token = secrets.get_secret(account)
        finally:
            await core.close()

    assert unclear.state is OutboxState.UNKNOWN, unclear
    assert (failed.state, failed.error_kind) == (OutboxState.FAILED, ErrorKind.AUTH_UNCONFIRMED)
    assert "Fireside then checks whether it arrived" in explain(failed).advice
    assert requeued.state is OutboxState.UNKNOWN  # looked up before anything is resent
    assert report.outbox == {OutboxState.SENT: 1}, report
    [answer] = dana.answers(world.town_hall)[question]
    assert settled.state is OutboxState.SENT and settled.remote_id.endswith(answer["event_id"])
    text = logged(data_dir)
    for line in (
        f"account {account}: sending outbox item {item_id} was interrupted; it is unknown now",
        f"account {account}: outbox item {item_id} is failed: The network no longer accepts",
        f"account {account}: signed in again; outbox items {item_id} go out again",
    ):
        assert line in text, line
    for secret in (PASSWORD, old_token, new_token):
        assert secret not in text and files_holding(data_dir, secret) == []


async def until(condition: Callable[[], bool], what: str) -> None:
    """Poll ``condition`` (off the loop: it asks the server) until it holds, at most 30 s."""
    try:
        async with asyncio.timeout(30):
            # The server's state: there is no event to wait on, only its answers.
            while not await asyncio.to_thread(condition):  # noqa: ASYNC110
                await asyncio.sleep(0.02)
    except TimeoutError:
        raise AssertionError(f"never happened: {what}") from None
