"""The log file: where it goes, that it rotates, and that no credential is ever written."""

from __future__ import annotations

import logging
from logging.handlers import RotatingFileHandler
from pathlib import Path

import pytest

from app import logs

SECRET = "tok-Zq81-never-logged"


@pytest.mark.parametrize(
    "text",
    [
        f"Authorization: Bearer {SECRET}",
        f"headers={{'authorization': 'Basic {SECRET}'}}",
        f"Proxy-Authorization: Negotiate {SECRET}",
        f"sent bearer {SECRET} to the server",
        f"GET http://127.0.0.1:9/api?token={SECRET}&limit=5",
        f"https://x/cb#state=1&access_token={SECRET}",
        f'{{"refresh_token": "{SECRET}", "n": 1}}',
        f"{{'password': '{SECRET}'}}",
    ],
)
def test_redact_blanks_credentials(text: str) -> None:
    cleaned = logs.redact(text)
    assert SECRET not in cleaned
    assert logs.REDACTED in cleaned


def test_redact_keeps_what_helps_debugging() -> None:
    text = 'GET /api/v1/comments?limit=200&page_token=abc123 "HTTP/1.1 200 OK"'
    assert logs.redact(text) == text


def test_log_file_in_the_data_dir_redacts_messages_args_and_tracebacks(tmp_path: Path) -> None:
    log = logging.getLogger("fireside.test")
    with logs.to_file(tmp_path) as path:
        assert path == tmp_path / "logs" / "fireside.log"
        handler = next(
            h for h in logging.getLogger().handlers if isinstance(h, RotatingFileHandler)
        )
        assert handler.maxBytes > 0 and handler.backupCount > 0
        log.info("calling %s", f"http://127.0.0.1/x?token={SECRET}")
        log.debug("not written: the default level is INFO")
        try:
            raise RuntimeError(f"401 with Authorization: Bearer {SECRET}")
        except RuntimeError:
            log.exception("request failed")
    text = path.read_text(encoding="utf-8")
    assert "calling http://127.0.0.1/x?token=[redacted]" in text
    assert "Traceback" in text and "RuntimeError: 401 with Authorization: [redacted]" in text
    assert "not written" not in text
    assert SECRET not in text


def test_handlers_are_removed_afterwards(tmp_path: Path, capsys) -> None:
    root = logging.getLogger()
    before = list(root.handlers)
    with logs.to_file(tmp_path, verbose=True):
        assert len(root.handlers) == len(before) + 2
        assert root.level == logging.DEBUG
        logging.getLogger("fireside.test").debug("to stderr too, %s", f"bearer {SECRET}")
    assert root.handlers == before
    err = capsys.readouterr().err
    assert "to stderr too, bearer [redacted]" in err and SECRET not in err
