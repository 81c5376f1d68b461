"""The evaluation harness of "same question" scores what it claims: an oracle scores 1.0,
a ranker that ticks everyone or ranks at random scores badly, and the set itself keeps its
promises (size, languages, halves that share no group)."""

from __future__ import annotations

import random

import pytest

from app.domain.grouping import MatchConfidence, QuestionMatch
from app.text.asking import is_question
from bench.__main__ import main as bench_main
from bench.adapter_training import TRAINED_ON
from bench.grouping_eval import (
    DATA,
    NOT_A_QUESTION,
    UNIQUE,
    GroupingScore,
    Half,
    Labelled,
    MalformedSet,
    evaluate,
    load,
    read,
    recall_after_ticking,
    theme_score,
)
from bench.grouping_quality import FIRST_OTHER, store_questions

VERY, POSSIBLE = MatchConfidence.VERY_LIKELY, MatchConfidence.POSSIBLE


@pytest.fixture(scope="module")
def test_half() -> list[Labelled]:
    return load(Half.TEST)


def _oracle(comments: list[Labelled]):
    def rank(seed: Labelled) -> list[QuestionMatch]:
        if seed.unique:
            return []
        return [
            QuestionMatch(c.id, 1.0, VERY)
            for c in comments
            if c.group == seed.group and c.id != seed.id
        ]

    return rank


def test_a_perfect_oracle_scores_one(test_half):
    score = evaluate(test_half, _oracle(test_half))
    assert score == GroupingScore(
        1.0, 1.0, 1.0, 0.0, len(test_half), score.preselected_rows, score.recall_by_language
    )
    assert score.preselected_rows > 100
    assert {language for language, _, _ in score.recall_by_language} >= {"en", "de", "fr"}
    assert all(recall == 1.0 for _, recall, _ in score.recall_by_language)
    seeds_with_askers = sum(1 for c in test_half if not c.unique)
    assert sum(seeds for _, _, seeds in score.recall_by_language) == seeds_with_askers


def test_ticking_everyone_scores_badly(test_half):
    def everything(seed: Labelled) -> list[QuestionMatch]:
        return [QuestionMatch(c.id, 1.0, VERY) for c in test_half if c.id != seed.id]

    score = evaluate(test_half, everything)
    assert score.preselected_precision < 0.1
    assert score.unique_preselected == 1.0
    assert score.recall_shown < 0.5  # the first 20 rows of a list in file order


def test_ranking_well_but_ticking_nobody_shows_in_preselected_recall(test_half):
    ranked_only = _oracle(test_half)

    def untick(seed: Labelled) -> list[QuestionMatch]:
        return [QuestionMatch(m.comment_id, m.score, POSSIBLE) for m in ranked_only(seed)]

    score = evaluate(test_half, untick)
    assert score.recall_shown == 1.0 and score.unique_preselected == 0.0
    assert score.preselected_recall == 0.0


def test_a_random_ranking_misses_most_askers(test_half):
    rng = random.Random(7)

    def shuffled(seed: Labelled) -> list[QuestionMatch]:
        others = [c.id for c in test_half if c.id != seed.id]
        rng.shuffle(others)
        return [QuestionMatch(i, 0.0, POSSIBLE) for i in others]

    assert evaluate(test_half, shuffled).recall_shown < 0.3


def test_recall_by_language_shows_where_a_ranker_misses(test_half):
    oracle = _oracle(test_half)

    def english_only(seed: Labelled) -> list[QuestionMatch]:
        return oracle(seed) if seed.language == "en" else []

    found = {
        lang: recall for lang, recall, _ in evaluate(test_half, english_only).recall_by_language
    }
    assert found["en"] == 1.0
    assert found["de"] == found["fr"] == 0.0


def test_one_wrong_tick_costs_precision_and_a_unique(test_half):
    oracle = _oracle(test_half)
    stranger = next(c for c in test_half if c.group == UNIQUE)
    victim = next(c for c in test_half if not c.unique)

    def one_mistake(seed: Labelled) -> list[QuestionMatch]:
        found = list(oracle(seed))
        if seed == victim:
            found.insert(0, QuestionMatch(stranger.id, 1.0, VERY))
        return found

    score = evaluate(test_half, one_mistake)
    uniques = sum(1 for c in test_half if c.unique)
    assert score.preselected_precision < 1.0
    assert score.unique_preselected == pytest.approx(1 / uniques)


