"""A slow opening of the store (an upgrade) is said in a small busy dialog; a quick one
shows nothing."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

from PySide6.QtCore import QTimer
from pytestqt.qtbot import QtBot

import ui.main
from app.config import database_path
from app.domain.states import OpeningStep
from app.store.db import Store
from ui.opening import OPENING, WORDS, OpeningNotice

OLDEST_KEPT = Path(__file__).resolve().parents[1] / "fixtures" / "schemas" / "v1.db"


def test_an_upgrade_that_takes_long_is_said_step_by_step(qtbot: QtBot, tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    shutil.copy(OLDEST_KEPT, database_path(data_dir))
    notice = OpeningNotice(show_after_ms=0)
    qtbot.waitUntil(lambda: notice.dialog is not None and notice.dialog.isVisible())
    assert notice.dialog is not None
    assert notice.dialog.labelText() == OPENING
    opened = []
    opening = threading.Thread(
        target=lambda: opened.append(Store(database_path(data_dir), notice.report))
    )
    opening.start()
    qtbot.waitUntil(lambda: notice.step is OpeningStep.UPGRADING, timeout=20_000)
    opening.join(timeout=20)
    assert notice.dialog.labelText() == WORDS[OpeningStep.UPGRADING]
    assert "happens once" in notice.dialog.labelText()
    notice.close()
    assert notice.dialog is None
    opened[0].close()


def test_a_quick_opening_shows_nothing(qtbot: QtBot) -> None:
    notice = OpeningNotice(show_after_ms=50)
    notice.report(OpeningStep.CHECKING)
    qtbot.waitUntil(lambda: notice.step is OpeningStep.CHECKING)
    notice.close()  # opened before the dialog was due
    later = QTimer(singleShot=True, interval=100)  # due after the notice's own timer
    with qtbot.waitSignal(later.timeout):
        later.start()
    assert notice.dialog is None


def test_a_store_that_cannot_open_closes_the_notice_once_before_saying_why(
    qtbot: QtBot, wait_for, tmp_path: Path, monkeypatch
) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    database_path(data_dir).write_bytes(b"not a database, " * 512)
    closed: list[str] = []
    said: list[tuple[str, int]] = []

    class CountedNotice(OpeningNotice):
        def close(self) -> None:
            closed.append("closed")
            super().close()

    monkeypatch.setattr(ui.main, "OpeningNotice", CountedNotice)
    monkeypatch.setattr(
        ui.main.QMessageBox,
        "critical",
        lambda _parent, _title, text: said.append((text, len(closed))),
    )
    assert wait_for(ui.main._open(data_dir)) is None
    assert len(said) == 1
    assert said[0][1] == 1  # the notice was gone before the box came
    assert closed == ["closed"]  # and closed once only
