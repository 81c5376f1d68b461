"""Opening the store says which slow step runs: the whole-file check, the backup and the
upgrade, so a window can tell a person why the start takes long."""

from __future__ import annotations

import shutil
from pathlib import Path

from app.domain.states import OpeningStep
from app.store.db import Store, open_database

OLDEST_KEPT = Path(__file__).resolve().parent / "fixtures" / "schemas" / "v1.db"


def _opened(path: Path) -> list[OpeningStep]:
    steps: list[OpeningStep] = []
    Store(path, steps.append).close()
    return steps


def test_an_upgrade_reports_the_check_the_backup_and_the_upgrade(tmp_path: Path) -> None:
    path = tmp_path / "fireside.db"
    shutil.copy(OLDEST_KEPT, path)
    assert _opened(path) == [OpeningStep.CHECKING, OpeningStep.BACKING_UP, OpeningStep.UPGRADING]
    assert _opened(path) == []  # upgraded and closed cleanly: nothing slow the next time


def test_a_new_store_and_a_cleanly_closed_one_report_nothing(tmp_path: Path) -> None:
    path = tmp_path / "fireside.db"
    assert _opened(path) == []
    assert _opened(path) == []


def test_a_store_left_open_by_a_crash_reports_its_check(tmp_path: Path) -> None:
    path = tmp_path / "fireside.db"
    _opened(path)
    crashed = open_database(path)  # a session that never closes: its -wal file stays
    crashed.execute("CREATE TABLE scratch (n)")
    crashed.commit()
    try:
        steps: list[OpeningStep] = []
        open_database(path, steps.append).close()
    finally:
        crashed.close()
    assert steps == [OpeningStep.CHECKING]
