"""A QTextBrowser that never fetches anything, and the one way a link leaves Fireside.

Comment HTML is untrusted: it is sanitised before it gets here, and this browser also
refuses every resource (images, style sheets, anything with a URL), follows no link by
itself, and hands a link to the system browser only after the person has seen the real
target address and only when ``is_openable_link`` allows it. From the keyboard, Tab moves
from link to link and Enter opens the focused one (after the same confirmation).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QKeyEvent
from PySide6.QtWidgets import QMessageBox, QTextBrowser, QWidget

from app.text.link_schemes import is_openable_link


class SafeBrowser(QTextBrowser):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.anchorClicked.connect(lambda url: confirm_and_open(self, url))

    def focused_link(self) -> str:
        """The address of the link Tab has moved to, or ""."""
        cursor = self.textCursor()
        return cursor.charFormat().anchorHref() if cursor.hasSelection() else ""

    def event(self, event: QEvent) -> bool:  # Qt override
        """Enter on a focused link is the browser's (it opens the link), not a shortcut's
        (the inbox's Enter would take it)."""
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and event.modifiers()
            in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier)
            and self.focused_link()
        ):
            event.accept()
            return True
        return super().event(event)

    def loadResource(self, kind: int, name: QUrl | str) -> None:
        """No remote (or local) resource is ever loaded for untrusted content."""
        return None


def confirm_and_open(parent: QWidget, url: QUrl) -> QMessageBox:
    """Show where the link really goes; open it in the system browser if the person agrees."""
    target = url.toString(QUrl.ComponentFormattingOption.FullyEncoded)
    if not is_openable_link(target):
        box = QMessageBox(
            QMessageBox.Icon.Information,
            "Link not opened",
            "Fireside only opens web and e-mail links. This one points to:",
            QMessageBox.StandardButton.Ok,
            parent,
        )
        box.setInformativeText(target)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        return box
    host = url.host(QUrl.ComponentFormattingOption.FullyEncoded) or url.path()
    box = QMessageBox(
        QMessageBox.Icon.Question,
        "Open link?",
        f"This link goes to {host}. Open it in your browser?",
        QMessageBox.StandardButton.Open | QMessageBox.StandardButton.Cancel,
        parent,
    )
    box.setInformativeText(target)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

    def clicked(button) -> None:
        if box.standardButton(button) == QMessageBox.StandardButton.Open:
            QDesktopServices.openUrl(QUrl(target))

    box.buttonClicked.connect(clicked)
    box.open()
    return box
