"""The moderation check: has the set of approved comments changed in a way the incremental
pull cannot see?

WordPress 6.1 gives a comment no modified date, and approving, unapproving, trashing,
restoring or deleting one changes neither its date nor its post's ``modified_gmt``. What
every reader can list, though, are the ids of the approved comments on a post (``status``
defaults to ``approve``; ``_fields=id`` makes each a few bytes). Comment ids come from an
auto-increment column, so a comment made after another has a larger id.

So each pass starts by listing those ids and comparing them with a baseline, the
fingerprint of the ids the previous pass left Fireside holding, up to ``known_top``:

- ids up to ``known_top`` whose fingerprint differs from the baseline: something old was
  approved late, unapproved, trashed, restored, marked spam or deleted (``moved``);
- ids above ``known_top`` are new: the incremental pull must deliver exactly those, or
  one of them is an old comment approved late with a date it no longer asks about.

Either way the pass ends with a re-scan. A fingerprint (``IdSum``) is the number of ids
and the sum of a 64-bit hash of each, modulo 2**64: order-free, so pages may come in any
order, and a multiset, so an id listed twice (a listing that shifted while paged) differs
too. Two different sets share a fingerprint with a chance of about 2**-64.

This module holds the values; ``cursor`` keeps them between pulls and ``network`` runs the
listing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

import msgspec

_MASK = 2**64 - 1


def id_hash(comment_id: int) -> int:
    """A 64-bit hash of a comment id (stable across runs and machines)."""
    digest = hashlib.blake2b(comment_id.to_bytes(8, "little"), digest_size=8).digest()
    return int.from_bytes(digest, "little")


class IdSum(msgspec.Struct, frozen=True):
    """The fingerprint of a multiset of comment ids: how many, and their hashes summed."""

    count: int = 0
    total: int = 0

    def plus(self, ids: Iterable[int]) -> IdSum:
        count, total = self.count, self.total
        for comment_id in ids:
            count += 1
            total = (total + id_hash(comment_id)) & _MASK
        return IdSum(count, total)

    def __add__(self, other: IdSum) -> IdSum:
        return IdSum(self.count + other.count, (self.total + other.total) & _MASK)

    def encode(self) -> list[int]:
        return [self.count, self.total]

    @staticmethod
    def decode(value: Any) -> IdSum:
        """ValueError unless ``value`` is what ``encode`` makes."""
        if value is None:
            return IdSum()
        if (
            not isinstance(value, list)
            or len(value) != 2
            or any(type(v) is not int or v < 0 for v in value)
            or value[1] > _MASK
        ):
            raise ValueError(f"{value!r} is not an id sum")
        return IdSum(value[0], value[1])


class Check(msgspec.Struct, frozen=True):
    """What the check at the start of a pass found, kept until the pass ends.

    ``top``: the highest id listed (at least the baseline's); ``moved``: the ids up to the
    baseline's top differ from it; ``new``: the ids listed above it, which the pass must
    deliver; ``listed``: every id listed (the next baseline); ``unreadable``: listed items
    without a usable id (malformed: only the incremental pull can report them).
    """

    top: int
    moved: bool
    new: IdSum
    listed: IdSum
    unreadable: int = 0

    @property
    def wanted(self) -> bool:
        """Does the incremental pull have anything to fetch?"""
        return self.new.count > 0 or self.unreadable > 0

    def encode(self) -> dict[str, Any]:
        return {
            "t": self.top,
            "m": int(self.moved),
            "n": self.new.encode(),
            "l": self.listed.encode(),
            "u": self.unreadable,
        }

    @staticmethod
    def decode(value: Any) -> Check | None:
        """ValueError unless ``value`` is what ``encode`` makes (or None)."""
        if value is None:
            return None
        if not isinstance(value, dict):
            raise ValueError("not a check")
        top, moved, unreadable = value["t"], value["m"], value.get("u", 0)
        if any(type(v) is not int or v < 0 for v in (top, unreadable)) or moved not in (0, 1):
            raise ValueError("not a check")
        return Check(
            top, bool(moved), IdSum.decode(value["n"]), IdSum.decode(value["l"]), unreadable
        )


#: The fingerprint of no ids at all.
NO_IDS = IdSum()


def checked(listed: list[int], unreadable: int, known_top: int, known: IdSum) -> Check:
    """The check of ``listed`` (approved ids) against the baseline (``known`` up to
    ``known_top``)."""
    old = NO_IDS.plus(i for i in listed if i <= known_top)
    new = NO_IDS.plus(i for i in listed if i > known_top)
    top = max([known_top, *listed])
    return Check(top, old != known, new, old + new, unreadable)