def test_a_ticked_question_from_outside_the_set_counts_as_a_wrong_tick(test_half):
    oracle = _oracle(test_half)

    def ticks_an_outsider(seed: Labelled) -> list[QuestionMatch]:
        found = list(oracle(seed))
        return [QuestionMatch(FIRST_OTHER + 7, 1.0, VERY), *found] if found else found

    right = evaluate(test_half, oracle).preselected_rows
    seeds = sum(1 for c in test_half if oracle(c))
    score = evaluate(test_half, ticks_an_outsider)
    assert score.preselected_precision == pytest.approx(right / (right + seeds))
    assert score.recall_shown == 1.0 and score.unique_preselected == 0.0


def test_the_store_questions_mixed_in_are_distinct_questions_the_same_every_run():
    found = store_questions(40)
    assert len(set(found)) == 40 and all(is_question(text) for text in found)
    assert found == store_questions(40)


def test_the_set_is_large_bilingual_and_split_by_group():
    tuning, test = load(Half.TUNING), load(Half.TEST)
    assert len(tuning) + len(test) >= 300
    assert len({c.id for c in tuning} | {c.id for c in test}) == len(tuning) + len(test)
    for half in (tuning, test):
        assert {"en", "de"} <= {c.language for c in half}
        assert sum(c.group == NOT_A_QUESTION for c in half) >= 15
        assert sum(c.group == UNIQUE for c in half) >= 25
    groups = {c.group for c in tuning} & {c.group for c in test}
    assert groups == {UNIQUE, NOT_A_QUESTION}


def test_the_held_back_sets_are_numbered_apart_and_ask_in_several_languages():
    ids = [{c.id for c in load(half)} for half in Half]
    assert sum(len(numbers) for numbers in ids) == len(set().union(*ids))
    held = {half: load(half) for half in Half if half.startswith("holdout")}
    assert len(held) == 12
    for comments in held.values():
        assert len(comments) >= 200 and sum(not c.unique for c in comments) >= 150
    languages = {half: {c.language for c in comments} for half, comments in held.items()}
    assert languages[Half.HOLDOUT] == {"en", "de", "fr", "es"}
    assert languages[Half.HOLDOUT2] == {"en", "de", "fr", "es", "nl", "it", "pt"}
    assert languages[Half.HOLDOUT3] == languages[Half.HOLDOUT2] | {"pl", "ja"}
    assert languages[Half.HOLDOUT4] == languages[Half.HOLDOUT2] | {"pl", "tr", "ru"}
    assert languages[Half.HOLDOUT5] == languages[Half.HOLDOUT2] | {"ar", "ko", "zh"}
    assert len(languages[Half.HOLDOUT6]) == 15
    assert languages[Half.HOLDOUT7] == languages[Half.HOLDOUT2] | {"pl", "ja", "zh"}
    assert {"no", "sv"} <= languages[Half.HOLDOUT8] and len(languages[Half.HOLDOUT8]) == 15
    assert {"da", "fi", "hi"} <= languages[Half.HOLDOUT9]
    assert {"cs", "sv"} <= languages[Half.HOLDOUT10] and len(languages[Half.HOLDOUT10]) == 13
    assert {"ar", "th", "tl"} <= languages[Half.HOLDOUT11] and len(languages[Half.HOLDOUT11]) == 13
    assert {"da", "hi", "tl"} <= languages[Half.HOLDOUT12] and len(languages[Half.HOLDOUT12]) == 13


def test_the_sets_written_to_train_the_adapter_are_as_large_and_never_the_measured_ones():
    written = [half for half in Half if half.startswith("written")]
    assert len(written) == 15
    for half in written:
        comments = load(half)
        assert len(comments) >= 400 and len({c.language for c in comments}) >= 12
    held_back = {Half.TEST, Half.HOLDOUT10, Half.HOLDOUT11, Half.HOLDOUT12}
    assert set(TRAINED_ON) == set(Half) - held_back


