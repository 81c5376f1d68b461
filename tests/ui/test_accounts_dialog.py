"""The Accounts dialog driven from the keyboard, against the FakeNet server and the
in-memory keyring: add (a failed test first, then the right password), sign in again,
remove after a confirmation, a policy account, and no usable keyring. Every wait is on a
condition or a signal."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import shiboken6
from accounts_teardown import show_accounts
from fake_account_network import (
    PASSWORD,
    POLICY_FILE,
    TOKEN,
    FakeNet,
    install_policy,
    registered,
)
from keyring.backends import fail
from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QMessageBox, QWidget

from app import bootstrap, secrets
from app.accounts import State
from app.config import database_path
from app.core import Core
from app.domain import Account
from app.store import Store
from app.store import accounts as accounts_repo
from ui.accounts.dialog import AccountsDialog
from ui.accounts.form import AccountForm
from ui.accounts.model import STATE_COLUMN, SYNC_COLUMN, AccountsModel
from ui.bridge import CoreBridge

Key = Qt.Key
ALT = Qt.KeyboardModifier.AltModifier


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeNet]:
    with registered(monkeypatch) as net:
        yield net


@pytest.fixture
def open_core(
    wait_for, tmp_path: Path, fake, memory_keyring, monkeypatch
) -> Iterator[Callable[..., Core]]:
    """``open_core(*stored, **policy)``: a Core on the test's data dir with no sandbox (the
    only accounts are the test's), these accounts stored without their secrets, and this
    managed policy in force."""
    opened: list[Core] = []

    def open_(*stored: Account, **policy: object) -> Core:
        install_policy(monkeypatch, **policy)
        data_dir = tmp_path / "data"
        data_dir.mkdir(parents=True, exist_ok=True)
        store = Store(database_path(data_dir))
        for account in stored:
            store.run_sync(accounts_repo.add_account, account)
        store.close()
        core = wait_for(bootstrap.open_core(data_dir, start_sandbox=False))
        opened.append(core)
        return core

    yield open_
    for core in opened:
        wait_for(core.close())


@pytest.fixture
def accounts_core(open_core) -> Core:
    return open_core()


@pytest.fixture
def open_dialog(qtbot, qloop, open_core) -> Iterator[Callable[[Core], AccountsDialog]]:
    """``open_dialog(core)``: the Accounts dialog, shown and active, its first read done.
    At teardown it is closed (which deletes it), once its core calls are done."""
    made: list[tuple[AccountsDialog, CoreBridge]] = []

    def open_(core: Core) -> AccountsDialog:
        dialog, bridge = show_accounts(qtbot, core)
        made.append((dialog, bridge))
        return dialog

    yield open_
    for dialog, bridge in made:
        if shiboken6.isValid(dialog):
            dialog.close()
        qtbot.waitUntil(lambda: all(t.done() for t in asyncio.all_tasks(qloop)), timeout=10_000)
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        assert not shiboken6.isValid(dialog), "closing deletes the dialog"
        shiboken6.delete(bridge)


def focus() -> QWidget:
    return QApplication.focusWidget()


def press(qtbot, key: Key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    """A key, where the keyboard is."""
    assert focus() is not None, "no window has the keyboard"
    qtbot.keyClick(focus(), key, modifier)


def back_to(qtbot, dialog: AccountsDialog) -> None:
    """The dialog has the keyboard again once the window over it closed (a window manager
    does this; offscreen Qt has none)."""
    dialog.activateWindow()
    qtbot.waitUntil(lambda: dialog.isActiveWindow() and focus() is not None)


def type_in(qtbot, text: str) -> None:
    qtbot.keyClicks(focus(), text)


def open_form(qtbot, dialog: AccountsDialog) -> AccountForm:
    qtbot.waitUntil(lambda: dialog.form is not None and dialog.form.isVisible())
    form = dialog.form
    assert form is not None
    qtbot.waitUntil(lambda: form.isActiveWindow() and focus() is form.first_field())
    return form


def outcome_says(form: AccountForm, words: str) -> Callable[[], bool]:
    return lambda: not form.busy() and words in form.outcome.text()


# --- adding -------------------------------------------------------------------------------


def test_add_an_account_from_the_keyboard_after_a_failed_test(
    qtbot, open_dialog, accounts_core, fake, memory_keyring
) -> None:
    dialog = open_dialog(accounts_core)
    assert "No accounts yet" in dialog.details.text()
    assert dialog.add_button.isDefault()

    press(qtbot, Key.Key_Return)  # Enter: the default button, Add account…
    form = open_form(qtbot, dialog)
    assert form.windowTitle() == "Add account"
    assert form.password.echoMode() is QLineEdit.EchoMode.Password
    assert form.url.placeholderText() == "https://fake.example.com"
    assert form.help.text() == fake.kind.help
    assert "Room (optional)" in form.fields.labelForField(form.extras["room"]).text()

    type_in(qtbot, fake.url)
    press(qtbot, Key.Key_Tab)
    assert focus() is form.username
    type_in(qtbot, "jane")
    press(qtbot, Key.Key_Tab)
    assert focus() is form.password
    type_in(qtbot, "not-the-password")
    press(qtbot, Key.Key_Tab)
    assert focus() is form.extras["room"]
    type_in(qtbot, "#leaders")
    press(qtbot, Key.Key_Tab)
    assert focus() is form.name
    type_in(qtbot, "Town hall site")

    held = fake.server.hold()
    press(qtbot, Key.Key_T, ALT)  # Test connection
    qtbot.waitUntil(form.progress.isVisible)
    assert not form.submit_button.isEnabled() and not form.password.isEnabled()
    assert "Testing the connection to 127.0.0.1" in form.outcome.text()
    held.set()
    qtbot.waitUntil(outcome_says(form, "FakeNet did not accept this user name and app password"))
    assert not form.progress.isVisible()
    assert fake.kind.help in form.outcome.text()
    assert "not-the-password" not in form.outcome.text()
    assert focus() is form.password and form.password.selectedText() == "not-the-password"

    type_in(qtbot, PASSWORD)  # replaces the selected, wrong one
    press(qtbot, Key.Key_T, ALT)
    qtbot.waitUntil(outcome_says(form, "Signed in to 127.0.0.1"))
    assert "Jane Doe" in form.outcome.text()
    assert focus() is form.submit_button and memory_keyring.entries == {}

    with qtbot.waitSignal(form.kept, timeout=10_000) as kept:
        press(qtbot, Key.Key_Return)
    assert form.password.text() == "", "the password is not kept in the widget"
    status = kept.args[0]
    assert memory_keyring.entries == {(secrets.SERVICE, status.account_id): TOKEN}
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1)
    qtbot.waitUntil(lambda: "Fireside is syncing it now" in dialog.details.text())
    added = dialog.selected()
    assert added is not None and added.state is State.CONNECTED
    assert added.extra == {"room": "#leaders"} and added.name == "Town hall site"
    assert dialog.model.index(0, STATE_COLUMN).data() == "Connected"


@pytest.mark.parametrize(
    "case",
    [
        ("closed_url", "Cannot reach 127.0.0.1", "url"),
        ("https_url", "is not trusted, so nothing was sent", "url"),
        ("elsewhere", "answers, but it is not FakeNet", "url"),
    ],
)
def test_a_failed_test_says_what_is_wrong_and_puts_the_keyboard_there(
    qtbot, open_dialog, accounts_core, fake, case
) -> None:
    where, words, field = case
    url = {"elsewhere": fake.url + "/elsewhere"}.get(where) or getattr(fake, where)
    dialog = open_dialog(accounts_core)
    press(qtbot, Key.Key_A, ALT)
    form = open_form(qtbot, dialog)
    form.url.setText(url)
    form.username.setText("jane")
    form.password.setText(PASSWORD)
    form.test_button.click()
    qtbot.waitUntil(outcome_says(form, words))
    assert focus() is getattr(form, field)
    assert dialog.model.rowCount() == 0


def test_escape_cancels_a_test_in_progress_and_forgets_the_password(
    qtbot, open_dialog, accounts_core, fake
) -> None:
    dialog = open_dialog(accounts_core)
    press(qtbot, Key.Key_Return)
    form = open_form(qtbot, dialog)
    form.url.setText(fake.url)
    form.username.setText("jane")
    form.password.setText(PASSWORD)
    held = fake.server.hold()
    form.test_button.click()
    qtbot.waitUntil(form.busy)
    task = form._task

    press(qtbot, Key.Key_Escape)

    qtbot.waitUntil(lambda: not shiboken6.isValid(form) or not form.isVisible())
    assert task is not None
    qtbot.waitUntil(task.done)  # without an answer: the request was abandoned
    assert task.cancelled()
    held.set()
    back_to(qtbot, dialog)
    press(qtbot, Key.Key_Escape)
    qtbot.waitUntil(lambda: not shiboken6.isValid(dialog) or not dialog.isVisible())


# --- signing in again, testing, removing --------------------------------------------------


def test_an_account_without_its_secret_is_signed_in_again_with_enter(
    qtbot, open_dialog, open_core, fake
) -> None:
    core = open_core(Account("fake-1", "fake", "Corporate blog", fake.url, "jane"))
    dialog = open_dialog(core)
    status = dialog.selected()
    assert status is not None and status.state is State.NEEDS_SIGN_IN
    assert dialog.model.index(0, STATE_COLUMN).data() == "Needs sign-in"
    assert "Sign in again: the saved password is not in the keyring" in dialog.details.text()
    assert dialog.sign_in_button.isDefault()

    press(qtbot, Key.Key_Return)
    form = open_form(qtbot, dialog)
    assert form.windowTitle() == "Sign in again to Corporate blog"
    assert not form.url.isEnabled() and not form.username.isEnabled()
    assert form.username.text() == "jane" and focus() is form.password
    type_in(qtbot, PASSWORD)
    with qtbot.waitSignal(form.kept, timeout=10_000):
        press(qtbot, Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.selected().state is State.CONNECTED)
    assert "Signed in to Corporate blog" in dialog.details.text()
    assert secrets.get_secret("fake-1") == TOKEN

    back_to(qtbot, dialog)
    press(qtbot, Key.Key_T, ALT)  # test the saved sign-in
    qtbot.waitUntil(lambda: "Signed in to 127.0.0.1" in dialog.details.text())
    fake.server.tokens.clear()
    press(qtbot, Key.Key_T, ALT)
    qtbot.waitUntil(lambda: "did not accept" in dialog.details.text())


def test_remove_asks_first_saying_what_goes(
    qtbot, open_dialog, accounts_core, wait_for, fake
) -> None:
    status = wait_for(accounts_core.accounts.add("fake", fake.url, "jane", PASSWORD))
    wait_for(accounts_core.engine.pull(status.account_id))
    dialog = open_dialog(accounts_core)

    press(qtbot, Key.Key_Delete)
    qtbot.waitUntil(lambda: dialog.confirmation is not None and dialog.confirmation.isVisible())
    box = dialog.confirmation
    assert box.text() == f"Remove {status.name} (FakeNet)?"
    assert box.informativeText().startswith(
        "This deletes from this computer: 2 comments, 1 post, 2 people"
    )
    assert "removed from the system keyring" in box.informativeText()
    assert "Your notes about" not in box.informativeText()  # none were written
    assert "Fireside first signs out on the FakeNet server" in box.informativeText()
    assert "Your posts and comments there are not deleted" in box.informativeText()
    assert box.defaultButton() is box.button(QMessageBox.StandardButton.Cancel)
    qtbot.waitUntil(box.isActiveWindow)
    press(qtbot, Key.Key_Escape)
    qtbot.waitUntil(lambda: not shiboken6.isValid(box) or not box.isVisible())
    assert secrets.get_secret(status.account_id) == TOKEN, "Escape removed nothing"

    back_to(qtbot, dialog)
    assert focus() is dialog.table
    press(qtbot, Key.Key_Delete)
    qtbot.waitUntil(
        lambda: (
            dialog.confirmation is not box
            and dialog.confirmation is not None
            and dialog.confirmation.isActiveWindow()
        )
    )
    press(qtbot, Key.Key_R, ALT)  # Remove account

    qtbot.waitUntil(lambda: dialog.model.rowCount() == 0)
    qtbot.waitUntil(lambda: f"Removed {status.name}: 2 comments" in dialog.details.text())
    assert "Signed out of FakeNet" in dialog.details.text()
    assert secrets.get_secret(status.account_id) is None
    assert TOKEN not in fake.server.tokens
    assert wait_for(accounts_core.accounts.list()) == []


# --- policy and keyring -------------------------------------------------------------------


def test_an_account_from_policy_is_completed_with_its_address_locked(
    qtbot, open_dialog, open_core, fake
) -> None:
    preset = {"network": "fake", "base_url": fake.url, "name": "Exec blog", "tenant": "#x"}
    dialog = open_dialog(open_core(Accounts=[preset]))
    status = dialog.selected()
    assert status is not None and status.state is State.NOT_SIGNED_IN
    assert dialog.model.index(0, STATE_COLUMN).data() == "Not signed in yet"
    assert f"Set by your organisation ({POLICY_FILE}: Accounts)." in dialog.details.text()
    assert dialog.sign_in_button.text() == "&Sign in…" and dialog.sign_in_button.isDefault()
    assert not dialog.remove_button.isEnabled() and not dialog.test_button.isEnabled()

    press(qtbot, Key.Key_Return)
    form = open_form(qtbot, dialog)
    assert form.windowTitle() == "Sign in to Exec blog"
    assert form.url.text() == fake.url and not form.url.isEnabled()
    assert not form.network.isEnabled()
    assert form.extras["room"].text() == "#x" and not form.extras["room"].isEnabled()
    assert form.lock.isVisible() and POLICY_FILE in form.lock.text()
    assert not form.name.isVisible(), "policy names it"
    assert focus() is form.username
    type_in(qtbot, "jane")
    press(qtbot, Key.Key_Tab)
    type_in(qtbot, PASSWORD)
    with qtbot.waitSignal(form.kept, timeout=10_000):
        press(qtbot, Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.selected().state is State.CONNECTED)
    assert dialog.selected().name == "Exec blog" and dialog.model.rowCount() == 1


def test_networks_policy_forbids_are_not_offered(open_dialog, open_core) -> None:
    dialog = open_dialog(open_core(AllowedNetworks=["wordpress"]))
    assert not dialog.add_button.isEnabled()
    assert dialog.add_button.toolTip() == "Your organisation allows no networks."


def test_without_a_usable_keyring_the_dialog_says_how_to_fix_it(
    qtbot, open_dialog, accounts_core, use_keyring, memory_keyring
) -> None:
    use_keyring(fail.Keyring())
    dialog = open_dialog(accounts_core)
    assert dialog.keyring_banner.isVisible()
    assert "Fireside cannot keep passwords on this computer" in dialog.keyring_banner.text()
    assert "gnome-keyring" in dialog.keyring_banner.text()
    assert "never saves a password anywhere else" in dialog.keyring_banner.text()
    assert not dialog.add_button.isEnabled()

    use_keyring(memory_keyring)  # the user unlocked a keyring
    press(qtbot, Key.Key_K, ALT)  # Check the keyring again
    qtbot.waitUntil(lambda: not dialog.keyring_banner.isVisible())
    assert dialog.add_button.isEnabled()


def test_the_table_model_is_a_well_behaved_model(qtmodeltester, qapp) -> None:
    model = AccountsModel()
    from app.accounts.status import AccountStatus

    model.set_rows(
        [
            AccountStatus("a", "fake", "FakeNet", "Blog", "https://b.example", "jane", State.ERROR),
            AccountStatus(None, "fake", "FakeNet", "Exec", "https://e.example", "", State.IDLE),
        ]
    )
    qtmodeltester.check(model)
    assert model.row_of(None, "https://e.example") == 1
    assert model.index(1, SYNC_COLUMN).data() == ""
    assert model.index(0, SYNC_COLUMN).data() == "Never"


def test_the_window_opens_the_dialog_with_ctrl_shift_a(qtbot, window, synced_core) -> None:
    qtbot.keyClick(
        window.inbox.list,
        Key.Key_A,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    qtbot.waitUntil(lambda: window.findChild(AccountsDialog) is not None)
    dialog = window.findChild(AccountsDialog)
    qtbot.waitUntil(lambda: dialog.loaded)
    status = dialog.selected()
    assert status is not None and status.account_id == "sandbox"
    assert status.state is State.CONNECTED
    assert "<b>Sandbox</b> · Connected" in dialog.details.text()
    assert not dialog.sign_in_button.isEnabled(), "the sandbox signs in by itself"
    qtbot.waitUntil(dialog.table.hasFocus)
    press(qtbot, Key.Key_Escape)
    qtbot.waitUntil(lambda: window.findChild(AccountsDialog) is None)


def test_the_confirmation_counts_notes_that_would_go() -> None:
    from app.accounts.removal import RemovalPreview
    from ui.accounts.removal import what_goes

    preview = RemovalPreview("a", "Blog", "WordPress", 5, 1, 3, 0, 2, False, False)
    assert "Your notes about 2 people go too: they are on no other account." in what_goes(preview)
