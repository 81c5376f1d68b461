"""Exactly once on Viva Engage and Teams, which have no idempotency key: through the real
outbox and engine, a write whose answer is lost is settled by finding it (by place,
author and text digest), never by a blind resend.

Faults are played by the emulators' HTTPS server: ``DROP`` applies the write and closes the
connection without answering (a reset after the commit), ``CUT`` closes it before the
emulator sees the write (nothing landed). The server's own records are the truth: how many
messages Dana wrote, and where.
"""

from __future__ import annotations

from emulators.microsoft.apiserver import Action
from emulators.microsoft.fixtures import M365Fireside, TeamsWorld, YammerWorld

from app.domain import OutboxKind, OutboxState
from app.store import outbox


def states(fireside: M365Fireside) -> list[str]:
    return [str(i.state) for i in fireside.store.run_sync(outbox.list_items)]


def queue(fireside: M365Fireside, kind: OutboxKind, body: str, **where) -> int:
    return fireside.store.run_sync(
        lambda db: outbox.enqueue(db, kind, fireside.ACCOUNT, body, **where)
    )


# --- Viva Engage --------------------------------------------------------------------------


async def yammer_side(w: YammerWorld, make_yammer, m365_fireside) -> tuple[M365Fireside, list]:
    post = w.emulator.post(w.dana, "Offsite in May", w.town_hall)
    asked = [
        w.emulator.post(person, f"Question {n} from {person.full_name}?", replied_to=post.id)
        for n, person in enumerate((w.ada, w.ben, w.chen))
    ]
    fireside = m365_fireside(make_yammer(), "yammer")
    report = await fireside.sync()
    assert report.error is None and report.fetched == 3
    return fireside, asked


def dana_replies(w: YammerWorld, parent: int) -> list:
    return [m for m in w.emulator.replies_by(w.dana) if m.replied_to_id == parent]


async def test_yammer_replies_whose_answers_were_lost_land_exactly_once(
    yammer_world: YammerWorld, make_yammer, m365_fireside
) -> None:
    w = yammer_world
    fireside, asked = await yammer_side(w, make_yammer, m365_fireside)
    dropped = w.server.fault(Action.DROP, "POST", "/api/v1/messages.json")
    cut = w.server.fault(Action.CUT, "POST", "/api/v1/messages.json")
    for comment in asked:
        fireside.queue_reply_to(str(comment.id), f"Thanks {comment.id}, see you there.")

    await fireside.engine.push(fireside.ACCOUNT)

    assert dropped.count == cut.count == 0  # both faults played
    assert states(fireside) == ["sent"] * 3
    for comment in asked:
        [reply] = dana_replies(w, comment.id)
        assert reply.plain == f"Thanks {comment.id}, see you there."
    sent = {i.target_remote_id: i.remote_id for i in fireside.store.run_sync(outbox.list_items)}
    assert sent == {str(c.id): str(dana_replies(w, c.id)[0].id) for c in asked}
    assert len(w.emulator.writes) == 3  # the lost answer was found, not written again


async def test_yammer_a_lost_post_is_found_in_the_community(
    yammer_world: YammerWorld, make_yammer, m365_fireside
) -> None:
    w = yammer_world
    fireside, _ = await yammer_side(w, make_yammer, m365_fireside)
    w.server.fault(Action.DROP, "POST", "/api/v1/messages.json")
    item = queue(fireside, OutboxKind.PUBLISH, "We move to the *new* office on Monday.")

    await fireside.engine.push(fireside.ACCOUNT)

    [row] = [i for i in fireside.store.run_sync(outbox.list_items) if i.id == item]
    made = [m for m in w.emulator.replies_by(w.dana) if m.replied_to_id is None]
    posts = [m for m in made if m.plain == "We move to the new office on Monday."]
    assert len(posts) == 1 and row.state == OutboxState.SENT
    assert row.remote_id == str(posts[0].id)


# --- Teams --------------------------------------------------------------------------------


