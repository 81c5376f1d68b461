"""Whether the window can open, decided before Qt loads (app/display.py)."""

from __future__ import annotations

import sys

import pytest

from app.display import display_problem, loads


def found(soname: str) -> bool:
    return True


def missing(soname: str) -> bool:
    return False


def test_no_display_on_linux_says_what_to_set() -> None:
    problem = display_problem({}, "linux", found)
    assert problem is not None and "set DISPLAY" in problem and "xvfb-run" in problem


def test_x11_without_the_cursor_library_says_what_to_install() -> None:
    problem = display_problem({"DISPLAY": ":0"}, "linux", missing)
    assert problem is not None and "apt-get install libxcb-cursor0" in problem


def test_what_can_open_is_left_to_qt() -> None:
    assert display_problem({"DISPLAY": ":0"}, "linux", found) is None
    assert display_problem({"WAYLAND_DISPLAY": "wayland-0"}, "linux", missing) is None
    assert display_problem({"QT_QPA_PLATFORM": "offscreen"}, "linux", missing) is None
    assert display_problem({}, "win32", missing) is None
    assert display_problem({}, "darwin", missing) is None


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux sonames")
def test_a_library_is_looked_for_as_the_loader_opens_it() -> None:
    assert loads("libc.so.6")
    assert not loads("libfireside-never-installed.so.0")
    # .ci/run installs libxcb-cursor0, as README asks of every Debian or Ubuntu user.
    assert display_problem({"DISPLAY": ":0"}, "linux") is None
