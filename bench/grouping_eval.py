"""The labelled "same question" set and how a ranking is scored against it.

The set (``tests/grouping_eval/comments_{tuning,test}.tsv``, written for Fireside) holds
comments to an executive's posts, one per line: a question-group id, a language and the
text. Comments with the same group id ask the same question (in other words, often with
no word in common, and across languages: a German or French asker of the same question
is in the same group, since one answer serves them and a person confirms each row).
``-`` marks a question nobody else asks (many share topic words with a group: the hard
negatives); ``none`` marks a comment that asks nothing (thanks, praise, statements).
Whole groups sit in one half; the tuning half chose the method and its thresholds, the
test half is only ever measured. Twelve more sets were held back, each written by an author
who saw neither the method, the code nor the other sets, in the same format, with the
jargon, acronyms and languages people write at work; they are measured and printed with
no target, and each file's header says what, if anything, it was used for:

- ``comments_holdout.tsv`` (237 comments, 39 groups) chose once: acronyms spelled out by
  their words alone (``app.text.acronyms``);
- ``comments_holdout2.tsv`` (436 comments, 69 groups) confirmed changes chosen on the
  sets before it;
- ``comments_holdout3.tsv`` to ``comments_holdout6.tsv`` (400-429 comments, 66-70 groups,
  nine to fifteen languages) each confirmed a change chosen on the others, then their
  misses showed questions never read as such (``app.text.classify``) and wrong rows ticked
  at the start (the threshold in ``app.text.grouping``);
- ``comments_holdout7.tsv`` (400 comments, 67 groups, ten languages) was measured once,
  after all that, and has chosen nothing;
- ``comments_holdout8.tsv`` (433 comments, 65 groups, fifteen languages, Norwegian and
  Swedish among them) was measured once, and its wrong ticks (two Norwegian questions)
  chose that no row starts ticked in a language the multilingual encoder was not trained
  on;
- ``comments_holdout9.tsv`` (446 comments, 67 groups, fifteen languages, Danish, Finnish
  and Hindi among them) was measured once, after all that, and has chosen nothing;
- ``comments_holdout10.tsv`` (423 comments, 66 groups, thirteen languages, Czech and
  Swedish among them) was measured after the ranking's adapter was chosen, and after each
  of its later versions (five by 3a8bc58), and has chosen nothing;
- ``comments_holdout11.tsv`` (433 comments, 64 groups, thirteen languages, Arabic, Thai and
  Tagalog among them: a hotel chain's staff) was written with written15-19, measured
  before and after each adapter since, and has chosen nothing;
- ``comments_holdout12.tsv`` (430 comments, 65 groups, thirteen languages: a container
  line's and port operator's staff) was written with written20-25, measured before and
  after the last adapter, and has chosen nothing.

Fifteen more sets, ``comments_written11.tsv`` to ``comments_written25.tsv`` (429-450
comments, 61-70 groups, twelve or thirteen languages: a hospital group's, a software
company's, a bank's, a university's, a rail operator's, a food maker's, a telecom
operator's, an insurer's, a humanitarian NGO's, a car maker's, a supermarket chain's, a
drug maker's, a mining company's, a consulting firm's and a game studio group's staff),
were written the same way, blind, to train the ranking's adapter, and measured once
before they did.

The ranking's adapter (``app.text.adapter``) is trained on the tuning half, the first
nine held-back sets and the fifteen written ones (``bench.adapter_training``), so what ships
scores those sets as sets it has seen; ``python -m bench --grouping`` also prints, for
each, what it scores with an adapter trained on the other sets alone. The test half and
the tenth to twelfth held-back sets are never trained on.

For each seed comment the ranker returns its matches, best first, each with a confidence;
those marked ``MatchConfidence.VERY_LIKELY`` are what a group starts with ticked. A match
may be a comment from outside the set (questions mixed in, as a full store holds them): it
asks something else. Scores:

- precision of the preselected set: ticked rows that ask the seed's question, over all
  ticked rows of all seeds;
- recall in the first ``SHOWN`` rows: for each seed with others asking the same, the share
  of them among its first ``SHOWN`` ranked rows (out of at most ``SHOWN``), averaged;
- the same recall by the seed's language (reported, no target: the German, French and
  Spanish seeds are few);
- preselected recall (reported, no target): ticked rows that ask the seed's question over
  all comments that do, so a ranker that ticks nothing cannot look perfect;
- unique preselected: the share of comments nobody else asks like (``-`` and ``none``)
  that are ticked in some seed's group or have anything ticked in their own.

:func:`recall_after_ticking` scores "more like the ticked" (M) with a simulated person:
they tick the rows among the first ``app.text.grouping.LOOKED_AT`` that ask the seed's
question and rank again by them (``app.text.grouping.fused``); the ticked rows stay on
top, and recall counts the first ``SHOWN`` rows as before.
"""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from app.domain.grouping import MOST_CONFIRMED, QuestionMatch, ranking_order
from app.text import grouping

