"""Managed policy from every source, through the seams: a fake registry, a temp folder of
managed preferences, a temp policy.json. Each value keeps its source; a malformed value is
one error naming its file or registry path and key, and the rest still applies."""

from __future__ import annotations

import json
import os
import plistlib
from pathlib import Path
from typing import Any

import pytest
from test_connection_tls import write_ca

import app.policy
from app.networks import client_ids, registry
from app.networks.connection import ConnectionSettings
from app.networks.registry import NETWORK_IDS
from app.policy import load_from, platform_sources
from app.policy.linux import PolicyFile
from app.policy.macos import ManagedPreferences
from app.policy.model import PresetAccount
from app.policy.schema import REG_DWORD, REG_MULTI_SZ, REG_SZ
from app.policy.windows import RegistrySource, WinRegistry

REG_BINARY = 3
POLICY = r"Software\Policies\Fireside"
HKLM, HKCU = rf"HKLM\{POLICY}", rf"HKCU\{POLICY}"

#: Every network id, as policy errors list them.
KNOWN = ", ".join(NETWORK_IDS)


class FakeRegistry:
    """``{"HKLM\\Software\\Policies\\Fireside": {name: (data, type)}}``, like winreg's view."""

    def __init__(self, keys: dict[str, dict[str, tuple[Any, int]]]) -> None:
        self.keys = keys

    def values(self, hive: str, path: str) -> dict[str, tuple[Any, int]] | None:
        return self.keys.get(f"{hive}\\{path}")


def from_registry(keys: dict[str, dict[str, tuple[Any, int]]]) -> app.policy.Policy:
    return load_from([RegistrySource(FakeRegistry(keys))])


def policy_file(folder: Path, data: Any) -> PolicyFile:
    path = folder / "policy.json"
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    path.chmod(0o644)
    folder.chmod(0o755)
    return PolicyFile(path, owner_uid=os.getuid())


def from_json(folder: Path, data: Any) -> app.policy.Policy:
    return load_from([policy_file(folder, data)])


# --- Windows registry -------------------------------------------------------------------


def test_registry_values_of_every_type_with_their_sources() -> None:
    accounts = [{"network": "wordpress", "base_url": "https://blog.example.com", "name": "Blog"}]
    policy = from_registry(
        {
            HKLM: {
                "SandboxEnabled": (0, REG_DWORD),
                "AllowedNetworks": ("wordpress, matrix", REG_SZ),
                "BlockedNetworks": (["sandbox"], REG_MULTI_SZ),
                "ProxyUrl": ("http://proxy.example.com:3128", REG_SZ),
                "SyncIntervalMinutes": (15, REG_DWORD),
                "Accounts": (json.dumps(accounts), REG_SZ),
            }
        }
    )
    assert policy.errors == ()
    assert {key: v.value for key, v in policy.values.items()} == {
        "SandboxEnabled": False,
        "AllowedNetworks": ["wordpress", "matrix"],
        "BlockedNetworks": ["sandbox"],
        "ProxyUrl": "http://proxy.example.com:3128",
        "SyncIntervalMinutes": 15,
        "Accounts": accounts,
    }
    assert policy.values["ProxyUrl"].source == rf"HKLM\{POLICY}\ProxyUrl"
    assert all(v.locked for v in policy.values.values())
    assert policy.locked("ProxyUrl") == rf"Set by your organisation (HKLM\{POLICY}\ProxyUrl)."
    assert not policy.sandbox_enabled
    assert not policy.allows("sandbox") and policy.allows("wordpress")
    assert policy.preset_accounts == (
        PresetAccount(
            "wordpress", "https://blog.example.com", "Blog", "", rf"HKLM\{POLICY}\Accounts"
        ),
    )


