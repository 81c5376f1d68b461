"""PySide's per-import check answered from file bytes gives PySide's own answers."""

from __future__ import annotations

import sys
from pathlib import Path
from types import ModuleType

import pytest
import shiboken6  # noqa: F401  (creates the feature module)

from ui import pyside_import_check
from ui.pyside_import_check import install, uses_pyside

FEATURE = sys.modules["shibokensupport.feature"]


def _pysides_own_check() -> pyside_import_check.ModuleCheck:
    check = FEATURE._mod_uses_pyside
    return getattr(check, "__wrapped__", check)


def test_every_loaded_module_gets_the_answer_pysides_own_check_gives() -> None:
    import ui.main_window  # noqa: F401  (modules that name PySide6, and many that do not)

    pyside = _pysides_own_check()
    answers = {
        m: answer
        for m in list(sys.modules.values())
        if isinstance(m, ModuleType) and (answer := uses_pyside(m)) is not None
    }
    assert len(answers) > 200
    assert sum(answers.values()) > 20  # ui's modules name PySide6
    assert [m.__name__ for m, answer in answers.items() if answer != pyside(m)] == []


def test_modules_without_a_source_file_are_left_to_pysides_check(tmp_path: Path) -> None:
    assert uses_pyside(sys) is None  # built in
    gone = ModuleType("gone")
    gone.__file__ = str(tmp_path / "gone.py")  # no such file
    assert uses_pyside(gone) is None
    compiled = ModuleType("compiled")
    compiled.__file__ = str(tmp_path / "compiled.pyc")
    assert uses_pyside(compiled) is None


def test_a_file_naming_pyside6_uses_it(tmp_path: Path) -> None:
    source = tmp_path / "widgety.py"
    source.write_text("from PySide6.QtWidgets import QLabel\n", encoding="utf-8")
    module = ModuleType("widgety")
    module.__file__ = str(source)
    assert uses_pyside(module) is True
    source.write_text("import json\n", encoding="utf-8")
    assert uses_pyside(module) is False


def test_install_wraps_pysides_check_once(monkeypatch: pytest.MonkeyPatch) -> None:
    pyside = _pysides_own_check()
    monkeypatch.setattr(FEATURE, "_mod_uses_pyside", pyside)
    assert install() is True
    installed = FEATURE._mod_uses_pyside
    assert installed.__wrapped__ is pyside
    assert install() is True
    assert FEATURE._mod_uses_pyside is installed  # not wrapped twice
    assert installed(sys) is pyside(sys) is False  # no source file: PySide's answer


def test_a_pyside_without_the_check_is_left_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(FEATURE, "_mod_uses_pyside")
    assert install() is False
    assert not hasattr(FEATURE, "_mod_uses_pyside")
