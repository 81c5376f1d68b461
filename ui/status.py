"""The status bar: what just happened (left), and always on the right: sync progress
(busy bar and comment count while syncing), last sync per account, online or offline,
and how many items wait in the outbox.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtWidgets import QLabel, QProgressBar, QStatusBar, QToolButton, QWidget

from ui import theme
from ui.inbox import timefmt
from ui.operations import run

if TYPE_CHECKING:
    from app.core import Core
    from app.domain import Account
    from ui.bridge import CoreBridge

MESSAGE_MS = 8000
TICK_MS = 30_000
NEEDS_YOU = ("failed", "held", "unknown")
PROBLEM_COLOR = "#c8442d"


def _synced(stamp: str | None) -> str:
    """ "synced 4 min ago", "synced yesterday", "synced on 12 Mar", "not synced yet"."""
    when = timefmt.relative(stamp)
    if not when:
        return "not synced yet"
    if when == "now":
        return "synced just now"
    if when.endswith(("min", "h")):
        return f"synced {when} ago"
    return f"synced {when.lower()}" if when == "Yesterday" else f"synced on {when}"


def _sync_text(accounts: list[Account], syncing: dict[str, int]) -> tuple[str, bool]:
    """(text, problem) for the sync label: progress while syncing, else each account."""
    if syncing:
        fetched = sum(syncing.values())
        names = ", ".join(a.name for a in accounts if a.id in syncing) or "accounts"
        return f"Syncing {names}… {fetched:,} comment{'s' * (fetched != 1)}", False
    parts = [
        f"{a.name}: sync failed" if a.last_sync_error else f"{a.name} {_synced(a.last_sync_at)}"
        for a in accounts
    ]
    return " · ".join(parts), any(a.last_sync_error for a in accounts)


class StatusBar(QStatusBar):
    outboxClicked = Signal()

    def __init__(self, core: Core, bridge: CoreBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._core = core
        self._accounts: list[Account] = []
        self._syncing: dict[str, int] = {}
        self.hint = QLabel("Press ? for every key")
        self.hint.setObjectName("hint")
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setTextVisible(False)
        self.busy.setFixedSize(QSize(72, 10))
        self.busy.hide()
        self.sync = QLabel()
        self.online = QToolButton()
        self.online.setAutoRaise(True)
        self.online.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.outbox = QToolButton()
        self.outbox.setAutoRaise(True)
        self.outbox.setIcon(theme.icon("outbox"))
        self.outbox.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.outbox.setToolTip("Open the outbox")
        self.outbox.clicked.connect(self.outboxClicked)
        self.addWidget(self.hint)
        for widget in (self.busy, self.sync, self.online, self.outbox):
            self.addPermanentWidget(widget)

        bridge.syncStarted.connect(self._started)
        bridge.syncProgress.connect(self._progress)
        bridge.syncFinished.connect(self._finished)
        bridge.onlineChanged.connect(self.show_online)
        bridge.outboxChanged.connect(self.refresh_outbox)
        self._tick = QTimer(self, interval=TICK_MS)
        self._tick.timeout.connect(self._show_sync)
        self._tick.start()
        self.show_online(core.engine.online, "")
        self.refresh_accounts()
        self.refresh_outbox()

    def say(self, text: str) -> None:
        self.showMessage(text, MESSAGE_MS)

    # --- sync ---------------------------------------------------------------------------
    def _started(self, account_id: str) -> None:
        self._syncing[account_id] = 0
        self._show_sync()

    def _progress(self, account_id: str, fetched: int) -> None:
        self._syncing[account_id] = fetched
        self._show_sync()

    def _finished(self, account_id: str, error: object) -> None:
        self._syncing.pop(account_id, None)
        if error:
            name = next((a.name for a in self._accounts if a.id == account_id), account_id)
            self.say(f"Sync of {name} failed: {error}")
        self.refresh_accounts()

    def refresh_accounts(self) -> None:
        def got(accounts: list[Account]) -> None:
            self._accounts = accounts
            self._show_sync()

        run(self, self._core.accounts(), on_done=got)

    def _show_sync(self) -> None:
        text, problem = _sync_text(self._accounts, self._syncing)
        self.busy.setVisible(bool(self._syncing))
        self.sync.setText(text)
        style = f"color: {PROBLEM_COLOR}" if problem else ""
        if self.sync.styleSheet() != style:  # setting it re-polishes the label, every page
            self.sync.setStyleSheet(style)
        self.sync.setToolTip(
            "\n".join(
                f"{a.name}: last synced {timefmt.exact(a.last_sync_at) or 'never'}"
                + (f"\n    Last attempt failed: {a.last_sync_error}" if a.last_sync_error else "")
                for a in self._accounts
            )
        )

    # --- online and outbox --------------------------------------------------------------
    def show_online(self, online: bool, reason: str) -> None:
        self.online.setIcon(theme.icon("online" if online else "offline"))
        self.online.setText("Online" if online else "Offline")
        self.online.setToolTip(
            "Connected to your networks."
            if online
            else f"Offline{f' ({reason})' if reason else ''}. You can keep "
            "working: replies wait in the outbox and go out on reconnect."
        )

    def refresh_outbox(self) -> None:
        def got(items: list[dict]) -> None:
            waiting = len(items)
            stuck = sum(1 for i in items if i["state"] in NEEDS_YOU)
            text = f"Outbox {waiting:,}" if waiting else "Outbox empty"
            if stuck:
                text += f" · {stuck} need{'s' * (stuck == 1)} you"
            self.outbox.setText(text)

        run(self, self._core.outbox_items(include_sent=False), on_done=got)
