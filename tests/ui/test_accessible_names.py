"""Every window and dialog, read as a screen reader reads it (Qt's accessibility
interfaces, which Qt hands to AT-SPI, UI Automation and NSAccessibility): nothing that can
take the keyboard or be pressed is left without a meaningful name, and each dialog opens
with the keyboard on something named."""

from __future__ import annotations

from pathlib import Path

import pytest
from a11y_tree import focused_name, unnamed
from PySide6.QtCore import QUrl
from PySide6.QtWidgets import QApplication, QDialog, QWidget
from test_m365_dialog import dialog as m365_accounts  # noqa: F401  (a fixture)

from app.policy import NO_POLICY
from ui.accounts import AccountsDialog
from ui.editor.history import HistoryDialog
from ui.editor.publish_dialog import PublishDialog
from ui.inbox.snooze import PickTimeDialog, SnoozeMenu
from ui.settings.dialog import SettingsDialog
from ui.sidebar import PlaceKind
from ui.thread.browser import confirm_and_open

pytestmark = pytest.mark.ui


def assert_named(widget: QWidget) -> None:
    found = unnamed(widget)
    assert not found, "\n".join(found)


def opened(qtbot, parent: QWidget, kind: type[QDialog]) -> QDialog:
    """The dialog of ``kind`` that ``parent`` opened, once it is shown and active."""
    qtbot.waitUntil(lambda: any(d.isVisible() for d in parent.findChildren(kind)))
    dialog = next(d for d in parent.findChildren(kind) if d.isVisible())
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None and dialog.isActiveWindow())
    return dialog


def assert_first_focus_named(dialog: QWidget) -> None:
    focus = QApplication.focusWidget()
    assert focus is not None and dialog.isAncestorOf(focus), focus
    assert focused_name(focus), f"the dialog starts on an unnamed {focus!r}"


def check_dialog(qtbot, dialog: QWidget) -> None:
    """Once ``dialog`` has the keyboard: everything in it named, starting on something
    named; then close it."""
    qtbot.waitUntil(lambda: dialog.isActiveWindow() and QApplication.focusWidget() is not None)
    assert_named(dialog)
    assert_first_focus_named(dialog)
    dialog.close()


def test_the_inbox_with_a_thread_open(window, qtbot):
    qtbot.waitUntil(window.inbox.thread_pane.open_post.isVisible)
    assert_named(window)


def test_search_results_with_posts_and_drafts(window, qtbot):
    inbox = window.inbox
    qtbot.keyClick(inbox.list, "/")
    qtbot.keyClicks(inbox.search, "AI")
    qtbot.waitUntil(lambda: inbox.searching and inbox.hits.isVisible())
    assert_named(window)


def test_a_post_filter(window, qtbot):
    window.sidebar.choose_post(next(iter(window.sidebar._post_items)))
    qtbot.waitUntil(window.inbox.post_chip.isVisible)
    assert_named(window)
    assert "post" in window.inbox.post_chip.accessibleName().lower()


def test_the_editor_empty_and_with_a_draft(window, qtbot):
    window.sidebar.choose(PlaceKind.DRAFTS)
    qtbot.waitUntil(window.editor.isVisible)
    assert_named(window)
    window.editor.new_draft()
    qtbot.waitUntil(lambda: window.editor.draft_id is not None)
    qtbot.waitUntil(window.editor.body_edit.isVisible)
    assert_named(window)


def test_the_outbox_empty(window, qtbot):
    window.sidebar.choose(PlaceKind.OUTBOX)
    qtbot.waitUntil(window.outbox.isVisible)
    assert_named(window)


def test_the_key_help(window, qtbot):
    check_dialog(qtbot, window.show_help())


def test_the_batch_reply_and_the_outbox_with_items(window, qtbot):
    qtbot.keyClick(window.inbox.list, "r")
    dialog = window.inbox.composer
    qtbot.waitUntil(dialog.template.hasFocus)
    assert_named(dialog)
    assert_first_focus_named(dialog)
    with qtbot.waitSignal(dialog.queued):
        dialog.queue_all()
    window.sidebar.choose(PlaceKind.OUTBOX)
    qtbot.waitUntil(lambda: window.outbox.model.rowCount() > 0)
    assert_named(window)


def test_snoozing(window, qtbot):
    qtbot.keyClick(window.inbox.list, "s")
    qtbot.waitUntil(lambda: isinstance(QApplication.activePopupWidget(), SnoozeMenu))
    menu = QApplication.activePopupWidget()
    assert_named(menu)
    menu.close()
    dialog = PickTimeDialog(window)
    dialog.open()
    check_dialog(qtbot, dialog)


def test_a_link_confirmation(window, qtbot):
    check_dialog(qtbot, confirm_and_open(window, QUrl("https://intranet.example.com/faq")))


def test_accounts_and_adding_one(window, qtbot):
    window.show_accounts()
    dialog = opened(qtbot, window, AccountsDialog)
    qtbot.waitUntil(lambda: dialog.loaded)
    assert_named(dialog)
    assert_first_focus_named(dialog)
    check_dialog(qtbot, dialog.open_form(None))
    dialog.close()


def test_settings(qtbot, tmp_path: Path):
    dialog = SettingsDialog(None, None, policy=NO_POLICY, path=tmp_path / "settings.json")
    qtbot.addWidget(dialog)
    dialog.open()
    check_dialog(qtbot, dialog)


def test_publish_and_history(window, qtbot):
    editor = window.editor
    window.sidebar.choose(PlaceKind.DRAFTS)
    editor.new_draft()
    qtbot.waitUntil(lambda: editor.draft_id is not None and editor.body_edit.isEnabled())
    editor.title_edit.setText("Town hall follow-up")
    editor.body_edit.setPlainText("Thank you all for the questions.")
    editor.open_publish()
    dialog = opened(qtbot, editor, PublishDialog)
    assert_named(dialog)
    assert_first_focus_named(dialog)
    dialog.reject()
    editor.open_history()
    history = opened(qtbot, editor, HistoryDialog)
    assert_named(history)
    assert_first_focus_named(history)
    history.close()


def test_adding_microsoft_365(qtbot, m365_accounts):  # noqa: F811  (the fixture imported above)
    """The Microsoft 365 form (one sign-in adds Viva Engage and Teams): its services,
    fields and both ways of signing in are named, and it opens on a named button."""
    shown = m365_accounts()
    qtbot.waitUntil(shown.suite_button.isVisible)
    shown.open_suite_form(None)
    qtbot.waitUntil(lambda: shown.suite_form is not None and shown.suite_form.isVisible())
    check_dialog(qtbot, shown.suite_form)