DATA = Path(__file__).resolve().parent.parent / "tests" / "grouping_eval"
#: Rows of a group a person sees without scrolling far: recall is counted within them.
SHOWN = 20
UNIQUE, NOT_A_QUESTION = "-", "none"


class Half(enum.StrEnum):
    TUNING = "tuning"
    TEST = "test"
    HOLDOUT = "holdout"
    HOLDOUT2 = "holdout2"
    HOLDOUT3 = "holdout3"
    HOLDOUT4 = "holdout4"
    HOLDOUT5 = "holdout5"
    HOLDOUT6 = "holdout6"
    HOLDOUT7 = "holdout7"
    HOLDOUT8 = "holdout8"
    HOLDOUT9 = "holdout9"
    HOLDOUT10 = "holdout10"
    WRITTEN11 = "written11"
    WRITTEN12 = "written12"
    WRITTEN13 = "written13"
    WRITTEN14 = "written14"
    WRITTEN15 = "written15"
    WRITTEN16 = "written16"
    WRITTEN17 = "written17"
    WRITTEN18 = "written18"
    WRITTEN19 = "written19"
    HOLDOUT11 = "holdout11"
    WRITTEN20 = "written20"
    WRITTEN21 = "written21"
    WRITTEN22 = "written22"
    WRITTEN23 = "written23"
    WRITTEN24 = "written24"
    WRITTEN25 = "written25"
    HOLDOUT12 = "holdout12"


#: Each half's comments are numbered from here on.
_FIRST_ID = {
    Half.TUNING: 1,
    Half.TEST: 10_001,
    Half.HOLDOUT: 20_001,
    Half.HOLDOUT2: 30_001,
    Half.HOLDOUT3: 40_001,
    Half.HOLDOUT4: 50_001,
    Half.HOLDOUT5: 60_001,
    Half.HOLDOUT6: 70_001,
    Half.HOLDOUT7: 80_001,
    Half.HOLDOUT8: 90_001,
    Half.HOLDOUT9: 100_001,
    Half.HOLDOUT10: 110_001,
    Half.WRITTEN11: 120_001,
    Half.WRITTEN12: 130_001,
    Half.WRITTEN13: 140_001,
    Half.WRITTEN14: 150_001,
    Half.WRITTEN15: 160_001,
    Half.WRITTEN16: 170_001,
    Half.WRITTEN17: 180_001,
    Half.WRITTEN18: 190_001,
    Half.WRITTEN19: 200_001,
    Half.HOLDOUT11: 210_001,
    Half.WRITTEN20: 220_001,
    Half.WRITTEN21: 230_001,
    Half.WRITTEN22: 240_001,
    Half.WRITTEN23: 250_001,
    Half.WRITTEN24: 260_001,
    Half.WRITTEN25: 270_001,
    Half.HOLDOUT12: 280_001,
}


@dataclass(frozen=True)
class Labelled:
    id: int
    group: str
    language: str
    text: str

    @property
    def unique(self) -> bool:
        return self.group in (UNIQUE, NOT_A_QUESTION)


@dataclass(frozen=True)
class GroupingScore:
    preselected_precision: float
    recall_shown: float
    preselected_recall: float
    unique_preselected: float
    seeds: int
    preselected_rows: int
    #: (language, recall in the first ``SHOWN`` rows, seeds counted), by language.
    recall_by_language: tuple[tuple[str, float, int], ...] = ()


def load(half: Half) -> list[Labelled]:
    """The comments of one half, numbered from 1 (tuning), 10,001 (test), 20,001 and on
    in steps of 10,000 (the held-back and written sets)."""
    return read(DATA / f"comments_{half}.tsv", _FIRST_ID[half])


_FIELDS = ("group", "language", "text")


class MalformedSet(ValueError):
    """A labelled file that is not in the set's format (says which line and why)."""


def read(path: Path, first: int) -> list[Labelled]:
    """The comments of a labelled file in the set's format (lines of group, language and
    text, tab-separated; ``#`` starts a comment line), numbered from ``first``."""
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except OSError as error:
        raise MalformedSet(f"{path}: cannot be read ({error.strerror})") from error
    except UnicodeDecodeError as error:
        raise MalformedSet(
            f"{path}: not UTF-8 text ({error.reason} at byte {error.start})"
        ) from error
    comments: list[Labelled] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != 3:
            raise MalformedSet(
                f"{path}, line {number}: expected a group, a language and a text "
                f"separated by tabs, found {len(fields)} field(s)"
            )
        group, language, text = fields
        if empty := [
            name for name, field in zip(_FIELDS, fields, strict=True) if not field.strip()
        ]:
            verb = "is" if len(empty) == 1 else "are"
            raise MalformedSet(f"{path}, line {number}: the {' and the '.join(empty)} {verb} empty")
        comments.append(Labelled(first + len(comments), group.strip(), language.strip(), text))
    if not comments:
        raise MalformedSet(f"{path}: no labelled comments")
    return comments


