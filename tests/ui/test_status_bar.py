"""The status bar with several accounts: reachability per account ("1 of 3 accounts
unreachable", "Offline" only when none answers, names and reasons in the tooltip), an
account that was never connected shown in the Accounts dialog's words, not "sync failed",
and F5, which says it syncs now and asks that pass to re-scan. Every wait is on a
condition."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import shiboken6
from fake_account_network import install_policy, registered
from fixtures.fake_networks import MATRIX_LIKE, WORDPRESS_LIKE, FakeNetwork, connect
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app import bootstrap
from app.config import database_path
from app.core import Core
from app.domain import Account, PullMode
from app.store import Store
from app.store import accounts as accounts_repo
from ui.bridge import CoreBridge
from ui.main_window import MainWindow
from ui.status import StatusBar

pytestmark = pytest.mark.ui

BLOG = Account("blog", "wordpress", "Corporate blog", "https://blog.example")
ROOM = Account("room", "matrix", "Ops room", "https://matrix.example")


@pytest.fixture
def three_accounts(synced_core: Core, wait_for) -> tuple[Core, FakeNetwork, FakeNetwork]:
    """The synced sandbox, a blog and a room: three accounts the engine syncs."""
    blog = wait_for(connect(synced_core, BLOG, WORDPRESS_LIKE))
    room = wait_for(connect(synced_core, ROOM, MATRIX_LIKE))
    return synced_core, blog, room


def test_reachability_is_shown_per_account(
    three_accounts, open_window: Callable[[Core], MainWindow], wait_for, qtbot
):
    core, blog, room = three_accounts
    status = open_window(core).status
    qtbot.waitUntil(lambda: "Corporate blog" in status.sync.text())
    assert status.online.text() == "Online"

    blog.unreachable = "Cannot reach WordPress"
    wait_for(core.engine.pull("blog"))
    qtbot.waitUntil(lambda: status.online.text() == "1 of 3 accounts unreachable")
    tip = status.online.toolTip()
    assert "Corporate blog: Cannot reach WordPress" in tip
    assert "Ops room" not in tip and "Sandbox" not in tip
    assert "The other accounts keep syncing" in tip

    room.unreachable = "Cannot reach Matrix"
    wait_for(core.engine.pull("room"))
    qtbot.waitUntil(lambda: status.online.text() == "2 of 3 accounts unreachable")

    core.sandbox.stop()  # the last reachable account goes too: now Fireside is offline
    wait_for(core.engine.pull("sandbox"))
    qtbot.waitUntil(lambda: status.online.text() == "Offline")
    tip = status.online.toolTip()
    assert "None of your networks can be reached" in tip
    assert "Corporate blog: Cannot reach WordPress" in tip and "Ops room: Cannot reach" in tip

    blog.unreachable = None  # one answers again: no longer offline
    wait_for(core.engine.pull("blog"))
    qtbot.waitUntil(lambda: status.online.text() == "2 of 3 accounts unreachable")
    assert "Corporate blog" not in status.online.toolTip()


def test_f5_syncs_now_and_that_pass_rescans(
    three_accounts, open_window: Callable[[Core], MainWindow], wait_for, qtbot
):
    core, blog, room = three_accounts
    window = open_window(core)
    runner = asyncio.ensure_future(core.engine.run(interval=3600))
    try:
        qtbot.waitUntil(lambda: blog.pull_modes == [PullMode.ROUTINE])  # the first pass
        window.activateWindow()
        qtbot.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_F5)
        assert window.status.currentMessage() == "Syncing now…"
        qtbot.waitUntil(lambda: len(room.pull_modes) == 2)
    finally:
        core.engine.stop()
        wait_for(asyncio.wait_for(runner, 10))
    assert blog.pull_modes == room.pull_modes == [PullMode.ROUTINE, PullMode.RESCAN]


@pytest.fixture
def unconnected_core(
    wait_for, tmp_path: Path, memory_keyring, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Core]:
    """A Core whose only accounts were never connected: a FakeNet account whose password
    is not in the keyring, and one on a network policy blocks."""
    with registered(monkeypatch) as fake:
        install_policy(monkeypatch, BlockedNetworks=["wordpress"])
        data_dir = tmp_path / "data"
        data_dir.mkdir()
        store = Store(database_path(data_dir))
        for account in (
            Account("fake-1", "fake", "Corporate blog", fake.url, "jane"),
            Account("wp-1", "wordpress", "Press site", "https://press.example", "jane"),
        ):
            store.run_sync(accounts_repo.add_account, account)
        store.close()
        core = wait_for(bootstrap.open_core(data_dir, start_sandbox=False))
        yield core
        wait_for(core.close())


def test_an_account_never_connected_shows_its_state_not_sync_failed(
    unconnected_core: Core, qtbot, settle
):
    bridge = CoreBridge(unconnected_core.events)
    status = StatusBar(unconnected_core, bridge)
    try:
        status.show()  # the accounts are read once it has painted
        qtbot.waitUntil(lambda: status.sync.text() != "")
        assert status.sync.text() == (
            "Corporate blog: needs sign-in · Press site: blocked by policy"
        )
        assert "sync failed" not in status.sync.text()
        tip = status.sync.toolTip()
        assert (
            "Corporate blog: last synced never\n    Needs sign-in: Sign in again: the saved "
            "password is not in the keyring any more."
        ) in tip
        assert "Press site: last synced never\n    Blocked by policy: Your organisation" in tip
        assert status.sync.property("problem")  # shown in the scheme's problem colour
        assert status.online.text() == "Online"  # nothing it syncs is unreachable
    finally:
        settle(status)
        shiboken6.delete(bridge)
