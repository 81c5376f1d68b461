"""Storage faults: a full disk, a read-only data dir, a damaged or newer database, and two
Fireside processes on one data dir. Each gets a clear message and destroys nothing.

How the faults are made, honestly and deterministically:

- A full disk, two ways (every disk test runs with both): ``page-limit`` caps the
  database with SQLite's ``PRAGMA max_page_count`` on the store's own connection (SQLite
  then fails exactly as on a full disk: SQLITE_FULL, "database or disk is full"); ``tmpfs``
  puts the data dir on a small tmpfs and fills it with a ballast file until the kernel
  says ENOSPC, then deletes the ballast to free space. ``tmpfs`` needs root and a working
  ``mount`` (CI runs as root on Debian 12); where mounting is forbidden it is skipped.
- A read-only data dir: a tmpfs remounted read-only when this process may mount (root
  ignores permissions, not a read-only mount), else ``chmod 0555`` for a normal user.
- Two instances: the OS lock of :mod:`app.instance`, held by this test process or by a
  child process, and real second starts of ``python -m app`` as subprocesses.

The corrupt and newer-database refusals are in tests/test_migrations.py and
tests/test_cli.py; the autosave's retry on a full disk is in tests/ui/test_autosave_faults.py.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from app import cli, events, instance
from app.bootstrap import open_core
from app.config import database_path
from app.domain import OutboxState
from app.errors import StoreError, StoreFull, StoreLocked, StoreReadOnly
from app.instance import Instance, claim_for_window
from app.store import Store, drafts, outbox
from app.store.db import backup_path
from app.store.migrations import LATEST

SCHEMAS = Path(__file__).resolve().parents[1] / "fixtures" / "schemas"
REPO = Path(__file__).resolve().parents[2]


# --- making faults ------------------------------------------------------------------------


@functools.cache
def mounting_works() -> bool:
    """True when this process may mount a tmpfs (root on Linux, mount not forbidden)."""
    if sys.platform != "linux" or os.geteuid() != 0 or shutil.which("mount") is None:
        return False
    probe = Path(tempfile.mkdtemp(prefix="fireside-mount-probe-"))
    try:
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(probe)],
            capture_output=True,
            check=False,
        )
        if done.returncode == 0:
            subprocess.run(["umount", str(probe)], check=True)
        return done.returncode == 0
    finally:
        probe.rmdir()


NEED_MOUNT = pytest.mark.skipif(
    not mounting_works(), reason="needs root and a working 'mount' (as in CI)"
)


@contextlib.contextmanager
def tmpfs(path: Path, size: str) -> Iterator[Path]:
    path.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(path)], check=True
    )
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def fill_up(folder: Path, leave: int = 0) -> Path:
    """Write a ballast file until the filesystem says it is full, then give back ``leave``
    bytes; return the ballast."""
    ballast = folder / "ballast"
    fd = os.open(ballast, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    try:
        for size in (1 << 20, 1 << 16, 1 << 12, 1 << 9, 1):
            chunk = b"\0" * size
            try:
                while os.write(fd, chunk) == size:
                    pass
            except OSError as exc:
                assert exc.errno == errno.ENOSPC
        if leave:
            os.ftruncate(fd, os.fstat(fd).st_size - leave)
    finally:
        os.close(fd)
    return ballast


class FullDisk:
    """A data dir whose disk can be made full and freed again, for a given store."""

    def __init__(self, how: str, data_dir: Path) -> None:
        self.how = how
        self.data_dir = data_dir
        self._ballast: Path | None = None

    def fill(self, store: Store | None = None) -> None:
        if self.how == "tmpfs":
            self._ballast = fill_up(self.data_dir)
        else:
            assert store is not None, "page-limit fills one store's database"
            store.run_sync(_cap_pages, 0)

    def free(self, store: Store | None = None) -> None:
        if self.how == "tmpfs":
            assert self._ballast is not None
            self._ballast.unlink()
        else:
            assert store is not None
            store.run_sync(_cap_pages, 1 << 30)


def _cap_pages(db, pages: int) -> None:
    """Cap the database at ``pages`` (0: at its current size, so any growth fails)."""
    current = db.execute("PRAGMA page_count").fetchone()[0]
    db.execute(f"PRAGMA max_page_count = {max(pages, current)}")


@pytest.fixture(params=["page-limit", pytest.param("tmpfs", marks=NEED_MOUNT)])
def disk(request, tmp_path: Path) -> Iterator[FullDisk]:
    data_dir = tmp_path / "data"
    if request.param == "tmpfs":
        with tmpfs(data_dir, "16m"):
            yield FullDisk("tmpfs", data_dir)
    else:
        data_dir.mkdir()
        yield FullDisk("page-limit", data_dir)


@pytest.fixture
def read_only_dir(tmp_path: Path) -> Iterator[tuple[Path, Callable[[], None]]]:
    """``(data_dir, make_read_only)``: fill the dir, then call ``make_read_only()``."""
    data_dir = tmp_path / "data"
    if mounting_works():
        with tmpfs(data_dir, "16m"):
            yield (
                data_dir,
                lambda: subprocess.run(["mount", "-o", "remount,ro", str(data_dir)], check=True),
            )
        return
    if os.geteuid() == 0:
        pytest.skip("root ignores permissions, and mounting a read-only filesystem failed")
    data_dir.mkdir()
    try:
        yield data_dir, lambda: data_dir.chmod(0o555)
    finally:
        data_dir.chmod(0o755)


def files_in(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir()) if p.is_file()}


def quick_check(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA quick_check").fetchone()[0]
    finally:
        conn.close()


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


# --- a full disk --------------------------------------------------------------------------

BIG = "The whole speech, word for word. " * 8_000  # ~260 KB: needs new pages on any disk


def test_autosave_on_a_full_disk_keeps_what_was_saved_and_succeeds_later(disk: FullDisk) -> None:
    store = Store(database_path(disk.data_dir))
    try:
        draft_id = store.run_sync(drafts.create, "Town hall", "First words")
        store.run_sync(drafts.save, draft_id, "Town hall", "Saved before the disk filled")
        history = drafts.versions(store.reader(), draft_id)
        disk.fill(store)

        for _ in range(2):  # and again: nothing is left half-done between tries
            with pytest.raises(StoreFull) as caught:
                store.run_sync(drafts.save, draft_id, "Town hall", BIG)
        message = str(caught.value)
        assert "is full" in message and str(disk.data_dir) in message
        assert "intact" in message and "Free some disk space" in message
        assert drafts.get(store.reader(), draft_id).body == "Saved before the disk filled"
        assert drafts.versions(store.reader(), draft_id) == history
        assert store.reader().execute("PRAGMA quick_check").fetchone()[0] == "ok"

        disk.free(store)
        assert store.run_sync(drafts.save, draft_id, "Town hall", BIG) is True
    finally:
        store.close()
    reopened = Store(database_path(disk.data_dir))
    try:
        assert drafts.get(reopened.reader(), draft_id).body == BIG
    finally:
        reopened.close()


async def test_sync_on_a_full_disk_loses_nothing_and_resumes_once_space_is_freed(
    disk: FullDisk, sandbox_server
) -> None:
    core = await open_core(
        disk.data_dir, sandbox_url=sandbox_server.url, sandbox_token=sandbox_server.token
    )
    try:
        draft_id = await core.drafts.new("Holiday schedule", "Offices close on 24 December.")
        await core.drafts.publish(draft_id, ["sandbox"])
        posts_before = sandbox_server.stats()["posts"]
        disk.fill(core.store)

        # Where the disk fills decides how it surfaces: a push raises, a pull reports it.
        try:
            reports = await core.engine.sync_all()
        except StoreFull as exc:
            assert "is full" in str(exc)
        else:
            assert "is full" in (reports[0].error or "")

        db = core.store.reader()
        assert db.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        assert drafts.get(db, draft_id).body == "Offices close on 24 December."
        (item,) = outbox.list_items(db)
        assert item.state in (OutboxState.QUEUED, OutboxState.SENT, OutboxState.UNKNOWN)
        stored = db.execute("SELECT COUNT(*) FROM comments").fetchone()[0]
        assert stored < sandbox_server.stats()["comments"]  # the pull really was cut short

        disk.free(core.store)
        reports = await core.engine.sync_all()

        assert [r.error for r in reports] == [None]
        db = core.store.reader()
        assert (
            db.execute("SELECT COUNT(*) FROM comments").fetchone()[0]
            == (sandbox_server.stats()["comments"])
        )
        (item,) = outbox.list_items(db)
        assert item.state == OutboxState.SENT
        assert sandbox_server.stats()["posts"] == posts_before + 1  # exactly once
    finally:
        await core.close()


async def test_a_sync_cut_short_by_a_full_disk_says_why(tmp_path: Path, sandbox_server) -> None:
    core = await open_core(
        tmp_path, sandbox_url=sandbox_server.url, sandbox_token=sandbox_server.token
    )
    finished: list[str | None] = []
    core.events.subscribe(
        lambda event: (
            finished.append(event.error) if isinstance(event, events.SyncFinished) else None
        )
    )
    try:
        FullDisk("page-limit", tmp_path).fill(core.store)
        with contextlib.suppress(StoreFull):
            await core.engine.sync_all()
        assert finished and "is full" in (finished[-1] or "")
    finally:
        await core.close()


@NEED_MOUNT
async def test_a_write_that_left_just_before_the_disk_filled_is_settled_without_a_restart(
    tmp_path: Path, sandbox_server
) -> None:
    with tmpfs(tmp_path / "data", "16m") as data_dir:
        core = await open_core(
            data_dir, sandbox_url=sandbox_server.url, sandbox_token=sandbox_server.token
        )
        try:
            network = core.networks["sandbox"]
            real_publish = network.publish
            ballast: list[Path] = []

            async def publish_then_fill(*args):
                post = await real_publish(*args)  # the server has it now
                ballast.append(fill_up(data_dir))
                return post

            network.publish = publish_then_fill
            draft_id = await core.drafts.new("Holiday schedule", "Offices close on 24 December.")
            await core.drafts.publish(draft_id, ["sandbox"])
            posts_before = sandbox_server.stats()["posts"]
            with pytest.raises(StoreFull):
                await core.engine.sync_all()
            network.publish = real_publish
            ballast[0].unlink()

            await core.engine.sync_all()

            (item,) = outbox.list_items(core.store.reader())
            assert item.state == OutboxState.SENT
            assert sandbox_server.stats()["posts"] == posts_before + 1
        finally:
            await core.close()


@NEED_MOUNT
def test_fireside_sync_on_a_full_disk_says_so(tmp_path: Path, capsys, monkeypatch) -> None:
    with tmpfs(tmp_path / "data", "4m") as data_dir:
        store = Store(database_path(data_dir))
        store.run_sync(drafts.create, "Written before the disk filled", "Every word")
        store.close()
        before = files_in(data_dir)
        fill_up(data_dir)
        monkeypatch.setenv(cli.TOKEN_ENV, "any")
        code, _, err = run_cli(
            capsys, "--data-dir", str(data_dir), "sync", "--sandbox-url", "http://127.0.0.1:9"
        )
        assert code == 2
        last = err.strip().splitlines()[-1]
        assert last.startswith("fireside: ") and "is full" in last and str(data_dir) in last
        assert files_in(data_dir)["fireside.db"] == before["fireside.db"]


@NEED_MOUNT
def test_an_upgrade_on_a_full_disk_changes_nothing_until_there_is_room(tmp_path: Path) -> None:
    """The backup comes first; when it does not fit, nothing is written at all."""
    with tmpfs(tmp_path / "data", "1m") as data_dir:
        path = database_path(data_dir)
        shutil.copyfile(SCHEMAS / "v1.db", path)
        ballast = fill_up(data_dir)
        before = files_in(data_dir)

        with pytest.raises(StoreFull, match="cannot open its database; nothing was changed"):
            Store(path)  # no room even for SQLite's -shm file
        assert files_in(data_dir)["fireside.db"] == before["fireside.db"]

        ballast.unlink()
        ballast = fill_up(data_dir, leave=64 * 1024)  # room to open, not to back up 132 KB
        with pytest.raises(StoreFull, match="keeps a backup copy first") as caught:
            Store(path)

        assert "Nothing was changed" in str(caught.value)
        after = files_in(data_dir)
        assert after["fireside.db"] == before["fireside.db"]
        assert not [name for name in after if ".bak" in name]  # no half-written backup
        ballast.unlink()
        Store(path).close()
        assert backup_path(path, LATEST).is_file()
        assert quick_check(path) == "ok"


def test_a_backup_that_cannot_be_written_stops_the_upgrade(tmp_path: Path) -> None:
    """Anywhere (no mount needed): something in the backup's way. No migration without a
    whole backup, and no partial copy left behind."""
    path = database_path(tmp_path)
    shutil.copyfile(SCHEMAS / "v1.db", path)
    backup_path(path, LATEST).mkdir()
    with pytest.raises(StoreError, match="keeps a backup copy first"):
        Store(path)
    assert path.read_bytes() == (SCHEMAS / "v1.db").read_bytes()
    assert not list(tmp_path.glob("*.partial*"))
    backup_path(path, LATEST).rmdir()
    Store(path).close()
    assert backup_path(path, LATEST).is_file()


# --- a damaged or newer database ----------------------------------------------------------


def _newer(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE from_the_future (x)")
    conn.execute(f"PRAGMA user_version = {LATEST + 1}")
    conn.commit()
    conn.close()


def _damaged(path: Path) -> None:
    shutil.copyfile(SCHEMAS / "v1.db", path)
    data = bytearray(path.read_bytes())
    data[4096 : 4096 + 64] = b"\xab" * 64  # the header of the first table's root page
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(("make", "words"), [(_newer, "newer Fireside"), (_damaged, "damaged")])
def test_a_refused_database_is_refused_the_same_way_every_time(
    tmp_path: Path, capsys, make, words: str
) -> None:
    """Refusing it releases the data dir: the next try says the same, not 'running'."""
    make(database_path(tmp_path))
    before = database_path(tmp_path).read_bytes()
    for _ in range(2):
        code, _, err = run_cli(capsys, "--data-dir", str(tmp_path), "outbox")
        assert code == 2 and words in err and "running" not in err
    assert database_path(tmp_path).read_bytes() == before
    assert not [p for p in tmp_path.iterdir() if ".bak" in p.name]


# --- a read-only data dir -----------------------------------------------------------------


def test_a_read_only_data_dir_is_named_and_left_as_it_was(read_only_dir, capsys) -> None:
    data_dir, make_read_only = read_only_dir
    store = Store(database_path(data_dir))
    draft_id = store.run_sync(drafts.create, "Kept", "Every word")
    store.close()
    make_read_only()
    before = files_in(data_dir)

    with pytest.raises(StoreReadOnly) as caught:
        Store(database_path(data_dir))
    assert str(data_dir) in str(caught.value) and "nothing was changed" in str(caught.value)

    for command in (["sync"], ["outbox"]):
        code, out, err = run_cli(capsys, "--data-dir", str(data_dir), *command)
        assert (code, out) == (2, "")
        assert err.startswith("fireside: Fireside cannot write to its data folder")
        assert str(data_dir) in err and "Traceback" not in err

    code, out, _ = run_cli(capsys, "--data-dir", str(data_dir), "doctor")  # only reads
    assert code in (0, 1) and f"Data dir: {data_dir}" in out

    assert files_in(data_dir) == before
    copy = data_dir.parent / "copy.db"
    shutil.copyfile(database_path(data_dir), copy)
    assert quick_check(copy) == "ok"
    with sqlite3.connect(copy) as conn:
        assert conn.execute("SELECT body FROM drafts WHERE id = ?", [draft_id]).fetchone() == (
            "Every word",
        )


def test_a_new_install_in_a_read_only_dir_creates_nothing(read_only_dir) -> None:
    data_dir, make_read_only = read_only_dir
    make_read_only()
    with pytest.raises(StoreReadOnly, match="data folder"):
        Store(database_path(data_dir))
    with pytest.raises(StoreReadOnly, match=str(data_dir)):
        Instance.acquire(data_dir, "sync")
    assert list(data_dir.iterdir()) == []


def test_an_old_database_in_a_read_only_dir_is_not_upgraded(read_only_dir) -> None:
    data_dir, make_read_only = read_only_dir
    shutil.copyfile(SCHEMAS / "v1.db", database_path(data_dir))
    make_read_only()
    with pytest.raises(StoreReadOnly):
        Store(database_path(data_dir))
    assert sorted(p.name for p in data_dir.iterdir()) == ["fireside.db"]
    assert database_path(data_dir).read_bytes() == (SCHEMAS / "v1.db").read_bytes()


# --- two instances on one data dir ------------------------------------------------------


def test_a_second_owner_is_refused_until_the_first_lets_go(tmp_path: Path) -> None:
    first = Instance.acquire(tmp_path, "window")
    try:
        with pytest.raises(StoreLocked) as caught:
            Instance.acquire(tmp_path, "sync")
        assert str(caught.value).startswith(f"Fireside is running (process {os.getpid()})")
        assert "it syncs by itself" in str(caught.value)
    finally:
        first.release()
    Instance.acquire(tmp_path, "sync").release()
    assert not instance.info_path(tmp_path).exists()


@pytest.mark.parametrize("command", [["sync"], ["outbox", "retry", "1"], ["outbox", "cancel", "1"]])
def test_commands_that_write_never_open_the_database_while_the_window_runs(
    tmp_path: Path, capsys, command: list[str]
) -> None:
    with Instance.acquire(tmp_path, "window"):
        code, out, err = run_cli(capsys, "--data-dir", str(tmp_path), *command)
    assert (code, out) == (2, "")
    assert err.startswith("fireside: Fireside is running (process ") and err.count("\n") == 1
    assert "Quit Fireside first" in err
    assert not database_path(tmp_path).exists()  # never opened, so never created


def test_listing_the_outbox_reads_while_the_app_has_the_database_open(
    tmp_path: Path, capsys
) -> None:
    """``fireside outbox`` only reads: alongside the window it lists, read-only."""
    with Instance.acquire(tmp_path, "window"):
        store = Store(database_path(tmp_path))
        try:
            code, out, err = run_cli(capsys, "--data-dir", str(tmp_path), "outbox", "--all")
        finally:
            store.close()
    assert (code, out, err) == (0, "The outbox is empty.\n", "")


def test_doctor_reads_while_the_app_has_the_database_open(tmp_path: Path, capsys) -> None:
    with Instance.acquire(tmp_path, "window"):
        store = Store(database_path(tmp_path))
        try:
            store.run_sync(drafts.create, "Open in the app", "")
            code, out, _ = run_cli(capsys, "--data-dir", str(tmp_path), "doctor", "--json")
        finally:
            store.close()
    report = json.loads(out)
    assert code in (0, 1)
    assert report["database"]["schema_version"] == LATEST
    assert report["database"]["integrity"] == "ok"


HOLDER = """
import sys
from pathlib import Path
from app.instance import Instance
owner = Instance.acquire(Path(sys.argv[1]), "sync")
print("holding", flush=True)
sys.stdin.read()  # until killed
"""


def test_the_lock_goes_with_the_process_even_when_it_is_killed(tmp_path: Path) -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(tmp_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )
    try:
        assert child.stdout.readline() == "holding\n"
        with pytest.raises(StoreLocked) as caught:
            claim_for_window(tmp_path)  # a command, not a window: no hand-over to try
        assert str(caught.value).startswith(f"'fireside sync' (process {child.pid}) is using")
    finally:
        child.kill()
        child.wait()
        child.stdout.close()
        child.stdin.close()
    owner = Instance.acquire(tmp_path, "window")  # the stale instance.json is no obstacle
    owner.release()


def test_a_second_start_hands_over_to_the_running_window_and_exits_0(tmp_path: Path) -> None:
    """The real second process: ``python -m app`` with no command, as a launcher runs it."""
    shown = threading.Event()
    owner = claim_for_window(tmp_path)
    assert owner is not None
    try:
        owner.on_show(shown.set)
        second = subprocess.run(
            [sys.executable, "-m", "app", "--data-dir", str(tmp_path)],
            capture_output=True,
            check=False,
            text=True,
            timeout=60,
            cwd=REPO,
        )
    finally:
        owner.release()
    assert (second.returncode, second.stdout) == (
        0,
        "Fireside is already running; switched to it.\n",
    )
    assert shown.is_set()  # answered only after the window was asked to show
    assert not database_path(tmp_path).exists()


def test_a_request_before_the_window_exists_is_kept_for_it(tmp_path: Path) -> None:
    owner = claim_for_window(tmp_path)
    assert owner is not None
    try:
        assert claim_for_window(tmp_path) is None  # the first is still starting up
        shown = threading.Event()
        owner.on_show(shown.set)
        assert shown.is_set()
    finally:
        owner.release()


def test_only_a_holder_of_the_token_can_ask_for_the_window(tmp_path: Path) -> None:
    shown = threading.Event()
    owner = claim_for_window(tmp_path)
    assert owner is not None
    try:
        owner.on_show(shown.set)
        info = instance.read_info(tmp_path)
        assert info is not None and info["port"] == owner.port
        assert instance.ask_to_show({**info, "token": "guessed"}) is False
        assert not shown.is_set()
        assert instance.ask_to_show(info) is True
        assert shown.is_set()
    finally:
        owner.release()


def test_a_window_that_does_not_answer_gets_a_clear_message(tmp_path: Path) -> None:
    # The owner holds the dir but never listens (hung, or a build without hand-over).
    with (
        Instance.acquire(tmp_path, "window"),
        pytest.raises(StoreLocked, match="did not answer") as caught,
    ):
        claim_for_window(tmp_path, wait=0.3)
    assert str(os.getpid()) in str(caught.value)


@pytest.mark.ui
def test_the_window_comes_to_the_front_when_asked(tmp_path: Path, qtbot) -> None:
    from PySide6.QtWidgets import QMainWindow

    from ui.main import accept_hand_overs

    window = QMainWindow()
    qtbot.addWidget(window)
    window.showMinimized()
    qtbot.waitUntil(window.isMinimized)
    owner = claim_for_window(tmp_path)
    assert owner is not None
    try:
        accept_hand_overs(owner, window)
        assert claim_for_window(tmp_path) is None  # a second start, from this thread
        qtbot.waitUntil(lambda: not window.isMinimized() and window.isVisible())
    finally:
        owner.release()
