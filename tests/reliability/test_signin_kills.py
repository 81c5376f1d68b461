"""Kills while signing in again sends what failed for lack of sign-in (issue 10, item 7),
against a real WordPress.

The site revoked Fireside's application password while three replies waited, so they
failed for lack of sign-in. The executive then signs in again with a new application
password, in a child process (``signin_child.py``: the real core, its log file, a keyring
file that outlives a kill) that goes on to send the replies, behind a ``FaultProxy``. It is
killed with SIGKILL at moments read from the proxy or the site, never guessed:

1. while the sign-in's own request is held by the proxy (nothing stored yet);
2. a few milliseconds after that request was answered: within the keyring write, the
   transaction that stores the sign-in and queues the replies again, or just after;
3. while the first reply's pre-send check is held (the replies are queued again, one is
   'sending'); the outbox then calls it interrupted, not "being sent now";
4. after the site committed a reply whose answer the proxy drips back.

Each time the next child signs in again, as the person would when the window still asks
for it. After every kill no question has two replies from the executive, and each item is
failed for lack of sign-in, on its way, or sent. A last child, left alone, sends what is
left: each question answered exactly once, every item sent with the id of its reply on the
site, the crash recovery in the log, and no password anywhere in the data dir.
"""

from __future__ import annotations

import json
import os
import random
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from reliability.children import PATIENCE_S, kill, wait_for
from reliability.tcp_proxy import FaultProxy
from servers.wordpress import WordPressServer
from signin_child import KEYRING_ENV, FileKeyring

from app import bootstrap, logs
from app.config import database_path
from app.domain import ErrorKind, OutboxState
from app.sync.reasons import explain

pytestmark = [
    pytest.mark.integration,
    pytest.mark.wordpress,
    pytest.mark.skipif(sys.platform not in ("linux", "darwin"), reason="needs SIGKILL"),
]

HERE = Path(__file__).resolve().parent
CHILD = HERE / "signin_child.py"
REPO = HERE.parents[1]
QUESTIONS = ("Is the offsite on the 14th?", "Can partners come?", "Who books the rooms?")
SIGN_IN = "/wp-json/wp/v2/users/me"
ONE_COMMENT = "/wp-json/wp/v2/comments/"  # the pre-send check reads the comment by its id
#: Outbox states an item may be in between kills.
BETWEEN_KILLS = {"failed", "queued", "sending", "unknown", "sent"}


