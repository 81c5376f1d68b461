"""The window's first paint needs the inbox only: the other pages are built when first
shown (For approval after the first paint, for its count) and join the Tab order then."""

from __future__ import annotations

import asyncio

import pytest
from PySide6.QtWidgets import QWidget

from ui.main_window import MainWindow

pytestmark = pytest.mark.ui


def tab_chain(window: MainWindow) -> list[QWidget]:
    """Every widget Tab reaches from the sidebar, once round."""
    chain, widget = [], window.sidebar.nextInFocusChain()
    while widget is not window.sidebar and len(chain) < 500:
        chain.append(widget)
        widget = widget.nextInFocusChain()
    return chain


def test_only_the_inbox_is_built_for_the_first_paint(window: MainWindow) -> None:
    assert window.pages.count() == 1
    assert window.pages.widget(0) is window.inbox
    assert window.flush_editor() is None  # no editor: nothing to save on quitting


def test_for_approval_is_built_after_the_first_paint_and_joins_the_tab_order(
    window: MainWindow, qtbot
) -> None:
    window.after_first_paint()
    assert window.pages.count() == 1  # built in a turn of the event loop of its own
    qtbot.waitUntil(lambda: window.pages.count() == 2)
    approval = window.approval
    assert window.inbox.composer_if_built is not None  # built the turn before
    assert window.pages.indexOf(approval) > 0
    qtbot.waitUntil(lambda: bool(approval.summary.text()))  # outside a workspace: says so
    chain = tab_chain(window)
    inbox_last = chain.index(window.inbox.tab_order()[-1])
    assert all(chain.index(w) > inbox_last for w in approval.tab_order())
    assert chain.index(window.status.tab_order()[0]) > chain.index(approval.tab_order()[-1])


def test_a_window_closed_as_it_builds_ahead_builds_nothing(window: MainWindow, qtbot) -> None:
    window.after_first_paint()
    window.close()  # quitting: the core closes next
    qtbot.waitUntil(lambda: all(t.done() for t in asyncio.all_tasks()), timeout=5000)
    assert window.inbox.composer_if_built is None
    assert window.pages.count() == 1  # no For approval page opening the workspace


def test_the_shared_inbox_is_built_when_chosen_and_takes_the_keyboard(
    window: MainWindow, qtbot
) -> None:
    window.sidebar.choose("shared")
    window.sidebar.entered.emit()
    shared = window.shared
    assert window.pages.currentWidget() is shared
    qtbot.waitUntil(shared.list.hasFocus)
    assert window.pages.count() == 2  # the editor, outbox and For approval still unbuilt
    assert all(w in tab_chain(window) for w in shared.tab_order())
