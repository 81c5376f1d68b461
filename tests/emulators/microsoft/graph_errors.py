"""Graph's error body (concepts/errors.md), shared by the Graph emulator's parts."""

from __future__ import annotations

import uuid

from emulators.microsoft.apiserver import Response


def error(status: int, code: str, message: str, headers: dict | None = None) -> Response:
    """Graph's error body (concepts/errors.md)."""
    body = {
        "error": {
            "code": code,
            "message": message,
            "innerError": {"request-id": str(uuid.uuid4()), "date": "2026-01-01T00:00:00"},
        }
    }
    return Response(status, body, headers or {})
