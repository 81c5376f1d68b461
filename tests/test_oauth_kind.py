"""The one description of a browser-signed-in OAuth network (app.networks.oauth.kind):
what X, LinkedIn, Slack and Mastodon share in the registry is the same for each."""

from __future__ import annotations

import asyncio

import pytest

from app.domain import Account
from app.errors import UserError
from app.networks import registry
from app.networks.oauth import Tokens
from app.networks.oauth.kind import BrowserNetwork
from app.networks.registry import SignInMethod, SuiteRequest

BROWSER_NETWORKS = ("x", "linkedin", "slack", "mastodon")


def _request(secret_entry: str = "") -> SuiteRequest:
    return SuiteRequest(None, (), SignInMethod.BROWSER, {}, lambda _c: None, "", secret_entry)  # type: ignore[arg-type]


def _network(network: str) -> BrowserNetwork:
    module = registry.kind(network).build.__module__
    found = [
        v
        for v in vars(__import__(module, fromlist=["*"])).values()
        if isinstance(v, BrowserNetwork)
    ]
    assert len(found) == 1, module
    return found[0]


@pytest.mark.parametrize("network", BROWSER_NETWORKS)
def test_kind_and_suite_come_from_one_description(network: str) -> None:
    kind, suite = registry.kind(network), registry.suite(network)
    described = _network(network)
    assert kind.suite == suite.id == network
    assert suite.networks == (network,)
    assert suite.methods == (SignInMethod.BROWSER,)
    assert kind.describe_secret == described.describe
    assert kind.secret_entry == described.secret_entry
    with pytest.raises(UserError, match=f"Add {kind.display_name}, in the browser"):
        asyncio.run(kind.sign_in(None, "", "", "", {}))  # type: ignore[arg-type]


@pytest.mark.parametrize("network", BROWSER_NETWORKS)
def test_signing_in_again_keeps_the_entry_and_a_new_sign_in_gets_its_own(network: str) -> None:
    described = _network(network)
    account = Account("a-1", network, "n", "https://h", "u", settings={"sign_in": "s1"})
    entry = described.secret_entry(account)
    assert registry.secret_entry(account) == entry
    again = described.sign_in_id(_request(entry))
    assert described.entry_of(again) == entry
    first, second = described.sign_in_id(_request()), described.sign_in_id(_request())
    assert first != second
    assert described.entry_of(first).startswith(described.entry_prefix)


def test_an_account_without_a_sign_in_setting_uses_its_own_id() -> None:
    account = Account("slack-acct", "slack", "n", "https://h", "u")
    assert registry.secret_entry(account) == "slack-slack-acct"


def test_doctor_lines_say_refresh_expiry_and_scopes_never_a_token() -> None:
    slack = _network("slack")
    rotating = Tokens("tok-A", "tok-R", 1_900_000_000.0, ("chat:write",), {"user_id": "U1"})
    (line,) = slack.describe(rotating.to_secret())
    assert line.startswith("Slack sign-in: user U1 in team ?; refresh token kept (Slack ends")
    assert "expires 2030-03-17" in line and "scopes: chat:write" in line
    assert "tok-" not in line
    lasting = Tokens("tok-A", None, None, ("read",))
    assert _network("mastodon").describe(lasting.to_secret()) == [
        "Mastodon sign-in: access token does not expire; scopes: read"
    ]
    assert _network("x").describe("not json") == ["X sign-in: the saved sign-in is not readable"]
