"""End to end over four networks (issue 11, item 7): the built-in sandbox, a real WordPress,
and Viva Engage and Teams (their contract emulators, over HTTPS with a private CA) in one
Core, the Microsoft 365 accounts added the way a person adds them: one sign-in through the
real MSAL against the emulated Entra authority (Accounts → Add Microsoft 365, in the
browser), whose tokens the Viva Engage and Teams emulators accept.

People comment on the executive's posts on each network; one sync brings every comment
into one inbox; one batch reply, personalised per person, is queued for all twelve. The
sandbox and WordPress answers go out at once; then the app runs for Microsoft 365 in a
process of its own and is killed (SIGKILL) the moment Teams has applied a reply whose
answer it holds. The Core opened again on the same data (signing in silently from the
keyring) settles that reply by looking it up, and sends the rest: each comment gets
exactly one reply on its own server, read there. The achieved sends per second are
printed against each network's limit.

Two stand-ins, said plainly: the killed process cannot reach this process's in-memory
keyring, so it is handed tokens from the authority's TokenBook; and adding a real account
stops the sandbox being synced, so its connector is attached again by hand (as in
test_mixed_networks.py).
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path
from urllib.parse import quote

import pytest
from e2e.test_mixed_networks import (
    TEMPLATE,
    WORD,
    ask_on_sandbox,
    ask_on_wordpress,
    check_sandbox,
    check_wordpress_replies,
    greeting,
    keep_the_sandbox,
    settle,
)
from emulators.clock import ShiftedClock
from emulators.microsoft.apiserver import Action, Seen, max_in_window
from emulators.microsoft.entra import DANA
from emulators.microsoft.fixtures import (
    TeamsWorld,
    YammerWorld,
    build_teams_world,
    build_yammer_world,
)
from emulators.microsoft.graph import ALL_SCOPES
from emulators.microsoft.tokens import Audience, TokenBook
from emulators.microsoft.yammer import SCOPE
from reliability.m365_child import kill_when_held, start
from servers.wordpress import WordPressServer

from app.accounts import State
from app.bootstrap import SANDBOX_ACCOUNT_ID, open_core
from app.core import Core
from app.domain import OutboxState
from app.networks.registry import SignInMethod
from app.sandbox import SandboxServer
from app.sandbox.wire import REQUESTS_PER_MINUTE
from app.store import comments
from app.timeutil import parse

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.integration,
    pytest.mark.wordpress,
    pytest.mark.skipif(sys.platform not in ("linux", "darwin"), reason="needs SIGKILL"),
]

CHILD = Path(__file__).resolve().parents[1] / "reliability" / "m365_child.py"
PATIENCE_S = 60.0
SETTLE_TIMEOUT_S = 60.0
M365 = ("yammer", "teams")


# --- what people do on Viva Engage and Teams -----------------------------------------------


def ask_on_yammer(w: YammerWorld) -> set[str]:
    post = w.emulator.post(w.dana, "Town hall: ask me anything.", w.town_hall)
    ada = w.emulator.post(w.ada, f"When does {WORD} reach Porto?", replied_to=post.id)
    ben = w.emulator.post(w.ben, f"Does {WORD} change quotas?", replied_to=ada.id)
    chen = w.emulator.post(w.chen, f"Who trains us on {WORD}?", replied_to=ben.id)
    return {str(m.id) for m in (ada, ben, chen)}


def ask_on_teams(w: TeamsWorld) -> tuple[str, set[str]]:
    post = w.emulator.post(w.dana, w.town_hall, "Q3 all-hands: questions welcome.")
    asked = [
        w.emulator.reply(p, w.town_hall, post, f"<p>{text}</p>")
        for p, text in (
            (w.ada, f"Is {WORD} on the roadmap?"),
            (w.ben, f"How is {WORD} priced?"),
            (w.chen, f"Can {WORD} run offline?"),
        )
    ]
    root = f"{w.leadership.id}|{w.town_hall.id}|{post.id}"
    return root, {f"{root}|{m.id}" for m in asked}


# --- Fireside -----------------------------------------------------------------------------


async def sign_in_m365(core: Core, yw: YammerWorld, tw: TeamsWorld) -> dict[str, str]:
    """Add Microsoft 365 as the Accounts dialog does (the browser fixture plays the person);
    network -> account id. No channel is chosen: Teams reads every channel of Dana's teams."""
    fields = {"yammer_url": yw.server.url, "graph_url": tw.server.url}
    outcome = await core.accounts.add_suite(
        "microsoft365", M365, SignInMethod.BROWSER, fields, lambda code: None
    )
    assert {s.state for s in outcome.statuses} == {State.CONNECTED}, outcome
    return {s.network: s.account_id for s in outcome.statuses}


