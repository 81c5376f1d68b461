"""Killed (SIGKILL) while a reply waits out its undo-send grace period and another reply is
being written: after the restart the held reply is still held, not sent, and can still be
undone; the reply draft is there word for word."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

from app.bootstrap import open_core
from app.cli import TOKEN_ENV
from app.domain import OutboxState

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
PATIENCE_S = 60.0


def _read_until(proc: subprocess.Popen[str], word: str) -> list[str]:
    """The child's lines up to the one starting with ``word`` (bounded by the child's
    exit: a child that dies early ends the read with EOF)."""
    seen: list[str] = []
    assert proc.stdout is not None
    for line in proc.stdout:
        seen.append(line.strip())
        if line.startswith(word):
            return seen
    raise AssertionError(f"the child ended before {word}: {seen}")


def _kill_after_push(data_dir: Path, url: str, env: dict[str, str]) -> list[str]:
    """Run the child until it has pushed with the reply held, then SIGKILL it."""
    with subprocess.Popen(
        [sys.executable, str(HERE / "held_reply_child.py"), str(data_dir), url],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    ) as proc:
        try:
            lines = _read_until(proc, "PUSHED")
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait(PATIENCE_S)
    assert proc.returncode == -signal.SIGKILL
    return lines


async def test_a_held_reply_survives_a_kill_unsent_and_a_reply_draft_word_for_word(
    tmp_path, sandbox_server
):
    from held_reply_child import DRAFT_WORDS

    data_dir = tmp_path / "data"
    env = {
        **os.environ,
        "HOME": str(tmp_path),
        "FIRESIDE_HOME": str(data_dir),
        "PYTHONPATH": os.pathsep.join([str(REPO), str(HERE)]),
        TOKEN_ENV: sandbox_server.token,
    }
    lines = await asyncio.to_thread(_kill_after_push, data_dir, sandbox_server.url, env)
    drafted = int(next(x for x in lines if x.startswith("DRAFTED")).split()[1])
    queued = int(next(x for x in lines if x.startswith("QUEUED")).split()[1])

    core = await open_core(
        data_dir, sandbox_url=sandbox_server.url, sandbox_token=sandbox_server.token
    )
    try:
        await core.engine.sync_all()  # the restart's push: the hold is in the store
        [item] = [i for i in await core.outbox.items() if i.comment_id == queued]
        assert item.state is OutboxState.QUEUED and item.hold_until
        assert not [
            r
            for r in sandbox_server.requests()
            if r["method"] == "POST" and r["path"].endswith("/replies")
        ]
        [draft] = await core.replies.drafts([drafted])
        assert draft.template == DRAFT_WORDS
        taken = await core.undo_send.undo()
        assert taken.comment_ids == (queued,)
    finally:
        await core.close()
