"""What "same question" and Themes hand to front ends: a ranked match with how sure the
ranking is, and a theme (open questions that ask the same thing, with a readable label).

A match is a suggestion for a person to confirm, never a verdict: only
``MatchConfidence.VERY_LIKELY`` rows start ticked.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence

import msgspec

#: Ticked questions "more like the ticked" ranks by, at most (each is a ranking of its own,
#: ~7 ms on the 200k bench store). Tuning half, a person ticking the askers among the first
#: 10 rows: the first 20 rows after M hold 98.28% of the askers ranked by 5, 6 or 10 of
#: them, 98.06% by 3; 6 rather than 10 takes M from a median 81-115 ms to about 60% of it.
MOST_CONFIRMED = 6


def ranking_order(ticked: Sequence[int]) -> list[int]:
    """Ticked rows, given in list order, in the order "more like the ticked" ranks by them
    (it takes the first ``MOST_CONFIRMED``): the lowest in the list first, those a person
    found far down, since the top ones, ticked by G as very likely, are phrased like the
    seed and change its ranking least."""
    return list(reversed(ticked))


class MatchConfidence(enum.StrEnum):
    """How sure the ranking is that another comment asks the same question."""

    VERY_LIKELY = "very likely"
    LIKELY = "likely"
    POSSIBLE = "possible"

    @property
    def preselected(self) -> bool:
        """Whether a row of this confidence starts ticked in a group."""
        return self is MatchConfidence.VERY_LIKELY


class QuestionMatch(msgspec.Struct, frozen=True):
    """One comment ranked against a question: its id, score (higher is closer) and mark."""

    comment_id: int
    score: float
    confidence: MatchConfidence


class Theme(msgspec.Struct, frozen=True):
    """Open questions that ask the same thing: how many people, a label drawn from their
    words, the comment that opens the group, and when the newest of them was asked."""

    seed_id: int
    label: str
    people: int
    comments: int
    newest_at: str