def test_machine_policy_outranks_user_policy_and_recommendations_come_last() -> None:
    policy = from_registry(
        {
            HKLM: {"ProxyUrl": ("http://machine.example.com:8080", REG_SZ)},
            HKCU: {
                "ProxyUrl": ("http://user.example.com:8080", REG_SZ),
                "SyncIntervalMinutes": (30, REG_DWORD),
            },
            rf"{HKLM}\Recommended": {
                "SyncIntervalMinutes": (5, REG_DWORD),
                "ExtraCACertificates": ("", REG_SZ),
            },
            rf"{HKCU}\Recommended": {"ProxyUrl": ("none", REG_SZ)},
        }
    )
    assert policy.errors == ()
    proxy, minutes = policy.values["ProxyUrl"], policy.values["SyncIntervalMinutes"]
    assert (proxy.value, proxy.source, proxy.locked) == (
        "http://machine.example.com:8080",
        rf"HKLM\{POLICY}\ProxyUrl",
        True,
    )
    assert (minutes.value, minutes.source) == (30, rf"HKCU\{POLICY}\SyncIntervalMinutes")
    cas = policy.values["ExtraCACertificates"]
    assert (cas.value, cas.locked, cas.source) == (
        [],
        False,
        rf"HKLM\{POLICY}\Recommended\ExtraCACertificates",
    )
    assert policy.locked("ExtraCACertificates") is None


@pytest.mark.parametrize(
    ("name", "value", "problem"),
    [
        ("SandboxEnabled", ("yes", REG_SZ), "'yes' is not a number"),
        ("SandboxEnabled", (2, REG_DWORD), "2 is not true or false"),
        (
            "SandboxEnabled",
            (b"\x01", REG_BINARY),
            "is a REG_BINARY value; it must be REG_DWORD or REG_SZ",
        ),
        ("SyncIntervalMinutes", (0, REG_DWORD), "0 is not a whole number of minutes from 1"),
        ("ProxyUrl", (1, REG_DWORD), "is a REG_DWORD value; it must be REG_SZ"),
        ("ProxyUrl", ("proxy:3128", REG_SZ), "'proxy:3128' is not a proxy URL"),
        ("Accounts", ("[{", REG_SZ), "is not valid JSON"),
        ("Accounts", ('{"network": "matrix"}', REG_SZ), "is not a list"),
    ],
)
def test_a_malformed_registry_value_is_one_error_and_the_rest_applies(
    name: str, value: tuple[Any, int], problem: str
) -> None:
    policy = from_registry({HKLM: {name: value, "BlockedNetworks": ("matrix", REG_SZ)}})
    [error] = policy.errors
    assert error.startswith(rf"HKLM\{POLICY}\{name}: ") and problem in error
    assert error.endswith("; ignored.")
    assert name not in policy.values
    assert policy.value("BlockedNetworks") == ["matrix"]


def test_a_malformed_machine_value_falls_back_to_the_users() -> None:
    policy = from_registry(
        {HKLM: {"ProxyUrl": ("squid", REG_SZ)}, HKCU: {"ProxyUrl": ("none", REG_SZ)}}
    )
    assert policy.values["ProxyUrl"].source == rf"HKCU\{POLICY}\ProxyUrl"
    assert len(policy.errors) == 1


def test_accounts_as_multi_string_one_json_object_per_line() -> None:
    lines = [
        '{"network": "matrix", "base_url": "https://matrix.example.com", "tenant": "!r:ex"}',
        '{"network": "wordpress"}',
    ]
    policy = from_registry({HKCU: {"Accounts": (lines, REG_MULTI_SZ)}})
    assert [a.tenant for a in policy.preset_accounts] == ["!r:ex"]
    [error] = policy.errors
    assert error.startswith(rf"HKCU\{POLICY}\Accounts: account ") and "has no base_url" in error


def test_unknown_registry_values_and_unreadable_keys_are_reported() -> None:
    class Broken(FakeRegistry):
        def values(self, hive: str, path: str) -> dict[str, tuple[Any, int]] | None:
            if hive == "HKCU":
                raise PermissionError("access denied")
            return super().values(hive, path)

    registry = Broken({HKLM: {"proxyURL": ("none", REG_SZ), "Proxy": ("none", REG_SZ)}})
    policy = load_from([RegistrySource(registry)])
    # Registry names are case-insensitive; the source keeps the name as written.
    assert policy.values["ProxyUrl"].source == rf"HKLM\{POLICY}\proxyURL"
    assert policy.errors == (
        rf"HKCU\{POLICY}: cannot be read (access denied); this part of the policy is ignored.",
        rf"HKCU\{POLICY}\Recommended: cannot be read (access denied); this part of the "
        "policy is ignored.",
        rf"HKLM\{POLICY}\Proxy: not a Fireside policy key (known: SandboxEnabled, "
        "AllowedNetworks, BlockedNetworks, ProxyUrl, ExtraCACertificates, "
        "SyncIntervalMinutes, Accounts, Microsoft365TenantId, Microsoft365ClientId, "
        "Microsoft365AuthorityHost, SlackClientId, XClientId, LinkedInClientId, "
        "MinimumUndoSendSeconds); ignored.",
    )


