"""Reading a comment thread from text copied off a web page (the manual bridge).

Every site lays a comment out as a header (name, maybe a handle or a headline, a time),
the text, and buttons. The times are the anchors: each comment has exactly one. Sites
differ in where the time sits:

- header first (LinkedIn, X, YouTube, Reddit, forums): name, [handle, headline], time,
  text, buttons. The text after the last time is the last comment's.
- time last (Facebook, Instagram): name, text, time, buttons. After the last time come
  only buttons.

``read_thread`` tells the two apart by what follows the last time, then cuts the lines
between times into comments: a header is the short run of name-like lines right before
a time (header first) or the first line after the previous comment's buttons (time
last). Button labels, counts and badges are dropped. A comment that begins by naming an
earlier commenter (X's "Replying to @jane", "@Jane Doe ...") answers that comment.
"""

from __future__ import annotations

from datetime import datetime

import msgspec

from app.bridge.lines import Line, LineKind, classify, looks_like_name
from app.domain.bridge import ParsedComment, ParsedThread
from app.errors import UserError
from app.text.plural import count
from app.timeutil import iso

#: At most this many text lines above a time make its header (name, headline); badges
#: and handles between them do not count.
_HEADER_LINES = 2
#: Lines a page shows when it cut a comment short.
_CUT_MARKS = ("see more", "read more", "show more")
_MAX_LINES = 50_000


class NothingToRead(UserError):
    """The text holds no comment Fireside can read (the message says what to do)."""


class _Draft(msgspec.Struct):
    """A comment being assembled from lines."""

    author: str
    moment: datetime
    time_text: str
    handle: str = ""
    headline: str = ""
    replying_to: str = ""
    body: list[str] = msgspec.field(default_factory=list)
    cut_short: bool = False


def read_thread(text: str, now: datetime, me: str = "") -> ParsedThread:
    """The comments in ``text`` (page order); ``now`` is when it was copied, ``me`` how
    the site names the person importing (their comments are marked as theirs)."""
    raw = text.splitlines()
    if len(raw) > _MAX_LINES:
        raise NothingToRead(
            f"The text has {len(raw):,} lines; paste one thread at a time "
            f"(at most {_MAX_LINES:,} lines)."
        )
    lines = [classify(line, now) for line in raw]
    anchors = [i for i, line in enumerate(lines) if line.kind is LineKind.TIME]
    if not anchors:
        raise NothingToRead(
            "Fireside found no comment times in this text (like “3h”, “2 days ago” or "
            "“Mar 3”). Copy the whole thread from the page, with the names and times, "
            "and paste it again."
        )
    if _text_after(lines, anchors[-1]):
        drafts = _header_first(lines, anchors)
    else:
        drafts = _time_last(lines, anchors)
    return _finish(drafts, me)


def _text_after(lines: list[Line], anchor: int) -> bool:
    return any(line.kind is LineKind.TEXT for line in lines[anchor + 1 :])


def _header_first(lines: list[Line], anchors: list[int]) -> list[_Draft]:
    drafts: list[_Draft] = []
    ends = [*anchors[1:], len(lines)]
    floors = [-1, *anchors]
    starts = [_header_start(lines, a, floors[n]) for n, a in enumerate(anchors)]
    for n, anchor in enumerate(anchors):
        header = lines[starts[n] : anchor]
        body_end = starts[n + 1] if n + 1 < len(anchors) else ends[n]
        draft = _from_header(header, lines[anchor])
        if draft is not None:
            _take_body(draft, lines[anchor + 1 : body_end])
            drafts.append(draft)
    return drafts


def _header_start(lines: list[Line], anchor: int, floor: int) -> int:
    """Where the header of the comment timed at ``anchor`` begins: of the text lines right
    above it (at most two: a name and a headline), the one farthest up that looks like a
    name, with any handle and repeated name above it (pages repeat names for screen
    readers)."""
    if lines[anchor].name:  # "janedoe · 5h": the name is on the time's line
        return _above_name(lines, anchor, floor)
    run: list[int] = []
    i = anchor - 1
    while i > floor and len(run) < _HEADER_LINES:
        line = lines[i]
        if line.kind in (LineKind.BADGE, LineKind.HANDLE):
            i -= 1
            continue
        if line.kind is not LineKind.TEXT or len(line.text) > 120:
            break
        run.append(i)
        i -= 1
    named = [j for j in run if looks_like_name(lines[j].text)]
    # A name with a badge right under it ("throwaway_sre", "•") is the name; else the
    # one farthest up (a headline sits between a name and the time).
    badged = [j for j in named if lines[j + 1].kind is LineKind.BADGE]
    if named or run:
        return _above_name(lines, (badged or named or run)[-1], floor)
    return _handle_above(lines, anchor, floor)


def _above_name(lines: list[Line], start: int, floor: int) -> int:
    name = lines[start].text
    while start - 1 > floor and (
        lines[start - 1].kind is LineKind.HANDLE or lines[start - 1].text == name
    ):
        start -= 1
    return start


