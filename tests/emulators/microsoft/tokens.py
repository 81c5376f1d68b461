"""The tokens the emulated Entra authority issues and the emulated APIs accept.

Access tokens are opaque here (real ones are JWTs the client must not parse either):
the authority ``issue``s one for an audience with scopes and a lifetime; an API
``check``s the bearer it receives for its audience and the scope its endpoint needs.
``revoke`` and ``expire_all`` let tests play a revoked grant or a token that ran out.
"""

from __future__ import annotations

import enum
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field


class Audience(enum.StrEnum):
    GRAPH = "https://graph.microsoft.com"
    YAMMER = "https://api.yammer.com"


class TokenProblem(enum.Enum):
    MISSING = "missing"  # no bearer at all
    UNKNOWN = "unknown"  # never issued, or revoked
    EXPIRED = "expired"
    WRONG_AUDIENCE = "wrong_audience"
    MISSING_SCOPE = "missing_scope"


class TokenRefused(Exception):
    def __init__(self, problem: TokenProblem, detail: str = "") -> None:
        super().__init__(detail or problem.value)
        self.problem = problem


@dataclass(frozen=True)
class IssuedToken:
    value: str
    audience: Audience
    scopes: frozenset[str]
    user_id: str
    expires_at: float


@dataclass
class TokenBook:
    """Thread-safe: the emulators serve from their own threads."""

    clock: Callable[[], float] = time.time
    _tokens: dict[str, IssuedToken] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def issue(
        self, audience: Audience, scopes: frozenset[str], user_id: str, ttl_s: float
    ) -> IssuedToken:
        token = IssuedToken(
            secrets.token_urlsafe(24), audience, scopes, user_id, self.clock() + ttl_s
        )
        with self._lock:
            self._tokens[token.value] = token
        return token

    def check(self, authorization: str | None, audience: Audience, scope: str) -> IssuedToken:
        """The token behind an ``Authorization: Bearer`` header, if it may call an endpoint
        of ``audience`` that needs ``scope``; ``TokenRefused`` saying why otherwise."""
        if not authorization or not authorization.startswith("Bearer "):
            raise TokenRefused(TokenProblem.MISSING)
        with self._lock:
            token = self._tokens.get(authorization.removeprefix("Bearer ").strip())
        if token is None:
            raise TokenRefused(TokenProblem.UNKNOWN)
        if token.expires_at <= self.clock():
            raise TokenRefused(TokenProblem.EXPIRED)
        if token.audience is not audience:
            raise TokenRefused(TokenProblem.WRONG_AUDIENCE, token.audience)
        if scope not in token.scopes:
            raise TokenRefused(TokenProblem.MISSING_SCOPE, scope)
        return token

    def revoke_user(self, user_id: str) -> None:
        with self._lock:
            self._tokens = {k: t for k, t in self._tokens.items() if t.user_id != user_id}

    def expire_all(self) -> None:
        with self._lock:
            self._tokens = {
                k: IssuedToken(t.value, t.audience, t.scopes, t.user_id, 0.0)
                for k, t in self._tokens.items()
            }
