"""``python -m bench --grouping``: the three "same question" methods on both halves of the
labelled set, each through the code the app runs (``app.text.similarity`` for words,
``app.text.encoder`` and ``app.text.grouping`` for vectors): the words alone as before
(every match over the old threshold ticked), the vectors alone, and the two combined (what
ships, with its recall by the seed's language). Targets apply to the test half; the
tuning half and the two held-back sets (``bench.grouping_eval``) are printed for comparison.
What ships is also measured with each half mixed into 3,000 other questions of the kind
the benchmark store holds (:func:`store_questions`): in a full store G ranks among
thousands of questions, not the labelled set's hundred.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence

from app.domain.grouping import MatchConfidence, QuestionMatch
from app.sandbox import corpus
from app.sandbox.seed import CommentWriter
from app.text import grouping, similarity
from app.text.adapter import Adapter, shipped
from app.text.asking import is_question
from app.text.classify import html_to_text
from app.text.encoder import Encoder
from bench import adapter_training
from bench.adapter_training import TRAINED_ON
from bench.grouping_eval import (
    GroupingScore,
    Half,
    Labelled,
    Ranker,
    ThemeScore,
    evaluate,
    load,
    recall_after_ticking,
    theme_score,
)
from bench.report import Line

Method = Callable[[Sequence[Labelled], Encoder], Callable[[Labelled], list[QuestionMatch]]]


def words_only(comments: Sequence[Labelled], _encoder: Encoder):
    """The scorer G used before: word overlap, every match over its threshold ticked."""
    texts = {c.id: c.text for c in comments}
    frequencies = similarity.DocFrequencies.from_texts(texts.values())
    open_questions = {c.id: c.text for c in comments if is_question(c.text)}

    def rank(seed: Labelled) -> list[QuestionMatch]:
        others = {i: t for i, t in open_questions.items() if i != seed.id}
        scored = similarity.scores(seed.text, others, frequencies)
        ranked = sorted(((s, i) for i, s in scored.items() if s > 0), reverse=True)
        return [
            QuestionMatch(
                i,
                s,
                MatchConfidence.VERY_LIKELY
                if s >= similarity.THRESHOLD
                else MatchConfidence.POSSIBLE,
            )
            for s, i in ranked
        ]

    return rank


#: Questions mixed into a half (:func:`store_questions`) are numbered from here on.
FIRST_OTHER = 1_000_000
#: A labelled file from outside the repository (:func:`outside_lines`) is numbered from here.
OUTSIDE_FIRST_ID = 1
STORE_QUESTIONS = 3_000
_STORE_SEED, _MOST_DRAWS = 14, 100_000


def store_questions(count: int = STORE_QUESTIONS) -> list[str]:
    """``count`` distinct questions (fewer if the writer runs out) as the benchmark store's
    are written: top-level comments of the sandbox's ``CommentWriter`` on the posts'
    topics, with a fixed seed, kept as the store keeps their text when it counts them
    as questions. Some ask what a labelled group asks (the sandbox has a layoffs question
    too): a tick on one counts as wrong, so precision among them is a lower bound."""
    rng = random.Random(_STORE_SEED)
    writer = CommentWriter(rng)
    topics = [topic for topic, _, _ in corpus.POSTS]
    departments = list(corpus.DEPARTMENTS)
    found: dict[str, None] = {}
    for _ in range(_MOST_DRAWS):
        body, _ = writer.top_level(rng.choice(topics), rng.choice(departments))
        text = html_to_text(body)
        if is_question(text):
            found.setdefault(text)
            if len(found) == count:
                break
    return list(found)


def _vector_method(
    with_words: bool, others: Sequence[str] = (), adapter: Adapter | None = None
) -> Method:
    """Vectors (and words) through ``grouping.match``, over the half's questions and the
    questions ``others`` (numbered from ``FIRST_OTHER``), ranked with ``adapter`` (the
    shipped one when not given)."""

    def method(comments: Sequence[Labelled], encoder: Encoder):
        labelled = [(c.id, c.text) for c in comments]
        everyone = labelled + [(FIRST_OTHER + n, text) for n, text in enumerate(others)]
        vectors = adapter_training.as_stored(encoder.encode([text for _, text in everyone]))
        row = {i: n for n, (i, _) in enumerate(everyone)}
        texts = {i: text for i, text in everyone if is_question(text)}
        pool_ids = list(texts)
        pool = vectors[[row[i] for i in pool_ids]]
        frequencies = similarity.DocFrequencies.from_texts(text for _, text in everyone)
        mapped = grouping.MappedPool(pool, adapter or shipped())

        def rank(seed: Labelled) -> list[QuestionMatch]:
            def words(shortlist: list[int]) -> dict[int, float]:
                if not with_words:
                    return {}
                return similarity.scores(seed.text, {i: texts[i] for i in shortlist}, frequencies)

            return grouping.match(
                pool_ids, pool, vectors[row[seed.id]], seed.id, words, mapped=mapped
            )

        return rank

    return method


METHODS: dict[str, Method] = {
    "words (before)": words_only,
    "vectors": _vector_method(with_words=False),
    "vectors + words, no adapter (before)": _vector_method(
        True, adapter=Adapter.identity(grouping.RAW_SCALE)
    ),
    "vectors + words (ships)": _vector_method(with_words=True),
}
SHIPPED = "vectors + words (ships)"
#: The note on a score of what ships on a set its adapter learnt from.
SEEN = "its adapter learnt from this set"


def among(others: Sequence[str], half: Half, encoder: Encoder) -> GroupingScore:
    """What ships, on ``half`` mixed into the questions ``others``."""
    comments = load(half)
    return evaluate(comments, _vector_method(True, others)(comments, encoder))


def themed(
    comments: Sequence[Labelled], encoder: Encoder, adapter: Adapter | None = None
) -> tuple[list[Labelled], list[int]]:
    """The questions among ``comments`` newest first, and the theme of each as the store
    makes them (each joining the theme it is close to, ``grouping.ThemeCentres``) by
    ``adapter``'s vectors (the shipped one's when not given)."""
    questions = [c for c in reversed(comments) if is_question(c.text)]
    rows = adapter_training.as_stored(encoder.encode([c.text for c in questions]))
    vectors = grouping.theme_vectors(rows, adapter)
    return questions, [int(t) for t in grouping.ThemeCentres(vectors[:0]).join(vectors)]


def themes(comments: Sequence[Labelled], encoder: Encoder) -> tuple[int, int, float]:
    """Themes of the questions as the store makes them (:func:`themed`): (themes of two or
    more, questions asked by several, share of theme members asking their theme's most
    asked question)."""
    questions, joined = themed(comments, encoder)
    members: dict[int, list[Labelled]] = {}
    for theme, comment in zip(joined, questions, strict=True):
        members.setdefault(int(theme), []).append(comment)
    several = [m for m in members.values() if len(m) >= 2]
    agreeing = sum(max(sum(c.group == g for c in m) for g in {c.group for c in m}) for m in several)
    in_themes = sum(len(m) for m in several)
    asked_by_several = len({c.group for c in comments if not c.unique})
    return len(several), asked_by_several, agreeing / in_themes if in_themes else 1.0


def scores(encoder: Encoder | None = None) -> dict[tuple[str, Half], GroupingScore]:
    encoder = encoder or Encoder()
    found = {}
    for half in Half:
        comments = load(half)
        for name, method in METHODS.items():
            found[name, half] = evaluate(comments, method(comments, encoder))
    return found


def _score_lines(
    name: str, score: GroupingScore, *, targeted: bool = False, seen: bool = False
) -> list[Line]:
    """The four scores of one method on one set (``targeted``: the test half of what ships,
    which the issue's targets apply to; ``seen``: a set its adapter was trained on)."""
    return [
        Line(
            f"{name}: precision of the ticked rows",
            score.preselected_precision * 100,
            "%",
            "group-precision" if targeted else None,
            note=f"{score.preselected_rows} ticked over {score.seeds} seeds",
        ),
        Line(
            f"{name}: askers in the first 20 rows",
            score.recall_shown * 100,
            "%",
            "group-recall" if targeted else None,
            note=SEEN + ': the honest score is the line "adapter trained without this set"'
            if seen
            else "",
        ),
        Line(f"{name}: askers ticked at the start", score.preselected_recall * 100, "%"),
        Line(
            f"{name}: comments nobody else asks, ticked",
            score.unique_preselected * 100,
            "%",
            "group-unique" if targeted else None,
        ),
    ]


def _shipped_lines(
    name: str,
    comments: Sequence[Labelled],
    score: GroupingScore,
    rank: Ranker,
    *,
    seen: bool = False,
) -> list[Line]:
    """What only the shipped method (``rank``) gets: recall after M, and recall by the
    seed's language (``seen``: of a set its adapter was trained on)."""
    after = recall_after_ticking(comments, rank)
    return [
        Line(
            f"{name}: askers in the first 20 rows after ticking those of the first "
            f"{grouping.LOOKED_AT} and M (more like the ticked)",
            after * 100,
            "%",
            note=SEEN if seen else "",
        ),
        *(
            Line(
                f"{name}: askers in the first 20 rows, {language} seeds",
                recall * 100,
                "%",
                note=f"{seeds} seeds",
            )
            for language, recall, seeds in score.recall_by_language
        ),
    ]


def outside_lines(title: str, comments: Sequence[Labelled], encoder: Encoder) -> list[Line]:
    """What ships, measured on a labelled file from outside the repository (``comments``,
    read by ``bench.grouping_eval.read``, titled by its file's name) exactly as on the
    held-back sets: the four scores, recall after M and by language, and its themes."""
    rank = METHODS[SHIPPED](comments, encoder)
    score = evaluate(comments, rank)
    found, real, purity = themes(comments, encoder)
    name = f"grouping {title}, {SHIPPED}"
    return [
        *_score_lines(name, score),
        *_shipped_lines(name, comments, score, rank),
        Line(
            f"themes {title}: members asking their theme's question",
            purity * 100,
            "%",
            note=f"{found} themes of 2 or more; {real} questions are asked by several",
        ),
    ]


def left_out_lines(encoder: Encoder) -> list[Line]:
    """For each set the shipped adapter was trained on, what ships scores with an adapter
    trained on the other sets alone (as on a set it never saw)."""
    encoded = {half: adapter_training.encode(half, encoder) for half in TRAINED_ON}
    calibration = adapter_training.calibration_rows(encoder)
    table = []
    themed_apart: list[ThemeScore] = []
    for half in TRAINED_ON:
        others = [e for h, e in encoded.items() if h is not half]
        adapter = adapter_training.train(others, calibration)
        comments = load(half)
        score = evaluate(comments, _vector_method(True, adapter=adapter)(comments, encoder))
        table.append(
            Line(
                f"grouping {half}, {SHIPPED}, adapter trained without this set: "
                "askers in the first 20 rows",
                score.recall_shown * 100,
                "%",
            )
        )
        themed_apart.append(theme_score(*themed(comments, encoder, adapter)))
    for measure in ("precision", "recall"):
        table.append(
            Line(
                f"themes of each trained-on set, adapter trained without it: BCubed {measure}",
                100 * sum(getattr(s, measure) for s in themed_apart) / len(themed_apart),
                "%",
                note=f"mean of {len(themed_apart)} sets",
            )
        )
    return table


def lines(encoder: Encoder | None = None) -> list[Line]:
    encoder = encoder or Encoder()
    table = left_out_lines(encoder)
    for half in Half:
        found, real, purity = themes(load(half), encoder)
        table.append(
            Line(
                f"themes {half}: members asking their theme's question",
                purity * 100,
                "%",
                note=f"{found} themes of 2 or more; {real} questions are asked by several"
                + (f"; {SEEN}" if half in TRAINED_ON else ""),
            )
        )
    others = store_questions()
    for half in Half:
        mixed = among(others, half, encoder)
        name = f"grouping {half} among {len(others):,} store questions, {SHIPPED}"
        table += [
            Line(
                f"{name}: precision of the ticked rows",
                mixed.preselected_precision * 100,
                "%",
                note=f"{mixed.preselected_rows} ticked; a store question may ask the same",
            ),
            Line(
                f"{name}: askers in the first 20 rows",
                mixed.recall_shown * 100,
                "%",
                note=SEEN if half in TRAINED_ON else "",
            ),
        ]
    for (name, half), score in scores(encoder).items():
        comments = load(half)
        targeted = name == SHIPPED and half is Half.TEST
        seen = name == SHIPPED and half in TRAINED_ON
        table += _score_lines(f"grouping {half}, {name}", score, targeted=targeted, seen=seen)
        if name == SHIPPED:
            rank = METHODS[name](comments, encoder)
            table += _shipped_lines(f"grouping {half}, {name}", comments, score, rank, seen=seen)
    return table
