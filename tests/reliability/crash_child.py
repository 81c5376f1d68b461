"""A Fireside core in a process of its own, for the tests that kill it (SIGKILL) on purpose.

Run as ``python crash_child.py DATA_DIR`` with the sandbox token in ``$FIRESIDE_SANDBOX_TOKEN``
(as ``fireside sync`` takes it; never on the command line). The child imports everything,
says ``IMPORTED`` and waits for its plan, one JSON line on stdin, so the next child can be
started (and pay for its imports) while the current one runs::

    {"url": sandbox URL, "seed": int, "replies": int, "final": bool, "verbose": bool}

It then opens the core on DATA_DIR against the sandbox at ``url`` and, at once:

- types a draft, a word at a time at typing speed, and autosaves it through
  ``drafts.save`` the way the editor does (after a short pause, or at the latest
  ``DEADLINE_S`` after the first unsaved word); the draft's text is always
  ``w0 w1 … w(n-1)``, continued from what the database holds;
- queues ``replies`` batch replies to open comments and syncs once (push, pull, push).

It never stops on its own; the test kills it. With ``final`` it does not type: it syncs
until the outbox has nothing left to send, closes the core cleanly and says ``DONE``.

Every line it prints (flushed, one write each) is a fact the test can rely on::

    IMPORTED | READY | SYNCED | DONE
    TYPED <monotonic time> <n>     word n-1 exists in memory only
    SAVING <n>                     an autosave of n words starts
    SAVED <monotonic time> <n>     the draft with n words is committed
    QUEUED <k>                     k replies are committed to the outbox
    OUTBOX <id>                    outbox item <id> changed (claimed, sent, ...)
    PULLING | PAGE <fetched> | PULLED

The test's parent process compares these with the database and the sandbox's request log.
``time.monotonic()`` is the system-wide monotonic clock on Linux and macOS, so the
parent's kill time and the child's stamps are on one time line.

The test's side lives here too: ``Child`` starts a child, reads its lines with bounded
waits, hands it its plan and kills it; ``child_env`` is the environment it runs in.

``PlantedKeyring`` is a keyring backend without any file, holding one planted secret, for
subprocesses (``PYTHON_KEYRING_BACKEND=crash_child.PlantedKeyring`` with this directory on
``PYTHONPATH``): an in-memory keyring of the test process is invisible to a child.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import queue
import random
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO

from keyring.backend import KeyringBackend

from app import events as ev

#: The secret ``PlantedKeyring`` holds for account "acme" (the test scans for it).
PLANTED_KEYRING_SECRET = "planted-keyring-secret-7c1f04d2e9b8"

#: The editor's autosave timing (ui/common/autosave.py): a save after this quiet period…
QUIET_S = 0.3
#: …or at the latest this long after the first unsaved keystroke.
DEADLINE_S = 0.8
DRAFT_TITLE = "Typed while the power flickered"
REPLY_TEMPLATE = "Thank you {first_name}, good question; I will come back to it on Friday."


class PlantedKeyring(KeyringBackend):
    """A keyring in memory, seeded with ``PLANTED_KEYRING_SECRET`` for account "acme"."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()
        self.entries = {("Fireside", "acme"): PLANTED_KEYRING_SECRET}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[service, username] = password

    def delete_password(self, service: str, username: str) -> None:
        del self.entries[service, username]


#: The bound on any wait for a child: only a broken child (or machine) ever reaches it.
PATIENCE_S = 60.0
HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]


def child_env(data_dir: Path, token: str) -> dict[str, str]:
    """The environment of a child: the token where ``fireside`` reads it, the planted
    keyring, this directory and the repository on the path, a HOME of its own."""
    from app.cli import TOKEN_ENV

    path = os.pathsep.join(filter(None, [str(REPO), str(HERE), os.environ.get("PYTHONPATH")]))
    return {
        **os.environ,
        "HOME": str(data_dir.parent),
        "FIRESIDE_HOME": str(data_dir),
        "PYTHONPATH": path,
        "PYTHON_KEYRING_BACKEND": "crash_child.PlantedKeyring",
        TOKEN_ENV: token,
    }


