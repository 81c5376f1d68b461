"""Secrets stay in the keyring: planted secrets never reach a file, an output or a command
line, and the logs redact credentials.

Planted (``SECRETS``): a keyring entry (account "acme", in ``crash_child.PlantedKeyring``,
the keyring of every subprocess here; the test's own process uses the in-memory one), the
sandbox network's bearer token (``PLANTED_TOKEN``; this test's sandbox server is started
with it, so the server never writes it down either), a mistyped token, and a token in
request URLs (the redaction test).

``test_planted_secrets_appear_nowhere`` then runs, as a person or IT would, the real
``fireside -v sync`` against that sandbox (and once with a mistyped token, which the
server refuses: that one is a secret too), ``fireside doctor`` and ``doctor --json``, a
crash (a core killed with SIGKILL in the middle of a sync with replies queued, its logs
mirrored on stderr) and ``fireside outbox --all --json``, and scans: every file in the
data dir (database, ``-wal`` and ``-shm`` as the kill left them, then again after the
next start, logs, lock and instance files), the sandbox server's state dir, everything
the processes printed (the crash's output included) and their command lines, read from
``/proc/<pid>/cmdline`` while they ran.

What is deliberately not scanned: a process's environment. ``FIRESIDE_SANDBOX_TOKEN`` is
how ``fireside`` takes the sandbox token (an argument would show in ``ps``); the
environment is readable only by the same user. Fireside has no export command and writes
no crash reports of its own (a crash leaves the log and whatever was printed; both are
scanned); ``outbox --json`` is the one command that exports data, so it stands in.

The built-in sandbox that the app runs in-process makes a fresh token in memory at every
start: ``test_builtin_sandbox_token_is_never_written`` checks it is in no file after a
sync. A standalone ``fireside sandbox`` started without ``$FIRESIDE_SANDBOX_TOKEN`` keeps
its token in its own state dir, by design (it plays the remote network's server, whose
token must survive restarts). That token is the stand-in network's, not an account
secret, and is not covered here, although its default state dir is ``<data dir>/sandbox``.

``test_the_accounts_dialog_path_leaves_no_secret_behind`` adds a real account the way the
Accounts dialog does (a FakeNet site on loopback, ``tests/fake_account_network.py``): the
passwords typed and the tokens its sign-ins return appear in no file, log record, output or
message, and sit in the keyring only while the account exists.

``test_verbose_sync_redacts_credentials_in_logs`` makes the logs hold credentials the
way a debugging session would: every request's URL carries ``access_token=…`` (so
httpx's own "HTTP Request" lines and the sandbox's request lines include it) and a hook
logs every request's headers (``authorization: Bearer …``). The log file and stderr of a
verbose sync show them redacted.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import httpx
import pytest
from crash_child import PATIENCE_S, PLANTED_KEYRING_SECRET, Child, child_env
from fake_account_network import PASSWORD, SECOND_TOKEN, TOKEN, registered

from app import bootstrap, cli
from app.accounts import SignInFailed
from app.config import database_path
from app.logs import LOG_FILE, REDACTED, to_file
from app.networks.connection import ConnectionSettings
from app.sandbox import SandboxServer
from app.secrets import SERVICE, set_secret

pytestmark = pytest.mark.skipif(
    sys.platform not in ("linux", "darwin"),
    reason="reads command lines of processes and uses SIGKILL",
)

PLANTED_TOKEN = "planted-sandbox-token-5e0b9a6c41d7"
URL_TOKEN = "planted-url-token-93d2f7a1"
WRONG_TOKEN = "planted-mistyped-token-0c8e2b"  # refused by the server, yet still a secret
SECRETS = (PLANTED_TOKEN, PLANTED_KEYRING_SECRET, URL_TOKEN, WRONG_TOKEN)
SCRIPT = Path(sys.executable).with_name("fireside")
ENTRY = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "app"]
APP_CLIENT = bootstrap.make_client  # the client the app builds, before any test patches it


@pytest.fixture
def planted_sandbox(tmp_path: Path, sandbox_template: Path) -> Iterator[SandboxServer]:
    """A sandbox server whose token is the planted one (given, so never written down)."""
    state_dir = tmp_path / "sandbox-server"
    shutil.copytree(sandbox_template, state_dir)
    server = SandboxServer(state_dir, token=PLANTED_TOKEN, rate_limit=(100_000, 10.0))
    server.start()
    try:
        yield server
    finally:
        server.stop()


class Evidence:
    """Everything to scan, by where it came from."""

    def __init__(self) -> None:
        self.blobs: dict[str, bytes] = {}

    def add(self, where: str, content: str | bytes) -> None:
        self.blobs[where] = content.encode() if isinstance(content, str) else content

    def add_files(self, label: str, root: Path) -> None:
        for path in sorted(root.rglob("*")):
            if path.is_file():
                self.add(f"{label}: {path.relative_to(root)}", path.read_bytes())

    def leaks(self) -> list[str]:
        return [
            f"{secret!r} in {where}"
            for where, blob in self.blobs.items()
            for secret in SECRETS
            if secret.encode() in blob
        ]


def command_line(pid: int) -> bytes:
    """A process's command line, NUL-separated, as ``ps`` shows it (empty once it ended)."""
    proc = Path(f"/proc/{pid}/cmdline")
    if proc.parent.exists():
        return proc.read_bytes()
    import psutil  # no /proc (macOS)

    try:
        return "\0".join(psutil.Process(pid).cmdline()).encode()
    except psutil.Error:
        return b""


