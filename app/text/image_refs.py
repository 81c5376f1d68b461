"""How a draft's text refers to its pictures, and what becomes of those references on the
way out.

A picture pasted or dropped into the editor is kept in the local database with the draft
(``app.store.images``); the text refers to it in Markdown as
``![name](fireside-image:<id>)``. That address means something only inside Fireside: the
preview loads it from the database, and nothing else ever does. On the way to a network
it becomes the address the network gave the uploaded picture (``with_image_sources`` for
HTML, ``with_image_urls`` for Markdown), or it is left out (``is_internal`` lets the
plain-text renderers drop it).

Between the devices of a workspace, a local id means nothing (each device numbers its own
pictures): a shared post's text names each picture by the sha256 of its bytes instead
(``shared_image_url``), and each device turns those back into its own ids
(``with_local_images``).
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from pathlib import PurePath

IMAGE_SCHEME = "fireside-image"
#: Exactly one internal address, as the sanitiser lets it through: nothing before or after.
INTERNAL_SRC = re.compile(IMAGE_SCHEME + r":([0-9]{1,18})")
_IN_TEXT = re.compile(r"\b" + IMAGE_SCHEME + r":([0-9]{1,18})\b")
_SHARED_IN_TEXT = re.compile(r"\b" + IMAGE_SCHEME + r":sha256-([0-9a-f]{64})\b")
_IMG_TAG = re.compile(r"<img\b[^>]*>")
_SRC = re.compile(r'\ssrc="([^"]*)"')


def image_url(image_id: int) -> str:
    return f"{IMAGE_SCHEME}:{image_id}"


def image_id(src: str) -> int | None:
    """The draft image an address names, or None when it is not an internal one."""
    match = INTERNAL_SRC.fullmatch(src)
    return int(match.group(1)) if match else None


def is_internal(src: object) -> bool:
    """Is this (a token's ``src``, of any type) an internal picture address?"""
    return isinstance(src, str) and image_id(src) is not None


def markdown_ref(name: str, image_id: int) -> str:
    """The Markdown that shows the image: its file name (without the extension, brackets
    and line breaks) is the alternative text screen readers and text-only networks use."""
    alt = " ".join(PurePath(name).stem.split()) or "image"
    alt = re.sub(r"([\\\[\]])", r"\\\1", alt)
    return f"![{alt}]({image_url(image_id)})"


def referenced_images(markdown_text: str) -> list[int]:
    """The draft images the text shows, in order, each once (code spans and blocks that
    merely mention an address do not count: CommonMark decides what is an image)."""
    from markdown_it import MarkdownIt

    found: dict[int, None] = {}
    stack = list(reversed(MarkdownIt("commonmark").parse(markdown_text)))
    while stack:
        token = stack.pop()
        if token.type == "image":
            found_id = image_id(str(token.attrGet("src")))
            if found_id is not None:
                found[found_id] = None
        stack.extend(reversed(token.children or ()))
    return list(found)


def with_image_sources(clean_html: str, sources: Mapping[int, str]) -> str:
    """Sanitised draft HTML with each internal image's address replaced by ``sources``
    (image id -> the address a network shows it by); images it has no address for, and
    any image without an internal address, are left out."""

    def place(match: re.Match[str]) -> str:
        tag = match.group(0)
        src = _SRC.search(tag)
        found = image_id(html.unescape(src.group(1))) if src else None
        if src is None or found is None or found not in sources:
            return ""
        return tag.replace(src.group(0), f' src="{html.escape(sources[found])}"', 1)

    return _IMG_TAG.sub(place, clean_html)


def with_image_urls(markdown_text: str, urls: Mapping[int, str]) -> str:
    """The Markdown with each internal address that ``urls`` knows replaced by its URL."""
    return _IN_TEXT.sub(lambda m: urls.get(int(m.group(1)), m.group(0)), markdown_text)


def shared_image_url(sha256: str) -> str:
    """How a shared post's text names a picture: by the sha256 of its bytes."""
    return f"{IMAGE_SCHEME}:sha256-{sha256}"


def with_local_images(markdown_text: str, local_ids: Mapping[str, int]) -> str:
    """A shared post's Markdown with each picture it names by hash that ``local_ids``
    (sha256 -> this device's image id) knows named by this device's id instead."""

    def local(match: re.Match[str]) -> str:
        found = local_ids.get(match.group(1))
        return image_url(found) if found is not None else match.group(0)

    return _SHARED_IN_TEXT.sub(local, markdown_text)
