"""Fireside with the keyboard alone, as a person who cannot use a mouse (or a screen reader
user) works: Tab follows the layout and every stop shows a ring; triage, reply, batch
reply, publish and accounts run from keys only; Enter opens a focused link; and what each
action did is announced to assistive technology, not only painted.

Every wait is on a condition or a signal."""

from __future__ import annotations

from pathlib import Path

import pytest
import shiboken6
from a11y_tree import focused_name
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from app.domain import DraftState
from app.policy import NO_POLICY
from ui import theme
from ui.accounts import AccountsDialog
from ui.accounts.form import AccountForm
from ui.actions import COMMANDS
from ui.common.colours import Ink
from ui.editor import EDITOR_COMMANDS
from ui.editor.publish_dialog import PublishDialog
from ui.outbox import OUTBOX_COMMANDS
from ui.outbox.panel import EMPTY as OUTBOX_EMPTY
from ui.settings.dialog import SettingsDialog
from ui.workspace import APPROVAL_COMMANDS, SHARED_COMMANDS

pytestmark = pytest.mark.ui

Key = Qt.Key
CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
ALT = Qt.KeyboardModifier.AltModifier


def focus() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has the keyboard"
    return widget


def press(qtbot, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(focus(), key, modifier)


def tab_stops(qtbot, count: int, key=Key.Key_Tab) -> list[str]:
    """The accessible names of the next ``count`` places Tab (or Backtab) goes."""
    names = []
    for _ in range(count):
        press(qtbot, key)
        names.append(focused_name(focus()))
    return names


def tab_to(qtbot, widget: QWidget, limit: int = 30) -> None:
    for _ in range(limit):
        if widget.hasFocus():
            return
        press(qtbot, Key.Key_Tab)
    raise AssertionError(f"Tab never reaches {widget!r}")


def ring_shows(widget: QWidget) -> bool:
    """The focus ring's colour is painted along the widget's left edge, halfway down."""
    image = widget.grab().toImage()
    ring = theme.ink(Ink.FOCUS)
    y = image.height() // 2

    def near(colour: QColor) -> bool:
        return all(
            abs(a - b) < 12 for a, b in zip(colour.getRgb()[:3], ring.getRgb()[:3], strict=True)
        )

    return any(near(image.pixelColor(x, y)) for x in range(min(5, image.width())))


def opened(qtbot, kind: type[QWidget]) -> QWidget:
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), kind))
    dialog = QApplication.activeModalWidget()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog and focus() is not None)
    return dialog


# --- moving around ------------------------------------------------------------------------


def test_tab_goes_through_the_inbox_as_it_is_laid_out_and_round(window, qtbot):
    qtbot.waitUntil(window.inbox.thread_pane.open_post.isVisible)
    window.sidebar.setFocus()
    layout = [
        "Search comments, posts and drafts",
        "Filter",
        "Reply",
        "Done",
        "Snooze",
        "Same question",
        "Undo",
        "Comments: Needs reply",
        "Their page",
        "Open post",
        "Conversation",
        "Online",
        "Outbox empty",
        "Places",
    ]
    assert tab_stops(qtbot, len(layout)) == layout
    assert window.sidebar.hasFocus()
    assert tab_stops(qtbot, len(layout), Key.Key_Backtab) == [*layout[-2::-1], "Places"]


def test_tab_in_the_editor_and_the_outbox_follows_the_layout(window, qtbot):
    press(qtbot, Key.Key_7, CTRL)
    qtbot.waitUntil(window.editor.isVisible)
    press(qtbot, Key.Key_Space)  # New draft
    qtbot.waitUntil(window.editor.title_edit.hasFocus)
    qtbot.waitUntil(lambda: len(window.editor._transition_buttons()) == 2)
    editor = [
        "Draft text",
        "Preview",
        "Submit for review",
        "Approve",
        "Delete draft",
        "History",
        "Keep version",
        "Publish",
        "Online",
        "Outbox empty",
        "Places",
    ]
    assert tab_stops(qtbot, len(editor)) == editor
    press(qtbot, Key.Key_8, CTRL)
    qtbot.waitUntil(window.outbox.isVisible)
    # The page is built on Ctrl+8 and reads its items then: Tab once they are in.
    qtbot.waitUntil(lambda: window.outbox.show_sent.accessibleDescription() == OUTBOX_EMPTY)
    assert focused_name(focus()) == "Show sent and cancelled"  # nothing waits: the one control
    assert tab_stops(qtbot, 3) == ["Online", "Outbox empty", "Places"]


def test_every_stop_shows_the_focus_ring(window, themed, qtbot):
    theme.apply(themed, Qt.ColorScheme.Light)
    window.sidebar.setFocus()
    for _ in range(11):
        widget = focus()
        qtbot.waitUntil(lambda w=widget: ring_shows(w))
        press(qtbot, Key.Key_Tab)


