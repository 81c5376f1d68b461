"""Adding Microsoft 365 from the Accounts dialog by keyboard, against the emulated Entra
authority and the real MSAL: Alt+O then M opens the form, Enter signs in with the browser (the
test browser signs in), Alt+C shows a device code to enter; Escape cancels a sign-in under
way. Policy's tenant is shown locked. Every wait is on a condition or a signal."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import shiboken6
from accounts_teardown import policy_dialogs
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.accounts import State
from ui.accounts.dialog import AccountsDialog
from ui.accounts.suite_form import SuiteForm

Key = Qt.Key
ALT = Qt.KeyboardModifier.AltModifier


@pytest.fixture
def dialog(
    qtbot, qloop, wait_for, tmp_path: Path, memory_keyring, *, entra_policy, stand_ins
) -> Iterator[Callable[..., AccountsDialog]]:
    with policy_dialogs(qtbot, qloop, wait_for, tmp_path / "data", entra_policy) as open_:
        yield open_


def press(qtbot, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    focused = QApplication.focusWidget()
    assert focused is not None, "no window has the keyboard"
    qtbot.keyClick(focused, key, modifier)


def open_suite(qtbot, shown: AccountsDialog) -> SuiteForm:
    """Alt+O opens the menu of online sign-ins (Microsoft 365 beside Mastodon...), M
    chooses Microsoft 365."""
    assert shown.suite_button.isVisible() and shown.suite_button.text() == "Add &online account…"
    menu = shown.suite_button.menu()
    assert menu is not None and "Add &Microsoft 365…" in [a.text() for a in menu.actions()]
    press(qtbot, Key.Key_O, ALT)
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is menu)
    qtbot.keyClick(menu, Key.Key_M)
    qtbot.waitUntil(lambda: shown.suite_form is not None and shown.suite_form.isVisible())
    form = shown.suite_form
    assert form is not None
    qtbot.waitUntil(lambda: QApplication.focusWidget() is form.browser_button)
    return form


def test_add_microsoft_365_with_the_browser_by_keyboard(qtbot, dialog, browser) -> None:
    shown = dialog()
    form = open_suite(qtbot, shown)
    assert form.windowTitle() == "Add Microsoft 365"
    assert set(form.services) == {"yammer", "teams"}
    assert all(box.isChecked() for box in form.services.values())
    assert not form.fields["tenant"].isEnabled(), "policy sets the tenant"
    assert "Set by your organisation" in form.locks.text()
    with qtbot.waitSignal(form.kept, timeout=30_000) as kept:
        press(qtbot, Key.Key_Return)  # the default: Sign in with the browser
        qtbot.waitUntil(lambda: "browser" in form.outcome.text())
    assert {s.network for s in kept.args[0]} == {"yammer", "teams"}
    assert browser.opened, "the system browser was asked to open the sign-in page"
    qtbot.waitUntil(lambda: shown.model.rowCount() == 2)
    qtbot.waitUntil(lambda: "Fireside is syncing now" in shown.details.text())
    assert {shown.model.status(r).state for r in range(2)} == {State.CONNECTED}


def test_sign_in_with_a_code_shows_it_and_finishes_by_itself(qtbot, dialog, entra) -> None:
    entra.admin_consent |= {"https://www.yammer.com/access_as_user"}
    shown = dialog()
    form = open_suite(qtbot, shown)
    with qtbot.waitSignal(form.kept, timeout=30_000) as kept:
        press(qtbot, Key.Key_C, ALT)  # Sign in with a code
        qtbot.waitUntil(lambda: bool(entra.pending_user_codes()), timeout=10_000)
        [code] = entra.pending_user_codes()
        qtbot.waitUntil(lambda: code in form.code.text())
        assert "https://microsoft.com/devicelogin" in form.code.text()
        entra.approve_device(code)
    assert len(kept.args[0]) == 2
    qtbot.waitUntil(lambda: shown.model.rowCount() == 2)


def test_escape_cancels_a_browser_sign_in_under_way(qtbot, dialog, browser) -> None:
    browser.signs_in = False  # the person never finishes in the browser
    shown = dialog()
    form = open_suite(qtbot, shown)
    press(qtbot, Key.Key_Return)
    qtbot.waitUntil(lambda: bool(browser.opened), timeout=10_000)
    assert form.progress.isVisible()
    qtbot.keyClick(form, Key.Key_Escape)
    qtbot.waitUntil(lambda: not shiboken6.isValid(form) or not form.isVisible())
    qtbot.waitUntil(lambda: shown.loaded and shown.model.rowCount() == 0)


def test_add_mastodon_by_keyboard_signs_in_in_the_browser(
    qtbot, dialog, mastodon_world, *, mastodon_pki, entra_pki, oauth_browser
) -> None:
    """The same menu offers Mastodon: its form asks for the server only and signs in with
    the browser alone (Mastodon has no device code); Enter adds the account."""
    shown = dialog(ExtraCACertificates=[str(entra_pki.ca_file), str(mastodon_pki.ca_file)])
    oauth_browser.ca_file = mastodon_pki.ca_file
    mastodon_world.server.authority.person = "dana"
    menu = shown.suite_button.menu()
    assert menu is not None
    press(qtbot, Key.Key_O, ALT)
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is menu)
    mastodon = next(a for a in menu.actions() if a.text().replace("&", "") == "Add Mastodon…")
    menu.close()
    mastodon.trigger()
    qtbot.waitUntil(lambda: shown.suite_form is not None and shown.suite_form.isVisible())
    form = shown.suite_form
    assert form is not None and form.windowTitle() == "Add Mastodon"
    assert list(form.fields) == ["server"] and not form.code_button.isVisible()
    form.fields["server"].setText(mastodon_world.url)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is form.browser_button)
    press(qtbot, Key.Key_Return)
    qtbot.waitUntil(lambda: shown.model.rowCount() == 1, timeout=20_000)
    qtbot.waitUntil(lambda: not shiboken6.isValid(form) or not form.isVisible())
    assert shown.model.status(0).network == "mastodon"
