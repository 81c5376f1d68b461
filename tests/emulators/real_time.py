"""The emulators' clocks on real time, for a module whose connectors keep it (a Core, or a
child process): import these fixtures into the module to override the virtual ones."""

from __future__ import annotations

import pytest

from emulators.clock import EmulatorClock, ShiftedClock


@pytest.fixture
def slack_clock() -> EmulatorClock:
    return ShiftedClock()


@pytest.fixture
def x_clock() -> EmulatorClock:
    return ShiftedClock()


@pytest.fixture
def li_clock() -> EmulatorClock:
    return ShiftedClock()