def _handle_above(lines: list[Line], anchor: int, floor: int) -> int:
    """A header of only a handle ("@janedoe" then "3 days ago", YouTube)."""
    i = anchor - 1
    while i > floor and lines[i].kind is LineKind.BADGE:
        i -= 1
    return i if i > floor and lines[i].kind is LineKind.HANDLE else anchor


def _from_header(header: list[Line], time: Line) -> _Draft | None:
    assert time.moment is not None
    names = [line.text for line in header if line.kind is LineKind.TEXT]
    handles = [line.handle for line in header if line.kind is LineKind.HANDLE]
    author = time.name or (names[0] if names else "") or (handles[0] if handles else "")
    author = author.removeprefix("@")
    if not author:
        return None
    headline = next((n for n in names[1:] if n.casefold() != author.casefold()), "")
    handle = handles[0] if handles else ""
    return _Draft(author, time.moment, _time_text(time), handle=handle, headline=headline)


def _time_text(time: Line) -> str:
    pieces = [p.strip() for p in time.text.split("·")]
    return pieces[-1] if time.name else time.text


def _take_body(draft: _Draft, lines: list[Line]) -> None:
    for line in lines:
        if line.kind is LineKind.REPLYING_TO and not draft.body:
            draft.replying_to = line.handle
        elif line.kind is LineKind.ACTION and _cuts_short(line.text):
            draft.cut_short = True
        elif line.kind in (LineKind.TEXT, LineKind.HANDLE, LineKind.TIME):
            draft.body.append(line.text)
        elif line.kind is LineKind.BLANK and draft.body:
            draft.body.append("")


def _cuts_short(text: str) -> bool:
    """ "…see more", "Read more", "...more": the page shows only the start of the text."""
    lowered = text.casefold()
    return lowered.strip("…. ") in _CUT_MARKS or lowered.startswith(("…", "..."))


def _time_last(lines: list[Line], anchors: list[int]) -> list[_Draft]:
    drafts = []
    floor = -1
    for anchor in anchors:
        block = lines[floor + 1 : anchor]
        floor = anchor
        # The comment begins after the buttons of the one before (or the post's).
        actions = [i for i, line in enumerate(block) if line.kind is LineKind.ACTION]
        block = block[actions[-1] + 1 :] if actions else block
        words = [line for line in block if line.kind in (LineKind.TEXT, LineKind.HANDLE)]
        time = lines[anchor]
        if not words or time.moment is None:
            continue
        author_line = words[0]
        if not (looks_like_name(author_line.text) or author_line.kind is LineKind.HANDLE):
            continue  # no name apart from the text: not a comment Fireside can attribute
        draft = _Draft(author_line.handle or author_line.text, time.moment, time.text)
        _take_body(draft, block[block.index(author_line) + 1 :])
        drafts.append(draft)
    return drafts


def _finish(drafts: list[_Draft], me: str) -> ParsedThread:
    comments: list[ParsedComment] = []
    notes = []
    empty = 0
    for draft in drafts:
        text = "\n".join(draft.body).strip()
        if not text:
            empty += 1
            continue
        mine = _is_me(draft, me)
        reply_to = _answered(comments, draft, text, mine)
        comments.append(
            ParsedComment(
                author=draft.author,
                text=text,
                posted_at=iso(draft.moment),
                time_text=draft.time_text,
                handle=draft.handle,
                headline=draft.headline,
                reply_to=reply_to,
                is_mine=mine,
                cut_short=draft.cut_short,
            )
        )
    cut = sum(c.cut_short for c in comments)
    if cut:
        notes.append(
            f"{count(cut, 'comment was', 'comments were')} cut short by the page (“see "
            "more”): open them on the page before copying to import their whole text."
        )
    if empty:
        notes.append(
            f"{count(empty, 'name and time', 'names and times')} had no text under "
            "them and were left out (often the post itself)."
        )
    if not comments:
        raise NothingToRead(
            "Fireside found names and times but no comment text under them. Copy the "
            "comments themselves, not only the list of names."
        )
    return ParsedThread(tuple(comments), tuple(notes))


def _is_me(draft: _Draft, me: str) -> bool:
    wanted = me.strip().removeprefix("@").casefold()
    return bool(wanted) and wanted in {
        draft.author.removeprefix("@").casefold(),
        draft.handle.casefold(),
    }


def _answered(comments: list[ParsedComment], draft: _Draft, text: str, mine: bool) -> int | None:
    """The earlier comment this one answers: the one it names first ("Replying to @jane",
    "@Jane Doe thanks", "Jane Doe thanks"), else, for the person's own, the comment just
    before it; None: it comments on the post."""
    for index in range(len(comments) - 1, -1, -1):
        earlier = comments[index]
        names = {earlier.author.casefold()}
        if earlier.handle:
            names |= {earlier.handle.casefold(), f"@{earlier.handle}".casefold()}
        if draft.replying_to.casefold() in names or any(
            text.casefold().removeprefix("@").startswith(name.removeprefix("@")) for name in names
        ):
            return index
    if mine:
        return next((i for i in range(len(comments) - 1, -1, -1) if not comments[i].is_mine), None)
    return None
