"""The draft editor against a real core (sandbox account, no sync running): autosave
durability read back through a fresh SQLite connection, flush on focus-out and close,
history and restore, length counters, review states and publishing to the outbox."""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QLabel

from app.config import database_path
from app.core import Core
from app.domain import DraftState
from ui import theme
from ui.bridge import CoreBridge
from ui.common import autosave
from ui.common.contrast import TEXT, ratio
from ui.editor.history import HistoryDialog
from ui.editor.panel import EditorPanel
from ui.editor.preview import Preview
from ui.editor.publish_dialog import PublishDialog

pytestmark = pytest.mark.ui


# --- fixtures (qloop, wait_for, core and settle come from tests/ui/conftest.py) ---------
@pytest.fixture
def panel(core: Core, qtbot, settle) -> Iterator[EditorPanel]:
    bridge = CoreBridge(core.events)
    widget = EditorPanel(core, bridge)
    bridge.setParent(widget)  # deleted with the panel, on the main thread
    widget.resize(1000, 600)
    widget.show()
    yield widget
    settle(widget)


def stored(data_dir: Path, draft_id: int) -> tuple[str, str]:
    """Title and body as another process would read them, right now."""
    with sqlite3.connect(database_path(data_dir)) as conn:
        return conn.execute("SELECT title, body FROM drafts WHERE id = ?", [draft_id]).fetchone()


def open_new(panel: EditorPanel, qtbot, body: str = "") -> int:
    before = panel.draft_id
    panel.new_draft()
    qtbot.waitUntil(lambda: panel.draft_id not in (None, before) and panel.body_edit.isEnabled())
    if body:
        panel.body_edit.setPlainText(body)
    return panel.draft_id


# --- autosave --------------------------------------------------------------------------
def test_typing_is_durable_within_a_second(panel, qtbot, tmp_path):
    draft_id = open_new(panel, qtbot)
    qtbot.keyClicks(panel.body_edit, "Dear team")
    qtbot.waitUntil(lambda: stored(tmp_path, draft_id)[1] == "Dear team", timeout=1200)


def test_saves_while_typing_never_stops(panel, qtbot, tmp_path):
    """The deadline saves even when the quiet period never comes."""
    draft_id = open_new(panel, qtbot)
    typist = QTimer(panel, interval=100)  # deleted with the panel
    typist.timeout.connect(lambda: panel.body_edit.insertPlainText("x"))
    typist.start()
    qtbot.waitUntil(lambda: stored(tmp_path, draft_id)[1].startswith("xx"), timeout=1200)
    assert typist.isActive()
    typist.stop()


@pytest.fixture
def no_timed_saves(monkeypatch):
    """Only an explicit flush can save, so the test sees focus-out and close do it."""
    monkeypatch.setattr(autosave, "QUIET_MS", 600_000)
    monkeypatch.setattr(autosave, "DEADLINE_MS", 600_000)


def test_focus_out_flushes(no_timed_saves, panel, qtbot, tmp_path):
    draft_id = open_new(panel, qtbot)
    panel.body_edit.setFocus()
    qtbot.keyClicks(panel.body_edit, "Before the meeting")
    assert stored(tmp_path, draft_id)[1] == ""
    panel.title_edit.setFocus()
    qtbot.waitUntil(lambda: stored(tmp_path, draft_id)[1] == "Before the meeting")


def test_close_flushes_title_and_body(no_timed_saves, panel, qtbot, tmp_path):
    draft_id = open_new(panel, qtbot)
    panel.title_edit.setText("Q3 plans")
    panel.body_edit.setPlainText("Numbers are in.")
    panel.close()
    qtbot.waitUntil(lambda: stored(tmp_path, draft_id) == ("Q3 plans", "Numbers are in."))


def test_switching_drafts_keeps_the_unsaved_text_of_the_first(
    no_timed_saves, panel, qtbot, tmp_path
):
    first = open_new(panel, qtbot, "first draft text")
    second = open_new(panel, qtbot)
    assert second != first
    qtbot.waitUntil(lambda: stored(tmp_path, first)[1] == "first draft text")
    assert stored(tmp_path, second)[1] == ""


# --- preview and counters ---------------------------------------------------------------
def test_preview_renders_markdown_and_escapes_html(panel, qtbot):
    open_new(panel, qtbot, "# Hello\n\n**bold** <img src='http://evil.test/x.png'>")
    qtbot.waitUntil(lambda: "Hello" in panel.preview.toPlainText())
    html = panel.preview.toHtml()
    assert "<img" not in html and "font-weight" in html
    assert panel.preview.loadResource(0, "http://evil.test/x.png") is None
    assert isinstance(panel.preview, Preview)


def test_length_counter_turns_over_limit(panel, qtbot):
    open_new(panel, qtbot, "x" * 100)
    (label,) = panel.counters.labels
    assert label.text() == "100 / 20,000 · Sandbox"
    assert label.property("level") == "ok"
    panel.body_edit.setPlainText("x" * 20_005)
    assert label.property("level") == "over"
    assert "5 over" in label.text()


# --- history ------------------------------------------------------------------------------
def test_restore_a_version(panel, qtbot, tmp_path):
    draft_id = open_new(panel, qtbot, "The first wording.")
    qtbot.keyClick(panel.body_edit, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: panel.status_label.text().startswith("Version kept"))
    panel.body_edit.setPlainText("A second, worse wording.")

    qtbot.keyClick(
        panel.body_edit,
        Qt.Key.Key_H,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    qtbot.waitUntil(lambda: panel.findChild(HistoryDialog) is not None)
    dialog = panel.findChild(HistoryDialog)
    kept = [
        dialog.versions.item(r)
        for r in range(dialog.versions.count())
        if "Saved by you" in dialog.versions.item(r).text()
    ]
    dialog.versions.setCurrentItem(kept[0])
    qtbot.waitUntil(lambda: "-The first wording." in dialog.diff_view.toPlainText())
    assert "+A second, worse wording." in dialog.diff_view.toPlainText()

    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.body_edit.toPlainText() == "The first wording.")
    assert stored(tmp_path, draft_id)[1] == "The first wording."
    assert "Restored" in panel.status_label.text()


