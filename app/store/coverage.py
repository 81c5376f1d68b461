"""The coverage scorecard in the store: the questions other people asked in a period, with
whether and when each was first answered, tallied by week, network, tier and post.

A question is a comment Fireside classed as one (``is_question``), not mine, not deleted.
It counts as answered once it is marked answered (my reply under it was pulled, or
Fireside sent one); its time to answer is the first answer's time minus the question's
(``answered_at``, schema "ledger notes and answer times"), left out of the median where
the answer's time is not known. Weeks are the person's calendar weeks (``app.localweeks``:
Monday 00:00 to Monday 00:00 in their time zone); the store's times stay UTC, so a
question is placed by comparing its time with the weeks' starts as UTC instants.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import tzinfo
from typing import TypeVar

import msgspec

from app.domain import VIP_TIER_TITLES, VipTier
from app.domain.ledger import Coverage, Scorecard, median, seconds_between
from app.localweeks import last_mondays, week_starts
from app.store.ledger import waiting_longest
from app.store.sql import Database
from app.timeutil import iso, parse

K = TypeVar("K")
#: Posts the scorecard shows by name (those with the most questions); the rest are one bar.
TOP_POSTS = 8
#: People listed as waiting longest.
TOP_WAITING = 10


class Question(msgspec.Struct, frozen=True):
    created_at: str
    answered: bool
    answered_at: str | None
    network: str
    post_title: str
    tier: VipTier

    @property
    def answer_seconds(self) -> float | None:
        if not self.answered or self.answered_at is None:
            return None
        return seconds_between(self.created_at, self.answered_at)


def questions(db: Database, since: str, until: str) -> list[Question]:
    """The questions asked from ``since`` up to (not including) ``until``."""
    sql = """SELECT c.created_at, c.answered, c.answered_at, a.network,
            ifnull(po.title, ''), p.vip_tier
        FROM comments c INDEXED BY ix_coverage_questions
        JOIN accounts a ON a.id = c.account_id JOIN posts po ON po.id = c.post_id
        JOIN people p ON p.id = c.author_id
        WHERE c.is_mine = 0 AND c.deleted = 0 AND c.is_question = 1
          AND c.created_at >= ? AND c.created_at < ?"""
    return [
        Question(r[0], bool(r[1]), r[2], r[3], r[4], VipTier(r[5] or 0))
        for r in db.execute(sql, [since, until])
    ]


def tally(label: str, group: Iterable[Question]) -> Coverage:
    items = list(group)
    times = [s for q in items if (s := q.answer_seconds) is not None]
    return Coverage(label, len(items), sum(q.answered for q in items), median(times))


def _by(items: list[Question], key: Callable[[Question], K]) -> dict[K, list[Question]]:
    groups: dict[K, list[Question]] = defaultdict(list)
    for q in items:
        groups[key(q)].append(q)
    return groups


def scorecard(db: Database, now: str, weeks: int = 8, zone: tzinfo | None = None) -> Scorecard:
    """The scorecard of the ``weeks`` weeks up to ``now`` (this week included), in the
    calendar of ``zone`` (None: the OS's time zone)."""
    if weeks < 1:
        raise ValueError(f"A scorecard covers at least one week, not {weeks}.")
    mondays = last_mondays(parse(now), weeks, zone)
    starts = [iso(week_starts(monday, zone)) for monday in mondays]
    since, until = starts[0], starts[-1]
    items = questions(db, since, until)
    by_week = _by(items, lambda q: bisect_right(starts, q.created_at) - 1)
    by_post = sorted(_by(items, lambda q: q.post_title).items(), key=lambda kv: -len(kv[1]))
    shown_posts = [tally(title or "(untitled)", group) for title, group in by_post[:TOP_POSTS]]
    rest = [q for _, group in by_post[TOP_POSTS:] for q in group]
    if rest:
        others = len(by_post) - TOP_POSTS
        shown_posts.append(tally(f"{others} other posts", rest))
    by_tier = _by(items, lambda q: q.tier)
    return Scorecard(
        since=since,
        until=until,
        total=tally("All questions", items),
        by_week=tuple(
            tally(monday.isoformat(), by_week.get(n, [])) for n, monday in enumerate(mondays[:-1])
        ),
        by_network=tuple(tally(n, g) for n, g in sorted(_by(items, lambda q: q.network).items())),
        by_tier=tuple(
            tally(VIP_TIER_TITLES[tier], by_tier.get(tier, []))
            for tier in sorted(VipTier, reverse=True)
        ),
        by_post=tuple(shown_posts),
        waiting=tuple(waiting_longest(db, TOP_WAITING)),
    )