class Signer:
    """Starts children that sign in again, each with the plan on its stdin."""

    def __init__(self, data_dir: Path, keyring_file: Path, account: str, password: str) -> None:
        self.data_dir = data_dir
        self.plan = json.dumps({"account": account, "password": password}) + "\n"
        path = os.pathsep.join(filter(None, [str(REPO), str(HERE), os.environ.get("PYTHONPATH")]))
        self.env = {
            **os.environ,
            "HOME": str(data_dir.parent),
            "PYTHONPATH": path,
            "PYTHON_KEYRING_BACKEND": "signin_child.FileKeyring",
            KEYRING_ENV: str(keyring_file),
        }

    def start(self) -> subprocess.Popen[str]:
        child = subprocess.Popen(
            [sys.executable, str(CHILD), str(self.data_dir)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=self.env,
        )
        assert child.stdin is not None
        child.stdin.write(self.plan)
        child.stdin.flush()
        return child


def executive_replies(site: WordPressServer) -> Counter[str]:
    """How many replies the executive has on the site, by the comment they answer."""
    rows = site.sql(
        f"SELECT comment_parent FROM wp_comments WHERE user_id = {site.users['exec'].id}"
    )
    return Counter(row[0] for row in rows)


def outbox_rows(data_dir: Path) -> list[tuple[int, str, str | None, str | None]]:
    """(id, state, error_kind, remote_id) of every item, read as the kill left the files."""
    conn = sqlite3.connect(database_path(data_dir))
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        return conn.execute(
            "SELECT id, state, error_kind, remote_id FROM outbox ORDER BY id"
        ).fetchall()
    finally:
        conn.close()


def check_after_kill(site: WordPressServer, data_dir: Path, where: str) -> None:
    twice = {parent: n for parent, n in executive_replies(site).items() if n > 1}
    assert not twice, f"questions answered twice: {twice} ({where})"
    for item_id, state, kind, _ in outbox_rows(data_dir):
        assert state in BETWEEN_KILLS, f"item {item_id} is {state} ({where})"
        if state == "failed":
            assert kind == ErrorKind.AUTH, f"item {item_id} failed for {kind} ({where})"


async def test_kills_while_signing_in_again_sends_the_refused_replies(
    tmp_path: Path, wordpress: WordPressServer, use_keyring, monkeypatch
) -> None:
    keyring_file = tmp_path / "keyring.json"
    monkeypatch.setenv(KEYRING_ENV, str(keyring_file))
    use_keyring(FileKeyring())
    data_dir = tmp_path / "data"
    with FaultProxy(wordpress.url) as proxy:
        account, new_password = await _replies_refused(wordpress, data_dir, proxy.url)
        kills = Kills(wordpress, proxy, Signer(data_dir, keyring_file, account, new_password))

        kills.mid_sign_in()
        assert {row[1] for row in outbox_rows(data_dir)} == {"failed"}  # nothing stored
        kills.after_sign_in(random.Random(2024_10).uniform(0.0, 0.02))
        kills.mid_check()
        states = [row[1] for row in outbox_rows(data_dir)]
        assert "sending" in states and "failed" not in states, states
        [cut_short] = [i for i in await _outbox_as_shown(data_dir) if i.state == "sending"]
        assert cut_short.interrupted
        assert explain(cut_short).headline == (
            "Interrupted; will be checked before anything is resent."
        )
        kills.answer_held()
        kills.left_alone()

    rows = outbox_rows(data_dir)
    assert [row[1] for row in rows] == ["sent"] * len(QUESTIONS)
    answered = executive_replies(wordpress)
    assert sorted(answered.values()) == [1] * len(QUESTIONS), answered
    exec_id = wordpress.users["exec"].id
    mine = wordpress.sql(f"SELECT comment_ID FROM wp_comments WHERE user_id = {exec_id}")
    assert sorted(row[3] for row in rows) == sorted(row[0] for row in mine)
    log_text = (data_dir / logs.LOG_FILE).read_text(encoding="utf-8")
    # (The requeue's own line is written just after its transaction, so a kill can fall
    # between the two; tests/integration/test_signing_in_again.py checks that line.)
    assert f"account {account}: outbox item" in log_text
    assert "was being sent when Fireside stopped; it is looked up" in log_text
    typed = new_password.replace(" ", "")  # WordPress shows it grouped; it is kept whole
    for password in (wordpress.users["exec"].app_password, typed):
        assert [p for p in data_dir.rglob("*") if password.encode() in _bytes(p)] == []
    assert json.loads(keyring_file.read_text()) == {f"Fireside/{account}": typed}


class Kills:
    """Each moment a child signing in again is killed at, read from the proxy or the site;
    after each kill the site and the database are checked."""

    def __init__(self, site: WordPressServer, proxy: FaultProxy, signer: Signer) -> None:
        self.site, self.proxy, self.signer = site, proxy, signer

    def mid_sign_in(self) -> None:
        """While the proxy holds the sign-in's own request."""
        self.proxy.add_fault("stall", method="GET", path=SIGN_IN, seconds=PATIENCE_S)
        self._kill_when(self._held, "the sign-in held")

    def after_sign_in(self, delay: float) -> None:
        """``delay`` seconds after the sign-in was answered: keyring, requeue, connect."""

        def answered(seen: int) -> bool:
            return any(r.path == SIGN_IN and r.sent for r in self.proxy.requests()[seen:])

        self._kill_when(answered, "the sign-in answered", delay)

    def mid_check(self) -> None:
        """While the proxy holds the first reply's pre-send check."""
        self.proxy.add_fault("stall", method="GET", path_prefix=ONE_COMMENT, seconds=PATIENCE_S)
        self._kill_when(self._held, "the pre-send check held")

    def answer_held(self) -> None:
        """Once the site committed a reply whose answer the proxy drips back."""
        before = sum(executive_replies(self.site).values())
        self.proxy.add_fault("drip", method="POST", path="/wp-json/wp/v2/comments", seconds=60)
        self._kill_when(
            lambda _: sum(executive_replies(self.site).values()) > before, "a reply committed"
        )

    def left_alone(self) -> None:
        child = self.signer.start()
        out, err = child.communicate(timeout=PATIENCE_S)
        assert child.returncode == 0 and out.split()[-1] == "DONE", err[-3000:]

    def _held(self, seen: int) -> bool:
        return any(r.fault == "stall" for r in self.proxy.requests()[seen:])

    def _kill_when(self, moment: Callable[[int], bool], what: str, delay: float = 0.0) -> None:
        seen = len(self.proxy.requests())
        child = self.signer.start()
        wait_for(lambda: moment(seen), what)
        time.sleep(delay)  # only picks the moment; what the kill hit is read back after
        kill(child)
        self.proxy.clear_faults()
        check_after_kill(self.site, self.signer.data_dir, what)


def _bytes(path: Path) -> bytes:
    return path.read_bytes() if path.is_file() else b""


async def _replies_refused(site: WordPressServer, data_dir: Path, url: str) -> tuple[str, str]:
    """The executive's account (through ``url``) with three replies that failed because
    the site revoked its application password; the new one the site made. Returns (the
    account id, the new application password)."""
    exec_user = site.users["exec"]
    with site.rest("exec") as rest:
        post = rest.post("posts", json={"title": "Offsite", "content": "Ask", "status": "publish"})
    for login, text in zip(("ada", "ben", "chen"), QUESTIONS, strict=True):
        with site.rest(login) as rest:
            rest.post("comments", json={"post": post.json()["id"], "content": text})
    core = await bootstrap.open_core(data_dir, start_sandbox=False)
    try:
        added = await core.accounts.add("wordpress", url, "exec", exec_user.app_password)
        await core.engine.sync_all()
        ids = [c.id for c in await core.store.read(_questions)]
        assert len(ids) == len(QUESTIONS)
        await core.replies.queue(ids, "Thank you {first_name}; details on Friday.")
        with site.rest("admin") as admin:
            admin.delete(f"users/{exec_user.id}/application-passwords")
            made = admin.post(f"users/{exec_user.id}/application-passwords", json={"name": "2"})
        for _ in QUESTIONS:  # a push stops at the first refusal
            await core.engine.sync_all()
        failed = await core.outbox.items()
    finally:
        await core.close()
    assert [(i.state, i.error_kind) for i in failed] == [
        (OutboxState.FAILED, ErrorKind.AUTH)
    ] * len(QUESTIONS)
    return added.account_id, made.json()["password"]


def _questions(db) -> list:
    from app.store import comments

    ids = [r[0] for r in db.execute("SELECT id FROM comments WHERE is_mine = 0 ORDER BY id")]
    return comments.get_comments(db, ids)


async def _outbox_as_shown(data_dir: Path) -> list:
    """The outbox as the window would show it now (a core opened, nothing synced)."""
    core = await bootstrap.open_core(data_dir, start_sandbox=False)
    try:
        return await core.outbox.items()
    finally:
        await core.close()
