"""Reliability tests: crash safety, network faults, hostile input, storage faults, secrets.

The normal run is part of the suite's ``pytest``. The long mode tries much harder (for
example 300 kills of the crash harness instead of 30); run it with either of::

    FIRESIDE_LONG=1 python -m pytest tests/reliability
    python -m pytest tests/reliability --long

(``--long`` is known to pytest only when ``tests/reliability`` is on its command line, as
here: pytest reads options from the conftest files of the paths it is given. The
environment variable works however pytest is started.)

``long_mode`` tells a test which mode it runs in. The long mode does ten times the work,
so every reliability test gets ten times its time bound there (pytest-timeout: its own
``@pytest.mark.timeout`` or the suite's ``timeout``).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

LONG_ENV = "FIRESIDE_LONG"
#: How much more the long mode does, and so how much longer each test may take.
LONG_FACTOR = 10
_HERE = Path(__file__).parent


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--long",
        action="store_true",
        default=False,
        help=f"run the reliability tests in their long mode (same as {LONG_ENV}=1)",
    )


def is_long(config: pytest.Config) -> bool:
    return bool(config.getoption("--long")) or os.environ.get(LONG_ENV, "") not in ("", "0")


@pytest.fixture(scope="session")
def long_mode(pytestconfig: pytest.Config) -> bool:
    """True in the long mode (``--long`` or ``FIRESIDE_LONG=1``)."""
    return is_long(pytestconfig)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not is_long(config):
        return
    for item in items:
        if _HERE not in item.path.parents:
            continue
        own = item.get_closest_marker("timeout")
        bound = (own.kwargs.get("timeout") or own.args[0]) if own else config.getini("timeout")
        item.add_marker(pytest.mark.timeout(float(bound) * LONG_FACTOR), append=False)
