"""Handing a rotated workspace key to each remaining member, and no one else.

Every device makes an X25519 key pair when it creates or joins a workspace; the private
half stays in its OS keyring, the public half goes into the shared member list. When the
principal removes a delegate, the new epoch's key is sealed once per remaining device:
an ephemeral X25519 exchange with that device's public key, HKDF-SHA256 to a one-time
key, ChaCha20-Poly1305 over the new key (cryptography's primitives throughout).
"""

from __future__ import annotations

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from app.workspace.errors import WorkspaceKeyError

_RAW = serialization.Encoding.Raw
_PUBLIC_RAW = serialization.PublicFormat.Raw


def new_device_key() -> tuple[bytes, bytes]:
    """A fresh (private, public) X25519 pair, 32 raw bytes each."""
    private = X25519PrivateKey.generate()
    private_raw = private.private_bytes(
        _RAW, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    return private_raw, private.public_key().public_bytes(_RAW, _PUBLIC_RAW)


def wrap(recipient_public: bytes, key: bytes, context: str) -> bytes:
    """``key`` sealed for the holder of ``recipient_public``'s private half."""
    ephemeral = X25519PrivateKey.generate()
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(recipient_public))
    nonce = os.urandom(12)
    sealed = ChaCha20Poly1305(_one_time_key(shared, context)).encrypt(nonce, key, context.encode())
    return ephemeral.public_key().public_bytes(_RAW, _PUBLIC_RAW) + nonce + sealed


def unwrap(private_raw: bytes, envelope: bytes, context: str) -> bytes:
    """The key an envelope carries, or WorkspaceKeyError when it is not for this device."""
    ephemeral, nonce, sealed = envelope[:32], envelope[32:44], envelope[44:]
    private = X25519PrivateKey.from_private_bytes(private_raw)
    try:
        shared = private.exchange(X25519PublicKey.from_public_bytes(ephemeral))
        return ChaCha20Poly1305(_one_time_key(shared, context)).decrypt(
            nonce, sealed, context.encode()
        )
    except (InvalidTag, ValueError):
        raise WorkspaceKeyError(
            "The workspace's new key was not sealed for this device; ask the principal "
            "for a new pairing code."
        ) from None


def _one_time_key(shared: bytes, context: str) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=None,
        info=b"fireside-envelope:" + context.encode(),
    ).derive(shared)
