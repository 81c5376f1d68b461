"""The live Markdown preview beside the editor.

Rendering (``app.text.markdown.preview_html``, which sanitises) runs off the event loop a
short while after typing stops; a stale render never replaces a newer one. The browser
loads nothing from outside: the one resource it shows is a draft's own picture, by its
internal address (``fireside-image:<id>``, the only image address the draft sanitiser
keeps), read from the database and decoded off the event loop before the render is
shown, then kept here (scaled to at most ``PICTURE_WIDTH`` pixels wide), and shown no
wider than the pane. A picture of a shared draft whose bytes have not reached this device
yet shows as a line saying whose laptop it is still coming from, and is asked for again
at the next render (``refresh_pictures`` once a sync brought some). A clicked link
opens in the system browser only when it is http(s) or mailto.
"""

from __future__ import annotations

import asyncio
import html as html_text
import re
from collections.abc import Awaitable, Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QEvent, Qt, QTimer, QUrl
from PySide6.QtGui import QDesktopServices, QImage, QPalette, QResizeEvent, QTextDocument
from PySide6.QtWidgets import QTextBrowser, QWidget

from app.domain import ImageUpload
from app.errors import FiresideError
from app.pictures import PictureStillComing
from app.text.image_refs import IMAGE_SCHEME, image_id
from app.text.link_schemes import is_openable_link
from app.text.markdown import preview_html
from ui.operations import run

DELAY_MS = 150
#: Pictures show at most this wide in the preview (their own size when smaller).
PICTURE_WIDTH = 640
_SHOWN_PICTURE = re.compile(r'<img src="' + IMAGE_SCHEME + r':([0-9]+)"[^>]*>')
#: ``load(image_id)``: a draft's picture with its bytes (``core.drafts.image``).
LoadPicture = Callable[[int], Awaitable[ImageUpload]]


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
        span.coming {{ color: {quiet}; font-style: italic; }}
    """


EMPTY_HTML = "<p class='empty'>The preview appears here as you write.</p>"


class Preview(QTextBrowser):
    """Shows Markdown as it will read once published."""

    def __init__(self, load: LoadPicture | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._load = load
        #: Decoded pictures by id; None: there is no such picture (an address typed by hand).
        self._pictures: dict[int, QImage | None] = {}
        #: What the last render said of pictures still coming from another device, by id.
        self._coming: dict[int, str] = {}
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

    def refresh_pictures(self) -> None:
        """Render again if a picture was still coming (a sync may have brought it)."""
        if self._coming:
            self.show_markdown(self._markdown, now=True)

    def _render(self) -> None:
        self._generation += 1
        generation, text = self._generation, self._markdown
        if not text.strip():
            self._apply(generation, (EMPTY_HTML, {}))
            return
        run(
            self,
            self._prepare(text),
            on_done=lambda prepared: self._apply(generation, prepared),
        )

    async def _prepare(self, text: str) -> tuple[str, dict[int, str]]:
        """The HTML, with every picture it shows read and decoded first, and what to say
        instead of each picture still coming from another device."""
        html = await asyncio.to_thread(preview_html, text)
        coming = {}
        for found in dict.fromkeys(int(n) for n in _SHOWN_PICTURE.findall(html)):
            if found not in self._pictures and self._load is not None:
                try:
                    self._pictures[found] = await self._picture(self._load, found)
                except PictureStillComing as exc:
                    coming[found] = f"Picture “{exc.name}” still coming from {exc.member}'s laptop"
        return html, coming

    @staticmethod
    async def _picture(load: LoadPicture, picture_id: int) -> QImage | None:
        try:
            upload = await load(picture_id)
        except PictureStillComing:
            raise
        except FiresideError:
            return None
        return await asyncio.to_thread(_decoded, upload.data)

    def _apply(self, generation: int, prepared: tuple[str, dict[int, str]]) -> None:
        # A render can finish after the window closed and deleted this widget.
        if not shiboken6.isValid(self) or generation != self._generation:
            return
        html, self._coming = prepared
        bar = self.verticalScrollBar()
        position = bar.value()
        self.setHtml(_SHOWN_PICTURE.sub(self._fitted, html))
        bar.setValue(position)

    def _fitted(self, shown: re.Match[str]) -> str:
        """A picture no wider than the pane (its own width when it is narrower), or the
        line saying it is still coming."""
        coming = self._coming.get(int(shown.group(1)))
        if coming is not None:
            return f'<span class="coming">[{html_text.escape(coming)}]</span>'
        picture = self._pictures.get(int(shown.group(1)))
        if picture is None:
            return shown.group(0)
        room = self.viewport().width() - 2 * int(self.document().documentMargin()) - 8
        return f'<img width="{max(32, min(picture.width(), room))}"' + shown.group(0)[4:]

    def resizeEvent(self, event: QResizeEvent) -> None:  # Qt override
        """Pictures follow the pane's width (rendered again once resizing pauses)."""
        super().resizeEvent(event)
        if self._pictures and event.size().width() != event.oldSize().width():
            self.show_markdown(self._markdown)

    def changeEvent(self, event: QEvent) -> None:  # Qt override
        """Follow a switch between light and dark."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self.document().setDefaultStyleSheet(document_css(self.palette()))
            self.show_markdown(self._markdown, now=True)

    def loadResource(self, kind: int, name: QUrl | str) -> Any:  # Qt override
        """Only a draft's own picture, already decoded; never anything else: no remote or
        local file, no style sheet."""
        address = name.toString() if isinstance(name, QUrl) else name
        picture_id = image_id(address)
        if kind != QTextDocument.ResourceType.ImageResource.value or picture_id is None:
            return None
        return self._pictures.get(picture_id)


def _decoded(data: bytes) -> QImage | None:
    """The picture as the preview shows it (in a worker thread); None if unreadable."""
    image = QImage.fromData(data)
    if image.isNull():
        return None
    if image.width() > PICTURE_WIDTH:
        return image.scaledToWidth(PICTURE_WIDTH, Qt.TransformationMode.SmoothTransformation)
    return image


def _open_link(url: QUrl) -> None:
    if is_openable_link(url.toString()):
        QDesktopServices.openUrl(url)
