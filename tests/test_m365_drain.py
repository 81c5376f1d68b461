"""A batch of 500 personalised replies drains at each Microsoft 365 network's documented
rate (issue 16): Viva Engage 10 message requests in 30 s per user
(learn.microsoft.com/rest/api/yammer/rest-api-rate-limits), Teams 4 requests a second per
team (learn.microsoft.com/graph/throttling-limits, "Teams service limits"), through the
real outbox and engine, with zero 429s and each reply landing once.

Time is the emulators' virtual clock, which the connectors' pacing sleeps on: a window
waited costs no real time, so the achieved rate is the pacing's own, not the machine's.
Achieved = requests after the first full budget / the time they took (the first budget
goes at once, as the networks allow); printed as achieved/limit.
"""

from __future__ import annotations

from collections import Counter

from emulators.microsoft.apiserver import max_in_window
from emulators.microsoft.fixtures import M365Fireside, TeamsWorld, YammerWorld

from app.networks.microsoft.teams.api import TEAM_BUDGET
from app.networks.microsoft.yammer.api import MESSAGES_BUDGET
from app.networks.pacing import Budget
from app.store import outbox

REPLIES = 500
#: Each person asks once under each post: on Teams a reply to a reply goes to the post,
#: mentioning the asker, so a second question of the same person there reads as answered.
ASKERS = 3


def share(times: list[float], budget: Budget) -> float:
    """The rate achieved after the first budget, against the budget's own rate."""
    ordered = sorted(times)
    spent = ordered[budget.requests - 1 :]
    achieved = (len(spent) - 1) / (spent[-1] - spent[0])
    return achieved / (budget.requests / budget.window_s)


def sent(fireside: M365Fireside) -> Counter[str]:
    return Counter(str(i.state) for i in fireside.store.run_sync(outbox.list_items))


async def test_viva_engage_drains_a_batch_at_its_documented_budget(
    yammer_world: YammerWorld, make_yammer, m365_fireside
) -> None:
    w = yammer_world
    people = (w.ada, w.ben, w.chen)
    asked = []
    for n in range(REPLIES):
        if n % ASKERS == 0:
            post = w.emulator.post(w.dana, f"Update {n // ASKERS}", w.town_hall)
        asked.append(w.emulator.post(people[n % ASKERS], f"Question {n}?", replied_to=post.id))
    fireside = m365_fireside(make_yammer(), "yammer")
    assert (await fireside.sync()).error is None
    for n, comment in enumerate(asked):
        fireside.queue_reply_to(str(comment.id), f"Thank you for question {n}, answered.")
    before = len(w.server.requests())

    await fireside.engine.push(fireside.ACCOUNT)

    log = w.server.requests()[before:]
    assert sent(fireside) == {"sent": REPLIES}
    mine = Counter(m.replied_to_id for m in w.emulator.replies_by(w.dana) if m.replied_to_id)
    assert mine == dict.fromkeys((c.id for c in asked), 1)  # each once
    assert [s.status for s in log].count(429) == 0
    times = [s.at for s in log if s.path.startswith("/api/v1/messages")]
    rate = share(times, MESSAGES_BUDGET)
    print(
        f"\nViva Engage: {REPLIES} replies, {len(times)} message requests, "
        f"achieved/limit {rate:.1%}, at most {max_in_window(times, 30.0)} in any 30 s"
    )
    assert max_in_window(times, MESSAGES_BUDGET.window_s) <= MESSAGES_BUDGET.requests
    assert rate >= 0.9


async def test_teams_drains_a_batch_at_its_documented_budget(
    teams_world: TeamsWorld, make_teams, m365_fireside
) -> None:
    w = teams_world
    people = (w.ada, w.ben, w.chen)
    asked = []
    for n in range(REPLIES):
        if n % ASKERS == 0:
            post = w.emulator.post(w.dana, w.town_hall, f"Update {n // ASKERS}")
        reply = w.emulator.reply(people[n % ASKERS], w.town_hall, post, f"<p>Question {n}?</p>")
        asked.append("|".join([w.leadership.id, w.town_hall.id, post.id, reply.id]))
    fireside = m365_fireside(make_teams(), "teams")
    assert (await fireside.sync()).error is None
    for n, remote_id in enumerate(asked):
        fireside.queue_reply_to(remote_id, f"Thank you for question {n}, answered.")
    before = len(w.server.requests())

    await fireside.engine.push(fireside.ACCOUNT)

    log = w.server.requests()[before:]
    assert sent(fireside) == {"sent": REPLIES}
    assert len([m for m in w.emulator.mine(w.dana, w.town_hall) if m.reply_to]) == REPLIES
    assert w.emulator.throttled == 0 and [s.status for s in log].count(429) == 0
    times = [s.at for s in log if s.path.startswith(f"/v1.0/teams/{w.leadership.id}")]
    rate = share(times, TEAM_BUDGET)
    print(
        f"\nTeams: {REPLIES} replies, {len(times)} requests on the team, "
        f"achieved/limit {rate:.1%}, at most {max_in_window(times, 1.0)} in any second"
    )
    assert max_in_window(times, TEAM_BUDGET.window_s) <= TEAM_BUDGET.requests
    assert rate >= 0.9
