"""The comms team's VIP list: reading the CSV (hostile ones too: formula cells, huge files,
wrong encodings, binary, broken quoting), matching it to people, applying it without
touching a tier set by hand, and undoing it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fixtures.store_data import ingest, open_store, remote

from app.domain import Person, VipSource, VipTier
from app.store import Store, vip_imports, vips
from app.vip.csv_list import MAX_BYTES, MAX_ROWS, VipListUnreadable, parse

NETWORKS = [("sandbox", "Sandbox"), ("slack", "Slack")]


def read(text: str | bytes):
    data = text.encode() if isinstance(text, str) else text
    return parse(data, NETWORKS)


def test_a_good_list_in_any_column_order_and_case() -> None:
    rows, problems, encoding = read(
        "Tier,Network,Name,E-mail,Notes\n"
        "top,Sandbox,Ana Lima,ana@example.com,board\n"
        "Senior leader,,Ben Okafor,,\n"
        "1,slack,,cara@example.com,\n"
        "\n"
        "NONE,SANDBOX,Dan  Wu,,\n"
    )
    assert problems == [] and encoding == "UTF-8"
    assert [(r.line, r.who, r.network, r.tier) for r in rows] == [
        (2, "ana@example.com", "sandbox", VipTier.TOP),
        (3, "Ben Okafor", "", VipTier.SENIOR),
        (4, "cara@example.com", "slack", VipTier.KEY),
        (6, "Dan Wu", "sandbox", VipTier.NONE),
    ]


@pytest.mark.parametrize(
    ("line", "why"),
    [
        (
            '=HYPERLINK("http://evil.example","x"),top,sandbox',
            "name cell starts like a spreadsheet formula",
        ),
        ("+cmd|' /C calc'!A0,top,sandbox", "name cell starts like a spreadsheet formula"),
        ("@SUM(1+1),top,sandbox", "name cell starts like a spreadsheet formula"),
        ("-2+3,top,sandbox", "name cell starts like a spreadsheet formula"),
        ("Ana Lima,=1+1,sandbox", "tier cell starts like a spreadsheet formula"),
        ("Ana Lima,boss,sandbox", "the tier says “boss”"),
        ("Ana Lima,,sandbox", "the tier says “nothing”"),
        ("Ana Lima,top,Friendster", "no network called “Friendster” here"),
        (",top,sandbox", "no email and no name"),
        ("x" * 400 + ",top,sandbox", "the name cell is 400 characters long"),
    ],
)
def test_a_bad_line_is_named_with_why_and_the_good_lines_are_kept(line: str, why: str) -> None:
    rows, problems, _ = read(f"name,tier,network\nGood Person,key,sandbox\n{line}\n")
    assert [r.name for r in rows] == ["Good Person"]
    assert len(problems) == 1 and problems[0].line == 3
    assert why in problems[0].message


def test_a_bad_email_is_refused() -> None:
    rows, problems, _ = read("email,tier\nnot-an-address,top\n")
    assert rows == [] and "is not an email address" in problems[0].message


def test_windows_1252_and_utf16_are_read_and_said() -> None:
    text = "name,tier\nJosé Müller,top\n"
    rows, _, encoding = parse(text.encode("cp1252"), NETWORKS)
    assert encoding == "Windows-1252" and rows[0].name == "José Müller"
    rows, _, encoding = parse(text.encode("utf-16"), NETWORKS)  # with its byte-order mark
    assert encoding == "UTF-16" and rows[0].name == "José Müller"
    rows, _, encoding = parse(b"\xef\xbb\xbf" + text.encode(), NETWORKS)  # Excel's UTF-8
    assert encoding == "UTF-8" and rows[0].name == "José Müller"


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (b"", "The file is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary data"),
        (b"\xff\xfe\x00\xd8", "says it is UTF-16 but is not"),
        (b"who,what\nAna,top\n", "must name the columns"),
        (b"name,network\nAna,sandbox\n", "must name the columns"),
        (b"x" * (MAX_BYTES + 1), "at most 5 MB"),
    ],
)
def test_a_file_that_is_no_vip_list_says_why(data: bytes, why: str) -> None:
    with pytest.raises(VipListUnreadable, match=why):
        parse(data, NETWORKS)


def test_too_many_rows_is_refused_before_reading_them_all() -> None:
    data = ("name,tier\n" + "A B,key\n" * (MAX_ROWS + 1)).encode()
    assert len(data) < MAX_BYTES
    with pytest.raises(VipListUnreadable, match="more than 50,000 rows"):
        parse(data, NETWORKS)


def test_broken_quoting_is_one_bad_line_not_a_crash() -> None:
    big = '"' + "y" * 200_000 + '"'  # past csv's field limit
    rows, problems, _ = read(f"name,tier\nAna Lima,top\n{big},key\nBen Okafor,key\n")
    assert [r.name for r in rows][:1] == ["Ana Lima"]
    assert problems and "not CSV" in problems[0].message


# --- matching, applying, undoing -----------------------------------------------------------


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = open_store(tmp_path)
    people = [
        Person("ana@example.com", "Ana Lima", "Engineer"),
        Person("u2", "Ben  Okafor", "VP Sales"),
        Person("u3", "Cara Diaz", "Analyst"),
    ]
    opened.run_sync(ingest, [remote(n, author=p) for n, p in enumerate(people, 1)])
    yield opened
    opened.close()


def state(store: Store) -> dict[str, tuple[int, str | None]]:
    rows = store.reader().execute("SELECT name, vip_tier, vip_source FROM people")
    return {name: (tier, source) for name, tier, source in rows}


def test_a_list_finds_by_email_or_name_applies_and_undoes(store: Store) -> None:
    rows, _, _ = read(
        "email,name,network,tier\n"
        "ANA@example.com,,sandbox,top\n"
        ",ben okafor,,key\n"
        ",Cara Diaz,slack,top\n"  # not on Slack
        ",Nobody Here,,key\n"
    )
    before = state(store)
    assert before["Ben  Okafor"] == (VipTier.SENIOR, VipSource.DIRECTORY)
    matched, unmatched = store.run_sync(vip_imports.match, rows)
    assert [(m.name, m.tier_now, m.tier_new) for m in matched] == [
        ("Ana Lima", VipTier.NONE, VipTier.TOP),
        ("Ben  Okafor", VipTier.SENIOR, VipTier.KEY),
    ]
    assert [r.name for r in unmatched] == ["Cara Diaz", "Nobody Here"]
    done = store.run_sync(vip_imports.apply, "vips.csv", matched)
    assert done.changed == 2
    after = state(store)
    assert after["Ana Lima"] == (VipTier.TOP, VipSource.IMPORTED)
    assert after["Ben  Okafor"] == (VipTier.KEY, VipSource.IMPORTED)
    assert store.run_sync(vip_imports.last_applied) == (done.import_id, "vips.csv")
    assert store.run_sync(vip_imports.undo, done.import_id) == 2
    assert state(store) == before
    assert store.run_sync(vip_imports.undo, done.import_id) == 0  # once only
    assert store.run_sync(vip_imports.last_applied) is None


def test_a_list_never_changes_a_tier_set_by_hand(store: Store) -> None:
    cara = store.reader().execute("SELECT id FROM comments WHERE remote_id = 'c3'").fetchone()[0]
    store.run_sync(vips.set_author_tier, cara, VipTier.KEY)
    rows, _, _ = read("name,tier\nCara Diaz,top\n")
    matched, _ = store.run_sync(vip_imports.match, rows)
    assert matched[0].kept_by_hand
    assert store.run_sync(vip_imports.apply, "vips.csv", matched).changed == 0
    assert state(store)["Cara Diaz"] == (VipTier.KEY, VipSource.HAND)
