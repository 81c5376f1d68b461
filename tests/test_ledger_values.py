"""The ledger's values and words: medians, answer times that never run backwards, and
lengths of time as people say them."""

from __future__ import annotations

import pytest

from app.domain.ledger import Coverage, median, seconds_between
from app.text.timefmt import duration


def test_median_of_odd_even_and_no_values() -> None:
    assert median([5.0, 1.0, 3.0]) == 3.0
    assert median([4.0, 1.0, 3.0, 2.0]) == 2.5
    assert median([]) is None


def test_an_answer_stamped_before_its_question_took_no_time() -> None:
    assert seconds_between("2024-05-01T09:00:00Z", "2024-05-01T10:30:00Z") == 5400.0
    assert seconds_between("2024-05-01T09:00:00Z", "2024-05-01T08:59:58Z") == 0.0


def test_share_answered_of_nothing_asked_is_zero() -> None:
    assert Coverage("x", 0, 0, None).share == 0.0
    assert Coverage("x", 8, 6, 60.0).share == 0.75


@pytest.mark.parametrize(
    ("seconds", "said"),
    [
        (None, "—"),
        (5, "1 min"),
        (59 * 60, "59 min"),
        (3600, "1 h"),
        (5400, "1.5 h"),
        (10 * 3600, "10 h"),
        (47 * 3600, "47 h"),
        (72 * 3600, "3 d"),
    ],
)
def test_durations_read_as_people_say_them(seconds: float | None, said: str) -> None:
    assert duration(seconds) == said
