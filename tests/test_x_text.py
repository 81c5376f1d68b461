"""X's weighted character count (``app.text.length``) against twitter-text's own
conformance examples, and the X contract check catching what breaks X's description."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from contracts.x_contract import XContract
from emulators.microsoft.apiserver import Request

from app.text.length import CHARACTERS, X, measured
from app.text.length import measured as count

CASES = json.loads(
    (Path(__file__).parent / "contracts" / "x" / "twitter-text-weighted.json").read_text("utf-8")
)["cases"]


@pytest.mark.parametrize("case", CASES, ids=[c["description"] for c in CASES])
def test_x_counts_as_twitter_text_does(case) -> None:
    assert measured(case["text"], X) == case["weightedLength"]


def test_other_networks_count_characters() -> None:
    assert count("素晴らしい https://example.com", CHARACTERS) == 25
    assert count("素晴らしい https://example.com", X) == 34


def test_the_contract_catches_what_x_does_not_describe() -> None:
    contract = XContract()
    assert contract.source["repository"] == "xdevplatform/twitter-api-typescript-sdk"
    assert (
        contract.response_problems("POST /2/tweets", 201, {"data": {"id": "1", "text": "hi"}}) == []
    )
    assert contract.response_problems("POST /2/tweets", 201, {"data": {"id": 1}})
    assert contract.response_problems("GET /2/tweets/search/recent", 429, {"detail": "x"})
    wrong = Request("GET", "/2/tweets/search/recent", {"q": "x"}, {}, b"")
    assert contract.request_problems("GET /2/tweets/search/recent", wrong) == [
        "GET /2/tweets/search/recent: query parameter 'q' is not documented",
        "GET /2/tweets/search/recent: required query parameter 'query' missing",
    ]
    body = Request("POST", "/2/tweets", {}, {"content-type": "application/json"}, b'{"reply": {}}')
    assert contract.request_problems("POST /2/tweets", body)
