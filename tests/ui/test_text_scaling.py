"""Text at 200%, two ways, on a 1920 x 1080 screen: the whole interface scaled (as
``QT_SCALE_FACTOR=2`` or a 200% display setting does: 960 x 540 logical pixels, text at its
usual size), and only the text doubled (the system's font size at 200%). Either way the
window and every dialog fit the screen (their minimum sizes do, so nothing is pushed off
it), and they open no larger than the screen.

Screenshots of both are in the report of issue 17; this checks what they showed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from app.policy import NO_POLICY
from ui.accounts import AccountsDialog
from ui.actions import HelpDialog
from ui.common import screen
from ui.editor.publish_dialog import PublishDialog
from ui.settings.dialog import SettingsDialog
from ui.sidebar import PlaceKind

pytestmark = pytest.mark.ui

#: (what, the logical screen, how much larger the text is)
WAYS = [
    ("everything at 200%", QSize(960, 540), 1.0),
    ("text at 200%", QSize(1920, 1080), 2.0),
]


@pytest.fixture(params=WAYS, ids=[way[0] for way in WAYS])
def room(request, qapp: QApplication) -> Iterator[QSize]:
    """The room a window has on the screen, with the application's font as the way says."""
    _, logical, factor = request.param
    usual = QFont(qapp.font())
    larger = QFont(usual)
    larger.setPointSizeF(usual.pointSizeF() * factor)
    qapp.setFont(larger)
    yield QSize(int(logical.width() * screen.ROOM), int(logical.height() * screen.ROOM))
    qapp.setFont(usual)


def fits(widget: QWidget, room: QSize) -> None:
    widget.ensurePolished()
    layout = widget.layout()
    if layout is not None:
        layout.activate()
    least = widget.minimumSizeHint().expandedTo(widget.minimumSize())
    assert least.width() <= room.width(), f"{widget!r} needs {least.width()} px of {room}"
    assert least.height() <= room.height(), f"{widget!r} needs {least.height()} px of {room}"


def test_the_window_on_every_page(window, room, qtbot):
    fits(window, room)  # the inbox
    sidebar = window.sidebar  # squeezed, it still shows a place's name and count
    needs = sidebar.fontMetrics().horizontalAdvance("Needs reply") + sidebar.columnWidth(1)
    assert sidebar.minimumWidth() >= needs
    window.sidebar.choose(PlaceKind.DRAFTS)
    fits(window, room)  # no draft open
    window.editor.new_draft()
    qtbot.waitUntil(lambda: window.editor.draft_id is not None)
    qtbot.waitUntil(lambda: bool(window.editor._transition_buttons()))
    fits(window, room)  # a draft, with its state buttons
    window.sidebar.choose(PlaceKind.OUTBOX)
    fits(window, room)


def test_the_window_opens_within_the_screen(window):
    available = window.screen().availableGeometry()
    assert window.width() <= available.width() and window.height() <= available.height()


def test_the_dialogs(window, room, qtbot, tmp_path):
    dialogs: list[QDialog] = [
        HelpDialog(window.registry, window),
        SettingsDialog(None, None, window, policy=NO_POLICY, path=tmp_path / "s.json"),
    ]
    qtbot.keyClick(window.inbox.list, "J", Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(window.inbox.list, "r")
    qtbot.waitUntil(window.inbox.composer.template.hasFocus)
    fits(window.inbox.composer, room)  # beside the thread, in the window
    window.sidebar.choose(PlaceKind.DRAFTS)
    window.editor.new_draft()
    qtbot.waitUntil(lambda: window.editor.draft_id is not None)
    window.editor.open_publish()
    qtbot.waitUntil(lambda: window.editor.findChild(PublishDialog) is not None)
    dialogs.append(window.editor.findChild(PublishDialog))
    window.show_accounts()
    qtbot.waitUntil(lambda: window.findChild(AccountsDialog) is not None)
    dialogs.append(window.findChild(AccountsDialog))
    for dialog in dialogs:
        fits(dialog, room)
        dialog.close()
