"""The comments cursor: where the incremental pull stands and when the last re-scan ended.

WordPress can list comments created ``after`` a date, and nothing else changes a comment's
date: edits, deletions and moderation are invisible to that query. So a pull has three steps:

check        at the start of each pass, the ids of the approved comments on my published
             posts, compared with the baseline (``known_top``, ``known``) the previous
             pass left (module ``moderation``). Nothing new and nothing moved: the pass
             ends there, without the incremental request. Something moved (approved late,
             unapproved, trashed, restored, deleted): the pass ends with a re-scan. The
             incremental pull then counts what it delivers (``got``, ``beyond``) against
             what the check listed as new; a difference also means a re-scan.
incremental  comments on my published posts with ``after`` = the newest creation time seen
             (the watermark) minus ``OVERLAP_S``. ``after`` is a strict ">" at one-second
             resolution, and a comment can be saved a moment after a newer one, so the
             overlap fetches a few seconds again; the ids already seen in that window
             (``seen``) are dropped, so nothing is delivered twice (nor a malformed
             comment reported twice). ``after`` is sent in
             UTC; WordPress compares it with site-local times, so on a site whose zone
             leaves daylight saving time a comment from the repeated hour can wait for
             the re-scan.
re-scan      every comment of every published post, a few posts at a time, each batch
             reported with ``complete_for_posts`` so the store marks what vanished as
             deleted. Starts when an incremental pass ends and the check found something
             moved, or a person asked for it (``asked``: a manual sync's first page,
             stored before any request, so no crash loses it; it stays until a re-scan
             ends, and restarts one already under way), or ``rescan_every`` seconds
             have passed since the last re-scan ended (``scanned_at``): edits change no
             id, so only reading shows them.

Within a pass the cursor also says where to go on: ``after_post`` (posts are taken in id
order, in chunks) and ``page``. It is stored as compact JSON; anything else (an older
format, a garbled value) decodes to a fresh cursor, which pulls everything again. A
cursor written before the check existed has no baseline (``known_top`` 0): its first
check finds ids the pass does not deliver, so it re-scans once.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from typing import Any

import msgspec
from msgspec.structs import replace

from app.networks.wordpress.moderation import NO_IDS, Check, IdSum, checked
from app.timeutil import parse

VERSION = 1
#: Seconds of creation time fetched again at each incremental pull.
OVERLAP_S = 5
INCREMENTAL = "i"
RESCAN = "r"


class Cursor(msgspec.Struct, frozen=True):
    """``watermark``: newest comment creation time seen (epoch seconds, UTC).
    ``seen``: id -> creation time of comments in the overlap window before it.
    ``fresh``: the same for comments found in the pass under way (merged at its end).
    ``query_after``: the ``after`` of the pass under way (None: from the beginning).
    ``known_top``, ``known``: the baseline of the moderation check; ``check`` what it
    found in the pass under way, ``got`` and ``beyond`` (up to ``beyond_top``) the ids the
    pass delivered up to and above the check's top; ``asked``: a re-scan a person asked
    for is pending."""

    scanned_at: float
    watermark: int | None = None
    seen: dict[int, int] = msgspec.field(default_factory=dict)
    mode: str = INCREMENTAL
    query_after: int | None = None
    after_post: int = 0
    page: int = 1
    fresh: dict[int, int] = msgspec.field(default_factory=dict)
    known_top: int = 0
    known: IdSum = NO_IDS
    check: Check | None = None
    got: IdSum = NO_IDS
    beyond: IdSum = NO_IDS
    beyond_top: int = 0
    asked: bool = False

    @property
    def starting(self) -> bool:
        """At the first page of the first chunk of a pass."""
        return self.after_post == 0 and self.page == 1

    def encode(self) -> str:
        data: dict[str, Any] = {"v": VERSION, "s": round(self.scanned_at, 3), "w": self.watermark}
        if self.seen:
            data["seen"] = _pairs(self.seen)
        if self.mode != INCREMENTAL:
            data["m"] = self.mode
        if self.query_after is not None:
            data["q"] = self.query_after
        if self.after_post:
            data["c"] = self.after_post
        if self.page != 1:
            data["p"] = self.page
        if self.fresh:
            data["f"] = _pairs(self.fresh)
        if self.known_top:
            data["kt"], data["k"] = self.known_top, self.known.encode()
        if self.check is not None:
            data["x"] = self.check.encode()
            data["g"], data["b"], data["bt"] = (
                self.got.encode(),
                self.beyond.encode(),
                self.beyond_top,
            )
        if self.asked:
            data["a"] = 1
        return json.dumps(data, separators=(",", ":"))

    def start_pass(self) -> Cursor:
        """An incremental pass begins: ask from the watermark less the overlap."""
        after = None if self.watermark is None else self.watermark - OVERLAP_S
        return replace(self, mode=INCREMENTAL, query_after=after, after_post=0, page=1, fresh={})

    @property
    def changed(self) -> bool:
        """Did this pass's check find that something moved, or the pass not deliver
        exactly the new ids the check listed?"""
        return self.check is not None and (self.check.moved or self.got != self.check.new)

    def checked(self, listed: list[int], unreadable: int) -> Cursor:
        """The pass's check listed these approved ids (and ``unreadable`` items)."""
        check = checked(listed, unreadable, self.known_top, self.known)
        return replace(self, check=check, got=NO_IDS, beyond=NO_IDS, beyond_top=0)

    def delivered(self, ids: Iterable[int]) -> Cursor:
        """Ids this pass delivered (or reported malformed), counted against the check's."""
        if self.check is None:
            return self
        top = self.check.top
        ids = [i for i in ids if i > self.known_top]
        return replace(
            self,
            got=self.got.plus(i for i in ids if i <= top),
            beyond=self.beyond.plus(i for i in ids if i > top),
            beyond_top=max([self.beyond_top, *ids]),
        )

    def ask(self) -> Cursor:
        """A person asked for a re-scan: it runs when this pass ends, or starts over if one
        is under way (it may be past the posts they want read again)."""
        if self.asked:
            return self
        if self.mode == RESCAN:
            return replace(self, asked=True, after_post=0, page=1)
        return replace(self, asked=True)

    def is_new(self, comment_id: int) -> bool:
        return comment_id not in self.seen and comment_id not in self.fresh

    def saw(self, found: Iterable[tuple[int, int]]) -> Cursor:
        """Comments (id, creation time) this pass delivered: the watermark moves up; those
        within the overlap window are remembered."""
        fresh = dict(self.fresh)
        watermark = self.watermark
        for comment_id, created in found:
            fresh[comment_id] = created
            watermark = created if watermark is None else max(watermark, created)
        if watermark is not None:  # anything older than the window cannot come back
            fresh = {i: t for i, t in fresh.items() if t > watermark - OVERLAP_S}
        return replace(self, watermark=watermark, fresh=fresh)

    def skipped(self, ids: Iterable[int]) -> Cursor:
        """Malformed comments this pass skipped (and reported): remembered in the window
        as if made at the watermark, so the overlap does not report them again. Their own
        dates are not trusted: they never move the watermark."""
        if self.watermark is None:
            return self
        return replace(self, fresh={**self.fresh, **dict.fromkeys(ids, self.watermark)})

    def end_pass(self) -> Cursor:
        """The incremental pass is over: keep only the window before the new watermark;
        what the check listed, and what came after it, is the next baseline."""
        if self.watermark is None:
            seen: dict[int, int] = {}
        else:
            floor = self.watermark - OVERLAP_S
            seen = {i: t for i, t in {**self.seen, **self.fresh}.items() if t > floor}
        ended = replace(self, seen=seen, fresh={}, query_after=None, after_post=0, page=1)
        if self.check is None:
            return ended
        return replace(
            ended,
            known_top=max(self.check.top, self.beyond_top),
            known=self.check.listed + self.beyond,
            check=None,
            got=NO_IDS,
            beyond=NO_IDS,
            beyond_top=0,
        )

    def start_rescan(self) -> Cursor:
        return replace(self, mode=RESCAN, after_post=0, page=1)

    def end_rescan(self, now: float) -> Cursor:
        return replace(self, mode=INCREMENTAL, scanned_at=now, after_post=0, page=1, asked=False)


