"""The status bar's outbox words: how many wait (never "empty" while something is queued
or sending), when the last item was sent once none waits, and the undo-send countdown;
and, in the real window, the words while a reply is queued, sent, then gone."""

from __future__ import annotations

from datetime import timedelta

import pytest
from msgspec.structs import replace

from app.domain import HeldSend, OutboxKind, OutboxState
from app.timeutil import iso, now
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