class Child:
    """The test's handle on one child: start it, read its lines (with bounded waits), hand
    it a plan, kill it.

    ``seen`` holds every line read so far; after ``kill()`` it holds every line the child
    ever wrote, since a pipe keeps what a dead writer left in it.
    """

    def __init__(self, data_dir: Path, env: dict[str, str], stderr: IO[str] | int) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), str(data_dir)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
            env=env,
        )
        self.data_dir = data_dir
        self.seen: list[str] = []
        self.killed_at: float | None = None
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._eof = False
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            if line.endswith("\n"):  # a line cut by the kill is not a fact
                self._lines.put(line.rstrip("\n"))
        self._lines.put(None)

    def note(self, line: str) -> None:
        """Put a line of the test's own among the child's, in order of arrival (an event
        seen elsewhere, such as the server committing a write)."""
        self._lines.put(line)

    def pump(self, until: float, stop: Callable[[str], bool] = lambda line: False) -> str | None:
        """Read lines until one satisfies ``stop`` (returned), the child's output ends, or
        the monotonic time ``until`` (None for either)."""
        while not self._eof:
            try:
                line = self._lines.get(timeout=max(0.0, until - time.monotonic()))
            except queue.Empty:
                return None
            if line is None:
                self._eof = True
                return None
            self.seen.append(line)
            if stop(line):
                return line
        return None

    def expect(self, word: str, patience: float = PATIENCE_S) -> str:
        """Wait for the next line starting with ``word``; AssertionError if it never comes."""
        line = self.pump(time.monotonic() + patience, lambda text: text.split()[:1] == [word])
        if line is None:
            self.kill()
            raise AssertionError(f"the child never said {word}; it said {self.seen[-5:]}")
        return line

    def start(self, plan: dict) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps(plan) + "\n")
        self.proc.stdin.flush()

    def kill(self) -> float:
        """SIGKILL now; returns the monotonic time of the kill, once every line is read."""
        self.killed_at = time.monotonic()
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
        self.close()
        return self.killed_at

    def close(self) -> int:
        """Wait for the child to end and read the rest of its output; its exit code."""
        code = self.proc.wait(PATIENCE_S)
        self._reader.join(PATIENCE_S)
        self.pump(time.monotonic())  # all that is left is queued already
        for stream in (self.proc.stdin, self.proc.stdout):
            if stream is not None:
                with contextlib.suppress(BrokenPipeError):
                    stream.close()
        return code

    def dismiss(self) -> None:
        """End a spare child that was never given a plan."""
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.close()


def say(*words: object) -> None:
    print(*words, flush=True)


def words(n: int) -> str:
    """The draft's text after ``n`` words."""
    return " ".join(f"w{i}" for i in range(n))


def word_count(body: str) -> int:
    """How many words of the expected text ``body`` holds; ValueError if it is not one."""
    n = len(body.split())
    if body != words(n):
        raise ValueError(f"the draft is not w0 … w{n - 1}: {body[:80]!r}…")
    return n


