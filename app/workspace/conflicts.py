"""How two texts written offline on two devices are shown to the next person who opens
them (a reply in the shared inbox or on the For approval page, a post draft in the
editor): every version under who wrote it and when, so they can pick or merge."""

from __future__ import annotations

import re

import msgspec


class Head(msgspec.Struct, frozen=True):
    """One text no later edit builds on."""

    by: str  # who wrote it, as people read it
    at: str
    text: str


NOTICE = "Edited on two devices: both texts are below; keep or merge them"


def both_texts(heads: list[Head]) -> str:
    return "\n\n".join(f"— Version by {h.by}, {h.at[:16]} —\n{h.text}" for h in heads)


#: The line ``both_texts`` puts above each version.
_VERSION_LINE = re.compile(r"^— Version by .+, \d{4}-\d{2}-\d{2}T?\S* —$", re.MULTILINE)


def still_both(text: str) -> bool:
    """Does ``text`` still hold two versions as ``both_texts`` laid them out (nobody has
    kept or merged them yet)?"""
    return len(_VERSION_LINE.findall(text)) >= 2
