"""``app.text.plural.count``: the number with thousands separators and the noun that
agrees with it, for every sentence of the window and the terminal that counts things."""

from __future__ import annotations

import pytest

from app.text.plural import count, nouns


@pytest.mark.parametrize(
    ("n", "expected"),
    [(0, "0 comments"), (1, "1 comment"), (2, "2 comments"), (1234, "1,234 comments")],
)
def test_a_regular_noun_takes_an_s_unless_there_is_one(n: int, expected: str) -> None:
    assert count(n, "comment") == expected


@pytest.mark.parametrize(
    ("n", "expected"),
    [(1, "1 person"), (0, "0 people"), (12_000, "12,000 people")],
)
def test_an_irregular_plural_is_given(n: int, expected: str) -> None:
    assert count(n, "person", "people") == expected


def test_the_words_after_the_number_agree_as_a_phrase() -> None:
    assert count(1, "reply is", "replies are") == "1 reply is"
    assert count(3, "reply is", "replies are") == "3 replies are"
    assert count(1, "needs you", "need you") == "1 needs you"
    assert count(2, "needs you", "need you") == "2 need you"


@pytest.mark.parametrize(
    ("one", "many"),
    [
        ("Channel", "Channels"),
        ("community", "communities"),
        ("Community", "Communities"),
        ("day", "days"),
    ],
)
def test_a_noun_alone_takes_its_regular_plural(one: str, many: str) -> None:
    assert nouns(one) == many
