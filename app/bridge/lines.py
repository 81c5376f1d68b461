"""What each line of a pasted comment thread is: a time, a button, a badge, a name or text.

A thread copied from a browser page is the page's text in reading order: names,
headlines, times and comment text mixed with the labels of buttons ("Like", "Reply",
"12 replies"), reaction counts and badges ("• 2nd", "Author", "Verified"). ``classify``
sorts one line into a :class:`LineKind`; the thread reader (``app.bridge.paste``) then
finds the comments around the times. Several pieces on one line ("janedoe · 5h",
"janedoe 3 hours ago | parent | next [-]") are split at the separators pages use.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from datetime import datetime

import msgspec

from app.bridge.times import read_time


class LineKind(enum.Enum):
    BLANK = "blank"
    #: a button label, count or sort control: it ends the comment before it
    ACTION = "action"
    #: a badge or decoration beside a name ("• 2nd", "Author", "·"): part of a header
    BADGE = "badge"
    #: a time, possibly with a name and badges on the same line
    TIME = "time"
    #: "@janedoe", "u/janedoe": a handle on a line of its own
    HANDLE = "handle"
    #: "Replying to @exec": whom a reply answers (X)
    REPLYING_TO = "replying_to"
    TEXT = "text"


class Line(msgspec.Struct, frozen=True):
    text: str
    kind: LineKind
    #: for TIME: the moment it names, and a name found beside it on the same line
    moment: datetime | None = None
    name: str = ""
    #: for HANDLE and REPLYING_TO: the handle without its "@"
    handle: str = ""


_SEPARATORS = re.compile(r"\s*(?:[·•|]|\s-\s)\s*")
#: Button labels and controls, compared case-insensitively with the whole piece.
_ACTIONS = {
    "like", "likes", "liked", "unlike", "reply", "replies", "share", "shared", "send",
    "repost", "reposts", "quote", "quotes", "comment", "comments", "report", "flag",
    "translate", "see translation", "translate post", "show translation", "see more",
    "…more", "...more", "… more", "more", "show more", "show less", "read more", "hide",
    "hide replies", "view replies", "view more replies", "view more comments",
    "load more comments", "load more replies", "load previous replies",
    "see previous replies", "show replies", "show more replies", "show this thread",
    "most relevant", "most recent", "newest", "oldest", "top comments", "all comments",
    "newest first", "sort by", "sort by top", "add a comment…", "add a comment...",
    "post your reply", "write a comment…", "write a comment...", "reply…", "reply...",
    "permalink", "embed", "save", "give award", "award", "upvote", "downvote", "vote",
    "edit", "delete", "bookmark", "views", "copy link", "link", "parent", "next", "prev",
    "root", "context", "[–]", "[-]", "[+]", "favorite", "react", "celebrate", "support",
    "love", "insightful", "funny", "curious", "heart", "thanks", "dislike", "pin",
    "pinned", "like reply", "like · reply", "reply · like", "reactions", "retweet",
    "retweets", "boost", "boosts", "favourite", "favourites", "open comment",
}  # fmt: skip
#: Decorations beside a name, read as part of the header.
_BADGES = {
    "·", "•", "author", "op", "creator", "verified", "follow", "following", "top fan",
    "top contributor", "moderator", "admin", "staff", "mod", "edited", "(edited)",
    "1st", "2nd", "3rd", "3rd+", "he/him", "she/her", "they/them", "premium", "you",
    "original poster", "rising fan", "community manager", "official",
}  # fmt: skip
#: "12", "1,204", "1.2K", "3M", "1.2k", "👍 2"; "18m" is eighteen minutes, not a count.
_COUNT = re.compile(r"[^\w\s]*\s*[\d.,]+\s?[kKM]?\+?")
#: "12 likes", "2 Replies", "1.2K views", "View 3 more replies", "Show 3 replies".
_COUNTED = re.compile(
    r"(?:(?:view|show|see|load)\s+(?:all\s+)?)?[\d.,]+\s?[kKmM]?\+?\s+(?:more\s+)?"
    r"(?:\w+\s+)?(?:likes?|repl(?:y|ies)|reactions?|comments?|views?|reposts?|quotes?|"
    r"retweets?|shares?|points?|votes?|upvotes?|boosts?|favou?rites?|bookmarks?|hearts?|"
    r"children|others?)",
    re.IGNORECASE,
)
_VIEW_PROFILE = re.compile(r"(?:view|open)\s+.+[’']s?\s+(?:profile|graphic link).*", re.IGNORECASE)
_HANDLE = re.compile(r"(?:@|u/|/u/)(?P<handle>[\w.\-]{1,40}(?:@[\w.\-]+)?)")
_REPLYING_TO = re.compile(r"replying to\s+@(?P<handle>[\w.\-]{1,40})(?:\s.*)?", re.IGNORECASE)
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u200f"))


def clean(text: str) -> str:
    """One line as a person reads it: no invisible characters, spaces made plain."""
    text = unicodedata.normalize("NFC", text.translate(_INVISIBLE))
    return " ".join(text.replace("\u00a0", " ").split())


def classify(raw: str, now: datetime) -> Line:
    text = clean(raw)
    if not text:
        return Line(text, LineKind.BLANK)
    if _noise(text, _ACTIONS):
        return Line(text, LineKind.ACTION)
    if _noise(text, _BADGES) or _VIEW_PROFILE.fullmatch(text) or _only_symbols(text):
        return Line(text, LineKind.BADGE)
    replying = _REPLYING_TO.fullmatch(text)
    if replying:
        return Line(text, LineKind.REPLYING_TO, handle=replying["handle"])
    handle = _HANDLE.fullmatch(text)
    if handle:
        return Line(text, LineKind.HANDLE, handle=handle["handle"])
    return _timed(text, now) or Line(text, LineKind.TEXT)


def _pieces(text: str) -> list[str]:
    return [piece for piece in _SEPARATORS.split(text) if piece]


def _is_action(piece: str) -> bool:
    lowered = piece.casefold()
    bare = lowered.strip("….:").strip()  # "…see more", "Sort by:"
    return (
        lowered in _ACTIONS
        or bare in _ACTIONS
        or bool(_COUNT.fullmatch(piece))
        or bool(_COUNTED.fullmatch(piece))
        or all(word in _ACTIONS for word in lowered.split())  # "next [-]" (HN)
    )


def _is_badge(piece: str) -> bool:
    return piece.casefold() in _BADGES or _only_symbols(piece)


def _noise(text: str, vocabulary: set[str]) -> bool:
    """Is every piece of the line noise, and is some piece of this vocabulary's kind?"""
    pieces = _pieces(text)
    if not pieces:
        return vocabulary is _BADGES  # separators alone ("·")
    if not all(_is_action(p) or _is_badge(p) for p in pieces):
        return False
    if vocabulary is _ACTIONS:
        return any(_is_action(p) for p in pieces)
    return True


