"""Account secrets in the OS keyring, and nowhere else.

Tokens and passwords live only in the keyring the OS provides (Secret Service on Linux,
Keychain on macOS, Credential Manager on Windows). When no usable backend is active this
module raises :class:`SecretStoreError` with what to install or do; it never falls back to
a file, the database or the environment. Nothing here logs a secret, only account ids.

Usable means: not keyring's ``fail``/``null`` backends, not a chainer with nothing to
chain, and not a plaintext file keyring (``keyrings.alt``), which keyring would otherwise
pick silently.

``keyring`` (and the backends it discovers, each platform's included) is imported on the
first call here, not with the module: the window paints its inbox before it asks for a
secret.
"""

from __future__ import annotations

import logging
import sys
from typing import TYPE_CHECKING

from app.errors import SecretStoreError

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend
    from keyring.errors import KeyringError

log = logging.getLogger(__name__)

#: The keyring "service" under which every Fireside secret is filed (one entry per account).
SERVICE = "Fireside"

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
    """The secret stored for an account, or None when there is none."""
    backend = _usable_backend()
    from keyring.errors import KeyringError

    try:
        return backend.get_password(SERVICE, account_id)
    except KeyringError as exc:
        raise _failure("read the credentials of", account_id, exc) from None


def set_secret(account_id: str, secret: str) -> None:
    """Store (or replace) an account's secret in the keyring."""
    backend = _usable_backend()
    from keyring.errors import KeyringError

    try:
        backend.set_password(SERVICE, account_id, secret)
    except KeyringError as exc:
        raise _failure("save the credentials of", account_id, exc, secret) from None
    log.info("stored credentials for account %s in %s", account_id, _qualified(backend))


def delete_secret(account_id: str) -> None:
    """Forget an account's secret; forgetting one that is not there is not an error."""
    backend = _usable_backend()
    from keyring.errors import KeyringError

    try:
        if backend.get_password(SERVICE, account_id) is None:
            return
        backend.delete_password(SERVICE, account_id)
    except KeyringError as exc:
        raise _failure("remove the credentials of", account_id, exc) from None
    log.info("removed credentials for account %s", account_id)


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
