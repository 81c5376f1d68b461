"""End to end over every network at once (issue 15, item 7): one Core with the built-in
sandbox, a real WordPress, a real Synapse, Viva Engage and Teams (their contract emulators,
signed in through the emulated Entra with the real MSAL), Slack, Mastodon, X and LinkedIn
(their contract emulators over HTTPS with private CAs, each signed in through its own
browser flow with PKCE), and one LinkedIn thread bridged by hand (pasted page text).

People ask on each network; one sync brings every question into one inbox; one batch
reply, personalised per person, is checked against each network's limit and queued for
all. Everything with an API goes out once, read on each server; the bridged replies are
held for the person to paste and are never sent. Viva Engage and Teams send in a process
of their own, killed (SIGKILL) once Teams has applied a reply whose answer it holds; the
Core opened again settles that reply by looking it up. Slack's, Mastodon's and X's
request and answer shapes are checked against the vendors' OpenAPI descriptions by their
fixtures; the achieved rates are printed against the limits.

The fixtures and checks are the other end-to-end tests' (test_mixed_networks.py,
test_m365_networks.py) and the bridge's (bridge/test_bridge_core.py), with their two
stand-ins: the killed child is handed tokens from the authority's TokenBook, and the
sandbox's connector is attached again by hand.
"""

from __future__ import annotations

import sys
import webbrowser
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from e2e.test_m365_networks import (
    ask_on_teams,
    ask_on_yammer,
    check_teams_replies,
    check_yammer_replies,
    child_plan,
    kill_mid_send,
    report_rates,
    sign_in_m365,
)
from e2e.test_mixed_networks import (
    TEMPLATE,
    WORD,
    add_real_accounts,
    ask_on_matrix,
    ask_on_sandbox,
    ask_on_wordpress,
    check_matrix_replies,
    check_wordpress_replies,
    greeting,
    keep_the_sandbox,
    settle,
    view,
)
from emulators.clock import ShiftedClock
from emulators.linkedin.fixtures import CLIENT_ID as LINKEDIN_CLIENT
from emulators.linkedin.fixtures import JORDAN, PRIYA, LinkedInSite
from emulators.mastodon.fixtures import MastodonWorld
from emulators.microsoft.entra import DANA
from emulators.microsoft.fixtures import (
    TeamsWorld,
    YammerWorld,
    build_teams_world,
    build_yammer_world,
)
from emulators.real_time import li_clock, slack_clock, x_clock  # noqa: F401 (overrides: real time)
from emulators.slack.fixtures import SlackWorld
from emulators.x.fixtures import CLIENT_ID as X_CLIENT
from emulators.x.fixtures import XSite
from servers.synapse import MatrixWorld
from servers.wordpress import WordPressServer

from app.accounts import State
from app.bootstrap import open_core
from app.core import Core
from app.domain import InboxView, OutboxItem, OutboxState
from app.networks import bridge
from app.networks.linkedin import signin as linkedin
from app.networks.registry import SignInMethod
from app.networks.slack.kinds import CHANNELS
from app.networks.x import signin as x
from app.sandbox import SandboxServer
from app.store import comments
from app.timeutil import parse
from tests.bridge.test_bridge_core import import_linkedin

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.integration,
    pytest.mark.wordpress,
    pytest.mark.matrix,
    pytest.mark.skipif(sys.platform not in ("linux", "darwin"), reason="needs SIGKILL"),
]

#: The networks with an API, and the limits their replies are checked against.
LIMITS = {
    "sandbox": 4_000,
    "wordpress": 60_000,
    "matrix": 10_000,
    "yammer": 10_000,
    "teams": 10_000,
    "slack": 40_000,
    "mastodon": 500,
    "x": 280,
    "linkedin": 1_250,
}
#: The bridged LinkedIn thread's two people who wait for an answer.
BRIDGED = ("Priya Raman", "Marcus Chen")


# --- what people ask on the networks of this issue ------------------------------------------


def ask_on_slack(w: SlackWorld) -> set[str]:
    post = w.workspace.say(w.town_hall, w.dana, "Town hall: ask me anything.")
    asked = [
        w.workspace.say(w.town_hall, person, text, post)
        for person, text in ((w.ada, f"Does {WORD} ship to Madrid?"), (w.ben, f"{WORD} docs?"))
    ]
    return {f"{w.town_hall.id}/{post.ts}/{m.ts}" for m in asked}


