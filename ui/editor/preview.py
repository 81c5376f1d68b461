"""The live Markdown preview beside the editor.

Rendering (``app.text.markdown.to_html``, which sanitises) runs off the event loop a short
while after typing stops; a stale render never replaces a newer one. The browser loads no
resources at all (no images, no remote anything), and a clicked link opens in the
system browser only when it is http(s) or mailto.
"""

from __future__ import annotations

import asyncio
from typing import Any

import shiboken6
from PySide6.QtCore import QEvent, QTimer, QUrl
from PySide6.QtGui import QDesktopServices, QPalette
from PySide6.QtWidgets import QTextBrowser, QWidget

from app.text.markdown import to_html
from app.text.sanitize import is_openable_link
from ui.operations import run

DELAY_MS = 150


def document_css(palette: QPalette) -> str:
    """Typography for the preview, in the current palette's colours (light or dark)."""
    quiet = palette.color(QPalette.ColorRole.PlaceholderText).name()
    shade = palette.color(QPalette.ColorRole.AlternateBase).name()
    rule = palette.color(QPalette.ColorRole.Mid).name()
    link = palette.color(QPalette.ColorRole.Link).name()
    return f"""
        h1, h2, h3 {{ margin-top: 14px; margin-bottom: 6px; }}
        p, li {{ line-height: 140%; }}
        blockquote {{ color: {quiet}; margin-left: 12px; }}
        code, pre {{ font-family: monospace; background-color: {shade}; }}
        th, td {{ border: 1px solid {rule}; padding: 4px 8px; }}
        a {{ color: {link}; }}
        p.empty {{ color: {quiet}; }}
    """


EMPTY_HTML = "<p class='empty'>The preview appears here as you write.</p>"


class Preview(QTextBrowser):
    """Shows Markdown as it will read once published."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.anchorClicked.connect(_open_link)
        self._markdown = ""
        self._generation = 0
        self.document().setDefaultStyleSheet(document_css(self.palette()))
        self.document().setDocumentMargin(14)
        self.setAccessibleName("Preview")
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DELAY_MS)
        self._timer.timeout.connect(self._render)
        self.setHtml(EMPTY_HTML)

    def show_markdown(self, text: str, *, now: bool = False) -> None:
        """Render ``text`` after a short pause (or at once, e.g. when a draft opens)."""
        self._markdown = text
        if now:
            self._timer.stop()
            self._render()
        else:
            self._timer.start()

    def _render(self) -> None:
        self._generation += 1
        generation, text = self._generation, self._markdown
        if not text.strip():
            self._apply(generation, EMPTY_HTML)
            return
        run(
            self,
            asyncio.to_thread(to_html, text),
            on_done=lambda html: self._apply(generation, html),
        )

    def _apply(self, generation: int, html: str) -> None:
        # A render can finish after the window closed and deleted this widget.
        if not shiboken6.isValid(self) or generation != self._generation:
            return
        bar = self.verticalScrollBar()
        position = bar.value()
        self.setHtml(html)
        bar.setValue(position)

    def changeEvent(self, event: QEvent) -> None:  # Qt override
        """Follow a switch between light and dark."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self.document().setDefaultStyleSheet(document_css(self.palette()))
            self.show_markdown(self._markdown, now=True)

    def loadResource(self, kind: int, name: QUrl | str) -> Any:  # Qt override
        """Never fetch anything: not images, not style sheets, not remote or local files."""
        return None


def _open_link(url: QUrl) -> None:
    if is_openable_link(url.toString()):
        QDesktopServices.openUrl(url)
