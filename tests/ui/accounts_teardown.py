"""Closing Accounts dialogs a test opened over Cores of its own: the dialog, then every
task it started, its deferred deletions, its bridge, and last the Core."""

from __future__ import annotations

import asyncio

import shiboken6
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication

from app.core import Core
from ui.accounts.dialog import AccountsDialog
from ui.bridge import CoreBridge


def close_all(qtbot, qloop, wait_for, made: list[tuple[Core, AccountsDialog, CoreBridge]]) -> None:
    for core, shown, bridge in made:
        if shiboken6.isValid(shown):
            shown.close()
        qtbot.waitUntil(lambda: all(t.done() for t in asyncio.all_tasks(qloop)), timeout=20_000)
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        shiboken6.delete(bridge)
        wait_for(core.close())
