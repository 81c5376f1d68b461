"""The status bar's outbox words: how many wait (never "empty" while something is queued
or sending), when the last item was sent once none waits, and the undo-send countdown;
and, in the real window, the words while a reply is queued, sent, then gone; the two Undo
buttons (undo send, and the undo a message offers) look like buttons."""

from __future__ import annotations

from datetime import timedelta

import pytest
from msgspec.structs import replace
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QToolButton

from app.domain import HeldSend, OutboxKind, OutboxState
from app.timeutil import iso, now
from ui import theme
from ui.common.contrast import NON_TEXT, ratio
from ui.status import countdown_text, outbox_text

pytestmark = pytest.mark.ui


def test_what_waits_is_counted_and_an_empty_outbox_says_when_it_last_sent(window, wait_for):
    core = window.inbox.core
    assert outbox_text([], None) == "Outbox empty"
    [comment] = [window.inbox.current_id()]
    wait_for(core.replies.queue([comment], "Thanks!"))
    items = wait_for(core.outbox.items(include_sent=False))
    assert outbox_text(items, None) == "Outbox 1"
    sending = [replace(items[0], state=OutboxState.SENDING)]
    assert outbox_text(sending, None) == "Outbox 1"
    failed = [replace(items[0], state=OutboxState.FAILED)]
    assert outbox_text(failed, None) == "Outbox 1 · 1 needs you"
    assert outbox_text([], iso(now())) == "Outbox empty · last sent just now"
    assert (
        outbox_text([], iso(now() - timedelta(minutes=5))) == "Outbox empty · last sent 5 min ago"
    )


def test_the_countdown_names_the_newest_held_batch():
    at = now()
    held = [HeldSend("b", OutboxKind.REPLY, 3, iso(at + timedelta(seconds=8)), None)]
    assert countdown_text(held, at) == "Sending 3 replies in 8 s"
    post = [HeldSend("p", OutboxKind.PUBLISH, 2, iso(at + timedelta(seconds=1)), 4)]
    assert countdown_text(post, at) == "Sending the post in 1 s"


def test_the_window_says_queued_then_when_it_was_sent(window, qtbot, wait_for):
    core = window.inbox.core
    status = window.status
    wait_for(core.replies.queue([window.inbox.current_id()], "Thanks!"))
    qtbot.waitUntil(lambda: status.outbox.text() == "Outbox 1")
    wait_for(core.engine.push_all())
    qtbot.waitUntil(lambda: status.outbox.text() == "Outbox empty · last sent just now")


def _frame_stands_out(button: QToolButton) -> bool:
    """Its left edge, halfway down, differs from just inside it at 3:1 (WCAG's for the
    boundary of a control): a frame, not words on the bar."""
    image = button.grab().toImage()
    middle = image.height() // 2
    edge, inside = (QColor.fromRgb(image.pixel(x, middle)) for x in (0, 3))
    return ratio(edge, inside) >= NON_TEXT


@pytest.mark.parametrize(
    "scheme", [Qt.ColorScheme.Light, Qt.ColorScheme.Dark], ids=["light", "dark"]
)
def test_the_undo_buttons_look_like_buttons_in_either_scheme(
    themed, window, qtbot, wait_for, scheme
):
    """Undo send and the Undo a message offers ("Draft “Notes” deleted  Undo
    (Ctrl+Shift+R)") read as plain words beside the message: they are framed, with the
    undo icon as the outbox's button has its own, and Tab reaches them."""
    theme.apply(themed, scheme)
    status, core = window.status, window.inbox.core
    core.undo_send.seconds = 120  # the reply is held: Undo send shows
    wait_for(core.replies.queue([window.inbox.current_id()], "Thanks!"))
    qtbot.waitUntil(status.undo.isVisible)
    status.offer("Draft “Notes” deleted", "Undo (Ctrl+Shift+R)", "Bring back", lambda: None)
    qtbot.waitUntil(status.offer_button.isVisible)
    for button in (status.offer_button, status.undo):
        assert _frame_stands_out(button), button.text()
        assert not button.icon().isNull()
        assert button.focusPolicy() & Qt.FocusPolicy.TabFocus