Ranker = Callable[[Labelled], Sequence[QuestionMatch]]


def evaluate(comments: Sequence[Labelled], rank: Ranker) -> GroupingScore:
    """Score ``rank`` (seed -> its matches among ``comments``, best first) on every seed."""
    by_id = {c.id: c for c in comments}
    ticked_right = ticked = 0
    recalls: list[float] = []
    by_language: dict[str, list[float]] = {}
    askers = 0
    uniques_ticked: set[int] = set()
    for seed in comments:
        ranked = [m for m in rank(seed) if m.comment_id != seed.id]
        chosen = [m.comment_id for m in ranked if m.confidence.preselected]
        same = {c.id for c in comments if c.id != seed.id and not seed.unique}
        same = {i for i in same if by_id[i].group == seed.group}
        ticked += len(chosen)
        ticked_right += sum(1 for i in chosen if i in same)
        uniques_ticked.update(i for i in chosen if i in by_id and by_id[i].unique)
        if seed.unique and chosen:
            uniques_ticked.add(seed.id)
        askers += len(same)
        if same:
            shown = {m.comment_id for m in ranked[:SHOWN]}
            recalls.append(len(shown & same) / min(len(same), SHOWN))
            by_language.setdefault(seed.language, []).append(recalls[-1])
    uniques = sum(1 for c in comments if c.unique)
    return GroupingScore(
        preselected_precision=ticked_right / ticked if ticked else 1.0,
        recall_shown=sum(recalls) / len(recalls) if recalls else 1.0,
        preselected_recall=ticked_right / askers if askers else 1.0,
        unique_preselected=len(uniques_ticked) / uniques if uniques else 0.0,
        seeds=len(comments),
        preselected_rows=ticked,
        recall_by_language=tuple(
            (language, sum(found) / len(found), len(found))
            for language, found in sorted(by_language.items())
        ),
    )


@dataclass(frozen=True)
class ThemeScore:
    """BCubed precision and recall of themes (Bagga and Baldwin 1998; Amigo et al. 2009):
    for each question, the share of its theme asking its question, and the share of its
    question's askers in its theme, averaged over the questions."""

    precision: float
    recall: float


def theme_score(questions: Sequence[Labelled], themes: Sequence[int]) -> ThemeScore:
    """Score ``themes`` (each question's theme, in the order of ``questions``) against the
    questions' groups; a question nobody else asks is a group of its own."""
    if len(themes) != len(questions):
        raise ValueError(f"{len(themes)} themes for {len(questions)} questions")
    if not questions:
        return ThemeScore(1.0, 1.0)
    groups = [c.group if not c.unique else f"{UNIQUE}{c.id}" for c in questions]
    pairs = list(zip(themes, groups, strict=True))
    both, in_theme, in_group = Counter(pairs), Counter(themes), Counter(groups)
    return ThemeScore(
        sum(both[pair] / in_theme[pair[0]] for pair in pairs) / len(pairs),
        sum(both[pair] / in_group[pair[1]] for pair in pairs) / len(pairs),
    )


def recall_after_ticking(comments: Sequence[Labelled], rank: Ranker) -> float:
    """Recall in the first ``SHOWN`` rows once a person has ticked the askers among the
    first ``LOOKED_AT`` and ranked again by them (seeds nobody ticks for keep their list)."""
    by_id = {c.id: c for c in comments}
    recalls: list[float] = []
    for seed in comments:
        if seed.unique:
            continue
        same = {c.id for c in comments if c.group == seed.group and c.id != seed.id}
        if not same:
            continue
        ranked = [m for m in rank(seed) if m.comment_id != seed.id]
        ticked = [m.comment_id for m in ranked[: grouping.LOOKED_AT] if m.comment_id in same]
        if ticked:
            asked = [seed, *(by_id[i] for i in ranking_order(ticked)[:MOST_CONFIRMED])]
            again = grouping.fused([rank(q) for q in asked], left_out=[seed.id, *ticked])
            shown = set(ticked) | {m.comment_id for m in again[: SHOWN - len(ticked)]}
        else:
            shown = {m.comment_id for m in ranked[:SHOWN]}
        recalls.append(len(shown & same) / min(len(same), SHOWN))
    return sum(recalls) / len(recalls) if recalls else 1.0