def ask_on_mastodon(w: MastodonWorld) -> set[str]:
    post = w.server.post(w.dana, "Town hall: ask me anything.")
    asked = [
        w.server.post(person, f"@dana {text}", post)
        for person, text in ((w.ada, f"Is {WORD} open source?"), (w.ben, f"{WORD} on Linux?"))
    ]
    return {s.id for s in asked}


def ask_on_x(site: XSite) -> set[str]:
    return {
        site.world.post(who, text, site.post)
        for who, text in (("samortiz_dev", f"{WORD} pricing?"), ("kenji_w", f"{WORD} 日本では?"))
    }


def ask_on_linkedin(site: LinkedInSite) -> set[str]:
    return {
        site.world.comment(who, site.post, text)
        for who, text in ((JORDAN, f"Will {WORD} hire?"), (PRIYA, f"Is {WORD} remote-first?"))
    }


# --- Fireside -------------------------------------------------------------------------------


async def add_oauth_accounts(
    core: Core, slack: SlackWorld, mastodon: MastodonWorld, xs: XSite, li: LinkedInSite
) -> dict[str, str]:
    """Slack, Mastodon, X and LinkedIn added as the Accounts dialog adds them, each in the
    browser; network -> account id."""
    slack.workspace.authority.person = "dana"
    mastodon.server.authority.person = "dana"
    adding = {
        "slack": {**slack.fields, CHANNELS: slack.town_hall.id},
        "mastodon": {"server": mastodon.url},
        "x": {x.CLIENT_ID: X_CLIENT, x.ADDRESS: xs.api.url},
        "linkedin": {
            linkedin.CLIENT_ID: LINKEDIN_CLIENT,
            linkedin.ORGANIZATION: li.world.organization,
            linkedin.ADDRESS: li.api.url,
        },
    }
    added = {}
    for network, fields in adding.items():
        outcome = await core.accounts.add_suite(
            network, (network,), SignInMethod.BROWSER, fields, lambda _code: None
        )
        (status,) = outcome.statuses
        assert status.state is State.CONNECTED, status
        added[network] = status.account_id
    return added


def trust_every_ca(tmp_path: Path, oauth_browser, entra_policy, cas: list[Path]) -> None:
    """The company's policy trusts each emulator's CA; the person's browser too (one bundle)."""
    bundle = tmp_path / "emulator-cas.pem"
    bundle.write_text("".join(ca.read_text() for ca in cas))
    oauth_browser.ca_file = bundle
    entra_policy(SandboxEnabled=True, ExtraCACertificates=[str(ca) for ca in cas])


async def check_the_batch(core: Core, ids: list[int], accounts: dict[str, str]) -> None:
    """Every reply personalised, each against its own network's limit."""
    previews = await core.replies.preview(ids, TEMPLATE)
    assert {p.network: p.limit for p in previews} == LIMITS | {"bridge": 1_250}
    for preview in previews:
        limit = core.networks[accounts[preview.network]].capabilities.reply_max_chars
        assert (preview.limit, preview.too_long) == (limit, False), preview
    assert len({p.text for p in previews}) == len(ids)  # one text per person
    named = [p for p in previews if p.network not in ("linkedin",)]
    assert all(p.text.startswith(f"Thanks {p.recipient.split()[0]},") for p in named)


# --- each server's own truth ------------------------------------------------------------------


def check_slack_replies(w: SlackWorld, asked: set[str], sent: dict) -> None:
    mine = [m for m in w.workspace.mine(w.town_hall, w.dana) if m.thread_ts]
    assert len(mine) == len(asked)
    for target in asked:
        assert len([m for m in mine if greeting(sent[target]) in m.text]) == 1, target


def check_mastodon_replies(w: MastodonWorld, asked: set[str], sent: dict) -> None:
    mine = [s for s in w.server.mine(w.dana) if s.in_reply_to_id]
    assert Counter(s.in_reply_to_id for s in mine) == dict.fromkeys(asked, 1)
    for status in mine:
        assert greeting(sent[str(status.in_reply_to_id)]) in status.text


