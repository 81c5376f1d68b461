"""``fireside doctor`` shows the policy in force: each key, its value (credentials in URLs
redacted) and its source, the settings in use, and policy errors as problems; and each
account as policy leaves it, in the Accounts dialog's words."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from app import cli, settings
from app.config import database_path
from app.domain import Account
from app.policy import Policy, PolicyValue, load_from
from app.policy.linux import PolicyFile
from app.settings import UserSettings
from app.store import Store, accounts

PASSWORD = "s3cret-Pa55"


@pytest.fixture
def policy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Policy:
    folder = tmp_path / "etc"
    folder.mkdir()
    path = folder / "policy.json"
    path.write_text(
        json.dumps(
            {
                "ProxyUrl": f"http://fireside:{PASSWORD}@proxy.example.com:3128",
                "AllowedNetworks": ["wordpress", "matrix"],
                "SyncIntervalMinutes": "often",
                "Recommended": {"SyncIntervalMinutes": 15},
            }
        )
    )
    path.chmod(0o644)
    loaded = load_from([PolicyFile(path, owner_uid=os.getuid())])
    monkeypatch.setattr("app.policy.load", lambda: loaded)
    user_file = tmp_path / "config" / "settings.json"
    settings.write(user_file, UserSettings(proxy="none", sync_interval_minutes=30))
    monkeypatch.setattr("app.settings.settings_path", lambda: user_file)
    return loaded


def test_doctor_prints_each_policy_value_with_its_source(
    capsys, tmp_path: Path, policy: Policy
) -> None:
    code = cli.main(["--data-dir", str(tmp_path / "data"), "doctor"])
    out = capsys.readouterr().out
    assert code == 1  # a malformed policy is a problem IT must fix
    source = tmp_path / "etc" / "policy.json"
    user_file = tmp_path / "config" / "settings.json"
    for line in (
        "Policy: 3 values",
        f"  ProxyUrl = http://[redacted]@proxy.example.com:3128 (enforced; {source}: ProxyUrl)",
        f"  AllowedNetworks = wordpress, matrix (enforced; {source}: AllowedNetworks)",
        f"  SyncIntervalMinutes = 15 (recommended; {source}: Recommended.SyncIntervalMinutes)",
        f"Settings file: {user_file}",
        f"  proxy = http://[redacted]@proxy.example.com:3128 (locked: {source}: ProxyUrl)",
        "  extra_ca_files = none (default)",
        f"  sync_interval_minutes = 30 (your settings ({user_file}))",
        f"PROBLEM: Policy: {source}: SyncIntervalMinutes: 'often' is not a whole number of "
        "minutes from 1 to 10080; ignored.",
    ):
        assert line in out.splitlines(), line
    assert PASSWORD not in out


def test_doctor_json_has_the_policy_and_never_the_password(
    capsys, tmp_path: Path, policy: Policy
) -> None:
    code = cli.main(["--data-dir", str(tmp_path / "data"), "doctor", "--json"])
    out = capsys.readouterr().out
    assert code == 1 and PASSWORD not in out
    report = json.loads(out)
    source = tmp_path / "etc" / "policy.json"
    assert report["policy"]["values"][0] == {
        "key": "ProxyUrl",
        "value": "http://[redacted]@proxy.example.com:3128",
        "source": f"{source}: ProxyUrl",
        "enforced": True,
    }
    [error] = report["policy"]["errors"]
    assert error.startswith(f"{source}: SyncIntervalMinutes: ")
    assert f"Policy: {error}" in report["problems"]
    assert report["settings"]["values"]["sync_interval_minutes"] == {
        "value": 30,
        "source": f"your settings ({tmp_path / 'config' / 'settings.json'})",
        "locked": False,
    }


def test_doctor_without_policy_says_so(capsys, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr("app.policy.load", Policy)
    monkeypatch.setattr("app.settings.settings_path", lambda: tmp_path / "settings.json")
    cli.main(["--data-dir", str(tmp_path / "data"), "doctor"])
    out = capsys.readouterr().out.splitlines()
    assert "Policy: none" in out
    assert "  proxy = system (default)" in out


def test_doctor_names_each_account_with_the_state_the_accounts_dialog_shows(
    capsys, tmp_path: Path, monkeypatch
) -> None:
    source = "/etc/fireside/policy.json"
    values = {"BlockedNetworks": ["matrix"], "SandboxEnabled": False}
    policy = Policy({k: PolicyValue(v, f"{source}: {k}") for k, v in values.items()})
    monkeypatch.setattr("app.policy.load", lambda: policy)
    monkeypatch.setattr("app.settings.settings_path", lambda: tmp_path / "settings.json")
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    store = Store(database_path(data_dir))
    for account in (
        Account("sandbox", "sandbox", "Sandbox", "http://127.0.0.1:1"),
        Account("wordpress-1", "wordpress", "Blog", "https://blog.example.com"),
        Account("matrix-1", "matrix", "Town hall", "https://matrix.example.com"),
        Account("friendica-1", "friendica", "Toots", "https://social.example.com"),
    ):
        store.run_sync(accounts.add_account, account)
    store.close()

    cli.main(["--data-dir", str(data_dir), "doctor"])

    out = capsys.readouterr().out.splitlines()
    for line in (
        "  Sandbox: Blocked by policy (Sandbox, http://127.0.0.1:1; last sync never): Your "
        f"organisation turned the built-in sandbox off. Set by your organisation ({source}: "
        "SandboxEnabled).",
        "  Blog: Connected (WordPress, https://blog.example.com; last sync never)",
        "  Town hall: Blocked by policy (Matrix, https://matrix.example.com; last sync never): "
        "Your organisation does not allow Matrix accounts. Set by your organisation "
        f"({source}: BlockedNetworks).",
        "  Toots: Error (friendica, https://social.example.com; last sync never): This version "
        "of Fireside cannot connect to friendica.",
    ):
        assert line in out, line
