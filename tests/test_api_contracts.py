"""The contract checks themselves: the kept parts of the vendors' API descriptions are
what they say they are, and the checks catch what an emulator or connector gets wrong."""

from __future__ import annotations

import json

import pytest
from specs.contract import SPECS, Contract

COMMITS = {
    "mastodon": ("abraham/mastodon-openapi", "89b11e724f5015e232d160749e3b2fd4006e100d"),
    "slack": ("slackapi/slack-api-specs", "bc08db49625630e3585bf2f1322128ea04f2a7f3"),
}


@pytest.mark.parametrize("name", sorted(COMMITS))
def test_each_kept_description_names_its_source(name):
    kept = json.loads((SPECS / f"{name}-openapi.json").read_text())
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
