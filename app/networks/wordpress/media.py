"""A post's pictures in the site's media library, each uploaded once.

Upload: ``POST /wp/v2/media`` with the file's bytes as the body, its type in
``Content-Type`` and its name in ``Content-Disposition`` (developer.wordpress.org/rest-api/
reference/media/#create-a-media-item; the attachments controller reads the raw body when
no multipart file is sent). The answer is the attachment: its ``id`` and ``source_url``,
the address the post's ``<img>`` then uses. ``alt_text`` and ``description`` are fields of
the same request (query parameters).

Exactly once: the description carries the upload's key as an HTML comment (as posts and
comments carry theirs, ``content.with_key``), so before uploading, a search of the
person's own media for that key finds an upload whose answer was lost; the outbox also
records every answer it got (``app.sync.uploads``), so the search is the safety net for
a crash between the two.
"""

from __future__ import annotations

import re
from typing import Any

from app.domain import ImageUpload, UploadedImage
from app.errors import BadResponse
from app.networks.wordpress import content
from app.networks.wordpress.api import Api

_MEDIA_FIELDS = "id,source_url,description"
_PLAIN_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._ -]{0,100}")
_EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif", "image/webp": "webp"}


async def upload(api: Api, my_id: str, image: ImageUpload, key: str) -> UploadedImage:
    """The picture in the media library: found by its key, else uploaded now."""
    found = await _find(api, my_id, image, key)
    if found is not None:
        return found
    headers = {
        "Content-Type": image.mime_type,
        "Content-Disposition": f'attachment; filename="{file_name(image)}"',
    }
    params = {
        "alt_text": _alt(image),
        "description": f"<!-- {content.search_term(key)} -->",
        "_fields": _MEDIA_FIELDS,
    }
    answer = await api.upload("/wp/v2/media", image.data, headers, params)
    uploaded = _uploaded(answer, image)
    if uploaded is None:
        raise BadResponse(f"{api.service} answered the picture's upload without its address.")
    return uploaded


def file_name(image: ImageUpload) -> str:
    """The name the site files the picture under: the original when it is plain ASCII
    (a header cannot carry more), else "image-<id>" with the type's extension."""
    extension = _EXTENSIONS.get(image.mime_type, "img")
    if _PLAIN_NAME.fullmatch(image.name) and image.name.lower().endswith(f".{extension}"):
        return image.name
    stem = image.name.rsplit(".", 1)[0]
    if _PLAIN_NAME.fullmatch(stem):
        return f"{stem}.{extension}"
    return f"image-{image.image_id}.{extension}"


def _alt(image: ImageUpload) -> str:
    return " ".join(image.name.rsplit(".", 1)[0].split())


async def _find(api: Api, my_id: str, image: ImageUpload, key: str) -> UploadedImage | None:
    params = {
        "search": content.search_term(key),
        "author": my_id,
        "context": "edit",
        "_fields": _MEDIA_FIELDS,
    }
    for item in (await api.page("/wp/v2/media", params, 1, "media item")).items:
        description = item.get("description") if isinstance(item, dict) else None
        raw = description.get("raw") if isinstance(description, dict) else None
        if isinstance(raw, str) and content.carries(raw, key):
            return _uploaded(item, image)
    return None


def _uploaded(answer: Any, image: ImageUpload) -> UploadedImage | None:
    if not isinstance(answer, dict) or type(answer.get("id")) is not int:
        return None
    url = answer.get("source_url")
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        return None
    return UploadedImage(image.image_id, str(answer["id"]), url)
