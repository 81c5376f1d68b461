"""Ids and times for records in the shared document: random ids for new records, ids
every device derives alike from the same parts, and UTC times that order records."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime


def stamp() -> str:
    """Now, in UTC with microseconds (ISO 8601), for ordering records."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def new_id() -> str:
    return secrets.token_hex(8)


def derived_id(*parts: str) -> str:
    """An id every device computes alike from the same parts (a record two devices may
    write at once: they write the same key with the same value)."""
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:16]
