"""Kills mid-send on Mastodon, Slack, X and LinkedIn (issue 15, exactly once), against
their contract emulators, with the connectors the registry builds in a child ``fireside
sync`` (``oauth_child.py``), killed with SIGKILL at a moment read from the server:

- Mastodon: the server applied the reply and holds its answer; the child dies. The next
  child sends again with the same ``Idempotency-Key`` (kept an hour): one status.
- Slack: the same, then the next child dies while its look-up (the thread, read with
  ``include_all_metadata``) is held; a third child settles it by the outbox key in the
  message's metadata: one message, and a reply queued meanwhile goes out once too.
- X (no idempotency key): the same two kills (the second while the look-up's search of
  the conversation is held); a third child finds the post by parent, author and text.
- LinkedIn (no idempotency key): killed once the page's comment is applied; the next child
  finds it among the top-level comment's replies by author and text (the reply to a
  nested comment goes under its top-level comment, LinkedIn's one level).

The emulators keep real time (``ShiftedClock``), as the children do; X and LinkedIn are
signed in through the browser flow of their fixtures (``x_site``, ``li_site``), on real
time here (``x_clock``, ``li_clock``).
"""

from __future__ import annotations

import sys

import pytest
from contracts.checker import Contract
from emulators.clock import ShiftedClock
from emulators.linkedin.fixtures import LinkedInSite
from emulators.mastodon.server import MastodonServer
from emulators.microsoft.apiserver import Action, ApiServer
from emulators.oauth.authority import Client
from emulators.real_time import li_clock, x_clock  # noqa: F401 (overrides: real time)
from emulators.slack.server import SlackWorkspace
from emulators.x.fixtures import XSite
from m365_child import finish, kill_when_held, start
from oauth_child import CHILD

from app import secrets
from app.domain import Account
from app.networks import registry
from app.networks.mastodon import apps
from app.networks.oauth import Tokens
from app.store import outbox

pytestmark = pytest.mark.skipif(sys.platform not in ("linux", "darwin"), reason="needs SIGKILL")


def plan_for(fireside, pki, *, kind: str, base: str, secret: str, settings: dict) -> dict:
    entry = {"id": fireside.ACCOUNT, "kind": kind, "base": base, "secret": secret}
    return {
        "db": str(fireside.path),
        "ca": str(pki.ca_file),
        "accounts": [entry | {"settings": settings}],
    }


async def test_a_mastodon_reply_killed_mid_send_lands_once_by_its_idempotency_key(
    mastodon_pki, m365_fireside
) -> None:
    clock = ShiftedClock()
    contract = Contract.load("mastodon")
    server = MastodonServer(clock, contract)
    dana, ada = server.person("dana", "Dana Whitfield"), server.person("ada", "Ada Reyes")
    app = server.authority.register(
        Client("fireside-kills", (apps.REDIRECT_URI,), frozenset(apps.SCOPES), "s")
    )
    api = ApiServer(server, mastodon_pki, clock)
    try:
        post = server.post(dana, "Results are in.")
        ask = server.post(ada, "@dana how did EMEA do?", post)
        issued = server.authority.issue("dana", app.client_id, frozenset(apps.SCOPES))
        secret = Tokens(issued.access_token).to_secret()
        settings = {"user_id": dana.id, "client_id": app.client_id, "max_characters": 500}
        account = Account("m365", "mastodon", "Mastodon", api.url, settings=settings)
        network = registry.build_network(account, secret, api.client())
        fireside = m365_fireside(network, "mastodon")
        assert (await fireside.sync()).error is None
        plan = plan_for(
            fireside, mastodon_pki, kind="mastodon", base=api.url, secret=secret, settings=settings
        )
        first = fireside.queue_reply_to(ask.id, "Up 12%, best quarter yet.")

        held = api.fault(Action.HOLD, "POST", "/api/v1/statuses")
        kill_when_held(start(plan, CHILD), held, "Mastodon applied the reply")
        assert len([s for s in server.mine(dana) if s.in_reply_to_id == ask.id]) == 1
        settled = finish(start(plan, CHILD))
    finally:
        api.stop()

    assert settled["outbox"] == ["sent"], settled
    replies = [s for s in server.mine(dana) if s.in_reply_to_id == ask.id]
    assert [s.text for s in replies] == ["@ada Up 12%, best quarter yet."]
    remote = {i.id: i.remote_id for i in fireside.store.run_sync(outbox.list_items)}
    assert remote == {first: replies[0].id}
    assert contract.violations == []


