"""The ``fireside`` command: help and version, doctor, errors, outbox and sync.

Where the entry point itself matters (version, exit codes, stderr, sync end to end) the
command runs in a subprocess: the installed ``fireside`` script when there is one next to
this interpreter, else ``python -m app``. Everything else calls ``app.cli.main`` in-process.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import types
from functools import partial
from pathlib import Path

import httpx
import pytest

import app
from app import cli, instance
from app.config import database_path
from app.domain import Account, OutboxKind, OutboxState
from app.errors import SecretStoreError, StoreCorrupt, StoreTooNew, UserError
from app.secrets import set_secret
from app.store import Store, accounts, outbox
from app.store.migrations import LATEST

SCRIPT = Path(sys.executable).with_name("fireside")
ENTRY = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "app"]
#: Runs what follows with Ctrl+C's default action, as a terminal starts a command: a shell
#: without job control starts background jobs with SIGINT ignored, and every process they
#: start inherits that (a test suite run with ``nohup ... &`` would see Ctrl+C do nothing).
FROM_A_TERMINAL = [
    sys.executable,
    "-c",
    "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); "
    "os.execvp(sys.argv[1], sys.argv[1:])",
]
PLANTED = ("planted-SECRET-1", "planted-SECRET-2", "planted-SECRET-3")


def fireside(
    tmp_path: Path,
    *args: str,
    entry: list[str] = ENTRY,
    timeout: float = 60,
    token: str | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run the real command with its data dir in tmp_path and a keyring that never works."""
    return subprocess.run(
        [*entry, *args],
        capture_output=True,
        text=True,
        env=command_env(tmp_path, token),
        timeout=timeout,
        check=False,
    )


def started(tmp_path: Path, *args: str, token: str | None = None) -> subprocess.Popen[str]:
    """The real command started as ``fireside`` is from a terminal, its output in pipes to
    read as it comes (close them, or use it in a ``with``)."""
    return subprocess.Popen(
        [*FROM_A_TERMINAL, *ENTRY, *args],
        env=command_env(tmp_path, token),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def command_env(tmp_path: Path, token: str | None = None) -> dict[str, str]:
    """Its data dir in tmp_path, a keyring that never works, the sandbox token if given."""
    env = {
        **os.environ,
        "HOME": str(tmp_path),
        "FIRESIDE_HOME": str(tmp_path / "data"),
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
    }
    if token is not None:
        env[cli.TOKEN_ENV] = token
    return env


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def seed_store(data_dir: Path, *account_list: Account) -> Store:
    data_dir.mkdir(parents=True, exist_ok=True)
    store = Store(database_path(data_dir))
    for account in account_list:
        store.run_sync(accounts.add_account, account)
    return store


SANDBOX = Account("sandbox", "sandbox", "Sandbox", "http://127.0.0.1:1")


# --- version and help ---------------------------------------------------------------------


@pytest.mark.parametrize("entry", [ENTRY, [sys.executable, "-m", "app"]], ids=["script", "-m"])
def test_version(tmp_path: Path, entry: list[str]) -> None:
    done = fireside(tmp_path, "--version", entry=entry)
    assert (done.returncode, done.stdout, done.stderr) == (0, f"Fireside {app.__version__}\n", "")


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ([], ["sandbox", "sync", "outbox", "doctor", "--data-dir", "--verbose", "--version"]),
        (["sandbox"], ["--port", "--state-dir", "FIRESIDE_SANDBOX_TOKEN", "Ctrl+C"]),
        (["sync"], ["--sandbox-url", "FIRESIDE_SANDBOX_TOKEN", "summary"]),
        (["outbox"], ["--all", "--json", "retry", "cancel"]),
        (["outbox", "retry"], ["ID", "never a duplicate"]),
        (["outbox", "cancel"], ["ID"]),
        (["doctor"], ["--json", "Never prints a secret"]),
    ],
)
def test_every_command_has_useful_help(capsys, command: list[str], expected: list[str]) -> None:
    code, out, _ = run(capsys, *command, "--help")
    assert code == 0
    assert out.startswith(f"usage: fireside {' '.join(command)}".rstrip())
    for word in expected:
        assert word in out


def test_usage_errors_exit_2(capsys) -> None:
    code, _, err = run(capsys, "no-such-command")
    assert code == 2
    assert "invalid choice" in err


