"""A core in a process of its own that writes a reply draft and queues a reply held for
undo send, then waits to be killed (SIGKILL) by ``test_held_reply_kills.py``.

Run as ``python held_reply_child.py DATA_DIR SANDBOX_URL`` with the sandbox token in
``$FIRESIDE_SANDBOX_TOKEN``. It prints, flushed, one line each:

    DRAFTED <comment id>   the reply draft is committed
    QUEUED <comment id>    the held reply is committed to the outbox
    PUSHED                 a push ran with the reply still in its grace period

then runs the sync engine until it is killed.
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from app.bootstrap import open_core
from app.cli import TOKEN_ENV
from app.domain import InboxView

DRAFT_WORDS = "Half a reply, typed before the power went"
GRACE_S = 600


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


async def main(data_dir: Path, url: str) -> None:
    core = await open_core(data_dir, sandbox_url=url, sandbox_token=os.environ[TOKEN_ENV])
    core.undo_send.seconds = GRACE_S
    await core.engine.sync_all()
    drafted, queued = [r.id for r in await core.inbox.top(InboxView.NEEDS_REPLY, None, 2)]
    await core.replies.save_draft([drafted], DRAFT_WORDS)
    say(f"DRAFTED {drafted}")
    await core.replies.queue([queued], "Thanks {first_name}, held for undo.")
    say(f"QUEUED {queued}")
    await core.engine.push_all()
    say("PUSHED")
    await core.engine.run(0.2)


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1]), sys.argv[2]))
