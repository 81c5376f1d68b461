"""X's weighted character count (``app.text.length``) against twitter-text's own
conformance examples."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.domain import Account, TextCounting
from app.networks.bridge import BridgeNetwork
from app.text.length import measured as count

CHARACTERS, X = TextCounting.CHARACTERS, TextCounting.X

CASES = json.loads(
    (Path(__file__).parent / "contracts" / "x" / "twitter-text-weighted.json").read_text("utf-8")
)["cases"]


@pytest.mark.parametrize("case", CASES, ids=[c["description"] for c in CASES])
def test_x_counts_as_the_conformance_examples_say(case) -> None:
    assert count(case["text"], X) == case["weightedLength"]


def test_other_networks_count_characters() -> None:
    assert count("素晴らしい https://example.com", CHARACTERS) == 25
    assert count("素晴らしい https://example.com", X) == 34


@pytest.mark.parametrize(
    ("stored", "counting"),
    [("x", TextCounting.X), (None, TextCounting.CHARACTERS), ("yards", TextCounting.CHARACTERS)],
)
def test_a_bridged_site_counts_as_its_settings_say(stored, counting) -> None:
    """A bridged X thread counts X's way; a setting this Fireside does not know (a newer
    one's) counts code points instead of failing."""
    settings = {} if stored is None else {"counting": stored}
    account = Account("b-1", "bridge", "X (by hand)", "https://x.com", "dana", settings=settings)
    capabilities = BridgeNetwork(account, None).capabilities  # type: ignore[arg-type]
    assert capabilities.text_counting is counting