def test_only_user_settings_may_be_recommended() -> None:
    policy = from_registry({rf"{HKLM}\Recommended": {"SandboxEnabled": (0, REG_DWORD)}})
    assert policy.values == {} and policy.sandbox_enabled
    assert policy.errors == (
        rf"HKLM\{POLICY}\Recommended\SandboxEnabled: this key can only be enforced, not "
        "recommended (move it out of Recommended); ignored.",
    )


def test_the_real_registry_is_windows_only() -> None:
    if os.name == "nt":
        pytest.skip("this is the non-Windows half")
    with pytest.raises(OSError, match="only on Windows"):
        WinRegistry().values("HKLM", POLICY)


# --- macOS managed preferences ----------------------------------------------------------


def write_plist(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(plistlib.dumps(data))


def test_managed_preferences_user_file_first_then_device(tmp_path: Path) -> None:
    write_plist(
        tmp_path / "alice" / "com.fireside.Fireside.plist",
        {"ProxyUrl": "http://user.example.com:8080", "Recommended": {"SyncIntervalMinutes": 10}},
    )
    write_plist(
        tmp_path / "com.fireside.Fireside.plist",
        {"ProxyUrl": "http://device.example.com:8080", "SandboxEnabled": False},
    )
    policy = load_from([ManagedPreferences(tmp_path, "alice")])
    assert policy.errors == ()
    user_file = tmp_path / "alice" / "com.fireside.Fireside.plist"
    assert policy.values["ProxyUrl"].source == f"{user_file}: ProxyUrl"
    assert policy.value("ProxyUrl") == "http://user.example.com:8080"
    assert not policy.sandbox_enabled
    minutes = policy.values["SyncIntervalMinutes"]
    assert (minutes.value, minutes.locked) == (10, False)
    assert minutes.source == f"{user_file}: Recommended.SyncIntervalMinutes"


def test_a_damaged_property_list_is_ignored_with_its_path(tmp_path: Path) -> None:
    (tmp_path / "alice").mkdir()
    (tmp_path / "alice" / "com.fireside.Fireside.plist").write_bytes(b"<plist><dict><key>")
    write_plist(tmp_path / "com.fireside.Fireside.plist", {"SandboxEnabled": 0})
    policy = load_from([ManagedPreferences(tmp_path, "alice")])
    [error] = policy.errors
    assert error.startswith(f"{tmp_path / 'alice' / 'com.fireside.Fireside.plist'}: not a ")
    assert error.endswith("the whole file is ignored.")
    assert policy.value("SandboxEnabled") is False


# --- Linux policy.json ------------------------------------------------------------------


def test_policy_json_enforced_and_recommended(tmp_path: Path) -> None:
    pki = write_ca(tmp_path / "pki")
    policy = from_json(
        tmp_path,
        {
            "AllowedNetworks": ["sandbox", "wordpress"],
            "ExtraCACertificates": [str(pki.ca_file)],
            "Recommended": {"ProxyUrl": "http://proxy.example.com:3128"},
        },
    )
    assert policy.errors == ()
    path = tmp_path / "policy.json"
    assert policy.values["AllowedNetworks"].source == f"{path}: AllowedNetworks"
    assert policy.values["ProxyUrl"].source == f"{path}: Recommended.ProxyUrl"
    assert not policy.allows("matrix")
    assert policy.value("ExtraCACertificates") == [str(pki.ca_file)]


@pytest.mark.parametrize(
    ("key", "value", "problem"),
    [
        ("SandboxEnabled", "false", "'false' is not true or false"),
        ("SyncIntervalMinutes", 10081, "10081 is not a whole number of minutes"),
        ("SyncIntervalMinutes", True, "true is not a whole number of minutes"),
        ("ProxyUrl", "socks5://proxy:1080", "is not a proxy URL"),
        ("AllowedNetworks", "sandbox", "'sandbox' is not a list"),
        ("BlockedNetworks", [1], "the entry 1 is not text"),
        ("Accounts", {"network": "matrix"}, "is not a list"),
    ],
)
def test_a_wrong_type_in_policy_json_names_the_file_and_key(
    tmp_path: Path, key: str, value: Any, problem: str
) -> None:
    policy = from_json(tmp_path, {key: value, "ProxyUrl" if key != "ProxyUrl" else "X": "none"})
    errors = [e for e in policy.errors if f": {key}: " in e]
    assert len(errors) == 1
    assert errors[0].startswith(f"{tmp_path / 'policy.json'}: {key}: ") and problem in errors[0]
    assert key not in policy.values


def test_list_entries_are_dropped_one_by_one(tmp_path: Path) -> None:
    policy = from_json(
        tmp_path,
        {
            "AllowedNetworks": ["sandbox", "WordPress", "wordpres"],
            "ExtraCACertificates": [str(tmp_path / "missing.pem")],
            "Accounts": [
                {"network": "wordpress", "base_url": "https://blog.example.com"},
                {"network": "wordpress", "name": "No address"},
                {"network": "matrix", "base_url": "matrix.example.com"},
                {"network": "myspace", "base_url": "https://myspace.com"},
                {"network": "matrix", "base_url": "https://m.example.com", "room": "!x"},
            ],
        },
    )
    # The typo does not lift the restriction: the valid entries still apply.
    assert policy.value("AllowedNetworks") == ["sandbox", "wordpress"]
    assert not policy.allows("matrix")
    assert policy.value("ExtraCACertificates") == []
    assert [a.base_url for a in policy.preset_accounts] == [
        "https://blog.example.com",
        "https://m.example.com",
    ]
    path = tmp_path / "policy.json"
    assert policy.errors == (
        f"{path}: AllowedNetworks: 'wordpres' is not a network id (known: {KNOWN}); "
        "that entry is ignored.",
        f"{path}: ExtraCACertificates: the CA certificate file "
        f"{str(tmp_path / 'missing.pem')!r} does not exist; that entry is ignored.",
        f'{path}: Accounts: account {{"network": "wordpress", "name": "No address"}} has '
        "no base_url; that entry is ignored.",
        f'{path}: Accounts: account {{"network": "matrix", "base_url": '
        "\"matrix.example.com\"} has base_url 'matrix.example.com', not an http(s) URL; "
        "that entry is ignored.",
        f'{path}: Accounts: account {{"network": "myspace", "base_url": '
        f"\"https://myspace.com\"}} has network 'myspace', not one of {KNOWN}; that entry "
        "is ignored.",
        f"{path}: Accounts: account 5 has unknown members room (ignored).",
    )


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('{"ProxyUrl": ', "is not valid JSON (Expecting value: line 1 column 14"),
        ("[1, 2]", "the policy must be a dictionary of keys and values, not list"),
        ("\udcff", "is not valid JSON"),
    ],
)
def test_a_policy_file_that_is_not_a_json_object_is_one_error(
    tmp_path: Path, text: str, problem: str
) -> None:
    path = tmp_path / "policy.json"
    path.write_bytes(text.encode("utf-8", "surrogateescape"))
    path.chmod(0o644)
    policy = load_from([PolicyFile(path, owner_uid=os.getuid())])
    assert policy.values == {}
    [error] = policy.errors
    assert error.startswith(str(path)) and problem in error
    assert error.endswith("; the whole file is ignored.")


