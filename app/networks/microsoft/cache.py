"""The MSAL token cache of a Microsoft 365 sign-in, kept only in the OS keyring.

One sign-in serves both Microsoft accounts it adds (Viva Engage and Teams): they name the
same keyring entry (``entry_name``), and connectors in one process share one
:class:`KeyringTokenCache` for it (``shared``), so a refresh one of them makes is the
other's too and the entry is written by one writer at a time. The cache is written back
(``app.secrets``, which keeps a long value in parts) whenever MSAL changed it; it never
touches the data directory. :func:`summarize` reads what ``fireside doctor`` shows:
accounts, scopes and expiry times, never a token.
"""

from __future__ import annotations

import json
import logging
import threading
import weakref
from collections.abc import Callable

import msal  # type: ignore[import-untyped]  # MSAL ships no types
import msgspec

from app import secrets
from app.errors import SecretStoreError
from app.networks.microsoft.scopes import granted

log = logging.getLogger(__name__)

#: How keyring entries of Microsoft 365 sign-ins are named.
ENTRY_PREFIX = "microsoft365-"


def entry_name(sign_in_id: str) -> str:
    return f"{ENTRY_PREFIX}{sign_in_id}"


class KeyringTokenCache(msal.SerializableTokenCache):
    """An MSAL cache that ``save``s itself to its keyring entry after each change."""

    has_state_changed: bool  # MSAL's flag, set by its add/modify/deserialize

    def __init__(
        self,
        entry: str,
        serialized: str | None = None,
        save: Callable[[str, str], None] = secrets.set_secret,
    ) -> None:
        super().__init__()
        self.entry = entry
        self._save = save
        self._writing = threading.Lock()
        #: What the keyring holds, as last read or written.
        self.stored = serialized or ""
        if serialized:
            self.deserialize(serialized)

    def save_if_changed(self) -> None:
        """Write the cache to the keyring if MSAL changed it. A keyring that fails now is
        logged, not raised: the tokens in memory still work, and the refresh token saved
        before stays valid until it expires."""
        with self._writing:
            if not self.has_state_changed:
                return
            text = self.serialize()
            try:
                self._save(self.entry, text)
            except SecretStoreError as exc:
                log.warning("could not save the Microsoft sign-in %s: %s", self.entry, exc)
                return
            self.stored = text
            self.has_state_changed = False

    def reload(self, serialized: str) -> None:
        """Take what the keyring holds now (a new sign-in replaced the old)."""
        with self._writing:
            if serialized != self.stored:
                self.deserialize(serialized)
                self.stored = serialized
                self.has_state_changed = False


_shared: weakref.WeakValueDictionary[str, KeyringTokenCache] = weakref.WeakValueDictionary()
_shared_lock = threading.Lock()


def shared(entry: str, serialized: str) -> KeyringTokenCache:
    """The process's cache for ``entry``: the one connectors of the same sign-in already
    use (brought up to ``serialized``, what the keyring holds), else a new one."""
    with _shared_lock:
        cache = _shared.get(entry)
        if cache is None:
            cache = KeyringTokenCache(entry, serialized)
            _shared[entry] = cache
        else:
            cache.reload(serialized)
        return cache


def forget(entry: str) -> None:
    """Stop sharing the cache of a sign-in that was replaced or removed."""
    with _shared_lock:
        _shared.pop(entry, None)


class TokenInfo(msgspec.Struct, frozen=True):
    """One access token as doctor shows it: never the token itself."""

    scopes: tuple[str, ...]
    expires_at: float


class SignInSummary(msgspec.Struct, frozen=True):
    username: str
    home_account_id: str
    has_refresh_token: bool
    tokens: tuple[TokenInfo, ...]


def summarize(serialized: str) -> tuple[SignInSummary, ...]:
    """The accounts in a serialized cache, with their tokens' scopes and expiry."""
    cache = msal.SerializableTokenCache()
    try:
        cache.deserialize(serialized)
    except json.JSONDecodeError:
        return ()
    kinds = msal.TokenCache.CredentialType
    summaries = []
    for account in cache.search(kinds.ACCOUNT):
        home = account.get("home_account_id", "")
        query = {"home_account_id": home}
        tokens = tuple(
            TokenInfo(granted(at.get("target", "")), float(at.get("expires_on", 0)))
            for at in cache.search(kinds.ACCESS_TOKEN, query=query)
        )
        summaries.append(
            SignInSummary(
                account.get("username", ""),
                home,
                any(True for _ in cache.search(kinds.REFRESH_TOKEN, query=query)),
                tuple(sorted(tokens, key=lambda t: t.scopes)),
            )
        )
    return tuple(summaries)