def test_recall_after_ticking_ranks_again_by_the_askers_a_person_ticks(test_half):
    """Each asker's own list holds every other asker first; the seed's list holds one of
    them first and the rest below the shown rows: ranked again by that one, all show."""
    oracle = _oracle(test_half)
    strangers = [c.id for c in test_half if c.unique]

    def one_then_strangers(seed: Labelled) -> list[QuestionMatch]:
        askers = oracle(seed)
        if seed.id % 2:  # odd seeds: only their own first asker near the top
            buried = [QuestionMatch(i, 0.0, POSSIBLE) for i in strangers]
            return askers[:1] + buried + askers[1:]
        return askers

    assert evaluate(test_half, one_then_strangers).recall_shown < 0.8
    assert recall_after_ticking(test_half, one_then_strangers) == 1.0
    assert recall_after_ticking(test_half, oracle) == 1.0


def test_recall_after_ticking_keeps_the_list_when_nothing_is_ticked(test_half):
    rng = random.Random(3)

    def shuffled(seed: Labelled) -> list[QuestionMatch]:
        others = [c.id for c in test_half if c.id != seed.id and c.unique]
        rng.shuffle(others)
        return [QuestionMatch(i, 0.0, POSSIBLE) for i in others]

    assert recall_after_ticking(test_half, shuffled) == 0.0


def test_a_labelled_file_from_outside_reads_as_the_set_does(tmp_path):
    outside = tmp_path / "outside.tsv"
    text = (DATA / "comments_test.tsv").read_text(encoding="utf-8")
    outside.write_text(text, encoding="utf-8-sig")  # as some editors save it, with a BOM
    read_back = read(outside, 1)
    held = load(Half.TEST)
    assert [(c.group, c.language, c.text) for c in read_back] == [
        (c.group, c.language, c.text) for c in held
    ]
    assert read_back[0].id == 1


@pytest.mark.parametrize(
    ("content", "says"),
    [
        ("q1\ten\tWhen is payday?\nq1\ten\n", "line 2: expected a group, a language and a text"),
        ("# only a header\n\n", "no labelled comments"),
        ("q1\ten\t   \n", "line 1: the text is empty"),
        ("\t\tWhen?\n", "line 1: the group and the language are empty"),
    ],
)
def test_a_malformed_labelled_file_says_which_line_and_why(tmp_path, content, says):
    outside = tmp_path / "outside.tsv"
    outside.write_text(content, encoding="utf-8")
    with pytest.raises(MalformedSet, match=says):
        read(outside, 1)


def test_the_bench_says_what_is_wrong_with_a_labelled_file_and_fails(tmp_path, capsys):
    outside = tmp_path / "outside.tsv"
    outside.write_bytes(b"q1\ten\t\xff\xfe not utf-8\n")
    assert bench_main(["--labelled", str(outside)]) == 2
    assert "not UTF-8 text (invalid start byte at byte 6)" in capsys.readouterr().err
    assert bench_main(["--labelled", str(tmp_path / "not-there.tsv")]) == 2
    assert "cannot be read (No such file or directory)" in capsys.readouterr().err


def test_themes_score_badly_when_all_in_one_or_each_alone(test_half):
    """BCubed: one theme for every question holds few of the same question (precision), a
    theme each holds few of a question's askers (recall); themes that are the groups
    score 1 on both."""
    questions = [c for c in test_half if c.group != NOT_A_QUESTION]
    one = theme_score(questions, [0] * len(questions))
    assert one.recall == 1.0 and one.precision < 0.2
    alone = theme_score(questions, list(range(len(questions))))
    assert alone.precision == 1.0 and alone.recall < 0.5
    numbers: dict[str, int] = {}
    groups = [
        numbers.setdefault(c.group if not c.unique else str(c.id), len(numbers)) for c in questions
    ]
    perfect = theme_score(questions, groups)
    assert perfect.precision == perfect.recall == 1.0
    with pytest.raises(ValueError):
        theme_score(questions, groups[1:])
