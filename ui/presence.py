"""Fireside's presence outside its window: the window title with the counts, a tray icon
with the number needing a reply, and an OS notification when a VIP comments.

The counts come from the sidebar (``show_counts``: it reads them already). New comments
by VIPs (any tier: the directory's, an imported list's or one set by hand) are asked of
the core after every inbox change, after the newest comment known when the window
opened, so what was there before is never announced; the notification goes through the
tray (Qt hands it to the desktop's notification service: D-Bus on Linux, the Action
Center on Windows, Notification Center on macOS). Without a tray the window asks for
attention instead and the status bar says it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QRect, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QIcon, QPainter
from PySide6.QtWidgets import QApplication, QMenu, QSystemTrayIcon, QWidget

from app.domain import VIP_TIER_TITLES, InboxRow, InboxView
from app.text import plural
from ui import theme
from ui.common.colours import Ink
from ui.operations import run

if TYPE_CHECKING:
    from app.core import Core
    from ui.bridge import CoreBridge

CHECK_DELAY_MS = 400
TRAY_SIZE = 64


def window_title(counts: Mapping[InboxView, int], approvals: int = 0) -> str:
    """ "Fireside — 12 need a reply · 3 questions · 2 for approval"; just "Fireside" when
    nothing waits."""
    waiting = counts.get(InboxView.NEEDS_REPLY, 0)
    questions = counts.get(InboxView.QUESTIONS, 0)
    parts = []
    if waiting:
        parts.append(f"{waiting:,} need a reply" if waiting != 1 else "1 needs a reply")
    if questions:
        parts.append(plural.count(questions, "question"))
    if approvals:
        parts.append(f"{approvals:,} for approval")
    return "Fireside — " + " · ".join(parts) if parts else "Fireside"


def notice(rows: list[InboxRow]) -> tuple[str, str]:
    """(title, text) of the notification for new comments by VIPs."""
    first = rows[0]
    if len(rows) == 1:
        tier = VIP_TIER_TITLES[first.author_tier]
        return f"{first.author_name} ({tier}) commented", first.snippet[:200]
    names = list(dict.fromkeys(r.author_name for r in rows))
    title = f"{plural.count(len(rows), 'new comment')} from VIPs"
    return title, ", ".join(names[:4]) + (f" and {len(names) - 4} more" if len(names) > 4 else "")


def badge_icon(base: QIcon, count: int) -> QIcon:
    """The app icon with the count in a red disc (no disc at zero)."""
    pixmap = base.pixmap(TRAY_SIZE, TRAY_SIZE)
    if count:
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        disc = QRect(TRAY_SIZE // 3, 0, TRAY_SIZE * 2 // 3, TRAY_SIZE * 2 // 3)
        painter.setBrush(theme.ink(Ink.PROBLEM))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.drawEllipse(disc)
        font = QFont()
        font.setBold(True)
        font.setPixelSize(TRAY_SIZE // 3 if count < 100 else TRAY_SIZE // 4)
        painter.setFont(font)
        painter.setPen(Qt.GlobalColor.white)
        painter.drawText(disc, Qt.AlignmentFlag.AlignCenter, f"{count}" if count < 1000 else "999+")
        painter.end()
    return QIcon(pixmap)


class Presence(QObject):
    """Keeps the title and tray up to date for ``window``; ``notified(title, text)`` is
    emitted for every notification shown (or, without a tray, every attention asked)."""

    notified = Signal(str, str)
    #: A person should hear it in the window too (no tray to show it).
    said = Signal(str)

    def __init__(self, core: Core, bridge: CoreBridge, window: QWidget) -> None:
        super().__init__(window)
        self._core = core
        self._window = window
        self._after: int | None = None  # comments after this one are new
        self._started = False  # the newest comment when the window opened is asked for
        self._counts: Mapping[InboxView, int] = {}
        self._approvals = 0
        self._badge: int | None = None  # the count the tray icon shows
        self.tray: QSystemTrayIcon | None = None
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.tray = self._make_tray()
        self._check = QTimer(self, singleShot=True, interval=CHECK_DELAY_MS)
        self._check.timeout.connect(self.check_vips)
        bridge.inboxChanged.connect(self._check.start)

    def start(self) -> None:
        """Note the newest comment known now: VIPs' comments after it are announced. The
        window calls this once its inbox has painted (a read out on the reading thread
        before then held the first paint up); the syncs start after it."""
        if not self._started:
            self._started = True
            run(self._window, self._core.inbox.newest_comment_id(), on_done=self._start_after)

    def _make_tray(self) -> QSystemTrayIcon:
        tray = QSystemTrayIcon(theme.app_icon(), self)
        tray.setToolTip("Fireside")
        menu = QMenu(self._window)
        menu.addAction("Show Fireside").triggered.connect(self.bring_to_front)
        menu.addAction("Quit Fireside").triggered.connect(self._window.close)
        tray.setContextMenu(menu)
        tray.activated.connect(
            lambda reason: (
                self.bring_to_front()
                if reason == QSystemTrayIcon.ActivationReason.Trigger
                else None
            )
        )
        tray.messageClicked.connect(self.bring_to_front)
        tray.show()
        return tray

    def bring_to_front(self) -> None:
        window = self._window
        window.setWindowState(window.windowState() & ~Qt.WindowState.WindowMinimized)
        window.show()
        window.raise_()
        window.activateWindow()

    def show_counts(self, counts: Mapping[InboxView, int]) -> None:
        self._counts = counts
        title = window_title(counts, self._approvals)
        if title == self._window.windowTitle():
            return  # the counts come after every change; most change nothing shown
        self._window.setWindowTitle(title)
        if self.tray is not None:
            waiting = counts.get(InboxView.NEEDS_REPLY, 0)
            if waiting != self._badge:  # drawing the icon anew takes a frame's time
                self._badge = waiting
                self.tray.setIcon(badge_icon(theme.app_icon(), waiting))
            self.tray.setToolTip(title)

    def show_approvals(self, count: int) -> None:
        """Drafts waiting for the principal's approval (the workspace) join the title."""
        self._approvals = count
        self.show_counts(self._counts)

    def _start_after(self, newest: int) -> None:
        self._after = newest if self._after is None else self._after

    def check_vips(self) -> None:
        """Announce the comments VIPs wrote since the last look."""
        if self._after is None:
            return  # the starting point is not known yet; it will be in a moment
        run(self._window, self._core.inbox.vips_after(self._after), on_done=self._announce)

    def _announce(self, rows: list[InboxRow]) -> None:
        fresh = [r for r in rows if self._after is None or r.id > self._after]
        if not fresh:
            return
        self._after = max(r.id for r in fresh)
        title, text = notice(fresh)
        if self.tray is not None:
            self.tray.showMessage(title, text, theme.app_icon())
        else:
            QApplication.alert(self._window)
            self.said.emit(f"{title}: {text}")
        self.notified.emit(title, text)
