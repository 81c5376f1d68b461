"""Wire-level pieces shared by the sandbox's state and routes: API errors, limits, page tokens."""

from __future__ import annotations

import base64
import binascii
from datetime import UTC, datetime

POST_MAX_CHARS = 20_000
REPLY_MAX_CHARS = 4_000
TITLE_MAX_CHARS = 300
DEFAULT_LIMIT = 50
MAX_LIMIT = 200
TEXT_FORMATS = ("markdown", "html", "text")
#: Default rate limit per token: a bucket of 50 requests refilled over 10 seconds.
DEFAULT_RATE_CAPACITY = 50
DEFAULT_RATE_WINDOW_S = 10.0
REQUESTS_PER_MINUTE = int(DEFAULT_RATE_CAPACITY * 60 / DEFAULT_RATE_WINDOW_S)


class ApiError(Exception):
    """An error the API answers with: ``{"error": {"code", "message"}}`` and a status."""

    def __init__(
        self, status: int, code: str, message: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}

    def body(self) -> dict:
        return {"error": {"code": self.code, "message": self.message}}


def not_found(what: str, ident: str) -> ApiError:
    return ApiError(404, "not_found", f"{what} {ident!r} does not exist.")


def bad_request(message: str) -> ApiError:
    return ApiError(400, "bad_request", message)


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def encode_page_token(kind: str, after: int) -> str:
    """Opaque token: base64url of ``kind:after`` (the last key the previous page returned)."""
    return base64.urlsafe_b64encode(f"{kind}:{after}".encode()).decode().rstrip("=")


def decode_page_token(kind: str, token: str | None) -> int | None:
    """The key a page token continues after; 400 when it is not one of ours for ``kind``."""
    if token is None or token == "":
        return None
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        token_kind, _, after = raw.partition(":")
        if token_kind != kind:
            raise ValueError(token_kind)
        return int(after)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise bad_request(f"page_token {token!r} is not valid for this listing.") from None


def parse_limit(raw: str | None) -> int:
    if raw is None or raw == "":
        return DEFAULT_LIMIT
    try:
        limit = int(raw)
    except ValueError:
        raise bad_request(f"limit must be an integer, not {raw!r}.") from None
    if not 1 <= limit <= MAX_LIMIT:
        raise bad_request(f"limit must be between 1 and {MAX_LIMIT}.")
    return limit


def parse_since(raw: str | None) -> int:
    if raw is None or raw == "":
        return 0
    if not raw.isdigit():
        raise bad_request(f"since must be a cursor returned by this API, not {raw!r}.")
    return int(raw)
