"""Account secrets in the OS keyring, and nowhere else.

Tokens and passwords live only in the keyring the OS provides (Secret Service on Linux,
Keychain on macOS, Credential Manager on Windows). When no usable backend is active this
module raises :class:`SecretStoreError` with what to install or do; it never falls back to
a file, the database or the environment. Nothing here logs a secret, only account ids.

Usable means: not keyring's ``fail``/``null`` backends, not a chainer with nothing to
chain, and not a plaintext file keyring (``keyrings.alt``), which keyring would otherwise
pick silently.

A secret longer than one keyring entry may hold (Windows Credential Manager takes at most
2,560 bytes, 1,280 UTF-16 characters, per credential; an MSAL token cache is larger) is
kept in parts: entries ``<name>#<generation>.<n>`` hold the text and the entry ``<name>``
holds a head naming the generation, the number of parts and a checksum. A new value's
parts are written first and the head last, so a crash mid-write leaves the old value
readable; the old generation's parts go once the head moved on.

``keyring`` (and the backends it discovers, each platform's included) is imported on the
first call here, not with the module: the window paints its inbox before it asks for a
secret.
"""

from __future__ import annotations

import hashlib
import logging
import secrets as random
import sys
from typing import TYPE_CHECKING

from app.errors import SecretStoreError

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend
    from keyring.errors import KeyringError

log = logging.getLogger(__name__)

#: The keyring "service" under which every Fireside secret is filed (one entry per account).
SERVICE = "Fireside"

#: The longest secret kept in one entry, in characters (ASCII JSON: 2,000 bytes in UTF-16,
#: below Windows' 2,560-byte limit per credential). Longer ones are kept in parts.
PART_CHARS = 1000
#: How a head entry starts: "fireside-parts:v1:<generation>:<parts>:<sha256 prefix>".
_HEAD = "fireside-parts:v1:"

#: Backends that store secrets as readable text on disk: refused, whatever their priority.
PLAINTEXT_BACKENDS = frozenset({"keyrings.alt.file.PlaintextKeyring"})


def backend_name(backend: KeyringBackend | None = None) -> str:
    """The active backend's full class name; a chainer also names what it chains."""
    import keyring
    from keyring.backends import chainer

    backend = backend or keyring.get_keyring()
    name = _qualified(backend)
    if isinstance(backend, chainer.ChainerBackend):
        chained = ", ".join(_qualified(b) for b in backend.backends) or "nothing"
        name = f"{name} ({chained})"
    return name


def backend_problem(backend: KeyringBackend | None = None) -> str | None:
    """None when the backend can hold secrets safely, else a sentence saying what to do."""
    import keyring
    from keyring.backends import chainer, fail, null

    backend = backend or keyring.get_keyring()
    if isinstance(backend, fail.Keyring | null.Keyring):
        return f"No usable OS keyring was found. {install_hint()}"
    if isinstance(backend, chainer.ChainerBackend) and not backend.backends:
        return f"No usable OS keyring was found. {install_hint()}"
    if _qualified(backend) in PLAINTEXT_BACKENDS:
        return (
            f"The active keyring ({_qualified(backend)}) stores secrets as plain text, "
            f"which Fireside refuses. {install_hint()}"
        )
    return None


def install_hint() -> str:
    """What the user can do on this platform to get a working keyring."""
    if sys.platform.startswith("linux"):
        return (
            "Install and unlock a Secret Service keyring (GNOME Keyring: "
            "'sudo apt install gnome-keyring', or KWallet on KDE) in your desktop "
            "session, then try again."
        )
    if sys.platform == "darwin":
        return "Make sure your login Keychain is unlocked (Keychain Access), then try again."
    if sys.platform == "win32":
        return "Make sure Windows Credential Manager is available to your account."
    return "Install a keyring backend supported by the Python 'keyring' package."


