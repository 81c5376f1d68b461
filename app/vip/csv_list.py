"""Reading the comms team's VIP list: a CSV with a header row naming its columns.

Columns (any order, any case): ``email`` or ``name`` (at least one of the two), ``network``
(a network's name as Fireside shows it or its kind; blank for every network) and ``tier``
(``top``/``executive team``/3, ``senior``/``senior leader``/2, ``key``/``key person``/1,
``none``/``not a vip``/0). Other columns are ignored.

The file is untrusted: at most ``MAX_BYTES`` and ``MAX_ROWS``; UTF-8 (with or without a
byte-order mark), UTF-16 with a byte-order mark, or else Windows-1252 (what a spreadsheet
on Windows saves as "CSV"); no NUL bytes. A cell that a spreadsheet would run as a formula
(starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) is refused, not
stored, and so is a row with a tier nobody can read: each refused line is named with the
reason, and the good lines are still read.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable

from app.domain import VIP_TIER_TITLES, VipTier
from app.domain.vip_lists import VipListProblem, VipListRow
from app.errors import UserError

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 50_000
MAX_CELL = 320  # longer than any email address or name
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_HEADERS = {
    "email": "email",
    "e-mail": "email",
    "email address": "email",
    "mail": "email",
    "name": "name",
    "full name": "name",
    "display name": "name",
    "network": "network",
    "tier": "tier",
    "vip tier": "tier",
}
_TIER_WORDS = {
    **{t.name.lower(): t for t in VipTier},
    **{title.lower(): t for t, title in VIP_TIER_TITLES.items()},
    **{str(int(t)): t for t in VipTier},
    "executive": VipTier.TOP,
    "exec": VipTier.TOP,
    "key": VipTier.KEY,
    "vip": VipTier.KEY,
    "not vip": VipTier.NONE,
}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class VipListUnreadable(UserError):
    """The file as a whole cannot be read as a VIP list (the message says why)."""


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding name) of the file's bytes; VipListUnreadable if it is no text."""
    if len(data) > MAX_BYTES:
        raise VipListUnreadable(
            f"The file is {len(data) / 1024 / 1024:.1f} MB; a VIP list may be at most "
            f"{MAX_BYTES // 1024 // 1024} MB. Split it into smaller files."
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            raise VipListUnreadable("The file says it is UTF-16 but is not.") from None
    if b"\x00" in data:
        raise VipListUnreadable(
            "The file holds binary data, not text: save the list as CSV (UTF-8) and try again."
        )
    try:
        return data.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        raise VipListUnreadable(
            "The file is not UTF-8 text: save the list as CSV (UTF-8) and try again."
        ) from None


def parse(
    data: bytes, networks: Iterable[tuple[str, str]]
) -> tuple[list[VipListRow], list[VipListProblem], str]:
    """(rows, problems, encoding) of a VIP list; ``networks`` are the (kind, shown name)
    pairs a network cell may name. VipListUnreadable when the file as a whole is not one."""
    text, encoding = decode(data)
    known = {}
    for kind, shown in networks:
        known[kind.casefold()] = kind
        known[shown.casefold()] = kind
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise VipListUnreadable(f"Line 1 is not CSV: {exc}.") from None
    columns = _columns(header)
    rows: list[VipListRow] = []
    problems: list[VipListProblem] = []
    while True:
        if len(rows) + len(problems) >= MAX_ROWS:
            raise VipListUnreadable(
                f"The list has more than {MAX_ROWS:,} rows; split it into smaller files."
            )
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(VipListProblem(reader.line_num, f"not CSV ({exc})"))
            continue
        line = reader.line_num
        if not any(c.strip() for c in cells):
            continue  # a blank line
        read = _row(line, cells, columns, known)
        if isinstance(read, VipListRow):
            rows.append(read)
        else:
            problems.append(read)
    return rows, problems, encoding


def _columns(header: list[str] | None) -> dict[str, int]:
    """Which column holds what, from the header line."""
    if not header:
        raise VipListUnreadable("The file is empty: the first line must name the columns.")
    columns = {
        _HEADERS[h.strip().casefold()]: i
        for i, h in enumerate(header)
        if h.strip().casefold() in _HEADERS
    }
    if "tier" not in columns or not ({"email", "name"} & columns.keys()):
        raise VipListUnreadable(
            "The first line must name the columns: email or name, network and tier "
            f"(it says: {', '.join(h.strip()[:40] for h in header[:6])})."
        )
    return columns


def _cell(cells: list[str], columns: dict[str, int], name: str) -> str:
    at = columns.get(name)
    return cells[at].strip() if at is not None and at < len(cells) else ""


def _row(
    line: int, cells: list[str], columns: dict[str, int], known: dict[str, str]
) -> VipListRow | VipListProblem:
    values = {name: _cell(cells, columns, name) for name in ("email", "name", "network", "tier")}
    for name, value in values.items():
        if value.startswith(_FORMULA_START):
            return VipListProblem(line, f"the {name} cell starts like a spreadsheet formula")
        if len(value) > MAX_CELL:
            return VipListProblem(line, f"the {name} cell is {len(value):,} characters long")
    email, name = values["email"], " ".join(values["name"].split())
    if not email and not name:
        return VipListProblem(line, "no email and no name")
    if email and not _EMAIL.match(email):
        return VipListProblem(line, f"“{email}” is not an email address")
    tier = _TIER_WORDS.get(" ".join(values["tier"].casefold().replace("-", " ").split()))
    if tier is None:
        shown = values["tier"] or "nothing"
        return VipListProblem(
            line, f"the tier says “{shown}”; use top, senior, key or none (or 3, 2, 1, 0)"
        )
    network = ""
    if values["network"]:
        network = known.get(values["network"].casefold(), "")
        if not network:
            return VipListProblem(line, f"no network called “{values['network']}” here")
    return VipListRow(line, email.casefold(), name, network, tier)
