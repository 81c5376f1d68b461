"""The contract checks themselves: the kept parts of the vendors' API descriptions are
what they say they are, and the checks catch what an emulator or connector gets wrong."""

from __future__ import annotations

import json

import pytest
from contracts.checker import DESCRIPTIONS, Contract

COMMITS = {
    "mastodon": ("abraham/mastodon-openapi", "89b11e724f5015e232d160749e3b2fd4006e100d"),
    "slack": ("slackapi/slack-api-specs", "bc08db49625630e3585bf2f1322128ea04f2a7f3"),
    "x": ("xdevplatform/twitter-api-typescript-sdk", "0d12a20a76d6dd9c346decf9cc80bc611975d43f"),
}


@pytest.mark.parametrize("name", sorted(COMMITS))
def test_each_kept_description_names_its_source(name):
    kept = json.loads((DESCRIPTIONS / f"{name}-openapi.json").read_text())
    repository, commit = COMMITS[name]
    assert kept["x-source"]["repository"] == repository
    assert kept["x-source"]["commit"] == commit


def test_an_undocumented_parameter_a_missing_field_and_an_unknown_path_are_caught():
    contract = Contract.load("mastodon")
    contract.check_request("GET", "/api/v1/notifications", {"typez[]": "mention"}, {}, b"")
    contract.check_request("GET", "/api/v1/timelines/home", {}, {}, b"")
    contract.check_request(
        "POST",
        "/api/v1/statuses",
        {},
        {"content-type": "application/json"},
        json.dumps({"status": 5}).encode(),
    )
    contract.check_response("GET", "/api/v1/statuses/1", 200, {"id": "1"})
    contract.check_response("GET", "/api/v1/statuses/1", 418, {"error": "teapot"})
    problems = "\n".join(contract.violations)
    assert "query parameter 'typez' is not documented" in problems
    assert "GET /api/v1/timelines/home: not an operation" in problems
    assert "POST /api/v1/statuses body" in problems
    assert "'account' is a required property" in problems
    assert "status 418 is not documented" in problems


def test_a_well_formed_exchange_passes():
    contract = Contract.load("mastodon")
    contract.check_request(
        "GET", "/api/v1/notifications", {"types[]": "mention", "limit": "40"}, {}, b""
    )
    contract.check_response("GET", "/api/v1/statuses/1", 404, {"error": "Record not found"})
    assert contract.violations == []


def test_x_answers_and_requests_off_the_description_are_caught():
    contract = Contract.load("x")
    json_body = {"content-type": "application/json"}
    contract.check_response("POST", "/2/tweets", 201, {"data": {"id": "1", "text": "hi"}})
    contract.check_request("GET", "/2/tweets/search/recent", {"query": "from:dana"}, {}, b"")
    assert contract.violations == []
    contract.check_response("POST", "/2/tweets", 201, {"data": {"id": 1}})
    contract.check_response("GET", "/2/tweets/search/recent", 429, {"detail": "x"})
    contract.check_request("GET", "/2/tweets/search/recent", {"q": "x"}, {}, b"")
    contract.check_request("POST", "/2/tweets", {}, json_body, b'{"reply": {}}')
    problems = "\n".join(contract.violations)
    assert "POST /2/tweets -> 201: data/id: 1 is not of type 'string'" in problems
    assert "GET /2/tweets/search/recent -> 429" in problems
    assert "query parameter 'q' is not documented" in problems
    assert "required query parameter 'query' is missing" in problems
    assert "POST /2/tweets body: reply: 'in_reply_to_tweet_id' is a required property" in problems
