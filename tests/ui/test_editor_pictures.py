"""Pictures in the draft editor: paste, drop and Insert image… keep the picture with the
draft and put its reference in the text (one undo step), the preview shows it, refused
files leave the text alone and say why, and the publish dialog says which targets get the
text without them."""

from __future__ import annotations

import hashlib
import io
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from fixtures.fake_networks import MATRIX_LIKE, WORDPRESS_LIKE, connect
from fixtures.shared_posts import shared_post
from msgspec.structs import replace
from PIL import Image
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QColor, QDragEnterEvent, QDropEvent, QImage
from PySide6.QtWidgets import QApplication, QFileDialog

from app.config import database_path
from app.core import Core
from app.domain import Account
from app.events import DraftsChanged
from app.store import drafts, images
from ui.bridge import CoreBridge
from ui.editor.panel import EditorPanel
from ui.editor.publish_dialog import PublishDialog

pytestmark = pytest.mark.ui

RED = (220, 30, 30)
REF = re.compile(r"!\[([^\]]*)\]\(fireside-image:(\d+)\)")


def png(colour: tuple[int, int, int] = RED, size: tuple[int, int] = (120, 80)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def panel(core: Core, qtbot, settle) -> Iterator[EditorPanel]:
    bridge = CoreBridge(core.events)
    widget = EditorPanel(core, bridge)
    bridge.setParent(widget)
    widget.resize(1100, 650)
    widget.show()
    yield widget
    settle(widget)


def open_new(panel: EditorPanel, qtbot, body: str = "") -> int:
    panel.new_draft()
    qtbot.waitUntil(lambda: panel.draft_id is not None and panel.body_edit.isEnabled())
    panel.body_edit.setPlainText(body)
    cursor = panel.body_edit.textCursor()
    cursor.movePosition(cursor.MoveOperation.End)
    panel.body_edit.setTextCursor(cursor)
    panel.body_edit.setFocus()
    return panel.draft_id


def stored(data_dir: Path, draft_id: int) -> tuple[str, list[tuple]]:
    """The draft's text and its pictures as another process reads them now."""
    with sqlite3.connect(database_path(data_dir)) as conn:
        body = conn.execute("SELECT body FROM drafts WHERE id = ?", [draft_id]).fetchone()[0]
        rows = conn.execute(
            "SELECT id, name, mime_type, width, height, length(data) FROM draft_images "
            "WHERE draft_id = ? ORDER BY id",
            [draft_id],
        ).fetchall()
    return body, rows


def references(panel: EditorPanel) -> list[tuple[str, str]]:
    return REF.findall(panel.body_edit.toPlainText())


def red_pixels(panel: EditorPanel) -> int:
    image = panel.preview.viewport().grab().toImage()
    red = QColor(*RED)
    return sum(
        image.pixelColor(x, y) == red
        for x in range(0, image.width(), 4)
        for y in range(0, image.height(), 4)
    )


def drop(panel: EditorPanel, mime: QMimeData) -> None:
    """Drag ``mime`` onto the text and let go, as a file manager does."""
    target = panel.body_edit.viewport()
    where = QPointF(target.rect().center())
    enter = QDragEnterEvent(
        where.toPoint(),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(target, enter)
    assert enter.isAccepted()
    event = QDropEvent(
        where,
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(target, event)


def files(*paths: Path) -> QMimeData:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    return mime


def test_a_pasted_picture_is_kept_shown_and_undone_in_one_step(panel, qtbot, tmp_path, request):
    draft_id = open_new(panel, qtbot, "Our new office:")
    mime = QMimeData()
    mime.setImageData(QImage.fromData(png()))
    QApplication.clipboard().setMimeData(mime)
    request.addfinalizer(QApplication.clipboard().clear)  # Qt owns it: gone before exit

    with qtbot.waitSignal(panel.pictures.inserted) as inserted:
        qtbot.keyClick(panel.body_edit, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)

    assert (inserted.args[0].width, inserted.args[0].height) == (120, 80)
    [(alt, image_id)] = references(panel)
    assert alt == "pasted image"
    assert (
        panel.body_edit.toPlainText()
        == f"Our new office:\n\n![{alt}](fireside-image:{image_id})\n\n"
    )
    qtbot.waitUntil(lambda: red_pixels(panel) > 100)  # the preview shows the picture
    qtbot.waitUntil(lambda: "fireside-image" in stored(tmp_path, draft_id)[0], timeout=2000)
    body, pictures = stored(tmp_path, draft_id)
    assert body == panel.body_edit.toPlainText()
    assert [row[:5] for row in pictures] == [
        (int(image_id), "pasted image.png", "image/png", 120, 80)
    ]

    qtbot.keyClick(panel.body_edit, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert panel.body_edit.toPlainText() == "Our new office:"
    qtbot.waitUntil(lambda: red_pixels(panel) == 0)
    qtbot.waitUntil(lambda: stored(tmp_path, draft_id)[0] == "Our new office:", timeout=2000)


def test_dropped_files_go_in_where_they_are_dropped_and_bad_ones_say_why(panel, qtbot, tmp_path):
    draft_id = open_new(panel, qtbot, "")
    chart = tmp_path / "Q3 chart.png"
    chart.write_bytes(png((30, 30, 220), (60, 40)))
    notes = tmp_path / "notes.txt"
    notes.write_text("not a picture")

    drop(panel, files(chart))

    qtbot.waitUntil(lambda: len(references(panel)) == 1)
    assert references(panel)[0][0] == "Q3 chart"
    before = panel.body_edit.toPlainText()

    drop(panel, files(notes))
    qtbot.waitUntil(lambda: "not a picture Fireside can read" in panel.status_label.text())
    assert "notes.txt is not a picture" in panel.status_label.text()
    assert "The text is unchanged." in panel.status_label.text()
    assert panel.body_edit.toPlainText() == before

    huge = tmp_path / "huge.png"
    with huge.open("wb") as sparse:
        sparse.truncate(11 * 1024 * 1024)
    drop(panel, files(huge))
    qtbot.waitUntil(lambda: "huge.png is 11.0 MB" in panel.status_label.text())
    assert panel.body_edit.toPlainText() == before
    assert len(stored(tmp_path, draft_id)[1]) == 1  # only the chart was kept


def test_insert_image_picks_files_without_blocking(panel, qtbot, tmp_path):
    draft_id = open_new(panel, qtbot, "Before")
    photo = tmp_path / "team.jpg"
    Image.new("RGB", (50, 30), RED).save(photo, "JPEG")

    qtbot.keyClick(
        panel.body_edit,
        Qt.Key.Key_M,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    qtbot.waitUntil(lambda: panel.findChild(QFileDialog) is not None)
    dialog = panel.findChild(QFileDialog)
    assert dialog.isVisible() and "*.png" in dialog.nameFilters()[0]
    dialog.selectFile(str(photo))
    dialog.accept()

    qtbot.waitUntil(lambda: len(references(panel)) == 1)
    assert references(panel)[0][0] == "team"
    assert panel.body_edit.toPlainText().startswith("Before\n\n![team](fireside-image:")
    qtbot.waitUntil(lambda: len(stored(tmp_path, draft_id)[1]) == 1)
    assert stored(tmp_path, draft_id)[1][0][2] == "image/jpeg"


def test_the_preview_shows_only_the_drafts_own_pictures(panel, qtbot, tmp_path, wait_for, core):
    draft_id = open_new(panel, qtbot)
    kept = wait_for(core.drafts.add_image(draft_id, png(), "red.png"))
    panel.body_edit.setPlainText(
        f"![red](fireside-image:{kept.id})\n\n![web](https://tracker.example/p.png)\n\n"
        '<img src="https://tracker.example/q.png"> ![typed](fireside-image:999)'
    )
    qtbot.waitUntil(lambda: red_pixels(panel) > 100)
    sources = re.findall(r'<img src="([^"]*)"', panel.preview.toHtml())
    # the draft's picture and the typed address (which shows nothing); the web picture
    # has no address left, and raw HTML is text
    assert sources == [f"fireside-image:{kept.id}", "", "fireside-image:999"]
    assert panel.preview.loadResource(2, QUrl("https://tracker.example/p.png")) is None


def test_the_publish_dialog_names_targets_that_get_the_text_without_pictures(
    core, panel, qtbot, wait_for
):
    wait_for(
        connect(
            core,
            Account("blog", "wordpress", "Corporate blog", "https://b"),
            replace(WORDPRESS_LIKE, accepts_images=True),
        )
    )
    wait_for(connect(core, Account("room", "matrix", "Ops room", "https://m"), MATRIX_LIKE))
    draft_id = open_new(panel, qtbot)
    kept = wait_for(core.drafts.add_image(draft_id, png(), "red.png"))
    panel.body_edit.setPlainText(f"Numbers.\n\n![red](fireside-image:{kept.id})")
    said = "Ops room takes no pictures: only the text is sent."
    qtbot.waitUntil(lambda: said in panel.notes.text())
    assert "Corporate blog takes no pictures" not in panel.notes.text()

    qtbot.keyClick(panel.body_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: panel.findChild(PublishDialog) is not None)
    dialog = panel.findChild(PublishDialog)
    assert dialog.rows["room"].notes.text() == said
    assert dialog.rows["room"].notes.isVisible()
    assert dialog.rows["blog"].notes.text() == ""
    dialog.reject()


def test_a_shared_picture_still_coming_shows_whose_laptop_it_is_on(
    panel, qtbot, wait_for, core
) -> None:
    """A draft shared from another laptop whose picture has not arrived: the preview says
    so where the picture goes, and shows the picture once a sync brought it."""
    data = png()
    sha256 = hashlib.sha256(data).hexdigest()
    content = shared_post("Launch", "Spring.\n\n{0}", ("chart.png", data))
    draft_id = wait_for(core.store.run(drafts.put_shared, None, content, {sha256: "Sam"}))
    panel.open_draft(draft_id)
    qtbot.waitUntil(lambda: "still coming" in panel.preview.toPlainText())
    assert "[Picture “chart.png” still coming from Sam's laptop]" in panel.preview.toPlainText()
    assert red_pixels(panel) == 0

    wait_for(core.store.run(images.arrived, sha256, data))
    core.events.emit(DraftsChanged(draft_id=draft_id))  # what the workspace's sync says
    qtbot.waitUntil(lambda: red_pixels(panel) > 100)
    assert "still coming" not in panel.preview.toPlainText()
