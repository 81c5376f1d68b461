"""Accounts dialogs a test opens over Cores of its own: shown and ready for the keyboard,
and closed at the end: the dialog, then every task it started, its deferred deletions,
its bridge, and last the Core."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import shiboken6
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication

from app import bootstrap
from app.core import Core
from ui.accounts.dialog import AccountsDialog
from ui.bridge import CoreBridge


def show_accounts(qtbot, core: Core) -> tuple[AccountsDialog, CoreBridge]:
    """The Accounts dialog over ``core``, shown and active, its first read done and its
    list holding the keyboard."""
    bridge = CoreBridge(core.events)
    shown = AccountsDialog(core, bridge)
    shown.show()
    shown.activateWindow()
    qtbot.waitExposed(shown)
    qtbot.waitUntil(lambda: shown.loaded)
    qtbot.waitUntil(shown.table.hasFocus)
    return shown, bridge


def close_all(qtbot, qloop, wait_for, made: list[tuple[Core, AccountsDialog, CoreBridge]]) -> None:
    for core, shown, bridge in made:
        if shiboken6.isValid(shown):
            shown.close()
        qtbot.waitUntil(lambda: all(t.done() for t in asyncio.all_tasks(qloop)), timeout=20_000)
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        shiboken6.delete(bridge)
        wait_for(core.close())


@contextmanager
def policy_dialogs(
    qtbot, qloop, wait_for, data_dir: Path, set_policy: Callable[..., object]
) -> Iterator[Callable[..., AccountsDialog]]:
    """``open_(**policy)``: ``set_policy(**policy)``, then a Core on ``data_dir`` (no
    sandbox) and its Accounts dialog, shown; all of them closed on leaving."""
    made: list[tuple[Core, AccountsDialog, CoreBridge]] = []

    def open_(**policy: object) -> AccountsDialog:
        set_policy(**policy)
        core = wait_for(bootstrap.open_core(data_dir, start_sandbox=False))
        shown, bridge = show_accounts(qtbot, core)
        made.append((core, shown, bridge))
        return shown

    try:
        yield open_
    finally:
        close_all(qtbot, qloop, wait_for, made)