def _only_symbols(text: str) -> bool:
    """Emoji, arrows, bullets: reaction icons and decorations, no letters or digits."""
    return not any(ch.isalnum() for ch in text)


def _timed(text: str, now: datetime) -> Line | None:
    """A line holding a time, alone or beside a name and badges ("janedoe · 5h")."""
    moment = read_time(text, now)
    if moment is not None:
        return Line(text, LineKind.TIME, moment=moment)
    pieces = _pieces(text)
    return _time_among(pieces, now) if len(pieces) > 1 else _named_time(text, now)


#: Words between a name and a time: "dwhitfield commented 3 days ago", "posted by jane".
_VERBS = re.compile(
    r"(?:posted by|submitted by|by)?\s*(?P<name>.+?)\s*(?:commented|replied|wrote|posted|"
    r"answered|responded|said|edited|commented on)?\s*(?:on\s+)?$",
    re.IGNORECASE,
)


def _named_time(piece: str, now: datetime) -> Line | None:
    """ "janedoe 3 hours ago", "dwhitfield commented 3 days ago": a name, then a time."""
    words = piece.split()
    for cut in range(1, min(len(words), 7)):
        moment = read_time(" ".join(words[cut:]), now)
        if moment is None:
            continue
        head = _VERBS.fullmatch(" ".join(words[:cut]))
        name = head["name"].removeprefix("u/") if head else ""
        if name and looks_like_name(name):
            return Line(piece, LineKind.TIME, moment=moment, name=name.removeprefix("@"))
    return None


def _time_among(pieces: list[str], now: datetime) -> Line | None:
    moment = None
    names = []
    for piece in pieces:
        read = read_time(piece, now) if moment is None else None
        named = _named_time(piece, now) if moment is None and read is None else None
        if named is not None:
            moment = named.moment
            names.append(named.name)
        elif read is not None:
            moment = read
        elif _is_action(piece) or _is_badge(piece):
            continue
        elif looks_like_name(piece) or _HANDLE.fullmatch(piece):
            names.append(piece)
        else:
            return None  # text beside a time: a sentence, not a header
    if moment is None or len(names) > 2:
        return None
    return Line(" · ".join(pieces), LineKind.TIME, moment=moment, name=names[0] if names else "")


_PARTICLES = {"van", "von", "de", "der", "den", "da", "di", "du", "del", "la", "le", "bin", "al"}


def looks_like_name(text: str) -> bool:
    """Could this line be a person's name as pages show it ("Jane Doe", "janedoe",
    "Dr. Amara Okafor", "山田太郎", "Jane Doe (she/her)")? Sentences are not: they end in
    punctuation or hold lower-case words."""
    text = re.sub(r"\s*\((?:[^)]{1,30})\)$", "", clean(text))  # "(she/her)", "(Author)"
    if not text or len(text) > 60 or text[-1] in ".!?:;,…":
        return False
    words = text.split()
    if len(words) == 1:
        return bool(re.fullmatch(r"[@\w.\-’']{1,40}", words[0]))
    if len(words) > 5:
        return False
    return all(_name_word(word) for word in words)


def _name_word(word: str) -> bool:
    if word.casefold() in _PARTICLES:
        return True
    first = next((ch for ch in word if ch.isalpha()), "")
    if not first:
        return not word.isdigit()
    # Capitalised, or a script without case (CJK, Arabic, Hebrew...).
    return first.isupper() or not (first.isupper() or first.islower())
