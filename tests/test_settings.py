"""The user's own settings file, and the order in force: enforced policy, the user's
choice, recommended policy, the built-in default; each value with its source."""

from __future__ import annotations

import json
import os
from pathlib import Path

import platformdirs
import pytest
from test_connection_tls import write_ca

from app import settings
from app.networks.connection import ConnectionSettings
from app.policy import NO_POLICY, Policy, PolicyValue
from app.settings import UserSettings


def test_the_file_lives_in_the_user_config_dir() -> None:
    expected = Path(platformdirs.user_config_dir("Fireside", appauthor=False)) / "settings.json"
    assert settings.settings_path() == expected


def test_write_then_read_round_trips_and_leaves_no_temp_file(tmp_path: Path) -> None:
    path = tmp_path / "config" / "settings.json"
    chosen = UserSettings("http://proxy.example.com:3128", ("/etc/ssl/corp.pem",), 15)
    settings.write(path, chosen)
    assert settings.read(path) == (chosen, [])
    assert json.loads(path.read_text()) == {
        "proxy": "http://proxy.example.com:3128",
        "extra_ca_files": ["/etc/ssl/corp.pem"],
        "sync_interval_minutes": 15,
    }
    settings.write(path, UserSettings(proxy="none"))
    assert json.loads(path.read_text()) == {"proxy": "none"}
    assert os.listdir(path.parent) == ["settings.json"]


def test_a_failed_write_keeps_the_old_file(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "settings.json"
    settings.write(path, UserSettings(proxy="none"))

    def full_disk(*_args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    with pytest.raises(OSError, match="No space left"):
        settings.write(path, UserSettings(proxy="system"))
    assert settings.read(path) == (UserSettings(proxy="none"), [])
    assert os.listdir(tmp_path) == ["settings.json"]


def test_no_file_means_nothing_chosen(tmp_path: Path) -> None:
    assert settings.read(tmp_path / "settings.json") == (UserSettings(), [])


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"{", "cannot be read (Expecting property name"),
        (b"[]", "is not a JSON object"),
    ],
)
def test_a_damaged_file_means_defaults_and_a_problem(
    tmp_path: Path, content: bytes, problem: str
) -> None:
    path = tmp_path / "settings.json"
    path.write_bytes(content)
    user, [message] = settings.read(path)
    assert user == UserSettings()
    assert message.startswith(f"Your settings file {path} ") and problem in message


def test_a_bad_member_is_dropped_and_the_rest_kept(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(
        json.dumps({"proxy": "squid", "sync_interval_minutes": 0, "extra_ca_files": ["/a.pem"]})
    )
    user, problems = settings.read(path)
    assert user == UserSettings(extra_ca_files=("/a.pem",))
    assert problems == [
        f"Your settings file {path}: proxy: 'squid' is not a proxy URL: use "
        "http://host:port, 'system' or 'none'; the default applies.",
        f"Your settings file {path}: sync_interval_minutes: 0 is not a whole number of "
        "minutes from 1 to 10080; the default applies.",
    ]


def test_the_undo_send_grace_period_is_the_users_own(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    assert settings.effective(NO_POLICY, path).undo_send_seconds.value == 10
    settings.write(path, UserSettings(undo_send_seconds=0))
    assert settings.effective(NO_POLICY, path).undo_send_seconds.value == 0  # off
    path.write_text(json.dumps({"undo_send_seconds": 600}))
    user, problems = settings.read(path)
    assert user == UserSettings()
    assert problems == [
        f"Your settings file {path}: undo_send_seconds: 600 is not a whole number of seconds "
        "from 0 to 120; the default applies."
    ]


def _policy(**entries: PolicyValue) -> Policy:
    return Policy(values=entries)


def test_defaults_when_nothing_is_set(tmp_path: Path) -> None:
    in_use = settings.effective(NO_POLICY, tmp_path / "settings.json")
    assert (in_use.proxy.value, in_use.proxy.source, in_use.proxy.locked) == (
        "system",
        "default",
        None,
    )
    assert in_use.sync_interval_minutes.value == settings.DEFAULT_SYNC_MINUTES
    assert in_use.connection == ConnectionSettings()


def test_enforced_then_user_then_recommended_then_default(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    settings.write(path, UserSettings(proxy="none", sync_interval_minutes=30))
    policy = _policy(
        ProxyUrl=PolicyValue("http://corp.example.com:8080", "/etc/fireside/policy.json: ProxyUrl"),
        SyncIntervalMinutes=PolicyValue(5, "HKLM: Recommended", locked=False),
        ExtraCACertificates=PolicyValue([], "HKLM: Recommended", locked=False),
    )
    in_use = settings.effective(policy, path)
    assert in_use.proxy.value == "http://corp.example.com:8080"
    assert in_use.proxy.locked == (
        "Set by your organisation (/etc/fireside/policy.json: ProxyUrl)."
    )
    minutes = in_use.sync_interval_minutes
    assert (minutes.value, minutes.source, minutes.locked) == (
        30,
        f"your settings ({path})",
        None,
    )
    assert in_use.extra_ca_files.source == "recommended by your organisation (HKLM: Recommended)"
    assert in_use.connection == ConnectionSettings("http://corp.example.com:8080", ())


def test_ca_files_that_are_gone_are_left_out_with_a_problem(tmp_path: Path) -> None:
    pki = write_ca(tmp_path / "pki")
    path = tmp_path / "settings.json"
    gone = str(tmp_path / "gone.pem")
    settings.write(path, UserSettings(extra_ca_files=(str(pki.ca_file), gone)))
    in_use = settings.effective(NO_POLICY, path)
    assert in_use.connection.extra_ca_files == (str(pki.ca_file),)
    assert in_use.problems == (
        f"Not used: the CA certificate file {gone!r} does not exist (your settings ({path})).",
    )


FLOOR = PolicyValue(30, r"HKLM\Software\Policies\Fireside\MinimumUndoSendSeconds")


@pytest.mark.parametrize(
    ("chosen", "value", "source"),
    [
        (None, 30, "the least your organisation allows"),  # the default 10, raised
        (5, 30, "the least your organisation allows"),
        (0, 30, "the least your organisation allows"),  # "send at once" is not allowed
        (30, 30, "your settings"),
        (90, 90, "your settings"),
    ],
)
def test_an_enforced_least_undo_send_wait_is_a_floor(
    tmp_path: Path, chosen: int | None, value: int, source: str
) -> None:
    path = tmp_path / "settings.json"
    settings.write(path, UserSettings(undo_send_seconds=chosen))
    undo = settings.effective(_policy(MinimumUndoSendSeconds=FLOOR), path).undo_send_seconds
    assert (undo.value, undo.minimum, undo.locked) == (value, 30, None)
    assert undo.source.startswith(source)
    assert undo.minimum_reason == (
        r"At least 30: set by your organisation (HKLM\Software\Policies\Fireside"
        r"\MinimumUndoSendSeconds)."
    )


def test_without_a_floor_the_undo_send_wait_has_no_minimum(tmp_path: Path) -> None:
    undo = settings.effective(NO_POLICY, tmp_path / "none.json").undo_send_seconds
    assert (undo.value, undo.minimum, undo.minimum_reason) == (10, None, None)
