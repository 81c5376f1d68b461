"""What Fireside accepts as a draft's picture: a PNG, JPEG, GIF or WebP image (what
WordPress's media library and Matrix clients show) of at most ``MAX_IMAGE_BYTES``, read
with Pillow to learn its real type and size (a file's name or the clipboard's word for it
proves nothing). Anything else is refused with a sentence that says why; nothing of it is
kept."""

from __future__ import annotations

import io

import msgspec

from app.errors import UserError

MAX_IMAGE_BYTES = 10 * 1024 * 1024
#: Decoding a bigger picture would cost more memory than any post is worth.
MAX_IMAGE_PIXELS = 40_000_000
#: Pillow's name for each format taken -> its MIME type.
ACCEPTED = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif", "WEBP": "image/webp"}


class PictureStillComing(UserError):
    """A picture a shared draft shows whose bytes have not reached this device yet: it
    cannot be shown, nor published (a post never goes out without its picture)."""

    def __init__(self, name: str, member: str) -> None:
        super().__init__(
            f"The picture {name} is still coming from {member}'s laptop. It arrives with a "
            "workspace sync once that laptop is online; until then a post showing it "
            "cannot be published."
        )
        self.name = name
        self.member = member


class Picture(msgspec.Struct, frozen=True):
    """A checked picture: what it really is, and its size in pixels."""

    mime_type: str
    width: int
    height: int


def check_picture(data: bytes, name: str) -> Picture:
    """``data`` as a picture a post can carry, or UserError naming ``name`` and the fault."""
    if len(data) > MAX_IMAGE_BYTES:
        raise UserError(
            f"{name} is {_megabytes(len(data))}; a picture can be at most "
            f"{_megabytes(MAX_IMAGE_BYTES)}. Make it smaller and insert it again."
        )
    if not data:
        raise UserError(f"{name} is empty: there is no picture in it.")
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            kind, (width, height) = image.format, image.size
            if width * height > MAX_IMAGE_PIXELS:
                raise UserError(
                    f"{name} is {width:,} × {height:,} pixels; a picture can have at most "
                    f"{MAX_IMAGE_PIXELS // 1_000_000} million. Make it smaller and insert it "
                    "again."
                )
            image.verify()  # a truncated or corrupt file fails here, not on a network
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        OSError,
        SyntaxError,
        ValueError,
    ) as exc:
        raise UserError(
            f"{name} is not a picture Fireside can read (PNG, JPEG, GIF or WebP)."
        ) from exc
    if kind not in ACCEPTED:
        raise UserError(
            f"{name} is a {kind} image; posts can carry PNG, JPEG, GIF or WebP pictures. "
            "Save it in one of those and insert it again."
        )
    return Picture(ACCEPTED[kind], width, height)


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"
