"""No test can hang the suite: pytest-timeout bounds each one (pyproject.toml), and one over
its bound ends the run with every thread's stack instead of waiting for ever."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"
HANG = """\
import time


def test_waits_out_a_retry_after_of_an_hour():
    time.sleep(3600)
"""


def test_every_test_has_a_bound_of_minutes_not_hours(pytestconfig: pytest.Config) -> None:
    assert 0 < float(pytestconfig.getini("timeout")) <= 300
    assert pytestconfig.getini("timeout_method") == "thread"


@pytest.mark.timeout(60)
def test_a_test_that_hangs_fails_the_run_with_its_stack(tmp_path: Path) -> None:
    """The suite's settings, with a 1 s bound in place of the suite's: the run ends in
    seconds, failed, and the stack shows where it hung."""
    (tmp_path / "test_hang.py").write_text(HANG, encoding="utf-8")

    suite_settings = ["-c", str(PYPROJECT), "--rootdir", str(tmp_path), "-p", "no:cacheprovider"]
    result = subprocess.run(
        [sys.executable, "-m", "pytest", *suite_settings, "-o", "timeout=1", "test_hang.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=50,
        check=False,
    )

    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "+ Timeout +" in output
    assert "time.sleep(3600)" in output
