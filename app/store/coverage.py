"""The coverage scorecard in the store: the questions other people asked in a period, with
whether and when each was first answered, tallied by week, network, tier and post.

A question is a comment Fireside classed as one (``is_question``), not mine, not deleted.
It counts as answered once it is marked answered (my reply under it was pulled, or
Fireside sent one); its time to answer is the first answer's time minus the question's
(``answered_at``, schema "ledger notes and answer times"), left out of the median where
the answer's time is not known. Weeks start on Monday, 00:00 UTC.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import TypeVar

import msgspec

from app.domain import VIP_TIER_TITLES, VipTier
from app.domain.ledger import Coverage, Scorecard, median, seconds_between
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


def week_start(moment: datetime) -> datetime:
    """The Monday, 00:00 UTC, of the week a moment falls in."""
    day = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    return day - timedelta(days=day.weekday())


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


def scorecard(db: Database, now: str, weeks: int = 8) -> Scorecard:
    """The scorecard of the ``weeks`` weeks up to ``now`` (this week included)."""
    first = week_start(parse(now)) - timedelta(weeks=weeks - 1)
    since, until = iso(first), iso(week_start(parse(now)) + timedelta(weeks=1))
    items = questions(db, since, until)
    weeks_of_days: dict[str, str] = {}  # a day's week, worked out once per day

    def week_of(q: Question) -> str:
        day = q.created_at[:10]
        if day not in weeks_of_days:
            weeks_of_days[day] = iso(week_start(parse(q.created_at)))
        return weeks_of_days[day]

    by_week = _by(items, week_of)
    week_starts = [iso(first + timedelta(weeks=n)) for n in range(weeks)]
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
        by_week=tuple(tally(start, by_week.get(start, [])) for start in week_starts),
        by_network=tuple(tally(n, g) for n, g in sorted(_by(items, lambda q: q.network).items())),
        by_tier=tuple(
            tally(VIP_TIER_TITLES[tier], by_tier.get(tier, []))
            for tier in sorted(VipTier, reverse=True)
        ),
        by_post=tuple(shown_posts),
        waiting=tuple(waiting_longest(db, TOP_WAITING)),
    )
