"""The pairing code a delegate joins with: the workspace id, the key epoch and the secret
the epoch's key is derived from, with a checksum, as eight groups of five letters and
digits that read well over the phone (``FSW-ABCDE-...``); and the same code as a QR code
(segno) whose link also carries a WebDAV address. A shared folder's path differs from one
laptop to the next, so the delegate picks their own copy of it; a WebDAV URL is the same
for both and travels in the QR link.
"""

from __future__ import annotations

import base64
import hashlib
import io
import secrets
import struct
from urllib.parse import parse_qs, quote, urlsplit

import msgspec
import segno

from app.workspace.errors import WorkspaceError

PREFIX = "FSW"
URI_SCHEME = "fireside-workspace"
_VERSION = 1
_BODY = struct.Struct(">B4sH16s")
_CHECK_BYTES = 2
SECRET_BYTES = 16
#: Letters people misread over the phone, mapped to the base32 letter they mean.
_MISREAD = str.maketrans({"0": "O", "1": "I", "8": "B"})


class PairingCode(msgspec.Struct, frozen=True):
    workspace_id: str  # 8 hex digits
    epoch: int
    secret: bytes
    #: A WebDAV URL when the workspace lives on one; "" for a shared folder.
    location: str = ""

    @classmethod
    def new(cls, workspace_id: str, epoch: int, location: str = "") -> PairingCode:
        return cls(workspace_id, epoch, secrets.token_bytes(SECRET_BYTES), location)

    def text(self) -> str:
        """The code to read out: ``FSW-`` and eight groups of five."""
        body = _BODY.pack(_VERSION, bytes.fromhex(self.workspace_id), self.epoch, self.secret)
        raw = body + hashlib.sha256(body).digest()[:_CHECK_BYTES]
        letters = base64.b32encode(raw).decode().rstrip("=")
        return "-".join([PREFIX, *(letters[i : i + 5] for i in range(0, len(letters), 5))])

    def uri(self) -> str:
        """The QR code's content: the code, and the WebDAV URL when there is one."""
        query = f"?location={quote(self.location, safe='')}" if self.location else ""
        return f"{URI_SCHEME}:{self.text()}{query}"

    def qr_svg(self) -> bytes:
        """The QR code as SVG (scalable, crisp on any screen)."""
        out = io.BytesIO()
        segno.make(self.uri(), error="m").save(out, kind="svg", scale=6, border=4)
        return out.getvalue()


def parse(text: str) -> PairingCode:
    """A code as typed (any case, spaces or dashes anywhere) or a QR link; a clear error
    when it is not one or a letter is wrong."""
    location = ""
    cleaned = text.strip()
    if cleaned.lower().startswith(URI_SCHEME + ":"):
        parts = urlsplit(cleaned)
        location = parse_qs(parts.query).get("location", [""])[0]
        cleaned = parts.path
    letters = "".join(ch for ch in cleaned.upper() if ch.isalnum()).translate(_MISREAD)
    if not letters.startswith(PREFIX):
        raise WorkspaceError("That is not a Fireside pairing code (it starts with FSW-).")
    letters = letters.removeprefix(PREFIX)
    expected = -(-(_BODY.size + _CHECK_BYTES) * 8 // 5)
    if len(letters) != expected:
        raise WorkspaceError(
            f"The pairing code has {len(letters)} letters after FSW; it should have "
            f"{expected}. Check for a missing or extra group."
        )
    try:
        raw = base64.b32decode(letters + "=" * (-len(letters) % 8))
    except ValueError:
        raise WorkspaceError("The pairing code has a letter that cannot be in one.") from None
    body, check = raw[: _BODY.size], raw[_BODY.size :]
    if hashlib.sha256(body).digest()[:_CHECK_BYTES] != check:
        raise WorkspaceError("The pairing code has a typo: a letter is wrong. Check each group.")
    version, workspace, epoch, secret = _BODY.unpack(body)
    if version != _VERSION:
        raise WorkspaceError("This pairing code is from a newer Fireside; update Fireside.")
    return PairingCode(workspace.hex(), epoch, secret, location)