async def test_a_slack_reply_killed_mid_send_and_mid_look_up_lands_once_by_its_metadata(
    slack_pki, m365_fireside
) -> None:
    clock = ShiftedClock()
    contract = Contract.load("slack")
    ws = SlackWorkspace(clock, contract)
    ws.app("1234567890.987654321")
    dana, ada, ben = (
        ws.user(n, r) for n, r in (("dana", "Dana W"), ("ada", "Ada R"), ("ben", "Ben O"))
    )
    channel = ws.channel("town-hall", [dana, ada, ben])
    api = ApiServer(ws, slack_pki, clock)
    try:
        post = ws.say(channel, dana, "Office move next week")
        ask_ada = ws.say(channel, ada, "Which floor?", post)
        ask_ben = ws.say(channel, ben, "Parking?", post)
        issued = ws.authority.issue(
            "dana",
            "1234567890.987654321",
            frozenset(ws.authority.clients["1234567890.987654321"].allowed_scopes),
        )
        secret = Tokens(issued.access_token, issued.refresh_token, clock() + 43_200).to_secret()
        base = f"{api.url}/api"
        settings = {
            "user_id": dana.id,
            "channels": channel.id,
            "team_url": "https://contoso.slack.com/",
            "api_url": base,
            "client_id": "1234567890.987654321",
        }
        account = Account("m365", "slack", "Slack", base, settings=settings)
        network = registry.build_network(account, secret, api.client())
        fireside = m365_fireside(network, "slack")
        assert (await fireside.sync()).error is None
        plan = plan_for(
            fireside, slack_pki, kind="slack", base=base, secret=secret, settings=settings
        )
        thread = f"{channel.id}/{post.ts}"
        first = fireside.queue_reply_to(f"{thread}/{ask_ada.ts}", "Fourth floor.")

        held = api.fault(Action.HOLD, "POST", "/api/chat.postMessage")
        kill_when_held(start(plan, CHILD), held, "Slack applied the reply")
        looked = api.fault(Action.HOLD, "GET", "/api/conversations.replies")
        kill_when_held(start(plan, CHILD), looked, "the look-up read the thread")

        second = fireside.queue_reply_to(f"{thread}/{ask_ben.ts}", "Fourth floor.")
        settled = finish(start(plan, CHILD))
    finally:
        api.stop()

    assert settled["outbox"] == ["sent", "sent"], settled
    mine = [m for m in ws.mine(channel, dana) if m.thread_ts == post.ts]
    assert sorted(m.text for m in mine) == sorted(
        [f"<@{ada.id}> Fourth floor.", f"<@{ben.id}> Fourth floor."]
    )
    by_person = {m.text.split(">")[0].removeprefix("<@"): m.ts for m in mine}
    remote = {i.id: i.remote_id for i in fireside.store.run_sync(outbox.list_items)}
    assert remote == {
        first: f"{thread}/{by_person[ada.id]}",
        second: f"{thread}/{by_person[ben.id]}",
    }
    assert contract.violations == []


async def signed_in(site: XSite | LinkedInSite, m365_fireside) -> tuple[object, dict]:
    """The person signs in through the browser (the site's fixture), Fireside syncs once in
    this process; Fireside and the children's plan."""
    account = await site.sign_in()
    secret = secrets.get_secret(registry.secret_entry(account)) or ""
    network = registry.build_network(account, secret, site.api.client())
    fireside = m365_fireside(network, account.network)
    assert (await fireside.sync()).error is None
    plan = plan_for(
        fireside,
        site.api.pki,
        kind=account.network,
        base=account.base_url,
        secret=secret,
        settings=dict(account.settings),
    )
    return fireside, plan


async def test_an_x_reply_killed_mid_send_and_mid_look_up_lands_once_by_look_up(
    x_site: XSite, m365_fireside
) -> None:
    fireside, plan = await signed_in(x_site, m365_fireside)
    sam = x_site.replies[0]
    first = fireside.queue_reply_to(sam, "One person on call, rotating weekly.")

    held = x_site.api.fault(Action.HOLD, "POST", "/2/tweets")
    kill_when_held(start(plan, CHILD), held, "X applied the reply")
    looked = x_site.api.fault(Action.HOLD, "GET", "/2/tweets/search/recent")
    kill_when_held(start(plan, CHILD), looked, "the look-up searched the conversation")
    settled = finish(start(plan, CHILD))

    assert settled["outbox"] == ["sent"], settled
    dana = x_site.world.users["danawhit"].id
    mine = [
        t
        for t in x_site.world.tweets.values()
        if t["author_id"] == dana and t.get("referenced_tweets")
    ]
    assert [(t["text"], t["referenced_tweets"]) for t in mine] == [
        ("One person on call, rotating weekly.", [{"type": "replied_to", "id": sam}])
    ]
    remote = {i.id: i.remote_id for i in fireside.store.run_sync(outbox.list_items)}
    assert remote == {first: mine[0]["id"]}


async def test_a_linkedin_reply_killed_mid_send_lands_once_by_look_up(
    li_site: LinkedInSite, m365_fireside
) -> None:
    fireside, plan = await signed_in(li_site, m365_fireside)
    priya, follow_up = li_site.comments[1], li_site.comments[2]
    first = fireside.queue_reply_to(follow_up, "Retention is up 4 points.")

    held = li_site.api.fault(Action.HOLD, "POST", "/rest/socialActions/")
    kill_when_held(start(plan, CHILD), held, "LinkedIn applied the comment")
    settled = finish(start(plan, CHILD))

    assert settled["outbox"] == ["sent"], settled
    page = li_site.world.page
    mine = [c for c in li_site.world.comments.values() if c["actor"] == page]
    assert [(c["message"]["text"], c["parentComment"]) for c in mine] == [
        ("Retention is up 4 points.", priya)
    ]
    remote = {i.id: i.remote_id for i in fireside.store.run_sync(outbox.list_items)}
    assert remote == {first: mine[0]["commentUrn"]}
