"""Logging for every front end: a rotating file in the data dir, with secrets redacted.

``with to_file(data_dir, verbose):`` sends every record to ``<data dir>/logs/fireside.log``
(5 files of 1 MB); ``--verbose`` lowers the level to DEBUG and mirrors records on stderr. Every
handler carries :class:`RedactingFilter`, which blanks Authorization headers, bearer
tokens, ``token=`` query parameters and token/password members of JSON in messages,
arguments and tracebacks.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from logging.handlers import RotatingFileHandler
from pathlib import Path

LOG_FILE = Path("logs") / "fireside.log"
FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"
REDACTED = "[redacted]"

#: ``…token=`` query parameters that only page through results: kept, they help debugging.
PAGING_TOKENS = frozenset({"page_token", "next_page_token", "pagetoken", "continuation_token"})

_HEADER = re.compile(r"(?i)(\b(?:proxy-)?authorization['\"]?\s*[:=]\s*['\"]?)[^'\"\r\n,}]+")
_BEARER = re.compile(r"(?i)(\bbearer\s+)[\w\-.~+/=]+")
_TOKEN_PARAM = re.compile(r"(?i)\b(\w*token)=([^&\s'\"#]+)")
_SECRET_KEY = re.compile(r"(?i)(['\"]\w*(?:token|password|secret)['\"]\s*:\s*['\"])[^'\"]*")


def redact(text: str) -> str:
    """``text`` with every credential-looking value replaced by ``[redacted]``: Authorization
    headers, bearer tokens, ``token=``/``access_token=``/… values (not paging tokens) and
    JSON-style ``"…token"``/``"…password"``/``"…secret"`` members."""
    text = _HEADER.sub(rf"\1{REDACTED}", text)
    text = _SECRET_KEY.sub(rf"\1{REDACTED}", text)
    text = _BEARER.sub(rf"\1{REDACTED}", text)
    return _TOKEN_PARAM.sub(
        lambda m: m[0] if m[1].lower() in PAGING_TOKENS else f"{m[1]}={REDACTED}", text
    )


class RedactingFilter(logging.Filter):
    """Rewrites each record so no handler can write a credential, even in a traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


class _FileHandler(RotatingFileHandler):
    """A full or read-only disk must not turn logging into tracebacks on stderr, nor crash
    the command when the file is closed: a record that cannot be written is dropped, and
    the person sees the storage error itself, from the command or window that hit it."""

    def handleError(self, record: logging.LogRecord) -> None:
        pass

    def close(self) -> None:
        with suppress(OSError):
            super().close()


@contextmanager
def to_file(data_dir: Path, verbose: bool = False) -> Iterator[Path]:
    """Log to the data dir's rotating file (and stderr when verbose) for the ``with`` body."""
    path = data_dir / LOG_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    handlers: list[logging.Handler] = [
        _FileHandler(path, maxBytes=1_000_000, backupCount=5, encoding="utf-8")
    ]
    if verbose:
        handlers.append(logging.StreamHandler())
    root = logging.getLogger()
    previous_level = root.level
    for handler in handlers:
        handler.setFormatter(logging.Formatter(FORMAT))
        handler.addFilter(RedactingFilter())
        root.addHandler(handler)
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    # httpcore traces every socket operation at DEBUG; httpx's request lines are enough.
    logging.getLogger("httpcore").setLevel(logging.INFO)
    # MSAL logs the authorization response (its one-time code) at DEBUG: never below INFO.
    logging.getLogger("msal").setLevel(logging.INFO)
    try:
        yield path
    finally:
        root.setLevel(previous_level)
        for handler in handlers:
            root.removeHandler(handler)
            handler.close()
