"""The editor's autosave on a full disk: the text stays in the window and in memory, the
person is told why it is not saved, and it is saved by itself once there is room.

The disk is made full with SQLite's ``PRAGMA max_page_count`` on the store's writer
connection (SQLite then fails as on a real full disk: "database or disk is full"); the
same fault on a real full filesystem is in tests/reliability/test_storage_faults.py.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.config import database_path
from app.core import Core
from ui.bridge import CoreBridge
from ui.common import autosave
from ui.editor.panel import EditorPanel

pytestmark = pytest.mark.ui

BIG = "Every word of the speech. " * 10_000  # ~260 KB: the database must grow to hold it


@pytest.fixture
def panel(core: Core, qtbot, settle, monkeypatch) -> Iterator[EditorPanel]:
    monkeypatch.setattr(autosave, "RETRY_MS", 50)  # retries come quickly in the test
    bridge = CoreBridge(core.events)
    widget = EditorPanel(core, bridge)
    bridge.setParent(widget)
    widget.show()
    yield widget
    settle(widget)


def stored_body(data_dir: Path, draft_id: int) -> str:
    with sqlite3.connect(database_path(data_dir)) as conn:
        return conn.execute("SELECT body FROM drafts WHERE id = ?", [draft_id]).fetchone()[0]


def cap_pages(db, pages: int) -> None:
    current = db.execute("PRAGMA page_count").fetchone()[0]
    db.execute(f"PRAGMA max_page_count = {max(pages, current)}")


def test_a_full_disk_keeps_the_text_and_saves_it_once_there_is_room(
    panel: EditorPanel, core: Core, qtbot, wait_for, tmp_path: Path
) -> None:
    panel.new_draft()
    qtbot.waitUntil(lambda: panel.draft_id is not None and panel.body_edit.isEnabled())
    draft_id = panel.draft_id
    panel.body_edit.setPlainText("Saved before the disk filled")
    qtbot.waitUntil(lambda: stored_body(tmp_path, draft_id) == "Saved before the disk filled")

    wait_for(core.store.run(cap_pages, 0))  # the disk is full from now on
    errors: list[str] = []
    panel.autosave.failed.connect(errors.append)
    panel.body_edit.setPlainText(BIG)
    panel.autosave.flush()
    qtbot.waitUntil(lambda: len(errors) >= 2)  # it failed, and keeps trying

    assert "is full" in errors[0] and "Free some disk space" in errors[0]
    assert panel.autosave.unsaved
    assert panel.body_edit.toPlainText() == BIG
    assert stored_body(tmp_path, draft_id) == "Saved before the disk filled"

    wait_for(core.store.run(cap_pages, 1 << 30))  # space is freed
    qtbot.waitUntil(lambda: stored_body(tmp_path, draft_id) == BIG)
    qtbot.waitUntil(lambda: not panel.autosave.unsaved)