def kill_mid_send(plan: dict, tw: TeamsWorld) -> None:
    """The app sends for Microsoft 365 in a process of its own; SIGKILL once Teams has
    applied a reply and holds its answer."""
    channel = f"/v1.0/teams/{tw.leadership.id}/channels/{quote(tw.town_hall.id, safe='')}"
    held = tw.server.fault(Action.HOLD, "POST", channel)
    kill_when_held(start(plan), held, "Teams applied a reply")


# --- each server's own truth, and the rates achieved ----------------------------------------


def check_yammer_replies(w: YammerWorld, asked: set[str], sent: dict) -> list[Seen]:
    mine = [m for m in w.emulator.replies_by(w.dana) if m.replied_to_id is not None]
    assert Counter(str(m.replied_to_id) for m in mine) == dict.fromkeys(asked, 1)
    for reply in mine:
        assert greeting(sent[str(reply.replied_to_id)]) in reply.plain
    return [s for s in w.server.requests() if s.path.startswith("/api/v1/messages")]


def check_teams_replies(w: TeamsWorld, root: str, asked: set[str], sent: dict) -> list[Seen]:
    post = root.rsplit("|", maxsplit=1)[-1]
    mine = [m for m in w.emulator.mine(w.dana, w.town_hall) if m.reply_to == post]
    by_author = {r.split("|")[-1]: r for r in asked}
    authors = {m.sender: m.id for m in w.town_hall.replies[post].values() if m.sender != w.dana.id}
    answered = Counter(by_author[authors[m.mentions[0]["mentioned"]["user"]["id"]]] for m in mine)
    assert answered == dict.fromkeys(asked, 1)  # one reply each, each mentioning its asker
    for reply in mine:
        target = by_author[authors[reply.mentions[0]["mentioned"]["user"]["id"]]]
        assert greeting(sent[target]) in reply.content
    team = f"/v1.0/teams/{w.leadership.id}"
    return [s for s in w.server.requests() if s.path.startswith(team)]


def per_second(stamps: list[float]) -> str:
    """How many sends, and the most in any one second (the runs are a minute apart)."""
    return f"{len(stamps)} sends, at most {max_in_window(stamps, 1.0)} in any second"


def report_rates(
    sandbox: SandboxServer, yammer: list[Seen], teams: list[Seen], wordpress: list[float]
) -> None:
    """Achieved sends per second per network, and the busiest window against each limit."""
    sandbox_log = sandbox.requests()
    sandbox_sends = [r["at"] for r in sandbox_log if r["method"] == "POST" and r["committed"]]
    yammer_sends = [s.at for s in yammer if s.method == "POST"]
    teams_sends = [s.at for s in teams if s.method == "POST"]
    sandbox_peak = max_in_window([r["at"] for r in sandbox_log], 60.0)
    yammer_peak = max_in_window([s.at for s in yammer], 30.0)
    teams_peak = max_in_window([s.at for s in teams], 1.0)
    lines = [
        f"sandbox: {per_second(sandbox_sends)}; busiest minute {sandbox_peak} requests "
        f"(limit {REQUESTS_PER_MINUTE})",
        f"wordpress: {per_second(wordpress)} (sent_at, whole seconds); WordPress core has no "
        "rate limit (Fireside keeps to 120 requests a minute)",
        f"yammer: {per_second(yammer_sends)}; busiest 30 s {yammer_peak} message requests "
        "(limit 10)",
        f"teams: {per_second(teams_sends)}; busiest second {teams_peak} requests on the team "
        "(limit 4)",
    ]
    print("\n" + "\n".join(lines))
    assert sandbox_peak <= REQUESTS_PER_MINUTE and yammer_peak <= 10 and teams_peak <= 4


# --- the test -----------------------------------------------------------------------------