@pytest.mark.parametrize(
    ("file_mode", "folder_mode", "owner_offset", "what"),
    [
        (0o664, 0o755, 0, "its file must be owned by root and writable by no one else"),
        (0o646, 0o755, 0, "its file must be owned by root"),
        (0o644, 0o777, 0, "its folder must be owned by root"),
        (0o644, 0o755, 1, "its file must be owned by root"),
    ],
)
def test_a_policy_file_others_could_write_is_ignored(
    tmp_path: Path, file_mode: int, folder_mode: int, owner_offset: int, what: str
) -> None:
    source = policy_file(tmp_path, {"SandboxEnabled": False})
    source.path.chmod(file_mode)
    tmp_path.chmod(folder_mode)
    untrusted = PolicyFile(source.path, owner_uid=os.getuid() + owner_offset)
    policy = load_from([untrusted])
    tmp_path.chmod(0o755)
    assert policy.values == {} and policy.sandbox_enabled
    [error] = policy.errors
    assert error.startswith(f"{source.path} is not trusted: {what}")
    assert "sudo chown root:" in error and error.endswith("; the whole file is ignored.")


def test_no_policy_file_is_no_policy(tmp_path: Path) -> None:
    policy = load_from([PolicyFile(tmp_path / "absent.json")])
    assert policy == app.policy.NO_POLICY