def ring_all_the_way_round(qtbot, dialog: QWidget) -> list[str]:
    """Tab once round ``dialog``; the names of the stops whose ring did not show."""
    qtbot.waitUntil(lambda: dialog.isActiveWindow() and QApplication.focusWidget() is not None)
    first, missing = focus(), []
    for _ in range(40):
        widget = focus()
        if not ring_shows(widget):
            missing.append(f"{type(widget).__name__} “{focused_name(widget)}”")
        press(qtbot, Key.Key_Tab)
        if focus() is first:
            return missing
    raise AssertionError("Tab never came back round")


def test_every_stop_in_the_dialogs_shows_the_ring(window, themed, qtbot, tmp_path):
    theme.apply(themed, Qt.ColorScheme.Dark)  # where Fusion's own rings were faintest
    dialogs = [
        window.show_help(),
        SettingsDialog(None, None, window, policy=NO_POLICY, path=tmp_path / "s.json"),
    ]
    dialogs[1].open()
    window.show_accounts()
    qtbot.waitUntil(lambda: window.findChild(AccountsDialog) is not None)
    accounts = window.findChild(AccountsDialog)
    qtbot.waitUntil(lambda: accounts.loaded)
    dialogs += [accounts, accounts.open_form(None)]
    for dialog in reversed(dialogs):  # the topmost first
        dialog.activateWindow()
        assert ring_all_the_way_round(qtbot, dialog) == [], dialog.windowTitle()
        dialog.close()


def test_ctrl_7_lands_on_a_named_control_with_a_ring(window, themed, qtbot):
    theme.apply(themed, Qt.ColorScheme.Light)
    press(qtbot, Key.Key_7, CTRL)
    qtbot.waitUntil(window.editor.isVisible)
    assert focused_name(focus()) == "New draft"
    qtbot.waitUntil(lambda: ring_shows(focus()))

    press(qtbot, Key.Key_Space)  # New draft
    qtbot.waitUntil(window.editor.title_edit.hasFocus)
    press(qtbot, Key.Key_1, CTRL)
    press(qtbot, Key.Key_7, CTRL)
    qtbot.waitUntil(window.editor.title_edit.hasFocus)  # an empty draft: its title
    assert focused_name(focus()) == "Title"
    assert ring_shows(focus())


def test_out_of_sight_rows_are_not_current(window, qtbot):
    """While the editor is shown the inbox list has no current row (Qt would go on
    telling screen readers it is focused); coming back, the same comment is current."""
    press(qtbot, "j")
    current = window.inbox.current_id()
    press(qtbot, Key.Key_8, CTRL)
    qtbot.waitUntil(window.outbox.isVisible)
    assert not window.inbox.list.currentIndex().isValid()
    press(qtbot, Key.Key_0, CTRL)  # the sidebar
    window.sidebar.setCurrentItem(window.sidebar.topLevelItem(0))
    qtbot.waitUntil(window.inbox.isVisible)
    assert window.inbox.list.currentIndex().isValid()
    assert window.inbox.current_id() in (current, window.inbox.model.row_id(0))


def test_enter_opens_a_focused_link_after_confirmation(
    window, synced_core, qtbot, wait_for, monkeypatch
):
    opened_urls: list[str] = []
    monkeypatch.setattr(
        "ui.thread.browser.QDesktopServices.openUrl",
        lambda url: opened_urls.append(url.toString()),
    )
    with_link = wait_for(
        synced_core.store.read(
            lambda db: db.execute(
                "SELECT id FROM comments WHERE body_html LIKE '%<a %' ORDER BY id LIMIT 1"
            ).fetchone()[0]
        )
    )
    inbox = window.inbox
    inbox.show_rows(wait_for(synced_core.inbox.rows([with_link])), "A link", "")
    browser = inbox.thread_pane.browser
    qtbot.waitUntil(lambda: "<a " in browser.toHtml() or "href" in browser.toHtml())
    press(qtbot, Key.Key_Return)  # into the conversation
    assert browser.hasFocus()
    press(qtbot, Key.Key_Tab)  # to its first link
    target = browser.focused_link()
    assert target.startswith(("http", "mailto"))
    press(qtbot, Key.Key_Return)
    box = opened(qtbot, QMessageBox)
    assert box.informativeText() == target
    box.button(QMessageBox.StandardButton.Open).click()
    assert opened_urls == [target]


# --- the main flows -----------------------------------------------------------------------


def test_triage_is_announced(window, qtbot, announced):
    press(qtbot, "j")
    press(qtbot, "e")
    qtbot.waitUntil(lambda: "Marked 1 comment done. u undoes it." in announced)
    press(qtbot, "u")
    qtbot.waitUntil(lambda: any(text.startswith("Undid") for text in announced))
    press(qtbot, "s")
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is not None)
    qtbot.keyClick(QApplication.activePopupWidget(), "t")  # &Tomorrow 08:00
    qtbot.waitUntil(lambda: any(text.startswith("Snoozed 1 comment until") for text in announced))


