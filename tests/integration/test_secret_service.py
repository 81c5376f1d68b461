"""Secrets through a real Secret Service: GNOME Keyring in a D-Bus session of its own.

Each session is ``dbus-run-session`` running ``SESSION``: it starts
``gnome-keyring-daemon --foreground --unlock --components=secrets`` with the keyring
password on its stdin (never on a command line), waits until ``org.freedesktop.secrets``
has an owner, runs a Python child that uses ``app.secrets`` through keyring's
SecretService backend (``PYTHON_KEYRING_BACKEND``), and stops the daemon. HOME,
XDG_DATA_HOME, XDG_CONFIG_HOME and XDG_RUNTIME_DIR are in the test's temp dir, so the
keyring file is the test's own.

The first session stores two secrets, reads them back and deletes one; every file under
HOME is then searched for them in plain text (the keyring file must exist: it is what is
searched). A second session, with a new daemon, must read the kept secret from that file,
which proves it was written to disk (encrypted), and then deletes it.

Needs the Debian packages gnome-keyring, dbus-daemon (dbus-run-session) and dbus-bin
(dbus-send). Without them the test is skipped, except under CI=true, where it fails.
"""

from __future__ import annotations

import json
import os
import secrets as random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.integration, pytest.mark.secret_service]

REPO = Path(__file__).resolve().parents[2]
TOOLS = {
    "dbus-run-session": "dbus-daemon",
    "dbus-send": "dbus-bin",
    "gnome-keyring-daemon": "gnome-keyring",
}
#: How long the Secret Service may take to come up: polls of 0.1 s.
READY_POLLS = 150

SESSION = r"""
set -u
printf '%s' "$KEYRING_PASSWORD" \
    | gnome-keyring-daemon --foreground --unlock --components=secrets >"$HOME/daemon.log" 2>&1 &
daemon=$!
polls=0
until dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
        org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null \
        | grep -q 'boolean true'; do
    polls=$((polls + 1))
    if [ "$polls" -gt "$READY_POLLS" ] || ! kill -0 "$daemon" 2>/dev/null; then
        echo "the Secret Service did not come up:" >&2
        cat "$HOME/daemon.log" >&2
        kill "$daemon" 2>/dev/null
        exit 3
    fi
    sleep 0.1
done
"$PYTHON" -c "$CHILD"
status=$?
kill "$daemon"
wait "$daemon"
exit $status
"""

STORE = """
import json, os
from app import secrets
kept, dropped = os.environ["KEPT_SECRET"], os.environ["DROPPED_SECRET"]
report = {"backend": secrets.backend_name(), "problem": secrets.backend_problem()}
secrets.set_secret("acct-kept", kept)
secrets.set_secret("acct-dropped", dropped)
report["read"] = [secrets.get_secret("acct-kept") == kept,
                  secrets.get_secret("acct-dropped") == dropped]
secrets.delete_secret("acct-dropped")
report["after_delete"] = secrets.get_secret("acct-dropped")
print(json.dumps(report))
"""

READ_AGAIN = """
import json, os
from app import secrets
report = {"kept": secrets.get_secret("acct-kept") == os.environ["KEPT_SECRET"]}
secrets.delete_secret("acct-kept")
report["after_delete"] = secrets.get_secret("acct-kept")
print(json.dumps(report))
"""


def _require_tools() -> None:
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if not missing:
        return
    packages = " ".join(sorted({TOOLS[tool] for tool in missing}))
    reason = f"no {', '.join(missing)}: apt-get install {packages}"
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI needs a real Secret Service: {reason}")
    pytest.skip(reason)


@pytest.fixture
def session_env(tmp_path: Path) -> dict[str, str]:
    """The environment of a session whose HOME and XDG dirs are the test's."""
    _require_tools()
    home = tmp_path / "home"
    runtime = home / "run"
    runtime.mkdir(parents=True)
    runtime.chmod(0o700)
    keep = ("PATH", "LANG", "LC_ALL", "SYSTEMROOT")
    env = {name: os.environ[name] for name in keep if name in os.environ}
    env.update(
        HOME=str(home),
        XDG_DATA_HOME=str(home / ".local" / "share"),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_CACHE_HOME=str(home / ".cache"),
        XDG_RUNTIME_DIR=str(runtime),
        PYTHON=sys.executable,
        PYTHONPATH=str(REPO),
        PYTHON_KEYRING_BACKEND="keyring.backends.SecretService.Keyring",
        READY_POLLS=str(READY_POLLS),
        KEYRING_PASSWORD=random.token_urlsafe(16),
        KEPT_SECRET=f"kept-{random.token_urlsafe(24)}",
        DROPPED_SECRET=f"dropped-{random.token_urlsafe(24)}",
    )
    return env


def run_session(env: dict[str, str], child: str) -> dict:
    """Run ``child`` (Python) inside a fresh D-Bus session with GNOME Keyring; its JSON."""
    done = subprocess.run(
        ["dbus-run-session", "--", "sh", "-c", SESSION],
        env={**env, "CHILD": child},
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def files_holding(home: Path, *texts: str) -> list[str]:
    return [
        str(path.relative_to(home))
        for path in sorted(home.rglob("*"))
        if path.is_file()
        for text in texts
        if text.encode() in path.read_bytes()
    ]


def test_secrets_go_to_a_real_secret_service_and_only_encrypted_to_disk(session_env) -> None:
    home = Path(session_env["HOME"])
    kept, dropped = session_env["KEPT_SECRET"], session_env["DROPPED_SECRET"]

    stored = run_session(session_env, STORE)

    assert stored == {
        "backend": "keyring.backends.SecretService.Keyring",
        "problem": None,
        "read": [True, True],
        "after_delete": None,
    }
    keyrings = list((home / ".local" / "share" / "keyrings").glob("*.keyring"))
    assert keyrings, "the daemon wrote no keyring file, so there would be nothing to search"
    assert files_holding(home, kept, dropped, session_env["KEYRING_PASSWORD"]) == []

    again = run_session(session_env, READ_AGAIN)  # a new daemon: only the file has it

    assert again == {"kept": True, "after_delete": None}
    assert files_holding(home, kept, dropped) == []
