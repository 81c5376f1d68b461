"""Secrets go to a real OS keyring or nowhere: unusable backends raise SecretStoreError
with guidance, nothing is written in plain text, and no secret reaches the log."""

from __future__ import annotations

import logging
import sys

import pytest
from keyring.backend import KeyringBackend
from keyring.backends import chainer, fail, null
from keyring.errors import KeyringLocked, PasswordSetError

from app import secrets
from app.errors import SecretStoreError

SECRET = "s3cr3t-T0KEN-never-shown"


class LockedKeyring(KeyringBackend):
    """A Secret Service whose collection stays locked, and echoes what it was given."""

    priority = 1

    def get_password(self, service: str, username: str) -> str | None:
        raise KeyringLocked("Failed to unlock the collection!")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise PasswordSetError(f"could not store {password}")

    def delete_password(self, service: str, username: str) -> None:
        raise KeyringLocked("Failed to unlock the collection!")


def test_round_trip_in_the_keyring(memory_keyring) -> None:
    assert secrets.get_secret("acme") is None
    secrets.set_secret("acme", SECRET)
    assert secrets.get_secret("acme") == SECRET
    assert memory_keyring.entries == {(secrets.SERVICE, "acme"): SECRET}
    secrets.set_secret("acme", "rotated")
    assert secrets.get_secret("acme") == "rotated"
    secrets.delete_secret("acme")
    assert secrets.get_secret("acme") is None
    secrets.delete_secret("acme")  # forgetting twice is fine


def test_usable_backend_is_reported_by_name(memory_keyring) -> None:
    assert secrets.backend_problem() is None
    assert secrets.backend_name() == "keyring_fixtures.MemoryKeyring"


@pytest.mark.parametrize("kind", ["fail", "null", "plaintext"])
def test_unusable_backend_raises_with_guidance(
    use_keyring, memory_keyring, kind, tmp_path, monkeypatch
):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    # keyrings.alt's PlaintextKeyring, which keyring would pick silently, by its name:
    plaintext = type(
        "PlaintextKeyring", (type(memory_keyring),), {"__module__": "keyrings.alt.file"}
    )
    backend = use_keyring(
        {"fail": fail.Keyring, "null": null.Keyring, "plaintext": plaintext}[kind]()
    )
    for call, call_args in (
        (secrets.set_secret, ("acme", SECRET)),
        (secrets.get_secret, ("acme",)),
        (secrets.delete_secret, ("acme",)),
    ):
        with pytest.raises(SecretStoreError) as raised:
            call(*call_args)
        assert _guidance_in(str(raised.value))
        assert SECRET not in str(raised.value)
    assert secrets.backend_problem() is not None
    assert getattr(backend, "entries", {}) == {}, "nothing may be stored in plain text"
    assert not [p for p in tmp_path.rglob("*") if p.is_file() and SECRET in p.read_text()]


def test_chainer_with_nothing_to_chain_is_unusable(use_keyring, monkeypatch) -> None:
    monkeypatch.setattr(chainer.ChainerBackend, "backends", [])
    use_keyring(chainer.ChainerBackend())
    assert "(nothing)" in secrets.backend_name()
    with pytest.raises(SecretStoreError) as raised:
        secrets.get_secret("acme")
    assert _guidance_in(str(raised.value))


def test_chainer_names_what_it_chains(use_keyring, memory_keyring, monkeypatch) -> None:
    monkeypatch.setattr(chainer.ChainerBackend, "backends", [memory_keyring])
    use_keyring(chainer.ChainerBackend())
    assert secrets.backend_problem() is None
    assert secrets.backend_name().endswith("(keyring_fixtures.MemoryKeyring)")


def test_backend_errors_become_secret_store_errors(use_keyring) -> None:
    use_keyring(LockedKeyring())
    with pytest.raises(SecretStoreError, match="Failed to unlock"):
        secrets.get_secret("acme")
    with pytest.raises(SecretStoreError, match="could not store") as raised:
        secrets.set_secret("acme", SECRET)
    assert SECRET not in str(raised.value)
    assert raised.value.__suppress_context__, "the backend's own error must not be chained"


def test_secrets_never_reach_the_log(memory_keyring, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    secrets.set_secret("acme", SECRET)
    secrets.get_secret("acme")
    secrets.delete_secret("acme")
    assert "acme" in caplog.text
    assert SECRET not in caplog.text


def test_install_hint_names_linux_keyrings(monkeypatch) -> None:
    monkeypatch.setattr(sys, "platform", "linux")
    assert "gnome-keyring" in secrets.install_hint()
    assert "KWallet" in secrets.install_hint()


def _guidance_in(message: str) -> bool:
    """The message tells the user what to install or do on this platform."""
    expected = {"linux": "gnome-keyring", "darwin": "Keychain", "win32": "Credential Manager"}
    return expected.get(sys.platform, "keyring") in message and "keyring" in message.lower()


def test_a_long_secret_is_kept_in_parts_no_larger_than_windows_allows(memory_keyring) -> None:
    long_secret = "x" * (3 * secrets.PART_CHARS + 7)
    secrets.set_secret("m365", long_secret)
    assert secrets.get_secret("m365") == long_secret
    stored = memory_keyring.entries.values()
    assert all(len(value.encode("utf-16-le")) <= 2560 for value in stored)
    assert len(memory_keyring.entries) == 5  # the head and four parts


def test_replacing_a_long_secret_leaves_no_old_parts(memory_keyring) -> None:
    secrets.set_secret("m365", "a" * 2500)
    secrets.set_secret("m365", "b" * 2500)
    assert secrets.get_secret("m365") == "b" * 2500
    assert len(memory_keyring.entries) == 4
    secrets.set_secret("m365", "short")
    assert memory_keyring.entries == {(secrets.SERVICE, "m365"): "short"}
    secrets.set_secret("m365", "c" * 2500)
    secrets.delete_secret("m365")
    assert memory_keyring.entries == {}


def test_a_secret_missing_a_part_reads_as_no_secret(memory_keyring) -> None:
    secrets.set_secret("m365", "a" * 2500)
    part = next(k for k in memory_keyring.entries if k[1] != "m365")
    del memory_keyring.entries[part]
    assert secrets.get_secret("m365") is None
