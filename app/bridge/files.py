"""Reading a thread from a file the person exported or saved: a saved page (.html), its
text (.txt, .md), or a table of comments (.json, .csv) from an export tool.

A saved page or text file is read as pasted text (``app.bridge.paste``). A table names
its columns as export tools do: author/name/user/username, text/body/comment/message/
content, time/date/created_at/timestamp/posted_at (ISO 8601, Unix seconds or what pages
show, "3h"), and optionally url/link/permalink and headline/title.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

from app.bridge.paste import NothingToRead, read_thread
from app.bridge.times import read_time
from app.domain.bridge import ParsedComment, ParsedThread
from app.timeutil import iso, parse

MAX_BYTES = 20 * 1024 * 1024
SUFFIXES = (".txt", ".md", ".html", ".htm", ".json", ".csv")
_AUTHOR = ("author", "name", "user", "username", "author_name", "from")
_TEXT = ("text", "body", "comment", "message", "content")
_TIME = ("time", "date", "created_at", "timestamp", "posted_at", "created")
_URL = ("url", "link", "permalink")
_HEADLINE = ("headline", "title", "occupation")


def read_file(path: Path, now: datetime, me: str = "") -> ParsedThread:
    """The thread in ``path``; NothingToRead (plain words) when it holds none."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise NothingToRead(
            f"Fireside cannot read {path.name}: drop a saved page (.html), text (.txt) "
            "or a table of comments (.json, .csv)."
        )
    try:
        if path.stat().st_size > MAX_BYTES:
            raise NothingToRead(f"{path.name} is larger than 20 MB; export one thread at a time.")
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise NothingToRead(f"{path.name} is not UTF-8 text.") from None
    except OSError as exc:
        raise NothingToRead(f"Fireside could not read {path.name}: {exc.strerror}.") from None
    if suffix in (".html", ".htm"):
        return read_thread(page_text(text), now, me)
    if suffix == ".json":
        return _table(_json_rows(text, path.name), now, me, path.name)
    if suffix == ".csv":
        return _table(csv.DictReader(io.StringIO(text)), now, me, path.name)
    return read_thread(text, now, me)


class _PageText(HTMLParser):
    """A saved page's text, one line per block, as a browser copies it."""

    _BLOCKS = frozenset(
        "p div br li ul ol h1 h2 h3 h4 h5 h6 article section header footer span time a "
        "button tr td blockquote".split()
    )
    _HIDDEN = frozenset({"script", "style", "noscript", "template", "svg"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._HIDDEN:
            self._hidden += 1
        elif tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._HIDDEN:
            self._hidden = max(0, self._hidden - 1)
        elif tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def page_text(markup: str) -> str:
    reader = _PageText()
    reader.feed(markup)
    reader.close()
    lines = (" ".join(line.split()) for line in "".join(reader.parts).splitlines())
    return "\n".join(line for line in lines if line)


def _json_rows(text: str, name: str) -> list[Mapping[str, object]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise NothingToRead(f"{name} is not valid JSON (line {exc.lineno}).") from None
    if isinstance(data, dict):
        data = next((v for v in data.values() if isinstance(v, list)), [])
    if not isinstance(data, list):
        raise NothingToRead(f"{name} holds no list of comments.")
    return [row for row in data if isinstance(row, dict)]


def _pick(row: Mapping[str, object], names: tuple[str, ...]) -> str:
    lowered = {str(k).strip().casefold(): v for k, v in row.items()}
    for name in names:
        value = lowered.get(name)
        if isinstance(value, dict):  # {"author": {"name": ...}}
            value = value.get("name") or value.get("username")
        if value not in (None, ""):
            return str(value).strip()
    return ""


def _moment(value: str, now: datetime) -> datetime | None:
    if value.replace(".", "", 1).isdigit():
        seconds = float(value)
        return datetime.fromtimestamp(seconds / 1000 if seconds > 1e11 else seconds, UTC)
    try:
        moment = parse(value)
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    except ValueError:
        return read_time(value, now)


def _table(rows: Iterable[Mapping[str, object]], now: datetime, me: str, name: str) -> ParsedThread:
    comments = []
    skipped = 0
    wanted = me.strip().removeprefix("@").casefold()
    for row in rows:
        author, text = _pick(row, _AUTHOR), _pick(row, _TEXT)
        moment = _moment(_pick(row, _TIME), now)
        if not author or not text or moment is None:
            skipped += 1
            continue
        comments.append(
            ParsedComment(
                author=author.removeprefix("@"),
                text=text,
                posted_at=iso(moment),
                time_text=_pick(row, _TIME),
                headline=_pick(row, _HEADLINE),
                is_mine=bool(wanted) and author.removeprefix("@").casefold() == wanted,
                url=_pick(row, _URL),
            )
        )
    if not comments:
        raise NothingToRead(
            f"{name} has no rows with an author, a text and a time (columns such as "
            "author, text and created_at)."
        )
    notes = (f"{skipped} rows without an author, a text or a time were left out.",)
    return ParsedThread(tuple(comments), notes if skipped else ())
