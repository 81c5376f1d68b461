"""Switchable faults, the per-token rate limiter and the request log of the sandbox server.

Faults are deterministic: each rule fires on the next ``count`` requests that match its
method and path prefix, then disappears. Latency is a standing setting. All three classes
are thread-safe; the HTTP handler threads consult them on every API request.
"""

from __future__ import annotations

import math
import threading
import time

import msgspec

#: kind -> what the server does with a matching request
FAULT_KINDS = {
    "rate_limit": "answer 429 rate_limited before applying (Retry-After only if retry_after set)",
    "error": "answer `status` (500, 502 or 503) before applying",
    "drop": "apply (commit) the request, then close the socket without any response",
    "malformed": "apply the request, then answer 200 with a body that is not valid JSON",
    "truncate": "apply the request, then send headers and half the body, and close",
    "hang": "wait `hang_s` seconds (or until the server stops), then close without a response;"
    " applies the request first when `apply` is true",
    "bad_item": "answer normally but corrupt item `item_index` of the response's `items`",
}
HANG_MAX_S = 30.0


class FaultRule(msgspec.Struct):
    kind: str
    count: int = 1
    method: str | None = None
    path_prefix: str | None = None
    status: int = 503
    retry_after: int | None = None
    hang_s: float = 5.0
    apply: bool = False
    item_index: int = 0

    def __post_init__(self) -> None:
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}; one of {sorted(FAULT_KINDS)}")
        if self.count < 1:
            raise ValueError("count must be at least 1")
        if self.kind == "error" and self.status not in (500, 502, 503):
            raise ValueError("status must be 500, 502 or 503")
        self.hang_s = min(max(self.hang_s, 0.0), HANG_MAX_S)
        if self.method:
            self.method = self.method.upper()

    def matches(self, method: str, path: str) -> bool:
        return (self.method is None or self.method == method) and (
            self.path_prefix is None or path.startswith(self.path_prefix)
        )


class FaultPlan:
    """Pending fault rules (first match wins) plus the standing latency."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rules: list[FaultRule] = []
        self.latency_ms = 0

    def add(self, rule: FaultRule) -> None:
        with self._lock:
            self._rules.append(rule)

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()
            self.latency_ms = 0

    def pending(self) -> list[dict]:
        with self._lock:
            return [msgspec.to_builtins(r) for r in self._rules]

    def take(self, method: str, path: str) -> FaultRule | None:
        """The first rule matching this request, consuming one of its count."""
        with self._lock:
            for rule in self._rules:
                if rule.matches(method, path):
                    rule.count -= 1
                    if rule.count == 0:
                        self._rules.remove(rule)
                    return rule
        return None


class RateLimiter:
    """A token bucket per API token: ``capacity`` requests, refilled over ``window_s``."""

    def __init__(self, capacity: int, window_s: float) -> None:
        self._lock = threading.Lock()
        self._buckets: dict[str, tuple[float, float]] = {}
        self.configure(capacity, window_s)

    def configure(self, capacity: int, window_s: float) -> None:
        if capacity < 1 or window_s <= 0:
            raise ValueError("capacity must be >= 1 and window_s > 0")
        with self._lock:
            self.capacity = capacity
            self.window_s = window_s
            self._buckets.clear()

    @property
    def requests_per_minute(self) -> int:
        return int(self.capacity * 60 / self.window_s)

    def acquire(self, token: str) -> int | None:
        """None when the request may go ahead, else the whole seconds to wait."""
        rate = self.capacity / self.window_s
        now = time.monotonic()
        with self._lock:
            tokens, stamp = self._buckets.get(token, (float(self.capacity), now))
            tokens = min(float(self.capacity), tokens + (now - stamp) * rate)
            if tokens >= 1.0:
                self._buckets[token] = (tokens - 1.0, now)
                return None
            self._buckets[token] = (tokens, now)
            return max(1, math.ceil((1.0 - tokens) / rate))

    def headers(self, token: str) -> dict[str, str]:
        """The bucket as the IETF RateLimit headers tell it: the limit, what is left now,
        seconds until it is full again, and the policy (limit per window)."""
        rate = self.capacity / self.window_s
        now = time.monotonic()
        with self._lock:
            tokens, stamp = self._buckets.get(token, (float(self.capacity), now))
        tokens = min(float(self.capacity), tokens + (now - stamp) * rate)
        return {
            "RateLimit-Limit": str(self.capacity),
            "RateLimit-Remaining": str(math.floor(tokens)),
            "RateLimit-Reset": str(math.ceil((self.capacity - tokens) / rate)),
            "RateLimit-Policy": f"{self.capacity};w={self.window_s:g}",
        }


class LoggedRequest(msgspec.Struct):
    method: str
    path: str
    query: str
    idempotency_key: str | None
    body: object
    status: int | None = None
    committed: bool = False
    replayed: bool = False
    fault: str | None = None
    at: float = msgspec.field(default_factory=time.time)


class RequestLog:
    """Every API request the server received, in arrival order (control calls excluded)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: list[LoggedRequest] = []

    def add(self, entry: LoggedRequest) -> LoggedRequest:
        with self._lock:
            self._entries.append(entry)
        return entry

    def entries(self) -> list[dict]:
        with self._lock:
            return [msgspec.to_builtins(e) for e in self._entries]

    def reset(self) -> None:
        with self._lock:
            self._entries.clear()
