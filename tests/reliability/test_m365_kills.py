"""Kills mid-send on Viva Engage and Teams (issue 11, item 4), against their emulators.

A ``fireside sync`` runs in a child process (``m365_child.py``: the connector that
``build_yammer``/``build_teams`` make, the real store and engine) and is killed with
SIGKILL at a moment read from the server, never guessed:

1. while its reply is answered: the emulator has applied the reply and holds the answer
   (``Action.HOLD``); the child dies before it reads it, the item left 'sending';
2. while the next child looks that write up: the look-up's read is held; it dies again.

A third child then syncs without faults: the reply is on the server exactly once, the
outbox says sent and names it, and a reply queued meanwhile goes out once too. Between
runs the emulator's clock moves a minute on (a ``ShiftedClock``), as time passes between
app runs, so each run meets Viva Engage's budget afresh (the children keep real time).
"""

from __future__ import annotations

import sys
from urllib.parse import quote

import pytest
from emulators.clock import ShiftedClock
from emulators.microsoft.apiserver import Action
from emulators.microsoft.booktokens import BookTokens
from emulators.microsoft.fixtures import (
    M365Fireside,
    build_teams_world,
    build_yammer_world,
)
from emulators.microsoft.graph import ALL_SCOPES
from emulators.microsoft.yammer import SCOPE
from m365_child import finish, kill_when_held, start

from app.networks.microsoft.bearer import Wiring
from app.networks.microsoft.teams import TeamsNetwork
from app.networks.microsoft.tokens import Api
from app.networks.microsoft.yammer import YammerNetwork
from app.store import outbox

pytestmark = pytest.mark.skipif(sys.platform not in ("linux", "darwin"), reason="needs SIGKILL")


def item_states(fireside: M365Fireside) -> dict[int, str]:
    return {i.id: str(i.state) for i in fireside.store.run_sync(outbox.list_items)}


async def test_kills_while_a_viva_engage_reply_is_answered_and_looked_up(
    ms_pki, m365_fireside
) -> None:
    clock = ShiftedClock()
    w = build_yammer_world(clock, ms_pki)
    try:
        post = w.emulator.post(w.dana, "All hands on Friday", w.town_hall)
        ada = w.emulator.post(w.ada, "Recorded?", replied_to=post.id)
        ben = w.emulator.post(w.ben, "Remote dial-in?", replied_to=ada.id)
        tokens = BookTokens(w.emulator.book, str(w.dana.id), {Api.YAMMER: frozenset({SCOPE})})
        wiring = Wiring(w.server.client(), tokens, w.base_url, clock, clock.sleep)
        fireside = m365_fireside(YammerNetwork(wiring, community=str(w.town_hall.id)), "yammer")
        assert (await fireside.sync()).error is None
        plan = {
            "db": str(fireside.path),
            "ca": str(ms_pki.ca_file),
            "accounts": [
                {
                    "id": fireside.ACCOUNT,
                    "kind": "yammer",
                    "base": w.base_url,
                    "token": w.emulator.token(w.dana, ttl_s=86_400),
                    "settings": {"community": str(w.town_hall.id)},
                }
            ],
        }
        first = fireside.queue_reply_to(str(ada.id), "Yes, recorded for everyone.")

        clock.advance(61)
        held = w.server.fault(Action.HOLD, "POST", "/api/v1/messages.json")
        kill_when_held(start(plan), held, "Viva Engage applied the reply")
        assert item_states(fireside)[first] == "sending"
        assert len([m for m in w.emulator.replies_by(w.dana) if m.replied_to_id == ada.id]) == 1

        clock.advance(61)
        looked = w.server.fault(Action.HOLD, "GET", f"/api/v1/messages/in_thread/{post.id}")
        kill_when_held(start(plan), looked, "the look-up read the thread")

        second = fireside.queue_reply_to(str(ben.id), "Teams link in the invite.")
        clock.advance(61)
        settled = finish(start(plan))
    finally:
        w.server.stop()

    assert settled["outbox"] == ["sent", "sent"], settled
    to_ada = [m for m in w.emulator.replies_by(w.dana) if m.replied_to_id == ada.id]
    to_ben = [m for m in w.emulator.replies_by(w.dana) if m.replied_to_id == ben.id]
    assert (len(to_ada), len(to_ben)) == (1, 1)
    remote = {i.id: i.remote_id for i in fireside.store.run_sync(outbox.list_items)}
    assert remote == {first: str(to_ada[0].id), second: str(to_ben[0].id)}


async def test_kills_while_a_teams_reply_is_answered_and_looked_up(ms_pki, m365_fireside) -> None:
    clock = ShiftedClock()
    w = build_teams_world(clock, ms_pki)
    try:
        post = w.emulator.post(w.dana, w.town_hall, "Offsite: questions?")
        ada = w.emulator.reply(w.ada, w.town_hall, post, "<p>Which hotel?</p>")
        ben = w.emulator.reply(w.ben, w.town_hall, post, "<p>Which dates?</p>")
        tokens = BookTokens(w.emulator.book, w.dana.id, {Api.GRAPH: ALL_SCOPES})
        wiring = Wiring(w.server.client(), tokens, w.server.url, clock, clock.sleep)
        channel = w.ref(w.leadership, w.town_hall)
        fireside = m365_fireside(TeamsNetwork(wiring, (channel,)), "teams")
        assert (await fireside.sync()).error is None
        plan = {
            "db": str(fireside.path),
            "ca": str(ms_pki.ca_file),
            "accounts": [
                {
                    "id": fireside.ACCOUNT,
                    "kind": "teams",
                    "base": w.server.url,
                    "token": w.emulator.token(w.dana, ttl_s=86_400),
                    "settings": {"channels": [channel.setting()]},
                }
            ],
        }
        root = f"{w.leadership.id}|{w.town_hall.id}|{post.id}"
        first = fireside.queue_reply_to(f"{root}|{ada.id}", "The one by the river.")

        clock.advance(61)
        channel_path = f"/v1.0/teams/{w.leadership.id}/channels/{quote(w.town_hall.id, safe='')}"
        replies = f"{channel_path}/messages/{post.id}/replies"
        held = w.server.fault(Action.HOLD, "POST", replies)
        kill_when_held(start(plan), held, "Teams applied the reply")
        assert item_states(fireside)[first] == "sending"

        clock.advance(61)
        looked = w.server.fault(Action.HOLD, "GET", replies)
        kill_when_held(start(plan), looked, "the look-up read the chain")

        second = fireside.queue_reply_to(f"{root}|{ben.id}", "The one by the river.")
        clock.advance(61)
        settled = finish(start(plan))
    finally:
        w.server.stop()

    assert settled["outbox"] == ["sent", "sent"], settled
    mine = [m for m in w.emulator.mine(w.dana, w.town_hall) if m.reply_to == post.id]
    mentioned = sorted(m.mentions[0]["mentioned"]["user"]["id"] for m in mine)
    assert mentioned == sorted([w.ada.id, w.ben.id])  # once each, the same words to both
    by_person = {m.mentions[0]["mentioned"]["user"]["id"]: m.id for m in mine}
    remote = {i.id: i.remote_id for i in fireside.store.run_sync(outbox.list_items)}
    assert remote == {
        first: f"{root}|{by_person[w.ada.id]}",
        second: f"{root}|{by_person[w.ben.id]}",
    }
