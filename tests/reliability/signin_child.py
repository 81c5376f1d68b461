"""A child process for test_signin_kills.py: Fireside signing in again to an account and
sending what that queued again, so the test can SIGKILL it on the way.

    python signin_child.py DATA_DIR      (its plan, one JSON line, on stdin)

The plan is ``{"account": id, "password": the new one}`` (on stdin, never on the command
line). The child opens the core on DATA_DIR with its log file, signs the account in again
(``AccountManager.reauthenticate``, as the Accounts dialog does), then syncs until nothing
is left to send, closes the core and prints ``DONE`` (``UNFINISHED <n>`` if something is
left after ten syncs). Before the sign-in it prints ``READY``.

``FileKeyring`` is the keyring here: a JSON file (``$FIRESIDE_TEST_KEYRING``) replaced
whole at every change, so what a sign-in stored outlives a kill, as in the OS keyring;
``PYTHON_KEYRING_BACKEND=signin_child.FileKeyring`` selects it in the child, and the test
installs it for its own process.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

from crash_child import finish
from keyring.backend import KeyringBackend
from keyring.compat import properties

#: The environment variable naming the keyring's file.
KEYRING_ENV = "FIRESIDE_TEST_KEYRING"


class FileKeyring(KeyringBackend):
    """A keyring kept in one JSON file, written atomically (a kill leaves the old or the
    new file, never half of one). Only where ``$FIRESIDE_TEST_KEYRING`` names its file:
    elsewhere keyring, which weighs every backend class imported, never picks it."""

    @properties.classproperty
    def priority(cls) -> float:
        if KEYRING_ENV not in os.environ:
            raise RuntimeError(f"${KEYRING_ENV} names no keyring file")
        return 1

    @property
    def _path(self) -> Path:
        return Path(os.environ[KEYRING_ENV])

    def _entries(self) -> dict[str, str]:
        try:
            return json.loads(self._path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}

    def _write(self, entries: dict[str, str]) -> None:
        part = self._path.with_suffix(".part")
        part.write_text(json.dumps(entries), encoding="utf-8")
        os.replace(part, self._path)

    def get_password(self, service: str, username: str) -> str | None:
        return self._entries().get(f"{service}/{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        self._write({**self._entries(), f"{service}/{username}": password})

    def delete_password(self, service: str, username: str) -> None:
        entries = self._entries()
        del entries[f"{service}/{username}"]
        self._write(entries)


async def run(data_dir: Path, plan: dict) -> int:
    from app.bootstrap import open_core

    core = await open_core(data_dir, start_sandbox=False)
    try:
        print("READY", flush=True)
        await core.accounts.reauthenticate(plan["account"], plan["password"])
    except BaseException:
        await core.close()
        raise
    return await finish(core)  # sync until nothing is left, close, say DONE


def main() -> int:
    from app import logs

    data_dir = Path(sys.argv[1])
    plan = json.loads(sys.stdin.readline())
    with logs.to_file(data_dir):
        return asyncio.run(run(data_dir, plan))


if __name__ == "__main__":
    sys.exit(main())