def check_x_replies(site: XSite, asked: set[str], sent: dict) -> None:
    dana = site.world.users["danawhit"].id
    mine = [
        t for t in site.world.tweets.values() if t["author_id"] == dana and "referenced_tweets" in t
    ]
    assert Counter(t["referenced_tweets"][0]["id"] for t in mine) == dict.fromkeys(asked, 1)
    for tweet in mine:
        assert greeting(sent[tweet["referenced_tweets"][0]["id"]]) in tweet["text"]


def check_linkedin_replies(site: LinkedInSite, asked: set[str], sent: dict) -> None:
    """LinkedIn names no member to an organisation's app, so the question makes it theirs."""
    page = site.world.page
    mine = [c for c in site.world.comments.values() if c["actor"] == page]
    assert Counter(c.get("parentComment") for c in mine) == dict.fromkeys(asked, 1)
    for comment in mine:
        question = site.world.comments[comment["parentComment"]]["message"]["text"]
        assert question in comment["message"]["text"] and question in sent[comment["parentComment"]]


# --- the test ---------------------------------------------------------------------------------


@dataclass
class Everyone:
    """Every server of the test, and what was asked on each (network -> remote ids)."""

    sandbox: SandboxServer
    wordpress: WordPressServer
    matrix: MatrixWorld
    yammer: YammerWorld
    teams: TeamsWorld
    slack: SlackWorld
    mastodon: MastodonWorld
    x: XSite
    linkedin: LinkedInSite
    asked: dict[str, set[str]] = field(default_factory=dict)
    roots: dict[str, str] = field(default_factory=dict)

    def ask(self) -> None:
        self.roots["matrix"], self.asked["matrix"] = ask_on_matrix(self.matrix)
        self.roots["teams"], self.asked["teams"] = ask_on_teams(self.teams)
        self.asked |= {
            "sandbox": ask_on_sandbox(self.sandbox),
            "wordpress": ask_on_wordpress(self.wordpress),
            "yammer": ask_on_yammer(self.yammer),
            "slack": ask_on_slack(self.slack),
            "mastodon": ask_on_mastodon(self.mastodon),
            "x": ask_on_x(self.x),
            "linkedin": ask_on_linkedin(self.linkedin),
        }

    def check_replies(self, replies: list[OutboxItem]) -> None:
        """Each question answered exactly once on its own server; the rates achieved."""
        sent = {i.target_remote_id: i.body for i in replies}
        asked = self.asked
        check_wordpress_replies(self.wordpress, asked["wordpress"], sent)
        check_matrix_replies(self.matrix, self.roots["matrix"], asked["matrix"], sent)
        yammer_log = check_yammer_replies(self.yammer, asked["yammer"], sent)
        teams_log = check_teams_replies(self.teams, self.roots["teams"], asked["teams"], sent)
        check_slack_replies(self.slack, asked["slack"], sent)
        check_mastodon_replies(self.mastodon, asked["mastodon"], sent)
        check_x_replies(self.x, asked["x"], sent)
        check_linkedin_replies(self.linkedin, asked["linkedin"], sent)
        wordpress = [parse(i.sent_at).timestamp() for i in replies if i.network == "wordpress"]
        report_rates(self.sandbox, yammer_log, teams_log, wordpress)


async def add_every_account(
    core: Core, world: Everyone, monkeypatch: pytest.MonkeyPatch, browsers: tuple
) -> dict[str, str]:
    """Every account added as a person adds it (Microsoft 365 in Entra's browser, the rest
    in the OAuth browser, the LinkedIn thread pasted); network -> account id."""
    entra_browser, oauth_browser = browsers
    added = await add_real_accounts(core, world.wordpress, world.matrix)
    accounts = {network: account for account, network in added.items()}
    monkeypatch.setattr(webbrowser, "open", entra_browser.open)
    accounts |= await sign_in_m365(core, world.yammer, world.teams)
    monkeypatch.setattr(webbrowser, "open", oauth_browser.open)
    accounts |= await add_oauth_accounts(core, world.slack, world.mastodon, world.x, world.linkedin)
    accounts["bridge"] = (await import_linkedin(core)).account_id
    await keep_the_sandbox(core, world.sandbox)
    assert set(core.networks) == set(accounts.values())
    return accounts