# --- states and publishing ----------------------------------------------------------------
def transition_button(panel: EditorPanel, label: str):
    row = panel._transition_row
    return next(
        row.itemAt(i).widget() for i in range(row.count()) if row.itemAt(i).widget().text() == label
    )


def open_publish(panel: EditorPanel, qtbot) -> PublishDialog:
    qtbot.keyClick(panel.body_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: panel.findChild(PublishDialog) is not None)
    return panel.findChild(PublishDialog)


def test_publish_now_queues_outbox_items(panel, core, qtbot, wait_for):
    draft_id = open_new(panel, qtbot, "Going live.")
    dialog = open_publish(panel, qtbot)
    assert dialog.chosen() == ["sandbox"] and dialog.publish_button.isEnabled()
    qtbot.mouseClick(dialog.publish_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.chip.text() == "Queued")
    items = wait_for(core.outbox.items())
    assert [(i.draft_id, i.state, i.body) for i in items] == [(draft_id, "queued", "Going live.")]
    assert panel.body_edit.isReadOnly()
    qtbot.waitUntil(lambda: panel.findChild(PublishDialog) is None)


def test_schedule_at_a_chosen_time(panel, core, qtbot, wait_for):
    open_new(panel, qtbot, "Later.")
    dialog = open_publish(panel, qtbot)
    dialog.later_radio.setChecked(True)
    assert dialog.publish_button.text().startswith("&Schedule for")
    when = dialog.when()
    qtbot.mouseClick(dialog.publish_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.chip.text() == "Scheduled")
    assert panel._draft.scheduled_at == when
    assert "Scheduled for" in panel.banner.text()
    assert wait_for(core.outbox.items()) == []


def test_review_then_approve_then_publish(panel, qtbot):
    open_new(panel, qtbot, "For the board.")
    qtbot.mouseClick(transition_button(panel, "Submit for review"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.chip.text() == "For review")
    assert {"Approve", "Return to draft"} <= {
        panel._transition_row.itemAt(i).widget().text()
        for i in range(panel._transition_row.count())
    }

    dialog = open_publish(panel, qtbot)
    assert not dialog.publish_button.isEnabled()
    assert "approve it" in dialog.problem.text()
    qtbot.mouseClick(dialog.review_buttons[DraftState.APPROVED], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(dialog.publish_button.isEnabled)
    assert panel.chip.text() == "Approved"
    qtbot.mouseClick(dialog.publish_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.chip.text() == "Queued")


def test_publish_refuses_a_post_over_the_limit(panel, qtbot):
    open_new(panel, qtbot, "x" * 20_001)
    dialog = open_publish(panel, qtbot)
    assert not dialog.publish_button.isEnabled()
    assert "shorten the post by 1" in dialog.problem.text()


def test_once_sent_the_post_is_listed_and_queued_is_no_longer_said(panel, core, qtbot, wait_for):
    open_new(panel, qtbot, "Listed at once.")
    panel.title_edit.setText("Posted today")
    panel.flush()
    dialog = open_publish(panel, qtbot)
    qtbot.mouseClick(dialog.publish_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.chip.text() == "Queued")
    assert panel.status_label.text().startswith("Queued for")

    wait_for(core.engine.push_all())  # sent; no pull has run since

    qtbot.waitUntil(lambda: panel.chip.text() == "Published")
    assert "Queued" not in panel.status_label.text()
    assert "Posted today" in [p.title for p in wait_for(core.inbox.posts())]


# --- the state chip --------------------------------------------------------------------
def _chip_colours(chip: QLabel) -> tuple[QColor, QColor]:
    """The chip's fill (its commonest pixel) and its words' colour (the pixel that
    differs most from the fill: a letter's stem), as painted."""
    image = chip.grab().toImage()
    pixels = Counter(image.pixel(x, y) for x in range(image.width()) for y in range(image.height()))
    fill = QColor.fromRgb(pixels.most_common(1)[0][0])
    ink = max((QColor.fromRgb(p) for p in pixels), key=lambda c: ratio(c, fill))
    return fill, ink


def test_the_state_chip_follows_the_scheme_a_tint_with_readable_words(themed, panel, qtbot):
    """On the dark scheme the "Draft" chip was a light grey slab (#e6e8eb, 13:1 on the
    window) beside the title: it read as a pressed button. It is a tint near the
    window's colour in either scheme, following a switch made while a draft is open, its
    words at 4.5:1 or more."""
    theme.apply(themed, Qt.ColorScheme.Light)
    open_new(panel, qtbot)
    qtbot.waitUntil(lambda: panel.chip.text() == "Draft")
    for scheme in (Qt.ColorScheme.Dark, Qt.ColorScheme.Light):
        theme.apply(themed, scheme)
        window = panel.palette().color(QPalette.ColorRole.Window)
        qtbot.waitUntil(lambda w=window: ratio(_chip_colours(panel.chip)[0], w) < 1.5)
        fill, ink = _chip_colours(panel.chip)
        assert ratio(ink, fill) >= TEXT, (scheme, fill.name(), ink.name())
        assert theme.is_dark() == (scheme == Qt.ColorScheme.Dark)
