"""How well ``app.text.asking`` tells a comment that asks from one that does not, on the
labelled sets in ``tests/question_eval/`` (label ``q`` or ``n``, language, text; each
header says what it was used for; ``questions_holdout.tsv`` chose nothing): the share
read right, and the precision and recall of "asks", for English and for the other
languages."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from app.text.asking import is_question
from bench.report import Line

FOLDER = Path(__file__).resolve().parent.parent / "tests" / "question_eval"
DATA = FOLDER / "questions.tsv"
#: Each set by the name its lines carry.
SETS = {
    "first": DATA,
    "written2": FOLDER / "questions_written2.tsv",
    "held back": FOLDER / "questions_holdout.tsv",
}


@dataclass(frozen=True)
class Labelled:
    asks: bool
    language: str
    text: str


@dataclass(frozen=True)
class Reading:
    right: float
    precision: float
    recall: float
    comments: int


def load(path: Path = DATA) -> list[Labelled]:
    lines = path.read_text(encoding="utf-8").splitlines()
    rows = [line.split("\t") for line in lines if line and not line.startswith("#")]
    return [Labelled(label == "q", language, text) for label, language, text in rows]


def score(comments: list[Labelled]) -> Reading:
    read = [(is_question(c.text), c.asks) for c in comments]
    asked = sum(1 for said, _ in read if said)
    asking = sum(1 for _, truth in read if truth)
    hits = sum(1 for said, truth in read if said and truth)
    return Reading(
        right=sum(1 for said, truth in read if said == truth) / len(read),
        precision=hits / asked if asked else 1.0,
        recall=hits / asking if asking else 1.0,
        comments=len(read),
    )


def lines() -> list[Line]:
    table = []
    for title, path in SETS.items():
        comments = load(path)
        for name, part in (
            ("English", [c for c in comments if c.language == "en"]),
            ("other languages", [c for c in comments if c.language != "en"]),
        ):
            found = score(part)
            said = f"questions told ({title} set), {name}"
            table += [
                Line(
                    f"{said}: comments read right",
                    found.right * 100,
                    "%",
                    note=f"{found.comments} comments",
                ),
                Line(f"{said}: precision of asks", found.precision * 100, "%"),
                Line(f"{said}: recall of asks", found.recall * 100, "%"),
            ]
    return table
