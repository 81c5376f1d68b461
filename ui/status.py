"""The status bar: what just happened (left, and announced to screen readers: ``say``;
cut with "…" where the bar is short, its whole words in the tooltip and read by screen
readers), and always on the right: sync progress
(busy bar and comment count while syncing), each account's last sync or, for one that is
not connected, its state in the Accounts dialog's words ("needs sign-in"), reachability,
and how many items wait in the outbox (or, when none does, when the last one was sent).

A message may come with a button that takes back what it reports (``offer``: "Draft “Q3”
deleted  [Undo (Ctrl+Shift+R)]"); the button goes with the message.

While replies or a post wait out the undo-send grace period, a countdown says so
("Sending 3 replies in 8 s") beside an "Undo" button with its key; the button's click is
``undoClicked`` (the window takes the batch back).

The accounts' part fills in once the status bar has painted: reading the accounts builds
the core's account manager, whose modules the first painted inbox does not need.

Reachability is per account: "Online" while every synced account answers, "1 of 3 accounts
unreachable" (their names and why in the tooltip) while some do not, and "Offline" only
when none does.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtWidgets import QLabel, QProgressBar, QStatusBar, QToolButton, QWidget

from app import localzone
from app.domain import HeldSend, OutboxItem, OutboxKind
from app.text import plural, timefmt
from app.timeutil import now, parse
from ui import theme
from ui.common.announce import Politeness, announce
from ui.common.eliding import ElidingLabel
from ui.common.first_paint import FirstPaint
from ui.operations import run

if TYPE_CHECKING:
    from app.accounts import AccountStatus
    from app.core import Core
    from ui.bridge import CoreBridge

MESSAGE_MS = 8000
TICK_MS = 30_000
SECOND_MS = 1000
NEEDS_YOU = ("failed", "held", "unknown")


def _synced(stamp: str | None) -> str:
    """ "synced 4 min ago", "synced yesterday", "synced on 12 Mar", "not synced yet"."""
    when = timefmt.ago(stamp)
    return f"synced {when}" if when else "not synced yet"


def _account_text(status: AccountStatus, connected: bool) -> tuple[str, bool]:
    """(text, problem) for one account: when it synced, that its last sync failed, or, when
    it is not connected, its state ("needs sign-in", "blocked by policy", "error")."""
    from app.accounts import State  # loaded with the accounts, after the first paint

    if status.state is State.CONNECTED:
        return f"{status.name} {_synced(status.last_sync_at)}", False
    if status.state is State.ERROR and connected:
        return f"{status.name}: sync failed", True
    return f"{status.name}: {status.label.lower()}", status.state is not State.IDLE


def _sync_text(
    statuses: list[AccountStatus], connected: set[str], syncing: dict[str, int]
) -> tuple[str, bool]:
    """(text, problem) for the sync label: progress while syncing, else each account."""
    if syncing:
        fetched = sum(syncing.values())
        names = ", ".join(s.name for s in statuses if s.account_id in syncing) or "accounts"
        return f"Syncing {names}… {plural.count(fetched, 'comment')}", False
    parts = [_account_text(s, s.account_id in connected) for s in statuses]
    return " · ".join(text for text, _ in parts), any(problem for _, problem in parts)


def _sync_tooltip(statuses: list[AccountStatus]) -> str:
    from app.accounts import State  # loaded with the accounts, after the first paint

    return "\n".join(
        f"{s.name}: last synced {timefmt.exact(s.last_sync_at) or 'never'}"
        + (f"\n    {s.label}: {s.reason}" if s.state is not State.CONNECTED and s.reason else "")
        for s in statuses
    )


def _online_text(
    unreachable: dict[str, str], names: dict[str, str], synced: int, online: bool
) -> tuple[str, str]:
    """(text, tooltip) of the reachability button: ``unreachable`` maps account id to why,
    ``synced`` is how many accounts Fireside syncs, ``online``: at least one answers."""
    if not unreachable:
        return "Online", "Connected to your networks."
    why = "\n".join(f"{names.get(a, a)}: {reason}" for a, reason in unreachable.items())
    if not online:
        return "Offline", (
            f"Offline. None of your networks can be reached:\n{why}\nYou can keep working: "
            "replies wait in the outbox and go out on reconnect."
        )
    count = len(unreachable)
    return f"{count} of {synced} accounts unreachable", (
        f"Cannot be reached now:\n{why}\nThe other accounts keep syncing. Replies to an "
        "unreachable account wait in the outbox and go out once it answers; Fireside keeps "
        "trying."
    )


def outbox_text(items: list[OutboxItem], last_sent_at: str | None) -> str:
    """ "Outbox 3 · 1 needs you", or when nothing waits "Outbox empty · last sent 4 min ago"."""
    if items:
        text = f"Outbox {len(items):,}"
        stuck = sum(1 for i in items if i.state in NEEDS_YOU)
        if stuck:
            text += f" · {plural.count(stuck, 'needs you', 'need you')}"
        return text
    when = timefmt.ago(last_sent_at)
    return f"Outbox empty · last sent {when}" if when else "Outbox empty"


def countdown_text(held: list[HeldSend], now: datetime) -> str:
    """ "Sending 2 replies in 8 s" for the newest batch in its grace period."""
    newest = held[0]
    seconds = max(0, math.ceil((parse(newest.until) - now).total_seconds()))
    what = (
        plural.count(newest.count, "reply", "replies")
        if newest.kind is OutboxKind.REPLY
        else "the post"
    )
    return f"Sending {what} in {seconds} s"


def _undo_button() -> QToolButton:
    """A button that takes something back (a deleted draft, a send): its icon beside its
    words, as the outbox's, and its frame always showing (the style sheet's ``undo``),
    so "Undo (Ctrl+Shift+R)" reads as a button, not as more of the message."""
    button = QToolButton()
    button.setIcon(theme.icon("undo"))
    button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    button.setProperty("undo", True)
    return button


class StatusBar(QStatusBar):
    outboxClicked = Signal()
    undoClicked = Signal()
    #: The zone or the day changed: times shown in words ("tomorrow 08:00", "14:05") are stale.
    timesChanged = Signal()

    def __init__(self, core: Core, bridge: CoreBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._core = core
        self._statuses: list[AccountStatus] = []
        self._syncing: dict[str, int] = {}
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
        self.countdown = QLabel()
        self.countdown.setObjectName("countdown")
        self.undo = _undo_button()
        self.undo.clicked.connect(self.undoClicked)
        self.undo.setAccessibleName("Undo send")
        self._held: list[HeldSend] = []
        self._outbox_asked = 0  # answers to older outbox reads are dropped
        self._add_messages()
        for widget in (self.busy, self.sync, self.online, self.countdown, self.undo, self.outbox):
            self.addPermanentWidget(widget)
        self.countdown.hide()
        self.undo.hide()

        bridge.syncStarted.connect(self._started)
        bridge.syncProgress.connect(self._progress)
        bridge.syncFinished.connect(self._finished)
        bridge.onlineChanged.connect(self._reachability_changed)
        bridge.outboxChanged.connect(self.refresh_outbox)
        self._zone = localzone.ZoneFollower()
        self._day = localzone.today()
        self._tick = QTimer(self, interval=TICK_MS)
        self._tick.timeout.connect(self._show_sync)
        self._tick.timeout.connect(self.follow_clock)
        self._tick.start()
        self._second = QTimer(self, interval=SECOND_MS)
        self._second.timeout.connect(self._count_down)
        self.show_online()
        #: The accounts (and their modules) and what waits in the outbox are read once the
        #: status bar has painted: a read out on the reading thread before then held up
        #: the window's first paint (thread hand-overs, the GIL) on a busy machine.
        self.first_paint = FirstPaint(self)
        self.first_paint.painted.connect(self.refresh_outbox)
        self.first_paint.painted.connect(self.refresh_accounts)

    def _add_messages(self) -> None:
        """The left side: a hint, or for ``MESSAGE_MS`` what just happened."""
        self.hint = QLabel("Press ? for every key")
        self.hint.setObjectName("hint")
        self.message = ElidingLabel()
        self.message.hide()
        self._message_shown = QTimer(self, singleShot=True, interval=MESSAGE_MS)
        self._message_shown.timeout.connect(self.clearMessage)
        self.offer_button = _undo_button()
        self.offer_button.clicked.connect(self._take_offer)
        self.offer_button.hide()
        self._offered: Callable[[], object] | None = None
        self.addWidget(self.hint)
        self.addWidget(self.message, 1)
        self.addWidget(self.offer_button)

    def tab_order(self) -> list[QWidget]:
        """The status bar's buttons, left to right."""
        return [self.offer_button, self.online, self.undo, self.outbox]

    def set_undo_key(self, key_text: str) -> None:
        """The undo-send key, shown on the button: "Undo (Shift+U)"."""
        self.undo.setText(f"Undo ({key_text})")
        self.undo.setToolTip(f"Take back what waits to go out, into the composer ({key_text})")

    def say(self, text: str, politeness: Politeness = Politeness.POLITE) -> None:
        """What just happened: painted on the left and announced to assistive technology
        (a screen reader says it without the keyboard leaving where it is)."""
        self.show_hint(text)
        announce(self, text, politeness)

    def offer(self, text: str, button: str, description: str, take: Callable[[], object]) -> None:
        """Say ``text`` with a ``button`` beside it that runs ``take`` (an undo), both
        shown until the message goes or another replaces it; ``description`` is the
        button's tooltip and what screen readers call it."""
        self.say(text)
        self._offered = take
        self.offer_button.setText(button)
        self.offer_button.setToolTip(description)
        self.offer_button.setAccessibleName(description)
        self.offer_button.show()

    def _take_offer(self) -> None:
        take, self._offered = self._offered, None
        self.offer_button.hide()
        if take is not None:
            take()

    def follow_clock(self) -> None:
        """Have times shown again when the computer's time zone changed (a laptop that
        landed elsewhere; said in the bar) or a new day began ("tomorrow 08:00" is
        today's now); checked with each tick."""
        zone_changed = self._zone.changed()
        today = localzone.today()
        new_day, self._day = today != self._day, today
        if zone_changed:
            name, _ = localzone.zone_now()
            self.say(f"Times now show in {name}: your computer's time zone changed.")
        if zone_changed or new_day:
            self.timesChanged.emit()

    def show_hint(self, text: str) -> None:
        """Painted only, not announced: a hovered link's address, which follows the mouse."""
        self._withdraw_offer()
        self.hint.hide()
        self.message.setText(text)
        self.message.show()
        self._message_shown.start()

    def currentMessage(self) -> str:  # Qt's, for the message QStatusBar would paint
        """What the status bar says now ("" once it has gone)."""
        return self.message.text()

    def clearMessage(self) -> None:  # Qt's, for the message QStatusBar would paint
        self._withdraw_offer()
        self._message_shown.stop()
        self.message.clear()
        self.message.hide()
        self.hint.show()

    def _withdraw_offer(self) -> None:
        self._offered = None
        self.offer_button.hide()

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
            name = self._names().get(account_id, account_id)
            self.say(f"Sync of {name} failed: {error}", Politeness.ASSERTIVE)
        self.refresh_accounts()

    def refresh_accounts(self) -> None:
        def got(statuses: list[AccountStatus]) -> None:
            # Accounts policy pre-configures and the user has not added yet are not synced.
            self._statuses = [s for s in statuses if s.account_id is not None]
            self._show_sync()
            self.show_online()

        run(self, self._core.accounts.statuses(), on_done=got)

    def _names(self) -> dict[str, str]:
        return {s.account_id: s.name for s in self._statuses if s.account_id is not None}

    def _show_sync(self) -> None:
        text, problem = _sync_text(self._statuses, set(self._core.networks), self._syncing)
        self.busy.setVisible(bool(self._syncing))
        self.sync.setText(text)
        theme.mark_problem(self.sync, problem)  # re-polishes only when it changes
        self.sync.setToolTip(_sync_tooltip(self._statuses))

    # --- online and outbox --------------------------------------------------------------
    def _reachability_changed(self, account_id: str, reachable: bool, reason: str) -> None:
        self.show_online()

    def show_online(self) -> None:
        """Show which accounts can be reached, as the engine knows it now."""
        engine = self._core.engine
        unreachable = engine.unreachable()
        names = self._names()
        text, tip = _online_text(unreachable, names, len(self._core.networks), engine.online)
        self.online.setIcon(theme.icon("online" if not unreachable else "offline"))
        self.online.setText(text)
        self.online.setToolTip(tip)
        theme.mark_problem(self.online, bool(unreachable) and engine.online)

    def refresh_outbox(self) -> None:
        """Read the outbox (what waits, what is held for undo) and show it; an answer to
        an older read that arrives after a newer one is dropped."""
        self._outbox_asked += 1
        asked = self._outbox_asked
        core = self._core

        async def read() -> tuple[list[OutboxItem], str | None, list[HeldSend]]:
            items = await core.outbox.items(include_sent=False)
            last = None if items else await core.outbox.last_sent_at()
            return items, last, await core.undo_send.held()

        def got(found: tuple[list[OutboxItem], str | None, list[HeldSend]]) -> None:
            if asked != self._outbox_asked:
                return
            items, last, self._held = found
            self.outbox.setText(outbox_text(items, last))
            self._count_down()

        run(self, read(), on_done=got)

    def _count_down(self) -> None:
        """Once a second while something is held: the countdown, then a fresh read."""
        if not self._held:
            self._second.stop()
            self.countdown.hide()
            self.undo.hide()
            return
        if parse(self._held[0].until) <= now():
            self._held = []
            self.refresh_outbox()  # the hold ended: it is going out now
            return
        self.countdown.setText(countdown_text(self._held, now()))
        self.countdown.show()
        self.undo.show()
        if not self._second.isActive():
            self._second.start()