async def one_inbox(core: Core, world: Everyone, accounts: dict[str, str]) -> list[int]:
    """One sync of every network; every question (and the bridged two) in one inbox."""
    reports = await core.engine.sync_all()
    assert {r.account_id: r.error for r in reports} == dict.fromkeys(accounts.values())
    found = (await core.inbox.search(WORD)).comments
    stored = await core.store.read(comments.get_comments, [r.id for r in found])
    assert {(r.network, r.remote_id) for r in stored} == {
        (n, remote) for n, ids in world.asked.items() for remote in ids
    }
    waiting = await core.store.read(comments.view_page, InboxView.NEEDS_REPLY, None, None, 10_000)
    by_hand = {r.author_name: r.id for r in waiting if r.network == bridge.NETWORK_ID}
    assert set(by_hand) == set(BRIDGED)
    ids = [r.id for r in stored] + list(by_hand.values())
    inbox = await view(core, InboxView.NEEDS_REPLY)
    assert {inbox[i] for i in ids} == set(accounts)
    return ids


async def first_run(core: Core, world: Everyone, accounts: dict[str, str], m365: set[str]) -> None:
    """One batch for everyone; all but Microsoft 365's (sent by the killed run) go out."""
    ids = await one_inbox(core, world, accounts)
    await check_the_batch(core, ids, accounts)
    await core.replies.queue(ids, TEMPLATE)
    for account_id in m365:
        await (await core.engine.remove_network(account_id)).aclose()
    await settle(core, set(accounts.values()) - m365 - {accounts["bridge"]})


@pytest.mark.usefixtures("memory_keyring")
async def test_every_network_one_inbox_one_batch_exactly_once_through_a_kill(
    tmp_path,
    monkeypatch,
    *,
    sandbox_server,
    wordpress,
    matrix_world,
    slack_world: SlackWorld,
    mastodon_world: MastodonWorld,
    x_site: XSite,
    li_site: LinkedInSite,
    entra,
    entra_policy,
    entra_pki,
    browser,
    oauth_browser,
    slack_pki,
    mastodon_pki,
) -> None:
    cas = [entra_pki, slack_pki, mastodon_pki, x_site.api.pki, li_site.api.pki]
    trust_every_ca(tmp_path, oauth_browser, entra_policy, [pki.ca_file for pki in cas])
    clock = ShiftedClock()
    world = Everyone(
        sandbox_server,
        wordpress,
        matrix_world,
        build_yammer_world(clock, entra_pki, entra.book, DANA.oid),
        build_teams_world(clock, entra_pki, entra.book, DANA.oid),
        slack_world,
        mastodon_world,
        x_site,
        li_site,
    )
    data = tmp_path / "data"
    sandbox = {"sandbox_url": sandbox_server.url, "sandbox_token": sandbox_server.token}
    try:
        world.ask()
        core = await open_core(data, **sandbox)
        try:
            accounts = await add_every_account(core, world, monkeypatch, (browser, oauth_browser))
            m365 = {accounts["yammer"], accounts["teams"]}
            await first_run(core, world, accounts, m365)
            plan = await child_plan(
                core,
                {n: accounts[n] for n in ("yammer", "teams")},
                data,
                entra_pki.ca_file,
                entra.book,
            )
        finally:
            await core.close()

        clock.advance(61)  # the app runs again a minute later, and is killed mid-send
        kill_mid_send(plan, world.teams)

        clock.advance(61)  # and opened again: Teams' reply settled by look-up, the rest sent
        with_api = set(accounts.values()) - {accounts["bridge"]}
        core = await open_core(data, **sandbox)
        try:
            items = await settle(core, with_api)
            handoffs = await core.bridge.handoffs()
        finally:
            await core.close()
    finally:
        world.yammer.server.stop()
        world.teams.server.stop()

    replies = [i for i in items if i.account_id in with_api]
    assert Counter((i.network, i.state) for i in replies) == {
        (n, OutboxState.SENT): len(ids) for n, ids in world.asked.items()
    }
    held = [i for i in items if i.account_id == accounts["bridge"]]
    assert {i.state for i in held} == {OutboxState.HELD}  # never sent: pasted by hand
    assert sorted((h.recipient, h.text.split(",")[0]) for h in handoffs) == sorted(
        (name, f"Thanks {name.split()[0]}") for name in BRIDGED
    )
    world.check_replies(replies)