def command_line_at_start(proc: subprocess.Popen) -> bytes:
    """The command line of a process just started: stop it (a pending SIGSTOP takes effect
    once its exec is complete), wait until it has stopped, read, and let it go on."""
    os.kill(proc.pid, signal.SIGSTOP)
    _, status = os.waitpid(proc.pid, os.WUNTRACED)
    assert os.WIFSTOPPED(status), status
    try:
        return command_line(proc.pid)
    finally:
        os.kill(proc.pid, signal.SIGCONT)


def run_reading_command_line(
    args: list[str], env: dict[str, str], evidence: Evidence, label: str
) -> subprocess.CompletedProcess[str]:
    """Run ``fireside ARGS``; read its command line as it starts, and again when its first
    line shows it at work (if it has not ended by then)."""
    output: dict[str, list[str]] = {"stdout": [], "stderr": []}
    talking = threading.Event()

    def drain(name: str, stream: IO[str]) -> None:
        for line in stream:
            output[name].append(line)
            talking.set()
        talking.set()  # ended without a word: nothing more to wait for

    with subprocess.Popen(
        [*ENTRY, *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as proc:
        cmdlines = [command_line_at_start(proc)]
        readers = [
            threading.Thread(target=drain, args=(name, stream), daemon=True)
            for name, stream in (("stdout", proc.stdout), ("stderr", proc.stderr))
        ]
        for reader in readers:
            reader.start()
        try:
            assert talking.wait(PATIENCE_S), f"{label} said nothing"
            cmdlines.append(command_line(proc.pid))  # empty if it has ended meanwhile
            proc.wait(PATIENCE_S)
        finally:
            if proc.poll() is None:
                proc.kill()
            for reader in readers:
                reader.join(PATIENCE_S)
    assert args[-1].encode() in cmdlines[0], f"not the command line of {label}: {cmdlines}"
    out, err = "".join(output["stdout"]), "".join(output["stderr"])
    evidence.add(f"command lines of {label}", b"\n".join(cmdlines))
    evidence.add(f"stdout of {label}", out)
    evidence.add(f"stderr of {label}", err)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def test_planted_secrets_appear_nowhere(tmp_path: Path, planted_sandbox: SandboxServer) -> None:
    data_dir = tmp_path / "data"
    env = child_env(data_dir, PLANTED_TOKEN)
    evidence = Evidence()
    _the_planted_keyring_is_what_subprocesses_use(env)

    # A sync with the real command (slowed down so it is still running when looked at).
    planted_sandbox.set_latency(20)
    sync = run_reading_command_line(
        ["-v", "sync", "--sandbox-url", planted_sandbox.url], env, evidence, "fireside sync"
    )
    assert sync.returncode == 0, sync.stdout + sync.stderr
    assert "HTTP Request: GET" in sync.stderr  # the verbose log really was written
    refused = run_reading_command_line(
        ["-v", "sync", "--sandbox-url", planted_sandbox.url],
        {**env, cli.TOKEN_ENV: WRONG_TOKEN},
        evidence,
        "fireside sync with a mistyped token",
    )
    assert refused.returncode == 1 and "refused the credentials" in refused.stdout, refused.stdout

    for args in (["doctor"], ["-v", "doctor", "--json"]):
        doctor = run_reading_command_line(args, env, evidence, f"fireside {' '.join(args)}")
        assert "crash_child.PlantedKeyring" in doctor.stdout, doctor.stdout
    assert json.loads(doctor.stdout)["keyring"]["usable"] is True

    # A crash: a core killed in the middle of a sync, with replies queued and logs verbose.
    planted_sandbox.simulate_comments(600)
    with (tmp_path / "crash.err").open("w") as stderr:
        child = Child(data_dir, env, stderr)
        child.expect("IMPORTED")
        child.start({"url": planted_sandbox.url, "seed": 1, "replies": 3, "verbose": True})
        child.expect("PAGE")
        evidence.add("command line of the crashed core", command_line(child.proc.pid))
        child.kill()
    evidence.add("stdout of the crashed core", "\n".join(child.seen))
    evidence.add_files("crash output", tmp_path / "crash.err")
    database = database_path(data_dir)
    assert database.with_name(database.name + "-wal").stat().st_size > 0  # as the kill left it
    evidence.add_files("data dir after the crash", data_dir)

    # The nearest thing to an export (Fireside has no export command), after the restart.
    export = run_reading_command_line(
        ["outbox", "--all", "--json"], env, evidence, "fireside outbox --json"
    )
    assert export.returncode == 0 and json.loads(export.stdout), export.stderr
    evidence.add_files("data dir at the end", data_dir)
    evidence.add_files("sandbox server state", planted_sandbox.state_dir)

    assert {"fireside.db", "logs"} <= {p.name for p in data_dir.iterdir()}
    assert not evidence.leaks()


def _the_planted_keyring_is_what_subprocesses_use(env: dict[str, str]) -> None:
    """A control: the secret really is within reach of every subprocess here."""
    probe = (
        "from app.secrets import get_secret; "
        f"print(get_secret('acme') == {PLANTED_KEYRING_SECRET!r})"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        env=env,
        capture_output=True,
        text=True,
        timeout=PATIENCE_S,
        check=False,
    )
    assert done.stdout == "True\n", done.stderr


async def test_builtin_sandbox_token_is_never_written(tmp_path: Path, memory_keyring) -> None:
    data_dir = tmp_path / "data"
    opened = await bootstrap.open_core(data_dir)
    try:
        assert opened.sandbox is not None
        token = opened.sandbox.token
        [report] = await opened.engine.sync_all()
        assert report.error is None and report.fetched > 0
    finally:
        await opened.close()
    evidence = Evidence()
    evidence.add_files("data dir", data_dir)
    assert any(where.startswith("data dir: sandbox") for where in evidence.blobs)
    assert [where for where, blob in evidence.blobs.items() if token.encode() in blob] == []


def test_verbose_sync_redacts_credentials_in_logs(
    tmp_path: Path, planted_sandbox: SandboxServer, memory_keyring, monkeypatch, capsys
) -> None:
    set_secret("acme", PLANTED_KEYRING_SECRET)
    monkeypatch.setenv(cli.TOKEN_ENV, PLANTED_TOKEN)
    monkeypatch.setattr(bootstrap, "make_client", _client_that_logs_credentials)
    data_dir = tmp_path / "data"

    code = cli.main(
        ["--data-dir", str(data_dir), "-v", "sync", "--sandbox-url", planted_sandbox.url]
    )
    out, err = capsys.readouterr()
    assert code == 0, out + err

    log_text = (data_dir / LOG_FILE).read_text()
    for text in (log_text, err):
        assert f"access_token={REDACTED}" in text  # httpx's own request lines, redacted
        assert f"'authorization': '{REDACTED}'" in text  # the headers a hook logged
        assert "HTTP Request: GET" in text
    evidence = Evidence()
    evidence.add("stdout", out)
    evidence.add("stderr", err)
    evidence.add_files("data dir", data_dir)
    assert not evidence.leaks()


def _client_that_logs_credentials(*settings: ConnectionSettings) -> httpx.AsyncClient:
    """The app's client, with hooks that put credentials in the log as a debugging session
    would: a token in every URL (so every "HTTP Request" line has it) and every request's
    headers in full."""
    client = APP_CLIENT(*settings)
    headers_log = logging.getLogger("httpx")

    async def token_in_url_and_headers_in_log(request: httpx.Request) -> None:
        request.url = request.url.copy_merge_params({"access_token": URL_TOKEN})
        headers_log.debug("request headers: %s", dict(request.headers))

    client.event_hooks = {"request": [token_in_url_and_headers_in_log], "response": []}
    return client


async def test_the_accounts_dialog_path_leaves_no_secret_behind(
    tmp_path: Path, memory_keyring, monkeypatch, caplog, capsys
) -> None:
    """The core calls the Accounts dialog makes, in its order: a test with a mistyped
    password (which the server echoes back), a test that works, add, sync, a check, sign in
    again with a new token, sync, remove. With the log verbose (and every raw record kept by
    caplog, which redacts nothing), the typed passwords and both tokens must be in no file
    of the data dir, no log line, nothing printed, and no message the dialog shows; while
    the account exists its token is in the keyring, and only there."""
    caplog.set_level(logging.DEBUG)
    mistyped = "mistyped-password-5ae1c0"
    planted = (PASSWORD, mistyped, TOKEN, SECOND_TOKEN)
    data_dir = tmp_path / "data"
    shown: list[str] = []
    with registered(monkeypatch) as fake, to_file(data_dir, verbose=True):
        opened = await bootstrap.open_core(data_dir, start_sandbox=False)
        try:
            for password in (mistyped, PASSWORD):
                found = await opened.accounts.test("fake", fake.url, "jane", password, {})
                shown += [found.summary, found.advice, found.detail]
            with pytest.raises(SignInFailed) as refused:
                await opened.accounts.add("fake", fake.url, "jane", mistyped, {})
            shown.append(str(refused.value))
            added = await opened.accounts.add("fake", fake.url, "jane", PASSWORD, {"room": "#a"})
            assert memory_keyring.entries == {(SERVICE, added.account_id): TOKEN}
            await opened.engine.sync_all()
            shown.append((await opened.accounts.check(added.account_id)).summary)
            fake.server.next_token = SECOND_TOKEN
            await opened.accounts.reauthenticate(added.account_id, PASSWORD)
            await opened.engine.sync_all()
            shown += [s.reason for s in await opened.accounts.statuses()]
            shown.append(await opened.accounts.remove(added.account_id))
        finally:
            await opened.close()
    out, err = capsys.readouterr()
    assert "HTTP Request: GET" in caplog.text  # the verbose log really was written
    evidence = Evidence()
    evidence.add_files("data dir", data_dir)
    evidence.add("raw log records", caplog.text)
    evidence.add("stdout", out)
    evidence.add("stderr", err)
    evidence.add("what the dialog shows", "\n".join(shown))
    assert [
        f"{secret!r} in {where}"
        for where, blob in evidence.blobs.items()
        for secret in planted
        if secret.encode() in blob
    ] == []
    assert memory_keyring.entries == {}