async def first_run(
    core: Core,
    asked: dict[str, set[str]],
    servers: tuple[SandboxServer, WordPressServer],
    yw: YammerWorld,
    tw: TeamsWorld,
) -> dict[str, str]:
    """Accounts added, one sync of all four, one inbox, one personalised batch queued; the
    sandbox and WordPress answers go out (Viva Engage's and Teams' wait for the next run).
    Network -> account id of the Microsoft 365 accounts."""
    sandbox, wordpress = servers
    password = wordpress.users["exec"].app_password
    blog = await core.accounts.add("wordpress", wordpress.url, "exec", password, name="Blog")
    m365 = await sign_in_m365(core, yw, tw)
    await keep_the_sandbox(core, sandbox)

    reports = await core.engine.sync_all()  # one sync of all four
    assert {r.account_id: r.error for r in reports} == dict.fromkeys(
        [SANDBOX_ACCOUNT_ID, blog.account_id, *m365.values()]
    )
    found = (await core.inbox.search(WORD)).comments
    stored = await core.store.read(comments.get_comments, [r.id for r in found])
    assert {(r.network, r.remote_id) for r in stored} == {
        (n, remote) for n, ids in asked.items() for remote in ids
    }
    people = {r.remote_id: r.author_title for r in stored if r.network == "yammer"}
    assert sorted(people.values()) == ["", "Sales Lead", "Staff Engineer"]

    ids = [r.id for r in stored]
    previews = await core.replies.preview(ids, TEMPLATE)
    assert len({p.text for p in previews}) == 12  # personalised per person
    assert {p.network: p.limit for p in previews}["yammer"] == 10_000
    await core.replies.queue(ids, TEMPLATE)
    for account_id in m365.values():  # they go out in the run that is killed
        await (await core.engine.remove_network(account_id)).aclose()
    await settle(core, {SANDBOX_ACCOUNT_ID, blog.account_id})
    return m365


async def child_plan(
    core: Core, m365: dict[str, str], data: Path, ca_file: Path, book: TokenBook
) -> dict:
    """The Microsoft 365 run in a process of its own, with tokens from the authority's
    TokenBook (it cannot reach this process's in-memory keyring)."""
    scopes = {
        "yammer": (Audience.YAMMER, frozenset({SCOPE})),
        "teams": (Audience.GRAPH, ALL_SCOPES),
    }
    stored = {a.id: a for a in await core.accounts.list()}
    plan_accounts = []
    for network, account_id in m365.items():
        account = stored[account_id]
        audience, granted = scopes[network]
        token = book.issue(audience, granted, DANA.oid, 86_400).value
        plan_accounts.append(
            {
                "id": account.id,
                "kind": account.network,
                "base": account.base_url,
                "token": token,
                "settings": account.settings,
            }
        )
    return {"db": str(data / "fireside.db"), "ca": str(ca_file), "accounts": plan_accounts}


async def test_four_networks_one_inbox_one_batch_exactly_once_through_a_kill(
    tmp_path,
    sandbox_server: SandboxServer,
    wordpress: WordPressServer,
    *,
    memory_keyring,
    entra,
    entra_policy,
    entra_pki,
    browser,
) -> None:
    entra_policy(SandboxEnabled=True)
    clock = ShiftedClock()
    yw = build_yammer_world(clock, entra_pki, entra.book, DANA.oid)
    tw = build_teams_world(clock, entra_pki, entra.book, DANA.oid)
    data = tmp_path / "data"
    sandbox = {"sandbox_url": sandbox_server.url, "sandbox_token": sandbox_server.token}
    try:
        teams_root, asked_teams = ask_on_teams(tw)
        asked = {
            "sandbox": ask_on_sandbox(sandbox_server),
            "wordpress": ask_on_wordpress(wordpress),
            "yammer": ask_on_yammer(yw),
            "teams": asked_teams,
        }
        core = await open_core(data, **sandbox)
        try:
            m365 = await first_run(core, asked, (sandbox_server, wordpress), yw, tw)
            plan = await child_plan(core, m365, data, entra_pki.ca_file, entra.book)
        finally:
            await core.close()

        clock.advance(61)  # the app runs again a minute later, and is killed mid-send
        kill_mid_send(plan, tw)

        clock.advance(61)  # and opened again (signed in from the keyring): settled by look-up
        core = await open_core(data, **sandbox)
        try:
            assert set(m365.values()) <= set(core.networks)
            replies = await settle(core)
        finally:
            await core.close()
    finally:
        yw.server.stop()
        tw.server.stop()

    assert Counter((i.network, i.state) for i in replies) == {
        (n, OutboxState.SENT): 3 for n in asked
    }
    sent = {i.target_remote_id: i.body for i in replies}
    check_wordpress_replies(wordpress, asked["wordpress"], sent)
    await check_sandbox(sandbox_server, asked["sandbox"], sent)
    yammer_log = check_yammer_replies(yw, asked["yammer"], sent)
    teams_log = check_teams_replies(tw, teams_root, asked["teams"], sent)
    wordpress_sent = [parse(i.sent_at).timestamp() for i in replies if i.network == "wordpress"]
    report_rates(sandbox_server, yammer_log, teams_log, wordpress_sent)
