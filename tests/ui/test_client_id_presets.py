"""Add X and Add LinkedIn page from the Accounts dialog by keyboard: when IT's policy sets
the app's client ID (``XClientId``, ``LinkedInClientId``) the form shows it filled in and
locked, saying where it is set; without the policy the person types it. Every wait is on
a condition or a signal."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from accounts_teardown import policy_dialogs
from fake_account_network import POLICY_FILE, install_policy
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from ui.accounts.dialog import AccountsDialog
from ui.accounts.suite_form import SuiteForm

Key = Qt.Key
ALT = Qt.KeyboardModifier.AltModifier
#: (its menu entry without the mnemonic, policy key, a client ID of its shape)
SUITES = (
    ("Add X…", "XClientId", "WTNrQS14bUhpMl83aU5adTd2NWM6MTpjaQ"),
    ("Add LinkedIn page…", "LinkedInClientId", "78abc123def456"),
)


@pytest.fixture
def dialog(
    qtbot, qloop, wait_for, tmp_path: Path, memory_keyring, *, monkeypatch
) -> Iterator[Callable[..., AccountsDialog]]:
    def set_policy(**policy: object) -> None:
        install_policy(monkeypatch, SandboxEnabled=False, **policy)

    with policy_dialogs(qtbot, qloop, wait_for, tmp_path / "data", set_policy) as open_:
        yield open_


def open_suite(qtbot, shown: AccountsDialog, entry: str) -> SuiteForm:
    """Alt+O opens the menu of online sign-ins; the entry's underlined letter chooses it."""
    menu = shown.suite_button.menu()
    assert menu is not None
    [action] = [a for a in menu.actions() if a.text().replace("&", "") == entry]
    mnemonic = action.text()[action.text().index("&") + 1]
    focused = QApplication.focusWidget()
    assert focused is not None, "no window has the keyboard"
    qtbot.keyClick(focused, Key.Key_O, ALT)
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is menu)
    qtbot.keyClick(menu, mnemonic.lower())
    qtbot.waitUntil(lambda: shown.suite_form is not None and shown.suite_form.isVisible())
    form = shown.suite_form
    assert form is not None
    return form


@pytest.mark.parametrize(("entry", "key", "client_id"), SUITES)
def test_policy_fills_in_and_locks_the_app_client_id(
    qtbot, dialog, entry: str, key: str, client_id: str
) -> None:
    form = open_suite(qtbot, dialog(**{key: client_id}), entry)
    assert form.windowTitle() == entry.removesuffix("…")
    field = form.fields["client_id"]
    assert field.text() == client_id
    assert not field.isEnabled(), "policy sets the client ID"
    assert form.fields["api"].isEnabled(), "the rest of the form stays the person's"
    label = field.accessibleName()
    assert f"{label}: Set by your organisation ({POLICY_FILE}: {key})." in form.locks.text()
    assert form.locks.isVisibleTo(form)


@pytest.mark.parametrize(("entry", "key", "client_id"), SUITES)
def test_without_policy_the_person_types_the_client_id(
    qtbot, dialog, entry: str, key: str, client_id: str
) -> None:
    form = open_suite(qtbot, dialog(), entry)
    field = form.fields["client_id"]
    assert field.text() == "" and field.isEnabled()
    assert not form.locks.isVisibleTo(form)
