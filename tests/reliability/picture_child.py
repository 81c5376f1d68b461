"""The real window in a process of its own, writing a draft with a picture in it until
``test_picture_kills.py`` kills it (SIGKILL).

Run as ``python picture_child.py DATA_DIR`` with ``QT_QPA_PLATFORM=offscreen``. It opens
the core on DATA_DIR, starts a new draft in the editor, pastes a picture into its text
(the clipboard's PNG, as Ctrl+V brings it) and then types `` w0 w1 …`` after it, one word
per event-loop turn after a short pause. It prints, flushed, one line each:

    INSERTED <image id> <bytes>     the picture is kept and its reference is in the text
    TYPED <monotonic time> <n>      n words are in the text (in memory only)
    SAVED                           an autosave of the draft was committed
"""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

from composer_child import run, say, type_words, until
from PIL import Image
from PySide6.QtCore import QMimeData
from PySide6.QtGui import QTextCursor

from app.bootstrap import open_core
from ui.bridge import CoreBridge
from ui.main_window import MainWindow


def picture() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (300, 200), (200, 40, 40)).save(buffer, "PNG")
    return buffer.getvalue()


async def main(data_dir: Path) -> None:
    core = await open_core(data_dir)
    window = MainWindow(core, CoreBridge(core.events))
    window.show()
    draft_id = await core.drafts.new("With a picture")
    window.open_draft(draft_id)
    editor = window.editor
    text = editor.body_edit
    for _ in range(400):  # the draft opens off the event loop (at most 20 s)
        if editor.draft_id == draft_id and text.isEnabled():
            break
        await asyncio.sleep(0.05)
    text.setFocus()
    editor.autosave.saved.connect(lambda *_: say("SAVED"))
    data = picture()
    mime = QMimeData()
    mime.setData("image/png", data)
    inserted: list[object] = []
    editor.pictures.inserted.connect(inserted.append)
    text.insertFromMimeData(mime)  # what Ctrl+V does with the clipboard
    await until(editor.pictures.inserted, lambda: bool(inserted))
    say(f"INSERTED {inserted[0].id} {len(data)}")  # type: ignore[attr-defined]
    text.moveCursor(QTextCursor.MoveOperation.End)
    await type_words(text)


if __name__ == "__main__":
    run(main)
