"""The tokens of one OAuth sign-in, as the keyring keeps them.

:class:`Tokens` is the only thing written to the OS keyring for an OAuth account
(``to_secret``): the access token, the refresh token when the service gave one, when the
access token expires, the scopes granted, and the few non-secret facts the token answer
carried (``extra``: Slack's user and team ids...). It is never logged or written elsewhere.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from typing import Any

import msgspec

from app.values import HiddenInRepr

#: Keys of a token answer that are the tokens themselves or their life, not ``extra``.
_OWN = {"access_token", "refresh_token", "expires_at", "expires_in", "scope", "token_type"}


class Tokens(HiddenInRepr, msgspec.Struct, frozen=True):
    #: The tokens are secrets: never in a log line or a traceback.
    _hidden_in_repr = ("access_token", "refresh_token")

    access_token: str
    refresh_token: str | None = None
    #: Epoch seconds the access token stops working; None: the service gave no expiry.
    expires_at: float | None = None
    scopes: tuple[str, ...] = ()
    extra: Mapping[str, str] = msgspec.field(default_factory=dict)

    @classmethod
    def from_answer(
        cls, answer: Mapping[str, Any], separator: str = " ", now: float | None = None
    ) -> Tokens:
        """From a token endpoint's (RFC-shaped) answer; ValueError when it has no token."""
        access = answer.get("access_token")
        if not isinstance(access, str) or not access:
            raise ValueError("the token answer has no access_token")
        refresh = answer.get("refresh_token")
        expires_at = answer.get("expires_at")
        if isinstance(answer.get("expires_in"), int | float):  # the service's own count
            expires_at = (time.time() if now is None else now) + float(answer["expires_in"])
        scope = answer.get("scope")
        scopes = tuple(s for s in scope.replace(",", " ").split() if s) if scope else ()
        extra = {k: str(v) for k, v in answer.items() if k not in _OWN and isinstance(v, str | int)}
        return cls(
            access,
            refresh if isinstance(refresh, str) and refresh else None,
            float(expires_at) if isinstance(expires_at, int | float) else None,
            scopes,
            extra,
        )

    def to_secret(self) -> str:
        """The keyring's text for these tokens."""
        return json.dumps(
            {
                "v": 1,
                "access_token": self.access_token,
                "refresh_token": self.refresh_token,
                "expires_at": self.expires_at,
                "scopes": list(self.scopes),
                "extra": dict(self.extra),
            },
            separators=(",", ":"),
        )

    @classmethod
    def from_secret(cls, secret: str) -> Tokens:
        """What ``to_secret`` wrote; ValueError for anything else."""
        try:
            data = json.loads(secret)
        except json.JSONDecodeError as exc:
            raise ValueError("the saved sign-in is not readable") from exc
        if not isinstance(data, dict) or data.get("v") != 1:
            raise ValueError("the saved sign-in is not one Fireside wrote")
        tokens = cls.from_answer(data)
        return cls(
            tokens.access_token,
            tokens.refresh_token,
            tokens.expires_at,
            tuple(str(s) for s in data.get("scopes") or ()),
            {str(k): str(v) for k, v in (data.get("extra") or {}).items()},
        )

    def describe(self) -> str:
        """For ``fireside doctor``: expiry and scopes, never a token."""
        when = (
            "does not expire"
            if self.expires_at is None
            else time.strftime("expires %Y-%m-%d %H:%M UTC", time.gmtime(self.expires_at))
        )
        return f"access token {when}; scopes: {', '.join(self.scopes) or 'none recorded'}"

    def expires_within(self, seconds: float, now: float) -> bool:
        return self.expires_at is not None and self.expires_at - now <= seconds

    def as_authlib(self) -> dict[str, Any]:
        """The token as authlib's client holds it."""
        token: dict[str, Any] = {"access_token": self.access_token, "token_type": "Bearer"}
        if self.refresh_token:
            token["refresh_token"] = self.refresh_token
        if self.expires_at is not None:
            token["expires_at"] = int(self.expires_at)
        return token
