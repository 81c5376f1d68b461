"""The Settings dialog: locked settings are disabled and say why, recommendations stay
editable, policy errors are listed, changes are saved (only what changed) and the user is
told they take effect after a restart. Everything works from the keyboard."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget
from test_connection_tls import write_ca

from app import settings
from app.policy import NO_POLICY, Policy, load_from
from app.policy.linux import PolicyFile
from app.settings import UserSettings
from ui.settings.dialog import RESTART, SettingsDialog

pytestmark = pytest.mark.ui

OpenDialog = Callable[..., SettingsDialog]


@pytest.fixture
def settings_file(tmp_path: Path) -> Path:
    return tmp_path / "config" / "settings.json"


@pytest.fixture
def open_dialog(qtbot, settings_file: Path) -> Iterator[OpenDialog]:
    opened: list[SettingsDialog] = []

    def open_(policy: Policy = NO_POLICY) -> SettingsDialog:
        dialog = SettingsDialog(None, None, policy=policy, path=settings_file)
        qtbot.addWidget(dialog)
        dialog.open()
        qtbot.waitExposed(dialog)
        dialog.activateWindow()
        qtbot.waitUntil(dialog.isActiveWindow)
        opened.append(dialog)
        return dialog

    yield open_
    for dialog in opened:
        dialog.close()


def company_policy(tmp_path: Path, data: dict) -> Policy:
    folder = tmp_path / "etc"
    folder.mkdir()
    path = folder / "policy.json"
    path.write_text(json.dumps(data))
    path.chmod(0o644)
    return load_from([PolicyFile(path, owner_uid=os.getuid())])


def test_enforced_settings_are_locked_with_the_reason(tmp_path: Path, open_dialog) -> None:
    pki = write_ca(tmp_path / "pki")
    policy = company_policy(
        tmp_path,
        {
            "ProxyUrl": "http://proxy.corp.example.com:3128",
            "ExtraCACertificates": [str(pki.ca_file)],
        },
    )
    dialog = open_dialog(policy)
    source = tmp_path / "etc" / "policy.json"
    reason = f"Set by your organisation ({source}: ProxyUrl)."
    assert not dialog.proxy.isEnabled() and not dialog.proxy.url.isEnabled()
    assert dialog.proxy.manual.isChecked()
    assert dialog.proxy.url.text() == "http://proxy.corp.example.com:3128"
    assert dialog.proxy.toolTip() == reason
    notes = [label.text() for label in dialog.findChildren(type(dialog.restart))]
    assert reason in notes
    assert f"Set by your organisation ({source}: ExtraCACertificates)." in notes
    assert not dialog.ca_files.isEnabled() and dialog.ca_files.files() == (str(pki.ca_file),)
    assert dialog.minutes.isEnabled()


def test_a_recommendation_is_a_default_the_user_may_change(
    tmp_path: Path, open_dialog, qtbot, settings_file: Path
) -> None:
    policy = company_policy(tmp_path, {"Recommended": {"SyncIntervalMinutes": 15}})
    dialog = open_dialog(policy)
    assert dialog.minutes.isEnabled() and dialog.minutes.value() == 15
    notes = [label.text() for label in dialog.findChildren(type(dialog.restart))]
    assert any(n.startswith("Recommended by your organisation (") for n in notes)
    dialog.save()
    # Left as shown: nothing is pinned, so a new recommendation from IT still applies.
    assert settings.read(settings_file) == (UserSettings(), [])
    assert not dialog.isVisible()


def test_policy_errors_are_listed(tmp_path: Path, open_dialog) -> None:
    policy = company_policy(tmp_path, {"SyncIntervalMinutes": "often", "Colour": "red"})
    dialog = open_dialog(policy)
    assert dialog.problems is not None and dialog.problems.isVisible()
    text = "\n".join(label.text() for label in dialog.problems.findChildren(type(dialog.restart)))
    for error in policy.errors:
        assert f"• {error}" in text
    assert "Send these lines to your IT help desk." in text


def test_no_problems_no_problem_box(open_dialog) -> None:
    assert open_dialog().problems is None


def test_a_manual_proxy_from_the_keyboard_then_enter_saves(
    open_dialog, qtbot, settings_file: Path
) -> None:
    dialog = open_dialog()
    assert dialog.proxy.system.isChecked() and not dialog.proxy.url.isEnabled()
    assert not dialog.restart.isVisible()
    dialog.proxy.system.setFocus()
    qtbot.keyClick(dialog.proxy.system, Qt.Key.Key_Down)
    assert dialog.proxy.none.isChecked() and dialog.proxy.none.hasFocus()
    qtbot.keyClick(dialog.proxy.none, Qt.Key.Key_Down)
    assert dialog.proxy.manual.isChecked() and dialog.proxy.url.isEnabled()
    qtbot.keyClick(dialog.proxy.manual, Qt.Key.Key_Tab)
    assert dialog.proxy.url.hasFocus()
    qtbot.keyClicks(dialog.proxy.url, "http://proxy.corp.example.com:3128")
    assert dialog.restart.isVisible() and dialog.restart.text() == RESTART
    qtbot.keyClick(dialog.proxy.url, Qt.Key.Key_Return)
    assert not dialog.isVisible()
    assert settings.read(settings_file) == (
        UserSettings(proxy="http://proxy.corp.example.com:3128"),
        [],
    )


def test_a_bad_proxy_url_is_refused_in_place(open_dialog, qtbot, settings_file: Path) -> None:
    dialog = open_dialog()
    dialog.proxy.manual.setChecked(True)
    qtbot.keyClicks(dialog.proxy.url, "proxy.corp:3128")
    qtbot.keyClick(dialog.proxy.url, Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.proxy.error.isVisible()
    assert dialog.proxy.error.text() == (
        "'proxy.corp:3128' is not a proxy address: type it in full, like "
        "http://proxy.example.com:3128."
    )
    assert dialog.proxy.url.hasFocus()
    assert not settings_file.exists()
    qtbot.keyClicks(dialog.proxy.url, "x")  # typing again clears the complaint
    assert not dialog.proxy.error.isVisible()


def test_ca_files_are_added_checked_and_removed_with_delete(
    tmp_path: Path, open_dialog, qtbot, settings_file: Path
) -> None:
    pki = write_ca(tmp_path / "pki")
    dialog = open_dialog()
    missing = str(tmp_path / "missing.pem")
    dialog.ca_files.add_files([str(pki.ca_file), str(pki.key_file), missing])
    assert dialog.ca_files.files() == (str(pki.ca_file),)
    assert dialog.ca_files.error.isVisible()
    assert f"Not added: the CA certificate file {missing!r} does not exist." in (
        dialog.ca_files.error.text()
    )
    assert "could not be read as PEM certificates" in dialog.ca_files.error.text()
    assert dialog.ca_files.list.hasFocus() and dialog.ca_files.remove.isEnabled()
    dialog.save()
    assert settings.read(settings_file)[0].extra_ca_files == (str(pki.ca_file),)

    dialog = open_dialog()
    assert dialog.ca_files.files() == (str(pki.ca_file),)
    dialog.ca_files.list.setCurrentRow(0)
    dialog.ca_files.list.setFocus()
    qtbot.keyClick(dialog.ca_files.list, Qt.Key.Key_Delete)
    assert dialog.ca_files.files() == ()
    dialog.save()
    assert settings.read(settings_file)[0].extra_ca_files == ()


def test_add_opens_a_file_picker_that_does_not_block(tmp_path: Path, open_dialog, qtbot) -> None:
    pki = write_ca(tmp_path / "pki")
    dialog = open_dialog()
    qtbot.mouseClick(dialog.ca_files.add, Qt.MouseButton.LeftButton)
    [picker] = dialog.findChildren(QFileDialog)
    qtbot.waitExposed(picker)
    assert picker.fileMode() == QFileDialog.FileMode.ExistingFiles
    picker.filesSelected.emit([str(pki.ca_file)])
    picker.close()
    assert dialog.ca_files.files() == (str(pki.ca_file),)


def test_a_user_ca_file_that_went_missing_is_shown_to_be_removed(
    tmp_path: Path, open_dialog, settings_file: Path
) -> None:
    gone = str(tmp_path / "old-root.pem")
    settings.write(settings_file, UserSettings(extra_ca_files=(gone,)))
    dialog = open_dialog()
    assert dialog.ca_files.files() == (gone,)
    text = dialog.problems.findChildren(type(dialog.restart))[0].text()
    assert f"Not used: the CA certificate file {gone!r} does not exist" in text


def test_escape_cancels_without_saving(open_dialog, qtbot, settings_file: Path) -> None:
    dialog = open_dialog()
    dialog.minutes.setFocus()
    dialog.minutes.setValue(45)
    qtbot.keyClick(dialog.minutes, Qt.Key.Key_Escape)
    assert not dialog.isVisible() and not settings_file.exists()


def test_only_what_changed_is_saved(open_dialog, settings_file: Path) -> None:
    settings.write(settings_file, UserSettings(proxy="none"))
    dialog = open_dialog()
    assert dialog.proxy.none.isChecked()
    dialog.minutes.setValue(30)
    dialog.save()
    assert settings.read(settings_file) == (
        UserSettings(proxy="none", sync_interval_minutes=30),
        [],
    )


def test_a_settings_file_that_cannot_be_written_says_so(tmp_path: Path, qtbot, monkeypatch) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("")
    dialog = SettingsDialog(None, None, policy=NO_POLICY, path=blocked / "settings.json")
    qtbot.addWidget(dialog)
    dialog.open()
    dialog.minutes.setValue(30)
    dialog.save()
    [box] = dialog.findChildren(QMessageBox)
    assert box.text().startswith(f"Your settings could not be saved to {blocked}/settings.json")
    assert box.text().endswith("nothing was changed.")
    assert dialog.isVisible()
    box.close()
    dialog.close()


def test_every_enabled_field_is_reachable_with_tab(open_dialog) -> None:
    dialog = open_dialog()
    wanted: list[QWidget] = [
        dialog.proxy.system,
        dialog.ca_files.list,
        dialog.ca_files.add,
        dialog.minutes,
        *dialog.buttons.buttons(),
    ]
    chain, widget = [], dialog.nextInFocusChain()
    while widget is not dialog:
        if widget.focusPolicy() & Qt.FocusPolicy.TabFocus and widget.isEnabled():
            chain.append(widget)
        widget = widget.nextInFocusChain()
    for field in wanted:
        assert field in chain, field
    assert chain.index(dialog.proxy.system) < chain.index(dialog.ca_files.list)
    assert chain.index(dialog.ca_files.list) < chain.index(dialog.minutes)


def test_ctrl_comma_opens_it_from_the_window(
    open_window, synced_core, qtbot, monkeypatch, settings_file: Path
) -> None:
    monkeypatch.setattr("app.policy.load", lambda: NO_POLICY)
    monkeypatch.setattr("app.settings.settings_path", lambda: settings_file)
    window = open_window(synced_core)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(window.findChildren(SettingsDialog)))
    [dialog] = window.findChildren(SettingsDialog)
    qtbot.waitExposed(dialog)
    assert dialog.windowTitle() == "Settings"
    dialog.reject()


def test_the_undo_send_grace_period_is_chosen_in_settings(
    open_dialog, qtbot, settings_file: Path
) -> None:
    dialog = open_dialog()
    assert dialog.undo_seconds.value() == settings.DEFAULT_UNDO_SEND_SECONDS
    dialog.undo_seconds.setFocus()
    dialog.undo_seconds.selectAll()
    qtbot.keyClicks(dialog.undo_seconds, "30")
    qtbot.keyClick(dialog.undo_seconds, Qt.Key.Key_Return)
    assert not dialog.isVisible()
    assert settings.read(settings_file) == (UserSettings(undo_send_seconds=30), [])


def test_an_organisations_least_undo_send_wait_bounds_the_choice(
    tmp_path: Path, open_dialog, qtbot, settings_file: Path
) -> None:
    settings.write(settings_file, UserSettings(undo_send_seconds=5))
    policy = company_policy(tmp_path, {"MinimumUndoSendSeconds": 30})
    dialog = open_dialog(policy)
    # The user's 5 s is raised to the floor; longer waits stay theirs to choose.
    assert dialog.undo_seconds.isEnabled()
    assert (dialog.undo_seconds.minimum(), dialog.undo_seconds.value()) == (30, 30)
    assert dialog.undo_seconds.specialValueText() == ""  # 30 s is no "off"
    notes = [label.text() for label in dialog.findChildren(type(dialog.restart))]
    source = tmp_path / "etc" / "policy.json"
    assert f"At least 30: set by your organisation ({source}: MinimumUndoSendSeconds)." in notes
    dialog.undo_seconds.setFocus()
    dialog.undo_seconds.selectAll()
    qtbot.keyClicks(dialog.undo_seconds, "45")
    qtbot.keyClick(dialog.undo_seconds, Qt.Key.Key_Return)
    assert settings.read(settings_file) == (UserSettings(undo_send_seconds=45), [])
