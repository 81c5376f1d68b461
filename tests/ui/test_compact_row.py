"""The compact tool row: words while there is room, icons when not, and an idle window
that lays itself out once, not on every turn of the loop (measuring a button in the other
style asks for a new layout, which asked the row for its size again, for ever)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QLabel, QToolButton, QVBoxLayout, QWidget

from ui import theme
from ui.common.compact import CompactRow, Style


class _LayoutRequests(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.seen = 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.LayoutRequest:
            self.seen += 1
        return False


def _window(qtbot) -> tuple[QWidget, CompactRow]:
    window = QWidget()
    qtbot.addWidget(window)
    row = CompactRow()
    for text in ("Reply", "Done", "Snooze", "Same question"):
        button = QToolButton()
        button.setText(text)
        button.setIcon(theme.icon("search"))
        row.add(button)
    layout = QVBoxLayout(window)
    layout.addWidget(row)
    layout.addWidget(QLabel("below"))
    return window, row


def test_an_idle_row_asks_for_no_layout(qtbot):
    window, _row = _window(qtbot)
    window.resize(900, 200)
    window.show()
    qtbot.waitExposed(window)
    qtbot.wait(100)  # the first layouts settle
    requests = _LayoutRequests()
    window.installEventFilter(requests)
    qtbot.wait(200)
    window.removeEventFilter(requests)
    assert requests.seen == 0


def test_words_when_there_is_room_icons_when_not_and_new_text_is_measured(qtbot):
    window, row = _window(qtbot)
    window.resize(900, 200)
    window.show()
    qtbot.waitExposed(window)
    assert not row.compact
    wide = row.sizeHint().width()
    window.resize(row.minimumSizeHint().width() + 20, 200)
    qtbot.waitUntil(lambda: row.compact)
    window.resize(900, 200)
    qtbot.waitUntil(lambda: not row.compact)
    row.buttons[0].setText("Reply to everyone who asked")
    assert row.sizeHint().width() > wide
    assert row.buttons[0].toolButtonStyle() is Style.ToolButtonTextBesideIcon
