"""X's weighted character count (``app.text.length``) against twitter-text's own
conformance examples."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.text.length import CHARACTERS, X, measured
from app.text.length import measured as count

CASES = json.loads(
    (Path(__file__).parent / "contracts" / "x" / "twitter-text-weighted.json").read_text("utf-8")
)["cases"]


@pytest.mark.parametrize("case", CASES, ids=[c["description"] for c in CASES])
def test_x_counts_as_the_conformance_examples_say(case) -> None:
    assert measured(case["text"], X) == case["weightedLength"]


def test_other_networks_count_characters() -> None:
    assert count("素晴らしい https://example.com", CHARACTERS) == 25
    assert count("素晴らしい https://example.com", X) == 34
