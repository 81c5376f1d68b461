"""Workplace acronyms spelled out for the sentence encoder (``app.text.acronyms``)."""

from __future__ import annotations

import pytest

from app.text import encoder
from app.text.acronyms import MEANINGS, spelled_out


def test_an_acronym_gets_its_meaning_after_its_first_use_only():
    assert spelled_out("Is the ESPP continuing? The ESPP was great.") == (
        "Is the ESPP (employee stock purchase plan) continuing? The ESPP was great."
    )


@pytest.mark.parametrize(
    ("text", "meaning"),
    [
        ("Are the KPIs changing?", "KPIs (key performance indicators)"),
        ("What about FY26 bonuses?", "FY26 (financial year)"),
        ("Targets for FY2026?", "FY2026 (financial year)"),
        ("How did Q1'25 go?", "Q1'25 (first quarter)"),
        ("How did Q1 turn out?", "Q1 (first quarter)"),
        ("Is our P&L healthy?", "P&L (profit and loss)"),
        ("More PTO, please?", "PTO (paid time off)"),
        ("Wird KI Jobs kosten?", "KI (künstliche Intelligenz)"),
    ],
)
def test_plurals_years_and_ampersands_are_read_as_written(text, meaning):
    assert meaning in spelled_out(text)


@pytest.mark.parametrize(
    "text",
    [
        "Is it true?",  # IT in capitals is a department; 'it' is a word
        "Will the DEIS site close?",  # not DEI
        "Can MAIL be archived?",  # not AI inside a word
        "Is Q15 ready?",  # not Q1
        "Will the CEO stay?",  # the model knows these letters
        "Is the XR&D lab open?",  # not R&D inside a longer name
        "Do we keep kpis?",  # lower case: not written as the acronym
        "",
    ],
)
def test_letters_inside_other_words_or_in_lower_case_are_left_alone(text):
    assert spelled_out(text) == text


def test_every_listed_acronym_is_spelled_out_as_written():
    for acronym, meaning in MEANINGS.items():
        assert spelled_out(f"What about {acronym}?") == f"What about {acronym} ({meaning})?"


def test_the_encoder_reads_the_question_with_its_acronyms_spelled_out():
    wrapped = "Thanks for the update. Do we get additional PTO in 2026? Asking for Leeds."
    assert encoder.asked_text(wrapped) == "Do we get additional PTO (paid time off) in 2026?"


#: Left out of the list: the model places these letters by their meaning already.
KNOWN = {
    "AI": "artificial intelligence",
    "HR": "human resources",
    "HQ": "headquarters",
    "VP": "vice president",
    "CEO": "chief executive officer",
    "Q2": "second quarter",
    "Q3": "third quarter",
    "Q4": "fourth quarter",
}


def test_listed_are_the_acronyms_the_model_does_not_know(monkeypatch):
    """The list's rule: an acronym whose multilingual vector alone is far from its words'
    (cosine under 0.48) is spelled out; one the model already knows is not."""
    monkeypatch.setattr(encoder, "asked_text", lambda text: text)  # the letters alone
    model = encoder.Encoder()

    def cosines(meanings: dict[str, str]) -> dict[str, float]:
        letters, words = (
            model.encode(texts)[:, encoder.MULTILINGUAL]
            for texts in (list(meanings), list(meanings.values()))
        )
        return dict(zip(meanings, (letters * words).sum(axis=1).tolist(), strict=True))

    assert max(cosines(MEANINGS).values()) < 0.48
    assert min(cosines(KNOWN).values()) >= 0.48
