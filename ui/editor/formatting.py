"""The editor's formatting toolbar and keys: bold, italic, link, heading, bulleted and
numbered list, written as Markdown into the text (``app.text.formatting`` works out the
change; it is applied as one step of the text's undo). The keys work while the keyboard
is in the text; the buttons leave it there.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QTextCursor
from PySide6.QtWidgets import QInputDialog, QLineEdit, QPlainTextEdit, QToolBar, QToolButton

from app.text.formatting import Edit, link, prefix_lines, wrap
from app.text.link_schemes import is_openable_link
from ui.editor.commands import registry

#: (command, the button's face) in toolbar order.
FACES = (
    ("editor.bold", "B"),
    ("editor.italic", "I"),
    ("editor.link", "Link"),
    ("editor.heading", "H"),
    ("editor.bullets", "• List"),
    ("editor.numbers", "1. List"),
)


class FormatBar(QToolBar):
    """Formats the Markdown in ``text``; ``said`` gets a sentence when it cannot (a link
    address that is not a web or mail address)."""

    def __init__(self, text: QPlainTextEdit, said: Callable[[str], None]) -> None:
        super().__init__("Formatting")
        self.setObjectName("formatting")
        self.setAccessibleName("Formatting")
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self._text = text
        self._said = said
        handlers: dict[str, Callable[[], None]] = {
            "editor.bold": lambda: self._apply(lambda t, a, b: wrap(t, a, b, "**")),
            "editor.italic": lambda: self._apply(lambda t, a, b: wrap(t, a, b, "_")),
            "editor.link": self.ask_link,
            "editor.heading": lambda: self._apply(lambda t, a, b: prefix_lines(t, a, b, "## ")),
            "editor.bullets": lambda: self._apply(lambda t, a, b: prefix_lines(t, a, b, "- ")),
            "editor.numbers": lambda: self._apply(lambda t, a, b: prefix_lines(t, a, b, "1. ")),
        }
        for name, face in FACES:
            action = registry.bind(text, name, handlers[name], Qt.ShortcutContext.WidgetShortcut)
            action.setIconText(face)
            self.addAction(action)
            button = self.widgetForAction(action)
            if isinstance(button, QToolButton):
                button.setAccessibleName(registry.command(name).label.rstrip("…"))
                font = QFont(button.font())
                font.setBold(name == "editor.bold")
                font.setItalic(name == "editor.italic")
                button.setFont(font)

        more = self.findChild(QToolButton, "qt_toolbar_ext_button")
        if more is not None:  # shown when the window is too narrow for every button
            more.setAccessibleName("More formatting")

    def _apply(self, change: Callable[[str, int, int], Edit]) -> None:
        if self._text.isReadOnly():
            return
        cursor = self._text.textCursor()
        text = self._text.toPlainText()
        edit = change(text, cursor.selectionStart(), cursor.selectionEnd())
        apply_edit(self._text, edit)

    def ask_link(self) -> None:
        """Ctrl+Shift+K: the address, asked for without blocking; the link goes where the
        selection was when it was asked."""
        if self._text.isReadOnly():
            return
        cursor = self._text.textCursor()
        start, end = cursor.selectionStart(), cursor.selectionEnd()
        dialog = QInputDialog(self._text)
        dialog.setWindowTitle("Link")
        dialog.setLabelText("Web or e-mail address (https://… or mailto:…):")
        dialog.setTextEchoMode(QLineEdit.EchoMode.Normal)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.textValueSelected.connect(lambda url: self._link(start, end, url.strip()))
        dialog.open()

    def _link(self, start: int, end: int, url: str) -> None:
        if not is_openable_link(url):
            self._said(f"“{url}” is not a web or e-mail address; the text is unchanged.")
            return
        text = self._text.toPlainText()
        apply_edit(self._text, link(text, min(start, len(text)), min(end, len(text)), url))
        self._text.setFocus()


def apply_edit(box: QPlainTextEdit, edit: Edit) -> None:
    """One change, one undo step; the result selected."""
    cursor = box.textCursor()
    cursor.beginEditBlock()
    cursor.setPosition(edit.start)
    cursor.setPosition(edit.end, QTextCursor.MoveMode.KeepAnchor)
    cursor.insertText(edit.replacement)
    cursor.endEditBlock()
    cursor.setPosition(edit.select_start)
    cursor.setPosition(edit.select_end, QTextCursor.MoveMode.KeepAnchor)
    box.setTextCursor(cursor)
