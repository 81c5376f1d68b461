"""Reliability tests: crash safety, network faults, hostile input, storage faults, secrets.

The normal run is part of the suite's ``pytest``. The long mode tries much harder (for
example 300 kills of the crash harness instead of 30); run it with either of::

    FIRESIDE_LONG=1 python -m pytest tests/reliability
    python -m pytest tests/reliability --long

(``--long`` is known to pytest only when ``tests/reliability`` is on its command line, as
here: pytest reads options from the conftest files of the paths it is given. The
environment variable works however pytest is started.)

``long_mode`` tells a test which mode it runs in.
"""

from __future__ import annotations

import os

import pytest

LONG_ENV = "FIRESIDE_LONG"


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