class Typist:
    """Types words into the draft and autosaves them as the editor does."""

    def __init__(self, core, draft_id: int, typed: int, rng: random.Random) -> None:
        self._core = core
        self._draft_id = draft_id
        self._rng = rng
        self.typed = typed
        self._last_key = 0.0
        self._first_unsaved: float | None = None
        self._dirty = asyncio.Event()

    async def type(self) -> None:
        while True:
            pause = self._rng.uniform(0.3, 0.7) if self._rng.random() < 0.1 else 0.0
            await asyncio.sleep(pause + self._rng.uniform(0.03, 0.15))
            self.typed += 1
            self._last_key = time.monotonic()
            if self._first_unsaved is None:
                self._first_unsaved = self._last_key
            say("TYPED", f"{self._last_key:.6f}", self.typed)
            self._dirty.set()

    def _due(self) -> float:
        assert self._first_unsaved is not None
        return min(self._first_unsaved + DEADLINE_S, self._last_key + QUIET_S)

    async def autosave(self) -> None:
        from app.store import drafts

        while True:
            await self._dirty.wait()
            # The editor's two timers: a new word pushes the quiet one back.
            while (wait := self._due() - time.monotonic()) > 0:  # noqa: ASYNC110
                await asyncio.sleep(wait)
            self._dirty.clear()
            self._first_unsaved = None
            n = self.typed
            say("SAVING", n)
            await self._core.store.run(drafts.save, self._draft_id, DRAFT_TITLE, words(n))
            say("SAVED", f"{time.monotonic():.6f}", n)


def _the_draft(db) -> tuple[int, str]:
    from app.store import drafts

    row = db.execute("SELECT id, body FROM drafts ORDER BY id LIMIT 1").fetchone()
    if row is not None:
        return row[0], row[1]
    return drafts.create(db, DRAFT_TITLE, "", ["sandbox"]), ""


def _open_comments(db) -> list[int]:
    return [
        r[0]
        for r in db.execute(
            "SELECT id FROM comments WHERE is_mine = 0 AND deleted = 0 AND answered = 0 "
            "AND triage_state = 'open' ORDER BY id"
        ).fetchall()
    ]


def _unfinished(db) -> int:
    return db.execute(
        "SELECT COUNT(*) FROM outbox WHERE state IN ('queued', 'sending', 'unknown')"
    ).fetchone()[0]


def _report(event: ev.Event) -> None:
    if isinstance(event, ev.OutboxChanged) and event.item_id is not None:
        say("OUTBOX", event.item_id)
    elif isinstance(event, ev.SyncStarted):
        say("PULLING")
    elif isinstance(event, ev.SyncProgress):
        say("PAGE", event.fetched)
    elif isinstance(event, ev.SyncFinished):
        say("PULLED")


async def run(data_dir: Path, plan: dict) -> int:
    from app.bootstrap import open_core
    from app.cli import TOKEN_ENV

    rng = random.Random(plan["seed"])
    core = await open_core(data_dir, sandbox_url=plan["url"], sandbox_token=os.environ[TOKEN_ENV])
    say("READY")
    core.events.subscribe(_report)
    if plan.get("final"):
        return await finish(core)
    draft_id, body = await core.store.run(_the_draft)
    typist = Typist(core, draft_id, word_count(body), rng)
    tasks = [asyncio.create_task(typist.type()), asyncio.create_task(typist.autosave())]
    if plan["replies"]:
        candidates = await core.store.read(_open_comments)
        chosen = rng.sample(candidates, min(plan["replies"], len(candidates)))
        if chosen:
            await core.replies.queue(chosen, REPLY_TEMPLATE)
            say("QUEUED", len(chosen))
    await core.engine.sync_all()
    say("SYNCED")
    await asyncio.gather(*tasks)  # until killed
    return 0


async def finish(core) -> int:
    """The clean run after the last kill: send everything, then close properly."""
    try:
        for _ in range(10):
            await core.engine.sync_all()
            if not await core.store.read(_unfinished):
                break
        left = await core.store.read(_unfinished)
    finally:
        await core.close()
    say("DONE" if not left else f"UNFINISHED {left}")
    return 0 if not left else 3


def main() -> int:
    data_dir = Path(sys.argv[1])
    from app import logs
    from app.bootstrap import open_core  # noqa: F401  (imported before IMPORTED: the start is paid)

    say("IMPORTED")
    line = sys.stdin.readline()
    if not line.strip():
        return 0  # a spare child the test no longer needs
    plan = json.loads(line)
    with logs.to_file(data_dir, plan.get("verbose", False)):
        return asyncio.run(run(data_dir, plan))


if __name__ == "__main__":
    sys.exit(main())
