"""Viva Engage's two kinds of ids, and which one Fireside keeps.

Yammer REST v1 names everything by a numeric id (``"id": 2000337749565441``) and takes
only those. The new Viva Engage web app, Graph's engagement APIs and the links people copy
use a base64 id instead: the base64 (URL alphabet, unpadded) of a small JSON object naming
the type and the same number, such as ``{"_type":"Thread","id":"2000337749565441"}``.

Fireside keeps the numeric id as the remote id (v1 needs it; it is what the API returns)
and derives the other exactly with ``new_id`` where a person needs it (the thread's link);
``numeric_id`` accepts either form wherever a person types or pastes an id (the community
for new posts), so both are always at hand and nothing stores one without the other.
"""

from __future__ import annotations

import base64
import binascii
import enum
import json

from app.errors import UserError

#: A numeric id is an unsigned 64-bit integer.
_MAX_DIGITS = 20


class YammerType(enum.StrEnum):
    THREAD = "Thread"
    MESSAGE = "Message"
    GROUP = "Group"
    USER = "User"


def new_id(kind: YammerType, numeric: str) -> str:
    """The base64 id the new Viva Engage uses for ``numeric``."""
    raw = json.dumps({"_type": str(kind), "id": numeric}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def numeric_id(value: str | int, kind: YammerType) -> str:
    """The numeric id in ``value``, which is one already or a base64 id of ``kind``;
    UserError for anything else."""
    text = str(value).strip()
    if text.isdigit() and len(text) <= _MAX_DIGITS:
        return str(int(text))
    try:
        padded = text + "=" * (-len(text) % 4)
        decoded = json.loads(base64.urlsafe_b64decode(padded.replace("+", "-").replace("/", "_")))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        decoded = None
    if isinstance(decoded, dict) and decoded.get("_type") == str(kind):
        inner = decoded.get("id")
        if isinstance(inner, str) and inner.isdigit() and len(inner) <= _MAX_DIGITS:
            return str(int(inner))
    raise UserError(f"{text[:80]!r} is not a Viva Engage {str(kind).lower()} id.")
