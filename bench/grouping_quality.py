"""``python -m bench --grouping``: the three "same question" methods on both halves of the
labelled set, each through the code the app runs (``app.text.similarity`` for words,
``app.text.encoder`` and ``app.text.grouping`` for vectors): the words alone as before
(every match over the old threshold ticked), the vectors alone, and the two combined (what
ships, with its recall by the seed's language). Targets apply to the test half; the
tuning half is printed for comparison.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from app.domain.grouping import MatchConfidence, QuestionMatch
from app.text import grouping, similarity
from app.text.classify import is_question
from app.text.encoder import Encoder
from bench.grouping_eval import GroupingScore, Half, Labelled, evaluate, load
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


def _vector_method(with_words: bool) -> Method:
    def method(comments: Sequence[Labelled], encoder: Encoder):
        vectors = encoder.encode([c.text for c in comments])
        row = {c.id: n for n, c in enumerate(comments)}
        questions = [c for c in comments if is_question(c.text)]
        pool_ids = [c.id for c in questions]
        pool = vectors[[row[i] for i in pool_ids]]
        texts = {c.id: c.text for c in questions}
        frequencies = similarity.DocFrequencies.from_texts(c.text for c in comments)

        def rank(seed: Labelled) -> list[QuestionMatch]:
            def words(shortlist: list[int]) -> dict[int, float]:
                if not with_words:
                    return {}
                return similarity.scores(seed.text, {i: texts[i] for i in shortlist}, frequencies)

            return grouping.match(pool_ids, pool, vectors[row[seed.id]], seed.id, words)

        return rank

    return method


METHODS: dict[str, Method] = {
    "words (before)": words_only,
    "vectors": _vector_method(with_words=False),
    "vectors + words (ships)": _vector_method(with_words=True),
}
SHIPPED = "vectors + words (ships)"


def themes(comments: Sequence[Labelled], encoder: Encoder) -> tuple[int, int, float]:
    """Themes of the questions as the store makes them (newest first, each joining the
    theme it is close to, ``grouping.theme_of``): (themes of two or more, questions asked
    by several, share of theme members asking their theme's most asked question)."""
    questions = [c for c in reversed(comments) if is_question(c.text)]
    vectors = encoder.encode([c.text for c in questions])
    starters: list[int] = []
    members: dict[int, list[Labelled]] = {}
    for n, comment in enumerate(questions):
        joined = grouping.theme_of(vectors[starters], vectors[n])
        if joined is None:
            starters.append(n)
            joined = len(starters) - 1
        members.setdefault(joined, []).append(comment)
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


def lines(encoder: Encoder | None = None) -> list[Line]:
    encoder = encoder or Encoder()
    table = []
    for half in Half:
        found, real, purity = themes(load(half), encoder)
        table.append(
            Line(
                f"themes {half}: members asking their theme's question",
                purity * 100,
                "%",
                note=f"{found} themes of 2 or more; {real} questions are asked by several",
            )
        )
    for (name, half), score in scores(encoder).items():
        targeted = name == SHIPPED and half is Half.TEST
        table += [
            Line(
                f"grouping {half}, {name}: precision of the ticked rows",
                score.preselected_precision * 100,
                "%",
                "group-precision" if targeted else None,
                note=f"{score.preselected_rows} ticked over {score.seeds} seeds",
            ),
            Line(
                f"grouping {half}, {name}: askers in the first 20 rows",
                score.recall_shown * 100,
                "%",
                "group-recall" if targeted else None,
            ),
            Line(
                f"grouping {half}, {name}: askers ticked at the start",
                score.preselected_recall * 100,
                "%",
            ),
            Line(
                f"grouping {half}, {name}: comments nobody else asks, ticked",
                score.unique_preselected * 100,
                "%",
                "group-unique" if targeted else None,
            ),
        ]
        if name == SHIPPED:
            table += [
                Line(
                    f"grouping {half}, {name}: askers in the first 20 rows, {language} seeds",
                    recall * 100,
                    "%",
                    note=f"{seeds} seeds",
                )
                for language, recall, seeds in score.recall_by_language
            ]
    return table