def _pairs(ids: dict[int, int]) -> list[list[int]]:
    return [[i, t] for i, t in sorted(ids.items())]


def _int(value: Any) -> int:
    if type(value) is not int:
        raise ValueError(f"{value!r} is not an integer")
    return value


def _ids(value: Any) -> dict[int, int]:
    if value is None:
        return {}
    if not isinstance(value, list):
        raise ValueError("not a list of pairs")
    pairs = {}
    for pair in value:
        if not isinstance(pair, list) or len(pair) != 2:
            raise ValueError("not a pair")
        pairs[_int(pair[0])] = _int(pair[1])
    return pairs


def decode(text: str | None, now: float) -> Cursor:
    """The cursor ``text`` encodes; a fresh one (everything from the start, the next
    re-scan due a full interval from ``now``) when it is None or not this format."""
    fresh = Cursor(scanned_at=now)
    if not text:
        return fresh
    try:
        data = json.loads(text)
        if not isinstance(data, dict) or data.get("v") != VERSION:
            return fresh
        scanned_at = data["s"]
        if type(scanned_at) not in (int, float) or not math.isfinite(scanned_at):
            return fresh
        watermark = data.get("w")
        mode = data.get("m", INCREMENTAL)
        query_after = data.get("q")
        cursor = Cursor(
            scanned_at=float(scanned_at),
            watermark=None if watermark is None else _int(watermark),
            seen=_ids(data.get("seen")),
            mode=mode if mode in (INCREMENTAL, RESCAN) else INCREMENTAL,
            query_after=None if query_after is None else _int(query_after),
            after_post=_int(data.get("c", 0)),
            page=_int(data.get("p", 1)),
            fresh=_ids(data.get("f")),
            known_top=_int(data.get("kt", 0)),
            known=IdSum.decode(data.get("k")),
            check=Check.decode(data.get("x")),
            got=IdSum.decode(data.get("g")),
            beyond=IdSum.decode(data.get("b")),
            beyond_top=_int(data.get("bt", 0)),
            asked=data.get("a", 0) == 1,
        )
    except (ValueError, KeyError, TypeError, RecursionError):
        return fresh
    if cursor.page < 1 or min(cursor.after_post, cursor.known_top, cursor.beyond_top) < 0:
        return fresh
    return cursor


def epoch(utc_text: str) -> int:
    """Epoch seconds of a "...Z" time; ValueError when it is not one."""
    return int(parse(utc_text).timestamp())