def get_secret(account_id: str) -> str | None:
    """The secret stored under ``account_id`` (an account id, or a name accounts share),
    or None when there is none; a secret kept in parts comes back whole."""
    backend = _usable_backend()
    from keyring.errors import KeyringError

    try:
        stored = backend.get_password(SERVICE, account_id)
        if stored is None or not stored.startswith(_HEAD):
            return stored
        generation, count, digest = _parse_head(stored)
        parts = [
            backend.get_password(SERVICE, _part(account_id, generation, n)) for n in range(count)
        ]
    except KeyringError as exc:
        raise _failure("read the credentials of", account_id, exc) from None
    if any(part is None for part in parts):
        log.warning("credentials of %s are incomplete in the keyring", account_id)
        return None
    whole = "".join(p for p in parts if p is not None)
    if _digest(whole) != digest:
        log.warning("credentials of %s do not match their checksum", account_id)
        return None
    return whole


def set_secret(account_id: str, secret: str) -> None:
    """Store (or replace) a secret in the keyring, in parts when it is long."""
    backend = _usable_backend()
    from keyring.errors import KeyringError

    try:
        old = backend.get_password(SERVICE, account_id)
    except KeyringError:  # the write below says what is wrong, in its own words
        old = None
    try:
        if len(secret) <= PART_CHARS and not secret.startswith(_HEAD):
            backend.set_password(SERVICE, account_id, secret)
        else:
            generation = random.token_hex(4)
            chunks = [secret[i : i + PART_CHARS] for i in range(0, len(secret), PART_CHARS)]
            for n, chunk in enumerate(chunks):
                backend.set_password(SERVICE, _part(account_id, generation, n), chunk)
            head = f"{_HEAD}{generation}:{len(chunks)}:{_digest(secret)}"
            backend.set_password(SERVICE, account_id, head)
        _delete_parts(backend, account_id, old)
    except KeyringError as exc:
        raise _failure("save the credentials of", account_id, exc, secret) from None
    log.info("stored credentials for %s in %s", account_id, _qualified(backend))


def delete_secret(account_id: str) -> None:
    """Forget a secret; forgetting one that is not there is not an error."""
    backend = _usable_backend()
    from keyring.errors import KeyringError

    try:
        stored = backend.get_password(SERVICE, account_id)
        if stored is None:
            return
        backend.delete_password(SERVICE, account_id)
        _delete_parts(backend, account_id, stored)
    except KeyringError as exc:
        raise _failure("remove the credentials of", account_id, exc) from None
    log.info("removed credentials for %s", account_id)


def _part(name: str, generation: str, n: int) -> str:
    return f"{name}#{generation}.{n}"


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _parse_head(head: str) -> tuple[str, int, str]:
    generation, count, digest = head.removeprefix(_HEAD).split(":")
    return generation, int(count), digest


def _delete_parts(backend: KeyringBackend, name: str, head: str | None) -> None:
    """Delete the parts a (previous) head names; parts already gone are skipped."""
    if head is None or not head.startswith(_HEAD):
        return
    generation, count, _ = _parse_head(head)
    for n in range(count):
        part = _part(name, generation, n)
        if backend.get_password(SERVICE, part) is not None:
            backend.delete_password(SERVICE, part)


def _usable_backend() -> KeyringBackend:
    import keyring

    backend = keyring.get_keyring()
    problem = backend_problem(backend)
    if problem is not None:
        raise SecretStoreError(problem)
    return backend


def _failure(
    action: str, account_id: str, exc: KeyringError, secret: str | None = None
) -> SecretStoreError:
    """The backend's reason in our words; ``from None`` at the call keeps its traceback out."""
    reason = str(exc) or type(exc).__name__
    if secret:  # a careless backend may echo what it was given
        reason = reason.replace(secret, "[redacted]")
    return SecretStoreError(
        f"Could not {action} account {account_id!r} in the OS keyring ({reason}). {install_hint()}"
    )


def _qualified(backend: KeyringBackend) -> str:
    cls = type(backend)
    return f"{cls.__module__}.{cls.__qualname__}"
