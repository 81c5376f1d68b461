"""VIP tiers: the directory rule word by word, who may change a tier (hand > imported list >
directory), the tier every comment carries for "VIPs first", and the VIPs view's count."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fixtures.store_data import ACCOUNT, ingest, open_store, remote
from msgspec.structs import replace

from app.domain import (
    InboxFilter,
    InboxOrder,
    InboxView,
    Manager,
    OrgChart,
    Person,
    VipSource,
    VipTier,
)
from app.domain.narrowing import sort_key
from app.store import Store, accounts, comments, vips
from app.timeutil import iso, now
from app.vip.tiers import tier_from_directory


@pytest.mark.parametrize(
    ("title", "level", "tier"),
    [
        ("Chief Executive Officer", "", VipTier.TOP),
        ("CFO", "", VipTier.TOP),
        ("Chief People Officer", "", VipTier.TOP),
        ("President, EMEA", "", VipTier.TOP),
        ("EVP Operations", "", VipTier.TOP),
        ("Executive Vice President & General Counsel", "", VipTier.TOP),
        ("Board Member", "", VipTier.TOP),
        ("Non-Executive Director", "", VipTier.TOP),
        ("Chair of the Audit Committee", "", VipTier.TOP),
        ("Engineer", "Executive", VipTier.TOP),
        ("VP Engineering", "", VipTier.SENIOR),
        ("Senior Vice President, Sales", "", VipTier.SENIOR),
        ("Vice President", "", VipTier.SENIOR),
        ("Director of FP&A", "", VipTier.SENIOR),
        ("Regional Sales Director", "", VipTier.SENIOR),
        ("Head of Talent", "", VipTier.SENIOR),
        ("General Counsel", "", VipTier.SENIOR),
        ("Site Manager", "Director", VipTier.SENIOR),
        # not a leader's own role, or not senior, whatever words they share
        ("Executive Assistant to the CEO", "", VipTier.NONE),
        ("Chief of Staff to the CFO", "", VipTier.NONE),
        ("Assistant Vice President", "", VipTier.NONE),
        ("Associate Director", "", VipTier.NONE),
        ("Account Executive", "", VipTier.NONE),
        ("HR Business Partner", "", VipTier.NONE),
        ("Keyboard Technician", "", VipTier.NONE),
        ("Vice-presidential historian intern", "", VipTier.NONE),
        ("Software Engineer", "IC", VipTier.NONE),
        ("", "", VipTier.NONE),
    ],
)
def test_the_directory_rule(title: str, level: str, tier: VipTier) -> None:
    assert tier_from_directory(title, level) is tier


CEO = Manager("m0", "Grace", "Chief Executive Officer")
COO = Manager("m1", "Dana", "COO")
LEAD = Manager("m2", "Ada", "Engineering Lead")


@pytest.mark.parametrize(
    ("title", "managers", "tier"),
    [
        ("Partnerships", (CEO,), VipTier.TOP),  # reports directly to the head
        ("Associate Director", (CEO,), VipTier.TOP),
        ("Partnerships", (COO, CEO), VipTier.SENIOR),  # reports to the executive team
        ("Engineer", (LEAD, COO, CEO), VipTier.KEY),  # in the executive's organisation
        ("Engineer", (LEAD, Manager("x", "Sam", "CFO"), CEO), VipTier.NONE),  # elsewhere
        ("Director of Sales", (LEAD, CEO), VipTier.SENIOR),  # the title already says more
        ("Executive Assistant", (CEO,), VipTier.NONE),  # not a leader's own role
        ("Engineer", (Manager("m9", "Pat", "Team Lead"),), VipTier.NONE),  # a root, not top
        ("Engineer", (), VipTier.NONE),
    ],
)
def test_the_manager_chain_rule(title: str, managers: tuple[Manager, ...], tier: VipTier) -> None:
    """The executive is Dana (m1): her direct reports are senior, her organisation key."""
    chart = OrgChart("p", title, managers)
    assert tier_from_directory(title, "", chart, executive_id="m1") is tier


def test_the_executive_s_direct_report_is_senior_whatever_the_executive_s_title() -> None:
    chart = OrgChart("p", "Analyst", (Manager("me", "Dana", "Special Projects"), CEO))
    assert tier_from_directory("Analyst", "", chart, executive_id="me") is VipTier.SENIOR
    assert tier_from_directory("Analyst", "", chart) is VipTier.NONE  # no executive known


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = open_store(tmp_path)
    yield opened
    opened.close()


def _person(store: Store, remote_id: str) -> tuple[int, str | None]:
    row = store.reader().execute(
        "SELECT vip_tier, vip_source FROM people WHERE remote_id = ?", [remote_id]
    )
    tier, source = row.fetchone()
    return tier, source


def _tiers_of_comments(store: Store, remote_author: str) -> set[int]:
    rows = store.reader().execute(
        "SELECT c.author_tier FROM comments c JOIN people p ON p.id = c.author_id "
        "WHERE p.remote_id = ?",
        [remote_author],
    )
    return {r[0] for r in rows}


def test_the_directory_sets_tiers_but_never_over_a_hand(store: Store) -> None:
    vp = Person("u7", "Vera Park", "VP Sales", "Sales", "VP")
    store.run_sync(ingest, [remote(1, author=vp), remote(2, author=vp)])
    assert _person(store, "u7") == (VipTier.SENIOR, VipSource.DIRECTORY)
    assert _tiers_of_comments(store, "u7") == {VipTier.SENIOR}

    promoted = Person("u7", "Vera Park", "Chief Revenue Officer", "Sales", "")
    store.run_sync(accounts.upsert_people, ACCOUNT.id, [promoted])
    assert _person(store, "u7") == (VipTier.TOP, VipSource.DIRECTORY)
    assert _tiers_of_comments(store, "u7") == {VipTier.TOP}  # kept by the trigger

    cid = store.reader().execute("SELECT id FROM comments WHERE remote_id = 'c1'").fetchone()[0]
    assert store.run_sync(vips.set_author_tier, cid, VipTier.NONE) == "Vera Park"
    store.run_sync(accounts.upsert_people, ACCOUNT.id, [promoted])  # the next sync
    assert _person(store, "u7") == (VipTier.NONE, VipSource.HAND)
    assert _tiers_of_comments(store, "u7") == {VipTier.NONE}


def test_a_new_comment_by_a_vip_carries_the_tier(store: Store) -> None:
    store.run_sync(ingest, [remote(1)])
    cid = store.reader().execute("SELECT id FROM comments WHERE remote_id = 'c1'").fetchone()[0]
    store.run_sync(vips.set_author_tier, cid, VipTier.KEY)
    store.run_sync(ingest, [remote(1), remote(9, author=Person("u1", "Person1 Surname"))])
    assert _tiers_of_comments(store, "u1") == {VipTier.KEY}
    starred = store.reader().execute("SELECT starred FROM people WHERE remote_id = 'u1'")
    assert starred.fetchone()[0] == 1  # the v5 star follows a tier set by hand


def test_vips_after_announces_only_vips_needing_a_reply(store: Store) -> None:
    store.run_sync(ingest, [remote(n) for n in range(1, 6)])
    ids = [r.id for r in comments.view_page(store.reader(), InboxView.ALL)]
    store.run_sync(vips.set_author_tier, ids[0], VipTier.SENIOR)
    store.run_sync(vips.set_author_tier, ids[1], VipTier.KEY)
    found = store.run_sync(vips.vips_after, min(ids) - 1)
    assert sorted(r.id for r in found) == sorted(ids[:2])
    assert {r.author_tier for r in found} == {VipTier.SENIOR, VipTier.KEY}
    assert store.run_sync(vips.vips_after, max(ids)) == []


def test_vips_after_reads_only_the_comments_after_the_id(store: Store) -> None:
    """Asked after every change: it reads by id from where it left off, never an index of
    every open comment (15 ms at a million comments, for nothing new)."""
    store.run_sync(ingest, [remote(n) for n in range(1, 4)])
    db = store.reader()
    statements: list[str] = []
    db.conn.set_trace_callback(statements.append)
    try:
        assert vips.vips_after(db, 10**9) == []
    finally:
        db.conn.set_trace_callback(None)
    plan = " | ".join(r[3] for r in db.execute(f"EXPLAIN QUERY PLAN {statements[0]}"))
    assert "SEARCH c USING INTEGER PRIMARY KEY (rowid>?)" in plan, plan


def test_the_vips_count_reads_only_the_vips_in_the_tier_index(store: Store) -> None:
    store.run_sync(ingest, [remote(n) for n in range(1, 4)])
    db = store.reader()
    statements: list[str] = []
    db.conn.set_trace_callback(statements.append)
    try:
        assert comments.view_count(db, InboxView.VIPS) == 0
    finally:
        db.conn.set_trace_callback(None)
    plan = " | ".join(r[3] for r in db.execute(f"EXPLAIN QUERY PLAN {statements[0]}"))
    assert "ix_view_needs_reply_tier (author_tier>?)" in plan, plan


# --- filters: what they keep, page by page, and which index reads them -------------------


def _filtered_pages(store: Store, view: InboxView, narrow: InboxFilter) -> list[int]:
    db, rows = store.reader(), []
    order = narrow.order_in(view)
    for _ in range(100):  # bounded: 7 rows a page
        after = sort_key(rows[-1], order) if rows else None
        page = comments.view_page(db, view, None, after, 7, narrow=narrow)
        rows += page
        if len(page) < 7:
            return [r.id for r in rows]
    raise AssertionError("paging did not end")


@pytest.mark.parametrize("order", list(InboxOrder))
@pytest.mark.parametrize(
    "narrow",
    [
        InboxFilter(min_tier=VipTier.KEY),
        InboxFilter(min_tier=VipTier.SENIOR, network="sandbox"),
        InboxFilter(network="elsewhere"),
        InboxFilter(waiting_over_days=365),
        InboxFilter(newer_than_days=365),
    ],
)
def test_filters_keep_exactly_their_comments_page_by_page(
    store: Store, narrow: InboxFilter, order: InboxOrder
) -> None:
    people = [
        Person(f"u{n}", f"P{n}", ("VP Sales", "Director", "Engineer")[n % 3]) for n in range(9)
    ]
    store.run_sync(ingest, [remote(n, author=people[n % 9], minute=n % 5) for n in range(1, 40)])
    narrow = replace(narrow, order=order)
    db = store.reader()
    tiers = dict(db.execute("SELECT id, author_tier FROM comments").fetchall())
    times = dict(db.execute("SELECT id, created_at FROM comments").fetchall())
    cutoff = iso(now() - timedelta(days=365))
    expected = {
        cid
        for cid in tiers
        if tiers[cid] >= narrow.min_tier
        and narrow.network in (None, "sandbox")
        and (narrow.waiting_over_days is None or times[cid] < cutoff)
        and (narrow.newer_than_days is None or times[cid] >= cutoff)
    }
    for view in (InboxView.NEEDS_REPLY, InboxView.ALL, InboxView.VIPS):
        ids = _filtered_pages(store, view, narrow)
        in_view = {r.id for r in comments.view_page(db, view, limit=1000)}
        assert sorted(ids) == sorted(expected & in_view)
        assert comments.view_count(db, view, None, narrow) == len(ids)


@pytest.mark.parametrize(
    ("view", "narrow", "index"),
    [
        (InboxView.QUESTIONS, InboxFilter(min_tier=VipTier.SENIOR), "ix_comments_vip"),
        (InboxView.ALL, InboxFilter(min_tier=VipTier.KEY), "ix_comments_vip"),
        (InboxView.NEEDS_REPLY, InboxFilter(min_tier=VipTier.KEY), "ix_view_needs_reply_tier"),
        (InboxView.NEEDS_REPLY, InboxFilter(newer_than_days=1), "ix_view_needs_reply"),
    ],
)
def test_a_filter_that_keeps_few_rows_reads_only_those(
    store: Store, view: InboxView, narrow: InboxFilter, index: str
) -> None:
    db = store.reader()
    statements: list[str] = []
    db.conn.set_trace_callback(statements.append)
    try:
        comments.view_page(db, view, narrow=narrow)
        comments.view_count(db, view, None, narrow)
    finally:
        db.conn.set_trace_callback(None)
    page, count = (
        " | ".join(r[3] for r in db.execute(f"EXPLAIN QUERY PLAN {s}")) for s in statements
    )
    assert f"INDEX {index} (" in page  # a range of the index, not a walk of it
    assert "SCAN c" not in page.replace("SCAN c USING", "")
    assert not re.search(r"SCAN c\b(?! USING)", count)  # never every comment's row


def test_a_network_filter_counts_within_the_inbox_index(store: Store) -> None:
    db = store.reader()
    statements: list[str] = []
    db.conn.set_trace_callback(statements.append)
    try:
        comments.view_count(db, InboxView.ALL, None, InboxFilter(network="sandbox"))
    finally:
        db.conn.set_trace_callback(None)
    plan = " | ".join(r[3] for r in db.execute(f"EXPLAIN QUERY PLAN {statements[0]}"))
    assert "COVERING INDEX ix_comments_inbox" in plan, plan