# --- the policy in force ----------------------------------------------------------------


def test_load_reads_once_per_process() -> None:
    assert app.policy.load() is app.policy.load()


@pytest.mark.parametrize(
    ("platform", "kind"),
    [("win32", RegistrySource), ("darwin", ManagedPreferences), ("linux", PolicyFile)],
)
def test_each_platform_reads_its_own_source(platform: str, kind: type) -> None:
    [source] = platform_sources(platform)
    assert isinstance(source, kind)


def test_the_linux_policy_file_path_is_fixed() -> None:
    [source] = platform_sources("linux")
    assert isinstance(source, PolicyFile) and source.path == Path("/etc/fireside/policy.json")


def test_connection_applies_enforced_values_only() -> None:
    policy = from_registry(
        {
            HKLM: {"ProxyUrl": ("none", REG_SZ)},
            rf"{HKLM}\Recommended": {"ExtraCACertificates": ("", REG_SZ)},
        }
    )
    user = ConnectionSettings(proxy="http://mine.example.com:8080", extra_ca_files=("/a.pem",))
    assert policy.connection(user) == ConnectionSettings("none", ("/a.pem",))


def test_slack_client_id_and_least_undo_send_wait_from_the_registry() -> None:
    policy = from_registry(
        {
            HKLM: {
                "SlackClientId": (" 1234567890.9876543210 ", REG_SZ),
                "MinimumUndoSendSeconds": ("30", REG_SZ),  # the MSI's REG_SZ is read too
            }
        }
    )
    assert policy.errors == ()
    assert policy.value("SlackClientId") == "1234567890.9876543210"
    assert policy.value("MinimumUndoSendSeconds") == 30
    slack = registry.suite("slack")
    locked = rf"Set by your organisation (HKLM\{POLICY}\SlackClientId)."
    assert slack.presets(policy) == {"client_id": ("1234567890.9876543210", locked)}
    assert slack.presets(app.policy.NO_POLICY) == {}


@pytest.mark.parametrize(
    ("name", "raw", "why"),
    [
        ("SlackClientId", ("C024BE91L", REG_SZ), "is not a Slack app's Client ID"),
        ("MinimumUndoSendSeconds", (121, REG_DWORD), "is not a whole number of seconds from 0"),
        ("MinimumUndoSendSeconds", ("soon", REG_SZ), "is not a number"),
    ],
)
def test_a_bad_slack_client_id_or_undo_wait_is_reported_and_ignored(name, raw, why) -> None:
    policy = from_registry({HKLM: {name: raw}})
    assert name not in policy.values
    [error] = policy.errors
    assert error.startswith(rf"HKLM\{POLICY}\{name}: ") and why in error


#: Client IDs of the shapes X and LinkedIn show (see app.networks.client_ids).
X_APP_ID, LINKEDIN_APP_ID = "WTNrQS14bUhpMl83aU5adTd2NWM6MTpjaQ", "78abc123def456"


