"""Pictures into the draft's text: pasted, dropped or chosen with Insert image…
(Ctrl+Shift+M).

``BodyEdit`` is the Markdown text box; a paste or drop that carries pictures (files, or
an image on the clipboard) is offered to ``PictureInserter`` instead of going in as text.
The inserter reads each one off the event loop (a file over ``MAX_IMAGE_BYTES`` is
refused before it is read), has the core check and keep it with the draft
(``core.drafts.add_image``), and only then writes its reference,
``![name](fireside-image:<id>)``, where the cursor was: the text never names a picture
the database lacks, the autosave keeps the text as it keeps any typing, and Ctrl+Z takes
the reference out again in one step (the picture stays in the database, where a version
may still show it). A picture that is refused leaves the text as it was and the status
line says why. The preview beside the text shows the picture (``ui.editor.preview``).
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from pathlib import Path

import msgspec
import shiboken6
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMimeData, QObject, Qt, Signal
from PySide6.QtGui import QImage, QTextCursor
from PySide6.QtWidgets import QFileDialog, QPlainTextEdit

from app.core import Core
from app.domain import DraftImage
from app.errors import FiresideError, UserError
from app.pictures import MAX_IMAGE_BYTES
from app.text.image_refs import markdown_ref
from ui.operations import run, show_error

#: What the file dialog offers (the types a post can carry: ``app.pictures``).
FILE_FILTER = "Pictures (*.png *.jpg *.jpeg *.gif *.webp)"
#: Clipboard formats taken as they are, before any image Qt would have to encode.
_RAW_FORMATS = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif", "image/webp": "webp"}


class Offer(msgspec.Struct, frozen=True):
    """One picture on its way in: a file, the clipboard's bytes, or an image to encode."""

    name: str
    path: Path | None = None
    data: bytes | None = None
    image: QImage | None = None


def offers_in(mime: QMimeData) -> list[Offer]:
    """The pictures a paste or drop carries: its local files (each is checked as a
    picture; another kind of file is refused by name), else the clipboard's image."""
    files = [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]
    if files:
        return [Offer(path.name, path=path) for path in files]
    for mime_type, extension in _RAW_FORMATS.items():
        if mime.hasFormat(mime_type):
            return [Offer(f"pasted image.{extension}", data=bytes(mime.data(mime_type).data()))]
    if mime.hasImage():
        return [Offer("pasted image.png", image=QImage(mime.imageData()))]
    return []


def read_offer(offer: Offer) -> bytes:
    """The picture's bytes (in a worker thread): a file too large is refused unread."""
    if offer.data is not None:
        return offer.data
    if offer.image is not None:
        return _png(offer.image)
    assert offer.path is not None
    try:
        size = offer.path.stat().st_size
        if size > MAX_IMAGE_BYTES:
            raise UserError(
                f"{offer.name} is {size / 2**20:.1f} MB; a picture can be at most "
                f"{MAX_IMAGE_BYTES / 2**20:.1f} MB. Make it smaller and insert it again."
            )
        return offer.path.read_bytes()
    except OSError as exc:
        raise UserError(f"{offer.name} could not be read ({exc.strerror or exc}).") from exc


def _png(image: QImage) -> bytes:
    array = QByteArray()
    buffer = QBuffer(array)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if image.isNull() or not image.save(buffer, "PNG"):  # type: ignore[call-overload]
        raise UserError("The clipboard's picture could not be read.")
    return bytes(array.data())


class BodyEdit(QPlainTextEdit):
    """The draft's Markdown text; pictures pasted or dropped into it are offered."""

    picturesOffered = Signal(list)  # list[Offer], where the cursor now is

    def canInsertFromMimeData(self, source: QMimeData) -> bool:  # Qt override
        return bool(offers_in(source)) or super().canInsertFromMimeData(source)

    def insertFromMimeData(self, source: QMimeData) -> None:  # Qt override
        offers = offers_in(source)
        if offers:
            self.picturesOffered.emit(offers)
        else:
            super().insertFromMimeData(source)


class PictureInserter(QObject):
    """Keeps offered pictures with the open draft and writes their references into the
    text; ``said(text, problem)`` gets what to tell the person."""

    inserted = Signal(object)  # DraftImage, once its reference is in the text

    def __init__(
        self,
        core: Core,
        text: BodyEdit,
        draft_id: Callable[[], int | None],
        said: Callable[[str, bool], None],
    ) -> None:
        super().__init__(text)
        self._core = core
        self._text = text
        self._draft_id = draft_id
        self._said = said
        text.picturesOffered.connect(self.insert)

    def choose(self) -> None:
        """Insert image…: pick picture files without blocking the window."""
        if self._draft_id() is None or self._text.isReadOnly():
            return
        dialog = QFileDialog(self._text, "Insert image", "", FILE_FILTER)
        dialog.setFileMode(QFileDialog.FileMode.ExistingFiles)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.filesSelected.connect(
            lambda paths: self.insert([Offer(Path(p).name, path=Path(p)) for p in paths])
        )
        dialog.open()

    def insert(self, offers: list[Offer]) -> None:
        """Keep each picture, then put its reference where the cursor is now."""
        draft_id = self._draft_id()
        if draft_id is None or self._text.isReadOnly():
            return
        cursor = QTextCursor(self._text.textCursor())  # follows the edits made meanwhile
        for offer in offers:
            self._said(f"Adding {offer.name}…", False)
            run(
                self._text,
                self._keep(draft_id, offer),
                on_done=functools.partial(self._place, draft_id, cursor),
                on_error=self._refused,
            )

    async def _keep(self, draft_id: int, offer: Offer) -> DraftImage:
        data = await asyncio.to_thread(read_offer, offer)
        return await self._core.drafts.add_image(draft_id, data, offer.name)

    def _place(self, draft_id: int, cursor: QTextCursor, kept: DraftImage) -> None:
        if not shiboken6.isValid(self._text) or self._draft_id() != draft_id:
            return  # another draft is open: the picture stays with its own draft
        if self._text.isReadOnly():
            self._said(f"{kept.name} was not inserted: the draft is no longer editable.", True)
            return
        reference = markdown_ref(kept.name, kept.id)
        # The picture as a paragraph of its own, and the typing goes on below it.
        before = "" if cursor.atBlockStart() else "\n\n"
        after = "\n" if cursor.atBlockEnd() and cursor.block().next().isValid() else "\n\n"
        cursor.insertText(before + reference + after)  # one step of the text's undo
        self._text.setTextCursor(cursor)
        self._said(f"Added {kept.name} ({kept.width} × {kept.height}).", False)
        self.inserted.emit(kept)

    def _refused(self, exc: BaseException) -> None:
        if not isinstance(exc, FiresideError):  # a bug: the one error handler logs it
            show_error(self._text, exc)
            return
        self._said(f"{exc} The text is unchanged.", True)
