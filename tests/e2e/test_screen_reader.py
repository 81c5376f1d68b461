"""Fireside as a screen reader meets it on Linux: over AT-SPI, from another process.

The test starts a D-Bus session of its own (``dbus-run-session``), says a screen reader is
running there (as Orca does), starts an X server (Xvfb) and the real app on it (``python
-m app`` on a fresh data dir: the built-in sandbox syncs on first start), then reads the
app through the accessibility bus with ``atspi_client`` and checks what a blind user would
meet: the window; the keyboard on a comment that says who, its state, network and time;
sidebar rows that say their counts; every control that can take the keyboard named; and
the result of pressing Done (through AT-SPI's Action, as a screen reader's command does)
arriving as an announcement.

Needs the Debian packages dbus-daemon (dbus-run-session), at-spi2-core (the accessibility
bus and registry) and xvfb; the D-Bus client, jeepney, is a test dependency. Without them
the test is skipped, except under CI=true, where it fails.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from atspi_client import FOCUSABLE, FOCUSED, AtSpi

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
#: tool -> the Debian package that has it
TOOLS = {"dbus-run-session": "dbus-daemon", "Xvfb": "xvfb"}
BUS_LAUNCHER = Path("/usr/libexec/at-spi-bus-launcher")
#: Roles a person acts on (AT-SPI role names).
INTERACTIVE = {"push button", "check box", "radio button", "combo box", "spin button", "text"}


def _require() -> None:
    missing = [f"{tool} ({package})" for tool, package in TOOLS.items() if not shutil.which(tool)]
    if not BUS_LAUNCHER.exists():
        missing.append(f"{BUS_LAUNCHER} (at-spi2-core)")
    if not missing:
        return
    reason = "no " + ", ".join(missing) + ": the AT-SPI test needs them"
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI runs the screen-reader test: {reason}")
    pytest.skip(reason)


@pytest.fixture
def session() -> Iterator[str]:
    """The address of a D-Bus session bus of the test's own (it ends with the test)."""
    _require()
    with subprocess.Popen(
        ["dbus-run-session", "--", "sh", "-c", 'echo "$DBUS_SESSION_BUS_ADDRESS"; exec cat'],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    ) as holder:
        assert holder.stdin is not None and holder.stdout is not None
        address = holder.stdout.readline().strip()
        try:
            assert address, "dbus-run-session gave no address"
            yield address
        finally:
            holder.stdin.close()  # cat ends, and with it the session and what it started
            holder.wait(timeout=30)


@pytest.fixture
def display() -> Iterator[str]:
    """An X server of the test's own: ":N"."""
    _require()
    read, write = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-screen", "0", "1280x900x24", "-nolisten", "tcp"],
        pass_fds=(write,),
        stderr=subprocess.DEVNULL,
    )
    os.close(write)
    with os.fdopen(read) as answer:
        number = answer.readline().strip()  # written once the server takes connections
    try:
        assert number.isdigit(), "Xvfb did not start"
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.fixture
def screen_reader(session: str):
    reader = AtSpi(session)
    yield reader
    reader.close()


@pytest.fixture
def fireside(session: str, display: str, screen_reader, tmp_path: Path) -> Iterator[None]:
    """The real app, on the test's display and session, with a fresh data dir."""
    home = tmp_path / "home"
    (home / "run").mkdir(parents=True)
    (home / "run").chmod(0o700)
    env = {name: os.environ[name] for name in ("PATH", "LANG", "LC_ALL") if name in os.environ}
    env.update(
        HOME=str(home),
        XDG_RUNTIME_DIR=str(home / "run"),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_DATA_HOME=str(home / ".local" / "share"),
        DISPLAY=display,
        DBUS_SESSION_BUS_ADDRESS=session,
        QT_QPA_PLATFORM="xcb",
        PYTHONPATH=str(REPO),
        PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
    )
    app = subprocess.Popen(
        [sys.executable, "-m", "app", "--data-dir", str(tmp_path / "data")],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        yield
    finally:
        app.terminate()
        _, errors = app.communicate(timeout=30)
        assert "Traceback" not in errors, errors


def test_a_screen_reader_meets_named_things_and_hears_results(fireside, screen_reader):
    reader = screen_reader
    app = reader.application("Fireside")
    [window] = reader.children(app)
    assert reader.name(window) == "Fireside"

    def comments():
        try:
            found = reader.find(window, "list", "Comments: Needs reply")
        except LookupError:
            return None
        return found if reader.children(found) else None

    listing = reader.wait_until(comments, "the synced inbox", timeout=90)

    # Where the keyboard is: a comment, said with its state, network and time.
    focused = reader.wait_until(
        lambda: next((n for n in reader.walk(listing) if FOCUSED in n.states), None),
        "the keyboard in the list",
    )
    said = focused.name
    assert focused.role == "list item"
    assert "Sandbox" in said and re.search(r"(ago|just now|yesterday|on \w+day)", said), said
    assert "Comment by" in focused.description

    # The sidebar says each place's count with its name (once the counts are read).
    places = reader.find(window, "tree", "Places")

    def needs_reply() -> str | None:
        rows = (seen.name for seen in reader.walk(places, per_list=4))
        return next((r for r in rows if re.fullmatch(r"Needs reply, [\d,]+", r)), None)

    reader.wait_until(needs_reply, "the sidebar's count of Needs reply")

    # Nothing that takes the keyboard, or is pressed, is nameless.
    unnamed = [
        f"{seen.role} at {seen.node.path}: “{seen.name}”"
        for seen in reader.walk(window)
        if (FOCUSABLE in seen.states or seen.role in INTERACTIVE)
        and not any(char.isalpha() for char in seen.name)
    ]
    assert not unnamed, unnamed

    # A command from the screen reader: press Done; the result is announced.
    reader.press(reader.find(window, "push button", "Done"))
    reader.announced("Marked 1 comment done. u undoes it.")