def test_x_and_linkedin_client_ids_from_the_registry_preset_and_lock_their_forms() -> None:
    policy = from_registry(
        {
            HKLM: {
                "XClientId": (f" {X_APP_ID} ", REG_SZ),
                "LinkedInClientId": (LINKEDIN_APP_ID, REG_SZ),
            }
        }
    )
    assert policy.errors == ()
    for network, key, client_id in (
        ("x", "XClientId", X_APP_ID),
        ("linkedin", "LinkedInClientId", LINKEDIN_APP_ID),
    ):
        assert policy.value(key) == client_id
        locked = rf"Set by your organisation (HKLM\{POLICY}\{key})."
        suite = registry.suite(network)
        assert suite.presets(policy) == {"client_id": (client_id, locked)}
        assert suite.presets(app.policy.NO_POLICY) == {}


def test_x_and_linkedin_client_ids_from_policy_json(tmp_path: Path) -> None:
    policy = from_json(tmp_path, {"XClientId": X_APP_ID, "LinkedInClientId": LINKEDIN_APP_ID})
    assert policy.errors == ()
    path = tmp_path / "policy.json"
    assert policy.values["XClientId"].source == f"{path}: XClientId"
    assert policy.value("XClientId") == X_APP_ID
    assert policy.values["LinkedInClientId"].locked
    assert policy.value("LinkedInClientId") == LINKEDIN_APP_ID


def test_x_and_linkedin_client_ids_from_a_configuration_profile(tmp_path: Path) -> None:
    write_plist(
        tmp_path / "com.fireside.Fireside.plist",
        {"XClientId": X_APP_ID, "LinkedInClientId": LINKEDIN_APP_ID},
    )
    policy = load_from([ManagedPreferences(tmp_path, "alice")])
    assert policy.errors == ()
    device_file = tmp_path / "com.fireside.Fireside.plist"
    assert policy.values["LinkedInClientId"].source == f"{device_file}: LinkedInClientId"
    assert (policy.value("XClientId"), policy.value("LinkedInClientId")) == (
        X_APP_ID,
        LINKEDIN_APP_ID,
    )


@pytest.mark.parametrize(
    ("name", "raw", "why"),
    [
        (
            "XClientId",
            f"{X_APP_ID}:secret-pasted-too",
            f"'{X_APP_ID}:secret-pasted-too' is not an X app's OAuth 2.0 Client ID (16 to 64 "
            "letters, digits, - or _, from the app's Keys and tokens page)",
        ),
        (
            "XClientId",
            "short",
            "'short' is not an X app's OAuth 2.0 Client ID (16 to 64 letters, digits, - or _, "
            "from the app's Keys and tokens page)",
        ),
        ("XClientId", 1234567890123456789, "1234567890123456789 is not text"),
        (
            "LinkedInClientId",
            "https://www.linkedin.com/developers/apps/1234/auth",
            "'https://www.linkedin.com/developers/apps/1234/auth' is not a LinkedIn app's "
            "Client ID (8 to 64 letters and digits, from the app's Auth tab)",
        ),
        (
            "LinkedInClientId",
            "78abc 123def456",
            "'78abc 123def456' is not a LinkedIn app's Client ID (8 to 64 letters and digits, "
            "from the app's Auth tab)",
        ),
    ],
)
def test_a_malformed_x_or_linkedin_client_id_is_refused_in_a_sentence(
    tmp_path: Path, name: str, raw: Any, why: str
) -> None:
    policy = from_json(tmp_path, {name: raw})
    assert name not in policy.values
    [error] = policy.errors
    assert error == f"{tmp_path / 'policy.json'}: {name}: {why}; ignored."


@pytest.mark.parametrize(
    ("rule", "client_id"),
    [
        (client_ids.SLACK, "2141029472.691202649728"),
        (client_ids.X, X_APP_ID),
        (client_ids.LINKEDIN, LINKEDIN_APP_ID),
    ],
)
def test_a_client_id_with_a_trailing_newline_is_refused(
    rule: client_ids.ClientIdRule, client_id: str
) -> None:
    assert rule.problem(client_id) is None
    assert rule.problem(client_id + "\n") == (
        f"{client_id + chr(10)!r} is not {rule.named} ({rule.shape})"
    )


def test_the_least_undo_send_wait_cannot_be_only_recommended() -> None:
    policy = from_registry({rf"{HKLM}\Recommended": {"MinimumUndoSendSeconds": (30, REG_DWORD)}})
    assert policy.values == {}
    [error] = policy.errors
    assert "can only be enforced" in error