def test_reply_tab_leaves_the_text_and_ctrl_tab_types_one(
    window, synced_core, qtbot, announced, wait_for
):
    press(qtbot, "r")
    dialog = window.inbox.composer  # under the thread, the keyboard in its text
    qtbot.waitUntil(dialog.template.hasFocus)
    assert focus() is dialog.template and focused_name(focus()) == "Reply"
    qtbot.keyClicks(dialog.template, "Thanks,")
    press(qtbot, Key.Key_Tab, CTRL)
    qtbot.keyClicks(dialog.template, "we will.")
    assert dialog.template.toPlainText().endswith("Thanks,\twe will.")
    press(qtbot, Key.Key_Tab)
    assert focus() is not dialog.template and dialog.isAncestorOf(focus())
    press(qtbot, Key.Key_Backtab)
    assert focus() is dialog.template
    press(qtbot, Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: any(text.startswith("Queued 1 reply") for text in announced))
    qtbot.waitUntil(window.inbox.list.hasFocus)  # the keyboard is back in the list
    assert len(wait_for(synced_core.outbox.items())) == 1


def test_batch_reply_from_the_keyboard(window, synced_core, qtbot, announced, wait_for):
    for _ in range(2):
        press(qtbot, "J", SHIFT)
    press(qtbot, "r")
    dialog = window.inbox.composer
    qtbot.waitUntil(dialog.template.hasFocus)
    qtbot.waitUntil(lambda: dialog.recipients.text().count(",") == 2)  # to 3 people
    press(qtbot, Key.Key_1, ALT)  # {first_name}
    assert "{first_name}" in dialog.template.toPlainText()
    press(qtbot, Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: any(text.startswith("Queued 3 replies") for text in announced))
    assert len(wait_for(synced_core.outbox.items())) == 3


def test_write_and_publish_from_the_keyboard(window, synced_core, qtbot, announced, wait_for):
    press(qtbot, Key.Key_7, CTRL)
    qtbot.waitUntil(window.editor.isVisible)
    press(qtbot, Key.Key_Space)  # New draft
    editor = window.editor
    qtbot.waitUntil(editor.title_edit.hasFocus)
    qtbot.keyClicks(focus(), "Town hall follow-up")
    tab_to(qtbot, editor.body_edit)
    qtbot.keyClicks(focus(), "Thank you for every question.")
    press(qtbot, Key.Key_Tab)
    assert focus() is editor.preview  # Tab left the text
    press(qtbot, Key.Key_Backtab)
    press(qtbot, Key.Key_Return, CTRL)
    dialog = opened(qtbot, PublishDialog)
    assert focused_name(focus())
    press(qtbot, Key.Key_Return)  # the default button: Publish now
    qtbot.waitUntil(lambda: any(text.startswith("Queued for") for text in announced))
    draft = wait_for(synced_core.drafts.get(editor.draft_id))
    assert draft.state is DraftState.QUEUED
    qtbot.waitUntil(lambda: not shiboken6.isValid(dialog) or not dialog.isVisible())


def test_accounts_from_the_keyboard(window, qtbot, announced):
    press(qtbot, Key.Key_A, CTRL | SHIFT)
    dialog = opened(qtbot, AccountsDialog)
    qtbot.waitUntil(lambda: dialog.loaded)
    assert focused_name(focus()) == "Accounts"
    tab_to(qtbot, dialog.test_button)
    press(qtbot, Key.Key_Space)  # Test connection (the sandbox)
    qtbot.waitUntil(lambda: any("✓" in text for text in announced), timeout=10_000)
    press(qtbot, Key.Key_A, ALT)  # Add account…
    form = opened(qtbot, AccountForm)
    assert focus() is form.first_field() and focused_name(focus())
    press(qtbot, Key.Key_Escape)
    qtbot.waitUntil(lambda: not shiboken6.isValid(form) or not form.isVisible())
    dialog.activateWindow()  # a window manager does this; offscreen Qt has none
    qtbot.waitUntil(lambda: dialog.isActiveWindow() and QApplication.focusWidget() is not None)
    press(qtbot, Key.Key_Escape)
    qtbot.waitUntil(lambda: not shiboken6.isValid(dialog) or not dialog.isVisible())


def test_the_readme_keyboard_map_lists_every_key():
    """The README's accessibility section (what a VPAT quotes) names every key the app
    binds, with the words the '?' help uses."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Accessibility", 1)[1].split("\n## ", 1)[0]
    missing = [
        f"{command.scope}: {command.key_text} {command.label}"
        for command in (
            *COMMANDS,
            *EDITOR_COMMANDS,
            *OUTBOX_COMMANDS,
            *APPROVAL_COMMANDS,
            *SHARED_COMMANDS,
        )
        if command.keys  # a command with no key (About) is in the menus only
        and f"| {command.scope} | `{command.key_text}` | {command.label} |" not in section
    ]
    assert not missing, "\n".join(missing)
