"""Workplace acronyms spelled out for the sentence encoder (``app.text.acronyms``)."""

from __future__ import annotations

import pytest

from app.text import encoder
from app.text.acronyms import MEANINGS, spelled_out


def test_an_acronym_gets_its_meaning_after_its_first_use_only():
    assert spelled_out("Is the ESPP continuing? The ESPP was great.") == (
        "Is the ESPP (employee stock purchase plan, discounted company shares) continuing?"
        " The ESPP was great."
    )


@pytest.mark.parametrize(
    ("text", "meaning"),
    [
        ("Are the KPIs changing?", "KPIs (key performance indicators, targets)"),
        ("What about FY26 bonuses?", "FY26 (financial year)"),
        ("Targets for FY2026?", "FY2026 (financial year)"),
        ("How did Q3'25 go?", "Q3'25 (third quarter)"),
        ("How did Q3 turn out?", "Q3 (third quarter)"),
        ("Is our P&L healthy?", "P&L (profit and loss)"),
        ("More PTO, please?", "PTO (paid time off, holiday days)"),
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
        "Is Q35 ready?",  # not Q3
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
    assert encoder.asked_text(wrapped) == (
        "Do we get additional PTO (paid time off, holiday days) in 2026?"
    )
