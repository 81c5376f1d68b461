"""Which workspace this device is in: kept in ``<data dir>/workspace/workspace.json``
(ids, role, where the shared store is; no secret), and the secrets in the OS keyring:
the pairing secret of every key epoch, this device's private key, a WebDAV password."""

from __future__ import annotations

import json
import os
from pathlib import Path

import msgspec
from msgspec.structs import replace

from app import secrets as keychain
from app.workspace.errors import NotInWorkspace, WorkspaceError
from app.workspace.model import Role, Transport


class Membership(msgspec.Struct, frozen=True):
    workspace_id: str
    device_id: str
    device_name: str
    role: Role
    transport: Transport
    location: str  # a folder path or a WebDAV URL
    webdav_user: str = ""
    epoch: int = 1

    def with_epoch(self, epoch: int) -> Membership:
        return replace(self, epoch=epoch)


def folder(data_dir: Path) -> Path:
    return data_dir / "workspace"


def load(data_dir: Path) -> Membership:
    path = folder(data_dir) / "workspace.json"
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise NotInWorkspace(
            "This device is in no workspace yet: create one (principal) or join one with "
            "a pairing code (delegate)."
        ) from None
    except (OSError, ValueError) as exc:
        raise WorkspaceError(f"The workspace settings in {path} cannot be read ({exc}).") from exc
    return Membership(
        **{**raw, "role": Role(raw["role"]), "transport": Transport(raw["transport"])}
    )


def save(data_dir: Path, membership: Membership) -> None:
    """Written to a temporary file and renamed: a kill leaves the old or the new."""
    target = folder(data_dir) / "workspace.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    part = target.with_suffix(".part")
    part.write_text(json.dumps(msgspec.to_builtins(membership), indent=2), encoding="utf-8")
    os.replace(part, target)


def _entry(m: Membership, what: str) -> str:
    """Keyring entries are per workspace and device (two devices may share one keyring)."""
    return f"workspace:{m.workspace_id}:{m.device_id}:{what}"


def save_epoch_secret(m: Membership, epoch: int, secret: bytes) -> None:
    keychain.set_secret(_entry(m, f"secret:{epoch}"), secret.hex())


def epoch_secret(m: Membership, epoch: int) -> bytes | None:
    stored = keychain.get_secret(_entry(m, f"secret:{epoch}"))
    return bytes.fromhex(stored) if stored else None


def save_device_key(m: Membership, private: bytes) -> None:
    keychain.set_secret(_entry(m, "device"), private.hex())


def device_key(m: Membership) -> bytes:
    stored = keychain.get_secret(_entry(m, "device"))
    if not stored:
        raise WorkspaceError(
            "This device's workspace key is missing from the OS keyring; join the workspace "
            "again with a new pairing code."
        )
    return bytes.fromhex(stored)


def save_webdav_password(m: Membership, password: str) -> None:
    keychain.set_secret(_entry(m, "webdav"), password)


def webdav_password(m: Membership) -> str:
    return keychain.get_secret(_entry(m, "webdav")) or ""


def forget(m: Membership) -> None:
    """Remove this device's workspace secrets from the keyring (leaving the workspace)."""
    for epoch in range(1, m.epoch + 1):
        keychain.delete_secret(_entry(m, f"secret:{epoch}"))
    keychain.delete_secret(_entry(m, "device"))
    keychain.delete_secret(_entry(m, "webdav"))