def test_global_options_work_before_and_after_the_command(capsys, tmp_path: Path) -> None:
    for args in (
        ["--data-dir", str(tmp_path / "a"), "doctor", "--json"],
        ["doctor", "--json", "--data-dir", str(tmp_path / "b")],
    ):
        code, out, _ = run(capsys, *args)
        assert code in (0, 1)
        assert json.loads(out)["data_dir"] == args[args.index("--data-dir") + 1]
    assert (tmp_path / "a" / "logs" / "fireside.log").is_file()


# --- the window -------------------------------------------------------------------------


def test_no_command_opens_the_window(capsys, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    opened: list[Path] = []
    fake = types.ModuleType("ui.main")
    fake.main = lambda data_dir: opened.append(data_dir) or 0
    monkeypatch.setitem(sys.modules, "ui.main", fake)
    assert run(capsys, "--data-dir", str(tmp_path)) == (0, "", "")
    assert opened == [tmp_path]


@pytest.mark.parametrize(
    "argv",
    [[], ["-v"], ["--data-dir", "d"], ["--data-dir=d", "--verbose"], ["--data", "d", "-vv"]],
)
def test_the_windows_arguments_read_as_the_full_parser_reads_them(argv: list[str]) -> None:
    """The window's start reads its few options without building every sub-command's
    parser; what it reads is exactly what the full parser would."""
    fast = cli.window_arguments(argv)
    assert fast is not None
    assert vars(fast) == vars(cli.build_parser().parse_args(argv))


@pytest.mark.parametrize(
    "argv",
    [["sync"], ["--data-dir", "d", "doctor"], ["-h"], ["--version"], ["--data-dir"], ["--x"]],
)
def test_anything_but_the_window_goes_to_the_full_parser(argv: list[str]) -> None:
    assert cli.window_arguments(argv) is None


def test_window_that_cannot_load_is_one_sentence(capsys, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    monkeypatch.setitem(sys.modules, "ui.main", None)  # import raises ImportError
    code, _, err = run(capsys, "--data-dir", str(tmp_path))
    assert code == 2
    assert err.count("\n") == 1 and "Qt runtime libraries" in err


# --- doctor -----------------------------------------------------------------------------


def _doctor_store(data_dir: Path) -> None:
    store = seed_store(
        data_dir,
        SANDBOX,
        Account("acme", "wordpress", "ACME blog", f"https://blog.example.com/?token={PLANTED[1]}"),
    )
    store.run_sync(accounts.record_sync, "acme", f"401 for Authorization: Bearer {PLANTED[2]}")
    for _ in range(2):
        store.run_sync(outbox.enqueue, OutboxKind.REPLY, "sandbox", "Thanks!")
    store.close()


def test_doctor_reports_every_field(capsys, tmp_path: Path, memory_keyring) -> None:
    _doctor_store(tmp_path)
    code, out, _ = run(capsys, "--data-dir", str(tmp_path), "doctor")
    assert code == 0, out
    for field in (
        "Fireside: ",
        "Python: ",
        "PySide6 (Qt): ",
        "httpx: ",
        "SQLite library: ",
        "FTS5 available",
        f"Data dir: {tmp_path}",
        f"Database: {database_path(tmp_path)}",
        f"Schema version: {LATEST} (this build: {LATEST})",
        "Integrity check: ok",
        "Journal mode: wal",
        "Keyring: keyring_fixtures.MemoryKeyring (usable)",
        "Accounts: 2",
        # By name, with its state and why in the Accounts dialog's words.
        "  ACME blog: Error (WordPress, https://blog.example.com/",
        "last sync never): The last sync failed: 401 for Authorization: [redacted]",
        "  Sandbox: Not running (Sandbox, http://127.0.0.1:1; last sync never): The "
        "built-in sandbox runs only while no real account is set up.",
        "Outbox: queued 2",
        "No problems found.",
    ):
        assert field in out


def test_doctor_never_prints_a_secret(capsys, tmp_path: Path, memory_keyring) -> None:
    _doctor_store(tmp_path)
    set_secret("acme", PLANTED[0])
    for mode in ([], ["--json"]):
        _, out, err = run(capsys, "--data-dir", str(tmp_path), "-v", "doctor", *mode)
        assert "ACME blog" in out
        for secret in PLANTED:
            assert secret not in out + err
    log_text = (tmp_path / "logs" / "fireside.log").read_text()
    assert not [s for s in PLANTED if s in log_text]


def test_doctor_json_from_the_real_command(tmp_path: Path) -> None:
    done = fireside(tmp_path, "doctor", "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert set(report) >= {
        "versions",
        "sqlite",
        "data_dir",
        "database",
        "keyring",
        "accounts",
        "outbox",
        "problems",
        "warnings",
        "log_file",
    }
    assert report["versions"]["Fireside"] == app.__version__
    assert report["sqlite"]["fts5"] is True
    assert report["database"]["exists"] is False  # doctor never creates the database
    assert not database_path(tmp_path / "data").exists()
    assert report["keyring"]["backend"] == "keyring.backends.fail.Keyring"
    assert report["keyring"]["usable"] is False
    [warning] = report["warnings"]  # no real account needs it yet: a warning, not a problem
    assert warning.startswith(report["keyring"]["problem"]) and "Not needed yet" in warning


def _newer_database(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE future(x)")
    conn.execute(f"PRAGMA user_version = {LATEST + 1}")
    conn.commit()
    conn.close()


def _corrupt_file(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"This is not a database, just a file with the same name.\n" * 200)


@pytest.mark.parametrize(
    ("make", "problem"),
    [
        (_newer_database, "PROBLEM: The database was written by a newer Fireside"),
        (_corrupt_file, "PROBLEM: The database cannot be read (file is not a database)"),
    ],
)
def test_doctor_reports_a_bad_database_without_touching_it(
    capsys, tmp_path: Path, make, problem: str
) -> None:
    path = database_path(tmp_path)
    make(path)
    before = path.read_bytes()
    code, out, _ = run(capsys, "--data-dir", str(tmp_path), "doctor")
    assert code == 1
    assert problem in out
    assert path.read_bytes() == before


# --- errors -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "words"),
    [(_newer_database, "newer Fireside"), (_corrupt_file, "not a Fireside database")],
)
@pytest.mark.parametrize("command", [["outbox"], ["sync"]])
def test_unusable_database_is_one_sentence_and_left_untouched(
    tmp_path: Path, make, words: str, command: list[str]
) -> None:
    path = database_path(tmp_path / "data")
    make(path)
    before = path.read_bytes()
    done = fireside(tmp_path, *command)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.startswith("fireside: ") and done.stderr.count("\n") == 1
    assert words in done.stderr and "Traceback" not in done.stderr
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    "error",
    [
        StoreTooNew("This database was written by a newer Fireside."),
        StoreCorrupt("The database is damaged; it was left untouched."),
        SecretStoreError("No usable OS keyring was found. Install gnome-keyring."),
        UserError("Choose at least one account."),
    ],
)
def test_known_errors_exit_2_with_their_message(capsys, tmp_path, monkeypatch, error) -> None:
    def broken(*_args: object) -> dict:
        raise error

    monkeypatch.setattr("app.doctor.collect", broken)
    assert run(capsys, "--data-dir", str(tmp_path), "doctor") == (2, "", f"fireside: {error}\n")


def test_unexpected_errors_point_to_the_log(capsys, tmp_path: Path, monkeypatch) -> None:
    def broken(*_args: object) -> dict:
        raise RuntimeError("boom with token=abc123")

    monkeypatch.setattr("app.doctor.collect", broken)
    code, out, err = run(capsys, "--data-dir", str(tmp_path), "doctor")
    log_file = tmp_path / "logs" / "fireside.log"
    assert (code, out) == (1, "")
    assert err.count("\n") == 1 and str(log_file) in err and "Traceback" not in err
    log_text = log_file.read_text()
    assert "Traceback" in log_text and "RuntimeError: boom" in log_text
    assert "abc123" not in log_text


# --- outbox -----------------------------------------------------------------------------


@pytest.fixture
def outbox_items(tmp_path: Path) -> dict[str, int]:
    """One item per interesting state, in a data dir at tmp_path."""
    store = seed_store(tmp_path, SANDBOX)
    ids = {}
    for state, error in (
        ("queued", None),
        ("failed", "The network refused the reply."),
        ("held", "The comment was edited after you replied."),
        ("sent", None),
    ):
        ids[state] = store.run_sync(outbox.enqueue, OutboxKind.REPLY, "sandbox", f"A {state} reply")
        if state != "queued":
            store.run_sync(partial(outbox.update, error=error), ids[state], OutboxState(state))
    store.close()
    return ids


def test_outbox_lists_what_waits_with_reasons(capsys, tmp_path: Path, outbox_items) -> None:
    code, out, _ = run(capsys, "--data-dir", str(tmp_path), "outbox")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["ID", "STATE", "WHEN", "KIND", "ACCOUNT", "TO", "TEXT", "WHY"]
    assert len(lines) == 4  # header + queued, failed, held; sent only with --all
    # The same words as the window's outbox (app/sync/reasons.py is their one source).
    assert "Waiting to go out with the next sync." in out
    assert "Failed: The network refused" in out
    assert "Held: The comment was edited" in out
    _, everything, _ = run(capsys, "--data-dir", str(tmp_path), "outbox", "--all")
    assert len(everything.splitlines()) == 5 and "A sent reply" in everything


def test_outbox_json(capsys, tmp_path: Path, outbox_items) -> None:
    code, out, _ = run(capsys, "--data-dir", str(tmp_path), "outbox", "--all", "--json")
    assert code == 0
    items = {item["id"]: item for item in json.loads(out)}
    assert set(items) == set(outbox_items.values())
    failed = items[outbox_items["failed"]]
    assert failed["state"] == "failed" and failed["account_id"] == "sandbox"
    assert failed["reason"].startswith("Failed: The network refused")


def test_outbox_retry_and_cancel(capsys, tmp_path: Path, outbox_items) -> None:
    base = ("--data-dir", str(tmp_path), "outbox")
    assert run(capsys, *base, "retry", str(outbox_items["failed"]))[:2] == (
        0,
        f"Outbox item {outbox_items['failed']}: queued again.\n",
    )
    assert run(capsys, *base, "cancel", str(outbox_items["queued"]))[0] == 0
    _, out, _ = run(capsys, *base, "--all", "--json")
    states = {item["id"]: item["state"] for item in json.loads(out)}
    assert states[outbox_items["failed"]] == "queued"
    assert states[outbox_items["queued"]] == "cancelled"
    code, _, err = run(capsys, *base, "retry", str(outbox_items["sent"]))
    assert (code, err) == (
        2,
        "fireside: Only failed or held items can be retried; this one is sent.\n",
    )
    code, _, err = run(capsys, *base, "cancel", "999")
    assert (code, err) == (2, "fireside: Outbox item 999 does not exist.\n")


def test_outbox_says_a_send_cut_short_by_a_kill_was_interrupted(capsys, tmp_path: Path) -> None:
    """No Fireside runs while ``fireside outbox`` holds the data dir, so an item the store
    still calls 'sending' was cut short; it is not "being sent now"."""
    store = seed_store(tmp_path, SANDBOX)
    store.run_sync(outbox.enqueue, OutboxKind.REPLY, "sandbox", "Cut short")
    store.run_sync(outbox.claim_due, "sandbox")  # then the process was killed
    store.close()
    code, out, _ = run(capsys, "--data-dir", str(tmp_path), "outbox")
    assert code == 0
    assert "Interrupted; will be checked before anything is resent." in out
    assert "Sending to" not in out  # not "Sending to Sandbox now."


def test_outbox_into_a_pipe_closed_early_ends_quietly(tmp_path: Path) -> None:
    """``fireside outbox --all --json | head``: once the reader stops, the command ends as
    a Unix tool does (no message, SIGPIPE's exit status), not as an unexpected error."""
    store = seed_store(tmp_path / "data", SANDBOX)
    store.run_sync(
        lambda db: [
            outbox.enqueue(db, OutboxKind.REPLY, "sandbox", f"Reply {n}: " + "words " * 40)
            for n in range(2000)  # far more than a pipe holds
        ]
    )
    store.close()
    with started(tmp_path, "outbox", "--all", "--json") as proc:
        assert proc.stdout is not None and proc.stderr is not None
        first = proc.stdout.readline()
        proc.stdout.close()  # as head does after its lines
        code = proc.wait(timeout=60)
        err = proc.stderr.read()
    assert first == "[\n"
    assert (code, err) == (cli.EXIT_BROKEN_PIPE, "")


def test_outbox_says_when_each_item_went_or_is_due(capsys, tmp_path: Path, outbox_items) -> None:
    _, out, _ = run(capsys, "--data-dir", str(tmp_path), "outbox", "--all")
    rows = {line.split()[0]: line for line in out.splitlines()[1:]}
    assert "sent just now" in rows[str(outbox_items["sent"])]
    assert "just now" in rows[str(outbox_items["failed"])]


def test_outbox_lists_read_only_while_the_window_owns_the_data_dir(
    tmp_path: Path, outbox_items
) -> None:
    """``fireside outbox --all`` while the window runs: it reads, changes nothing, and
    says nothing about a lock; acting on an item still waits for the window to close."""
    data_dir = tmp_path / "data"
    seed_store(data_dir, SANDBOX).close()
    store = Store(database_path(data_dir))
    store.run_sync(outbox.enqueue, OutboxKind.REPLY, "sandbox", "Written in the window")
    store.close()
    before = database_path(data_dir).read_bytes()
    owner = instance.Instance.acquire(data_dir, "window")
    try:
        listed = fireside(tmp_path, "outbox", "--all")
        acted = fireside(tmp_path, "outbox", "cancel", "1")
    finally:
        owner.release()
    assert (listed.returncode, listed.stderr) == (0, "")
    assert "Written in the window" in listed.stdout
    assert database_path(data_dir).read_bytes() == before
    assert acted.returncode == 2 and acted.stderr.count("\n") == 1


def test_no_display_is_one_sentence_saying_what_to_set(tmp_path: Path) -> None:
    env = {
        k: v
        for k, v in command_env(tmp_path).items()
        if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    }
    done = subprocess.run(ENTRY, check=False, capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "set DISPLAY" in done.stderr
    assert "plugin" not in done.stderr and done.stdout == ""


def test_empty_outbox(capsys, tmp_path: Path) -> None:
    assert run(capsys, "--data-dir", str(tmp_path), "outbox") == (0, "The outbox is empty.\n", "")


# --- sandbox ----------------------------------------------------------------------------


def test_sandbox_serves_until_interrupted(tmp_path: Path) -> None:
    with started(tmp_path, "sandbox", "--port", "0", token="t0ken") as proc:
        watchdog = threading.Timer(60, proc.kill)  # bounds the blocking reads below
        watchdog.start()
        try:
            lines = [proc.stdout.readline() for _ in range(3)]
            url = lines[1].split()[-1]
            answer = httpx.get(f"{url}/api/v1/me", headers={"Authorization": "Bearer t0ken"})
            proc.send_signal(signal.SIGINT)
            rest, err = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()  # a failure, not a hang of the whole run
            raise
        finally:
            watchdog.cancel()
    assert lines[0] == "Press Ctrl+C to stop.\n"
    assert url.startswith("http://127.0.0.1:") and lines[2] == "Token: t0ken\n"
    assert answer.status_code == 200
    assert (proc.returncode, rest, err) == (0, "Sandbox stopped.\n", "")
    assert (tmp_path / "data" / "sandbox").is_dir()


def test_sandbox_on_a_busy_port_is_one_sentence(capsys, tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        code, _, err = run(capsys, "--data-dir", str(tmp_path), "sandbox", "--port", str(port))
    assert code == 2
    assert err.startswith(f"fireside: The sandbox cannot start on port {port} (")
    assert err.endswith("choose another --port, or 0 for a free one.\n")


# --- sync -------------------------------------------------------------------------------

SUMMARY = re.compile(
    r"Summary: 1 account synced, ([\d,]+) comments? fetched, ([\d,]+) items? sent, "
    r"([\d,]+) failures?"
)


def _summary(out: str) -> tuple[int, int, int]:
    found = SUMMARY.search(out)
    assert found, out
    fetched, sent, failures = (int(number.replace(",", "")) for number in found.groups())
    return fetched, sent, failures


def _queue_a_reply(data_dir: Path) -> None:
    """Put one reply to the first open comment in the outbox, as the app would."""
    store = Store(database_path(data_dir))
    store.run_sync(_enqueue_first_reply)
    store.close()


def _enqueue_first_reply(db, skip: int = 0) -> int:
    """A reply to the first open comment (after ``skip`` of them)."""
    row = db.execute(
        "SELECT c.id, c.remote_id, c.version, p.remote_id AS post FROM comments c "
        "JOIN posts p ON p.id = c.post_id WHERE c.is_mine = 0 AND c.deleted = 0 "
        "AND c.answered = 0 ORDER BY c.id LIMIT 1 OFFSET ?",
        [skip],
    ).fetchone()
    return outbox.enqueue(
        db,
        OutboxKind.REPLY,
        "sandbox",
        "Thank you, good question.",
        post_remote_id=row["post"],
        target_remote_id=row["remote_id"],
        comment_id=row["id"],
        expected_version=row["version"],
    )


def test_sync_against_a_running_sandbox(tmp_path: Path, sandbox_server) -> None:
    options = ("-v", "sync", "--sandbox-url", sandbox_server.url)
    first = fireside(tmp_path, *options, token=sandbox_server.token)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "Sandbox: pulling…" in first.stdout
    fetched, sent, failures = _summary(first.stdout)
    assert fetched > 0 and (sent, failures) == (0, 0)

    _queue_a_reply(tmp_path / "data")
    second = fireside(tmp_path, *options, token=sandbox_server.token)
    assert second.returncode == 0, second.stdout + second.stderr
    assert _summary(second.stdout)[1:] == (1, 0)  # the pull may bring the reply back
    assert "outbox: 1 sent" in second.stdout
    log_text = (tmp_path / "data" / "logs" / "fireside.log").read_text()
    assert "HTTP Request" in log_text and sandbox_server.token not in log_text


def test_sync_counts_each_item_once_and_waiting_is_no_failure(
    tmp_path: Path, sandbox_server
) -> None:
    """Five replies: two go out, three wait for their next try (as a network hiccup at an
    earlier sync left them). Each is counted once, in the state it ended in, and waiting
    is no failure."""
    options = ("sync", "--sandbox-url", sandbox_server.url)
    assert fireside(tmp_path, *options, token=sandbox_server.token).returncode == 0
    store = Store(database_path(tmp_path / "data"))
    queued = [store.run_sync(_enqueue_first_reply, n) for n in range(5)]
    store.run_sync(
        lambda db: db.execute(
            "UPDATE outbox SET next_attempt_at = '2999-01-01T00:00:00Z' WHERE id IN (?, ?, ?)",
            queued[2:],
        )
    )
    store.close()

    done = fireside(tmp_path, *options, token=sandbox_server.token)

    assert done.returncode == 0, done.stdout + done.stderr
    assert "Sandbox: pulled; outbox: 2 sent, 3 waiting\n" in done.stdout
    assert _summary(done.stdout)[1:] == (2, 0)
    assert done.stdout.rstrip().endswith("2 items sent, 0 failures, 3 waiting.")


def test_sync_failure_exits_1(capsys, monkeypatch, tmp_path: Path, sandbox_server) -> None:
    monkeypatch.setenv(cli.TOKEN_ENV, "not-the-token")
    code, out, _ = run(
        capsys, "--data-dir", str(tmp_path), "sync", "--sandbox-url", sandbox_server.url
    )
    assert code == 1
    assert "Sandbox: FAILED: " in out
    assert _summary(out)[2] == 1
    assert "fireside outbox" not in out  # the outbox has nothing to do with a failed pull


def test_sync_with_the_sandbox_offline_exits_1(capsys, monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv(cli.TOKEN_ENV, "t")
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    code, out, _ = run(
        capsys, "--data-dir", str(tmp_path), "sync", "--sandbox-url", f"http://127.0.0.1:{port}"
    )
    assert code == 1 and "FAILED" in out
    assert "Cannot reach the sandbox network at" in out  # not "The" mid-sentence
    assert "fireside outbox" not in out


def test_sync_without_accounts_runs_the_builtin_sandbox(tmp_path: Path) -> None:
    done = fireside(tmp_path, "sync")
    assert done.returncode == 0, done.stdout + done.stderr
    assert _summary(done.stdout)[0] > 0
    assert (tmp_path / "data" / "sandbox").is_dir()


def test_sync_never_skips_an_account_silently(capsys, tmp_path: Path, memory_keyring) -> None:
    # An empty keyring: the account's secret is missing, so it cannot be connected.
    seed_store(tmp_path, Account("acme", "wordpress", "ACME blog", "https://x.test")).close()
    code, out, _ = run(capsys, "--data-dir", str(tmp_path), "sync")
    assert code == 1
    assert (
        "ACME blog: NOT SYNCED (needs sign-in): Sign in again: the saved password is not in "
        "the keyring any more.\n"
    ) in out
    assert "Summary: 0 accounts synced, 0 comments fetched, 0 items sent, 1 failure." in out


def test_sync_with_a_sandbox_url_needs_the_token_in_the_environment(
    capsys, monkeypatch, tmp_path: Path
) -> None:
    monkeypatch.delenv(cli.TOKEN_ENV, raising=False)
    code, _, err = run(capsys, "--data-dir", str(tmp_path), "sync", "--sandbox-url", "http://x")
    assert code == 2
    assert err == (
        "fireside: Set FIRESIDE_SANDBOX_TOKEN to the token 'fireside sandbox' "
        "printed; --sandbox-url needs it.\n"
    )
