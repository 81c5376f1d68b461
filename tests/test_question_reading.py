"""The harness that measures how well comments that ask are told from those that do not
(``bench.question_reading``)."""

from __future__ import annotations

from bench import question_reading
from bench.question_reading import Labelled


def test_the_labelled_set_loads_with_both_labels():
    comments = question_reading.load()
    assert len(comments) > 600
    assert {c.asks for c in comments} == {True, False}
    assert len({c.language for c in comments}) > 10


def test_every_set_is_measured_for_english_and_the_other_languages():
    told = [line.label for line in question_reading.lines()]
    assert len(told) == len(question_reading.SETS) * 2 * 3
    for title in question_reading.SETS:
        assert f"questions told ({title} set), English: comments read right" in told
        assert f"questions told ({title} set), other languages: recall of asks" in told


def test_a_reading_is_scored_by_what_it_gets_right():
    found = question_reading.score(
        [
            Labelled(True, "en", "When is the bonus paid?"),
            Labelled(True, "en", "Bonus date"),  # missed: no question in it
            Labelled(False, "en", "Who else loved the offsite? 🎉"),
            Labelled(False, "en", "Is it Friday yet?"),
        ]
    )
    assert (found.right, found.precision, found.recall, found.comments) == (0.75, 1.0, 0.5, 4)