async def teams_side(w: TeamsWorld, make_teams, m365_fireside) -> tuple[M365Fireside, object, list]:
    post = w.emulator.post(w.dana, w.town_hall, "Q3 all-hands: questions?")
    asked = [
        w.emulator.reply(person, w.town_hall, post, f"<p>Question from {person.name}?</p>")
        for person in (w.ada, w.ben, w.chen)
    ]
    fireside = m365_fireside(make_teams(), "teams")
    report = await fireside.sync()
    assert report.error is None and report.fetched == 3
    return fireside, post, asked


def rid(w: TeamsWorld, post, reply=None) -> str:
    return "|".join([w.leadership.id, w.town_hall.id, post.id, *([reply.id] if reply else [])])


async def test_teams_replies_whose_answers_were_lost_land_exactly_once_with_their_mentions(
    teams_world: TeamsWorld, make_teams, m365_fireside
) -> None:
    w = teams_world
    fireside, post, asked = await teams_side(w, make_teams, m365_fireside)
    replies = f"/messages/{post.id}/replies"
    dropped = w.server.fault(Action.DROP, "POST", f"/v1.0/teams/{w.leadership.id}")
    w.emulator.inject(503, "POST", replies, retry_after="4", skip=1)  # busy: nothing applied
    cut = w.server.fault(Action.CUT, "POST", f"/v1.0/teams/{w.leadership.id}")
    for comment in asked:
        fireside.queue_reply_to(rid(w, post, comment), "Thanks, answered in the FAQ.")

    await fireside.engine.push(fireside.ACCOUNT)

    assert dropped.count == cut.count == 0
    assert states(fireside) == ["sent"] * 3
    mine = [m for m in w.emulator.mine(w.dana, w.town_hall) if m.reply_to == post.id]
    assert len(mine) == 3  # one each, though every reply says the same
    mentioned = sorted(m.mentions[0]["mentioned"]["user"]["id"] for m in mine)
    assert mentioned == sorted(p.id for p in (w.ada, w.ben, w.chen))
    sent = {i.target_remote_id: i.remote_id for i in fireside.store.run_sync(outbox.list_items)}
    by_person = {m.mentions[0]["mentioned"]["user"]["id"]: m.id for m in mine}
    assert sent == {rid(w, post, c): f"{rid(w, post)}|{by_person[c.sender]}" for c in asked}
    assert [s.status for s in w.server.requests()].count(503) == 1


async def test_teams_a_lost_post_edit_and_deletion_are_each_settled_by_look_up(
    teams_world: TeamsWorld, make_teams, m365_fireside
) -> None:
    w = teams_world
    fireside, post, _ = await teams_side(w, make_teams, m365_fireside)
    team = f"/v1.0/teams/{w.leadership.id}"
    w.server.fault(Action.DROP, "POST", team)  # the new post
    w.server.fault(Action.DROP, "PATCH", team)  # the edit of the old one
    w.server.fault(Action.CUT, "POST", team)  # the soft delete: never arrived
    queue(fireside, OutboxKind.PUBLISH, "Offsite agenda is out.", title="Offsite")
    queue(
        fireside,
        OutboxKind.EDIT,
        "Q3 all-hands: **send questions by Friday**",
        post_remote_id=rid(w, post),
    )
    doomed = w.emulator.post(w.dana, w.town_hall, "Typo post")
    queue(fireside, OutboxKind.DELETE, "", post_remote_id=rid(w, doomed))

    await fireside.engine.push(fireside.ACCOUNT)

    assert states(fireside) == ["sent"] * 3
    new = [m for m in w.emulator.mine(w.dana, w.town_hall) if "Offsite agenda" in m.content]
    assert len(new) == 1
    assert "send questions by Friday" in post.content
    assert doomed.deleted is not None
    writes = [method for method, _ in w.emulator.writes]
    assert writes.count("POST") == 1 and writes.count("DELETE") == 1
