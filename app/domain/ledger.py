"""The relationship ledger and the coverage scorecard, as front ends see them: one person
across their accounts (and how sure the link is), what they wrote and how fast it was
answered, the people waiting longest, and the share of questions answered by week,
network, tier and post.

How people are linked across accounts (``LinkKind``): the people table holds one row per
person per account. Two rows are the same person for certain when they carry the same
identity: the same e-mail address as their id on any network, or the same id on the same
network at the same address (two accounts reading one Matrix server or one Slack
workspace). Otherwise two rows with the same display name (letter case and spacing aside)
in this workspace are linked as a guess, and the page says so; only a name that looks like
a person's full name is worth that guess (not "Ana", a handle, or "Anonymous").
"""

from __future__ import annotations

import enum
import statistics

import msgspec
from msgspec.structs import replace

from app.domain.rows import InboxRow
from app.domain.states import TriageState, VipTier
from app.timeutil import parse

#: A person's page lists this many of their newest comments, and then every older one
#: still waiting for an answer (``PersonTotals`` counts them all); "Show older comments"
#: lists as many more each time. A hundred fill the table three times over, and reading
#: them (with their posts and accounts, each cleaned for display) stays within a frame
#: however long the history: a page never costs more than its rows.
LEDGER_PAGE = 100


class LinkKind(enum.Enum):
    """How one of a person's accounts was linked to the one their page was opened from."""

    #: the account the page was opened from
    SELF = "self"
    #: the same e-mail address, or the same id on the same network at the same address
    SAME_IDENTITY = "same identity"
    #: only the display name is the same: perhaps another person of the same name
    SAME_NAME = "same name"


class LinkedAccount(msgspec.Struct, frozen=True):
    """One people row of a person: who they are on one account, and how it was linked."""

    person_id: int
    name: str
    title: str
    network: str
    account_name: str
    tier: VipTier
    link: LinkKind


def seconds_between(start: str, end: str) -> float:
    """Seconds from one stored UTC time to another (never below 0: a reply stored with a
    clock a little behind the comment's was not written before it)."""
    return max(0.0, (parse(end) - parse(start)).total_seconds())


class LedgerEntry(msgspec.Struct, frozen=True):
    """One comment a person wrote, and when it was answered (None: not answered, or
    answered where Fireside did not see the time)."""

    row: InboxRow
    answered_at: str | None

    @property
    def answer_seconds(self) -> float | None:
        """The reply's time minus the comment's; None when unanswered or unknown."""
        if self.answered_at is None:
            return None
        return seconds_between(self.row.created_at, self.answered_at)

    @property
    def age_key(self) -> tuple[str, int]:
        """(time, id): what orders a person's page (newest first), ties and all."""
        return (self.row.created_at, self.row.id)


class OlderComments(msgspec.Struct, frozen=True):
    """The next page of a person's comments, newest first, all older than the last one
    listed; ``more``: there are older ones still."""

    entries: tuple[LedgerEntry, ...]
    more: bool


class PersonTotals(msgspec.Struct, frozen=True):
    """Counted over every comment a person wrote, however many their page lists."""

    comments: int
    answered: int
    median_answer_seconds: float | None


class PersonLedger(msgspec.Struct, frozen=True):
    """A person's page: their accounts, their comments (``listed``: every one from the
    newest down to a point, a page at first, more as older ones are asked for; then
    ``older_waiting``: every older one still waiting however old), the totals over all of
    them, their tier (the highest any linked account has), and the notes kept about them.
    ``more``: comments older than the last listed exist."""

    person_id: int
    name: str
    title: str
    tier: VipTier
    accounts: tuple[LinkedAccount, ...]
    listed: tuple[LedgerEntry, ...]
    older_waiting: tuple[LedgerEntry, ...]
    more: bool
    totals: PersonTotals
    notes: str

    @property
    def guessed(self) -> bool:
        """Some of the accounts are linked by their name only."""
        return any(a.link is LinkKind.SAME_NAME for a in self.accounts)

    @property
    def entries(self) -> tuple[LedgerEntry, ...]:
        """Every comment on the page, newest first."""
        return self.listed + self.older_waiting

    @property
    def unlisted(self) -> int:
        """How many of the person's comments the page does not list (by its totals)."""
        return max(0, self.totals.comments - len(self.entries))

    @property
    def author_ids(self) -> tuple[int, ...]:
        """The people rows whose comments the page lists."""
        return tuple(a.person_id for a in self.accounts)

    @property
    def oldest_listed(self) -> LedgerEntry | None:
        """Where the next page of older comments starts (below this one)."""
        return self.listed[-1] if self.listed else None

    def with_older(self, older: OlderComments) -> PersonLedger:
        """This page with the next page of older comments listed; the older waiting ones
        it now lists are no longer kept apart (nothing is listed twice)."""
        listed = self.listed + older.entries
        last = listed[-1] if listed else None
        still = tuple(
            e
            for e in self.older_waiting
            if older.more and last is not None and e.age_key < last.age_key
        )
        return replace(self, listed=listed, older_waiting=still, more=older.more)

    @property
    def waiting(self) -> tuple[LedgerEntry, ...]:
        """Comments still open (not answered, not done or snoozed), oldest first."""
        open_ = [
            e for e in self.entries if not e.row.answered and e.row.triage_state is TriageState.OPEN
        ]
        return tuple(sorted(open_, key=lambda e: e.age_key))


class WaitingPerson(msgspec.Struct, frozen=True):
    """Someone with comments still waiting for an answer (the "people waiting longest")."""

    person_id: int
    name: str
    title: str
    tier: VipTier
    #: when their oldest waiting comment was written
    oldest_at: str
    #: the id of that comment (the thread to open)
    oldest_comment_id: int
    waiting: int
    questions: int
    networks: tuple[str, ...]


class Coverage(msgspec.Struct, frozen=True):
    """Questions asked in one group (a week, a network, a tier, a post), how many were
    answered, and the median time to answer those whose answer time is known. A week's
    label is its Monday's local date ("2024-04-29")."""

    label: str
    asked: int
    answered: int
    median_seconds: float | None

    @property
    def share(self) -> float:
        """The share answered, 0..1 (0 when nothing was asked)."""
        return self.answered / self.asked if self.asked else 0.0


class Scorecard(msgspec.Struct, frozen=True):
    """The coverage scorecard over the person's calendar weeks (Monday 00:00 local time to
    the next), from ``since`` to ``until``: the UTC instants the first week starts and the
    last one ends."""

    since: str
    until: str
    total: Coverage
    by_week: tuple[Coverage, ...]
    by_network: tuple[Coverage, ...]
    by_tier: tuple[Coverage, ...]
    by_post: tuple[Coverage, ...]
    waiting: tuple[WaitingPerson, ...]


def median(values: list[float]) -> float | None:
    """The median (the mean of the middle two for an even count); None for no values."""
    return statistics.median(values) if values else None
