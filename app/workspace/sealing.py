"""Every byte a device writes to the shared store is sealed here: ChaCha20-Poly1305 (the
cryptography package's AEAD) under the workspace key of one epoch, the file's name and
the workspace id bound in as associated data (a file renamed or moved between workspaces
does not open). Workspace keys come from the pairing secret through scrypt (memory-hard).

A sealed file is ``MAGIC | epoch (4 bytes) | length (4 bytes) | nonce (12) | ciphertext``;
the length lets a reader tell a file still arriving (shorter than it says: try again
later) from one that does not open (wrong or revoked key, or damaged).
"""

from __future__ import annotations

import os
import struct
from collections.abc import Mapping

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from app.workspace.errors import WorkspaceError, WorkspaceKeyError

MAGIC = b"FWS1"
_HEADER = struct.Struct(">4sII12s")
KEY_BYTES = 32
#: scrypt cost: 2**15 rounds over 32 MiB of memory (about 0.1 s once per key, by design).
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1


class Incomplete(WorkspaceError):
    """The file is shorter than its header says: still being written or synced."""


class Unreadable(WorkspaceError):
    """The file is complete but is no sealed workspace file (damaged, or not ours)."""


def derive_key(secret: bytes, workspace_id: str) -> bytes:
    """The workspace key of one epoch, from the pairing secret; salted by the workspace."""
    kdf = Scrypt(
        salt=b"fireside-workspace:" + workspace_id.encode(),
        length=KEY_BYTES,
        n=SCRYPT_N,
        r=SCRYPT_R,
        p=SCRYPT_P,
    )
    return kdf.derive(secret)


def seal(key: bytes, epoch: int, context: str, plaintext: bytes) -> bytes:
    """Encrypt and authenticate ``plaintext`` for the file ``context`` names."""
    nonce = os.urandom(12)
    sealed = ChaCha20Poly1305(key).encrypt(nonce, plaintext, _aad(epoch, context))
    return _HEADER.pack(MAGIC, epoch, len(sealed), nonce) + sealed


def epoch_of(blob: bytes) -> int:
    """The key epoch a sealed file was written under (readable without the key)."""
    _, epoch, _, _ = _header(blob)
    return epoch


def open_sealed(keys: Mapping[int, bytes], context: str, blob: bytes) -> bytes:
    """The plaintext, if one of ``keys`` (by epoch) opens it; else a clear error."""
    _, epoch, length, nonce = _header(blob)
    body = blob[_HEADER.size :]
    if len(body) < length:
        raise Incomplete(f"{context} is still arriving ({len(body)} of {length} bytes)")
    if len(body) > length:
        raise Unreadable(f"{context} is damaged (longer than it says)")
    key = keys.get(epoch)
    if key is None:
        raise WorkspaceKeyError(
            "This device has no key for the workspace's newer files: it was removed from "
            "the workspace, or has not yet received the new key. Ask the principal for a "
            "new pairing code."
        )
    try:
        return ChaCha20Poly1305(key).decrypt(nonce, body, _aad(epoch, context))
    except InvalidTag:
        raise WorkspaceKeyError(
            "This device's workspace key does not open the shared files: the pairing code "
            "was wrong, or the files were changed by someone without the key. Nothing was "
            "read."
        ) from None


def _header(blob: bytes) -> tuple[bytes, int, int, bytes]:
    if len(blob) < _HEADER.size:
        raise Incomplete(f"only {len(blob)} bytes so far")
    magic, epoch, length, nonce = _HEADER.unpack_from(blob)
    if magic != MAGIC:
        raise Unreadable("not a Fireside workspace file")
    return magic, epoch, length, nonce


def _aad(epoch: int, context: str) -> bytes:
    return MAGIC + struct.pack(">I", epoch) + context.encode()
