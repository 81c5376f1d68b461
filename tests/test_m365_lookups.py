"""Finding a write again on Viva Engage and Teams, which keep no idempotency key: after an
unclear answer ``lookup_write`` must find the message the write made, and only it, by its
place, its author, its text and its time, or say it did not land. A wrong "landed" loses a
reply; a wrong "did not land" sends it twice.

Each test puts look-alikes beside (or instead of) the real message in the emulators
(tests/emulators/microsoft/), which serve the documented Yammer v1 and Graph shapes: a
message by someone else, in another place, with other text, written before the item was
queued, deleted, or naming another person.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from emulators.microsoft.apiserver import Action
from emulators.microsoft.fixtures import TeamsWorld, YammerWorld
from emulators.microsoft.graph import Channel, GraphUser, Msg

from app.domain import OutboxKind, RemoteKind, WriteIntent
from app.errors import BadResponse, NotFound, Rejected
from app.networks import matching
from app.networks.matching import SKEW_S
from app.networks.microsoft.teams.places import MessageRef
from app.networks.microsoft.yammer.ids import YammerType, new_id
from app.timeutil import iso

KEY = "k"  # neither service keeps it: the look-up never uses it
STOPPED_SHORT = r": the look-up read 5 pages without reaching back to when the item was queued\. "
UNSURE = "may be that message, so it is looked up again later rather than sent twice"


def queued_at(clock, ago: float = 0.0) -> str:
    """When an item was queued, ``ago`` seconds before the emulators' now."""
    return iso(datetime.fromtimestamp(clock() - ago, UTC))


def intent(kind: OutboxKind, body: str, since: str, *, post=None, target=None) -> WriteIntent:
    return WriteIntent(kind, post, target, "", body, "markdown", since)


# --- what is compared -------------------------------------------------------------------


def test_text_is_compared_as_read_not_as_spaced() -> None:
    assert matching.normalised(" Thanks,\u200b\n\n  see\u00a0you\t") == "Thanks, see you"
    assert matching.normalised("Cafe\u0301") == "Caf\u00e9"
    assert matching.digest("Thanks,  see you") == matching.digest("Thanks, see\nyou")
    assert matching.digest("Thanks, see you") != matching.digest("thanks, see you")


def test_a_message_with_a_lone_surrogate_still_has_a_digest() -> None:
    """JSON may carry half a surrogate pair (\\ud800): such a message is compared, not a
    crash of the look-up."""
    assert matching.digest("Caf\ud800") != matching.digest("Caf")


# --- Viva Engage ----------------------------------------------------------------------------


def yammer_thread(w: YammerWorld):
    post = w.emulator.post(w.dana, "Offsite in May", w.town_hall)
    ada = w.emulator.post(w.ada, "Which week?", replied_to=post.id)
    ben = w.emulator.post(w.ben, "Remote option?", replied_to=post.id)
    return post, ada, ben


def in_thread_reads(w: YammerWorld) -> int:
    return sum(1 for s in w.server.requests() if "/messages/in_thread/" in s.path)


async def test_yammer_without_an_intent_or_for_an_edit_nothing_is_looked_up(
    yammer_world: YammerWorld, make_yammer
) -> None:
    w = yammer_world
    post, ada, _ = yammer_thread(w)
    w.emulator.post(w.dana, "Same text", replied_to=ada.id)
    network = make_yammer()
    since = queued_at(w.clock, 60)

    assert await network.lookup_write(KEY) is None
    edit = intent(OutboxKind.EDIT, "Same text", since, post=str(post.id), target=str(ada.id))
    assert await network.lookup_write(KEY, edit) is None
    assert w.server.requests() == []


async def test_yammer_a_deletion_landed_once_the_message_it_names_is_gone(
    yammer_world: YammerWorld, make_yammer
) -> None:
    w = yammer_world
    post, ada, _ = yammer_thread(w)
    network = make_yammer()
    since = queued_at(w.clock)
    of_comment = intent(OutboxKind.DELETE, "", since, post=str(post.id), target=str(ada.id))
    of_post = intent(OutboxKind.DELETE, "", since, post=str(post.id))

    assert await network.lookup_write(KEY, of_comment) is None
    assert await network.lookup_write(KEY, of_post) is None
    w.emulator.delete(ada.id)
    assert await network.lookup_write(KEY, of_comment) == str(ada.id)
    assert await network.lookup_write(KEY, of_post) is None  # the post is still there
    w.emulator.delete(post.id)
    assert await network.lookup_write(KEY, of_post) == str(post.id)


LOOK_ALIKES = {
    "someone else's": lambda w, post, ada, ben: w.emulator.post(w.ada, "Thanks", replied_to=ada.id),
    "to another comment": lambda w, post, ada, ben: w.emulator.post(
        w.dana, "Thanks", replied_to=ben.id
    ),
    "to the post": lambda w, post, ada, ben: w.emulator.post(w.dana, "Thanks", replied_to=post.id),
    "saying more": lambda w, post, ada, ben: w.emulator.post(
        w.dana, "Thanks a lot", replied_to=ada.id
    ),
}


@pytest.mark.parametrize("look_alike", sorted(LOOK_ALIKES))
async def test_yammer_a_reply_is_mine_under_its_comment_with_its_text(
    yammer_world: YammerWorld, make_yammer, look_alike: str
) -> None:
    w = yammer_world
    post, ada, ben = yammer_thread(w)
    network = make_yammer()
    asked = intent(
        OutboxKind.REPLY, "**Thanks**", queued_at(w.clock), post=str(post.id), target=str(ada.id)
    )
    LOOK_ALIKES[look_alike](w, post, ada, ben)

    assert await network.lookup_write(KEY, asked) is None

    mine = w.emulator.post(w.dana, "Thanks", replied_to=ada.id)
    LOOK_ALIKES[look_alike](w, post, ada, ben)  # newer than mine: read first
    assert await network.lookup_write(KEY, asked) == str(mine.id)


async def test_yammer_a_look_up_that_passed_over_an_unreadable_message_is_unsure(
    yammer_world: YammerWorld, make_yammer
) -> None:
    """The unreadable message may be the write: "never landed" would let the outbox send
    it a second time, so the look-up is unsure (BadResponse) and is asked again later."""
    w = yammer_world
    post, ada, _ = yammer_thread(w)
    network = make_yammer()
    asked = intent(
        OutboxKind.REPLY, "Thanks", queued_at(w.clock), post=str(post.id), target=str(ada.id)
    )
    assert await network.lookup_write(KEY, asked) is None  # all readable: truly absent

    for n in range(25):  # the unreadable one newest, on the first of two pages
        w.emulator.post(w.ben, f"Chatter {n}", replied_to=post.id)
    w.emulator.add_raw(ada, {"id": "seven", "body": "Thanks"})
    unsure = f"^Viva Engage: message 'seven' is malformed and .*{UNSURE}"
    with pytest.raises(BadResponse, match=unsure):
        await network.lookup_write(KEY, asked)
    assert in_thread_reads(w) == 3
    mine = w.emulator.post(w.dana, "Thanks", replied_to=ada.id)
    assert await network.lookup_write(KEY, asked) == str(mine.id)


async def test_yammer_a_reply_to_the_post_itself_is_found_under_the_post(
    yammer_world: YammerWorld, make_yammer
) -> None:
    w = yammer_world
    post, ada, _ = yammer_thread(w)
    w.emulator.post(w.dana, "Agreed", replied_to=ada.id)
    mine = w.emulator.post(w.dana, "Agreed", replied_to=post.id)
    network = make_yammer()

    found = await network.lookup_write(
        KEY, intent(OutboxKind.REPLY, "Agreed", queued_at(w.clock), post=str(post.id))
    )

    assert found == str(mine.id)


async def test_yammer_a_message_older_than_the_item_is_not_its_write(
    yammer_world: YammerWorld, make_yammer
) -> None:
    """Clocks may differ by SKEW_S: a message that much older than the item still counts,
    one older still does not."""
    w = yammer_world
    post, ada, _ = yammer_thread(w)
    old = w.emulator.post(w.dana, "Thanks", replied_to=ada.id)
    network = make_yammer()
    w.clock.advance(SKEW_S)
    asked = intent(
        OutboxKind.REPLY, "Thanks", queued_at(w.clock), post=str(post.id), target=str(ada.id)
    )

    assert await network.lookup_write(KEY, asked) == str(old.id)
    w.clock.advance(1)
    later = intent(
        OutboxKind.REPLY, "Thanks", queued_at(w.clock), post=str(post.id), target=str(ada.id)
    )
    assert await network.lookup_write(KEY, later) is None


async def test_yammer_a_look_up_reads_back_no_more_than_five_pages(
    yammer_world: YammerWorld, make_yammer
) -> None:
    """The emulator lists 20 a page, newest first. A reply under 80 newer ones (page 5) is
    found; under 100 (page 6) it is past what is read, so the look-up cannot say it never
    landed: it is unsure, and the outbox asks again later instead of sending twice."""
    w = yammer_world
    post, ada, _ = yammer_thread(w)
    network = make_yammer()
    asked = intent(
        OutboxKind.REPLY, "Noted", queued_at(w.clock), post=str(post.id), target=str(ada.id)
    )
    mine = w.emulator.post(w.dana, "Noted", replied_to=ada.id)
    for n in range(80):
        w.emulator.post(w.ben, f"Chatter {n}", replied_to=post.id)

    assert await network.lookup_write(KEY, asked) == str(mine.id)
    assert in_thread_reads(w) == 5

    for n in range(20):
        w.emulator.post(w.ben, f"More chatter {n}", replied_to=post.id)
    with pytest.raises(BadResponse, match=f"^Viva Engage{STOPPED_SHORT}"):  # not "never landed"
        await network.lookup_write(KEY, asked)
    assert in_thread_reads(w) == 10


async def test_yammer_a_look_up_reads_past_a_page_exactly_as_old_as_the_item_allows(
    yammer_world: YammerWorld, make_yammer
) -> None:
    """Messages exactly SKEW_S older than the item may be its write: a page of them is no
    reason to stop; a page older still is."""
    w = yammer_world
    post, ada, _ = yammer_thread(w)
    mine = w.emulator.post(w.dana, "Noted", replied_to=ada.id)
    for n in range(20):
        w.emulator.post(w.ben, f"Chatter {n}", replied_to=post.id)
    network = make_yammer()
    w.clock.advance(SKEW_S)
    asked = intent(
        OutboxKind.REPLY, "Noted", queued_at(w.clock), post=str(post.id), target=str(ada.id)
    )

    assert await network.lookup_write(KEY, asked) == str(mine.id)
    assert in_thread_reads(w) == 2

    w.clock.advance(1)
    later = intent(
        OutboxKind.REPLY, "Noted", queued_at(w.clock), post=str(post.id), target=str(ada.id)
    )
    assert await network.lookup_write(KEY, later) is None
    assert in_thread_reads(w) == 3  # the first page is older than the item: the end


async def test_yammer_a_post_is_a_new_thread_of_mine_in_the_chosen_community(
    yammer_world: YammerWorld, make_yammer
) -> None:
    w = yammer_world
    _, ada, _ = yammer_thread(w)
    network = make_yammer()
    asked = intent(OutboxKind.PUBLISH, "We *move* on Monday.", queued_at(w.clock))
    w.emulator.post(w.dana, "We move on Monday.", w.leaders)  # another community
    w.emulator.post(w.dana, "We move on Monday.", replied_to=ada.id)  # a reply, not a thread
    w.emulator.post(w.ben, "We move on Monday.", w.town_hall)  # someone else's

    assert await network.lookup_write(KEY, asked) is None

    mine = w.emulator.post(w.dana, "We move on Monday.", w.town_hall)
    w.emulator.post(w.dana, "We move on Monday.", w.leaders)
    assert await network.lookup_write(KEY, asked) == str(mine.id)
    for n in range(20):  # my newer messages push it to the second page of what I sent
        w.emulator.post(w.dana, f"Answer {n}", replied_to=ada.id)
    assert await network.lookup_write(KEY, asked) == str(mine.id)


async def test_yammer_a_post_with_no_community_chosen_cannot_be_looked_up(
    yammer_world: YammerWorld, make_yammer
) -> None:
    w = yammer_world
    network = make_yammer(community=None)
    with pytest.raises(Rejected, match="Choose the Viva Engage community"):
        await network.lookup_write(KEY, intent(OutboxKind.PUBLISH, "Hi", queued_at(w.clock)))


async def test_yammer_a_remote_id_that_is_no_message_is_not_found(
    yammer_world: YammerWorld, make_yammer
) -> None:
    w = yammer_world
    network = make_yammer()
    for writing in (
        network.reply("not-a-message", "", "Hi", "markdown", KEY),
        network.delete(RemoteKind.POST, "not-a-message", KEY),
        network.lookup_write(
            KEY, intent(OutboxKind.DELETE, "", queued_at(w.clock), post="not-a-message")
        ),
    ):
        with pytest.raises(NotFound, match="'not-a-message' is not a Viva Engage message"):
            await writing
    with pytest.raises(NotFound) as long_id:
        await network.delete(RemoteKind.POST, "x" * 100, KEY)
    assert str(long_id.value) == f"{'x' * 80!r} is not a Viva Engage message."
    community = new_id(YammerType.GROUP, str(w.town_hall.id))  # an id, but of a community
    with pytest.raises(NotFound, match="is not a Viva Engage message"):
        await network.delete(RemoteKind.POST, community, KEY)
    assert w.server.requests() == []

    post = w.emulator.post(w.dana, "Named by its new id", w.town_hall)
    await network.delete(RemoteKind.POST, new_id(YammerType.MESSAGE, str(post.id)), KEY)
    assert post.id not in w.emulator.messages


# --- Teams -----------------------------------------------------------------------------------


def mention(person: GraphUser, text: str) -> tuple[str, list]:
    """A reply's HTML naming ``person`` as Teams writes it, and its mentions."""
    tag = f'<at id="0">{person.name}</at>'
    return f"<p>{tag}</p><p>{text}</p>", [
        {"id": 0, "mentionText": person.name, "mentioned": {"user": {"id": person.id}}}
    ]


def teams_reply(w: TeamsWorld, author: GraphUser, root: Msg, text: str, to=None) -> Msg:
    content, mentions = mention(to, text) if to else (f"<p>{text}</p>", [])
    return w.emulator.reply(author, w.town_hall, root, content, mentions)


def rid(w: TeamsWorld, root: Msg, reply: Msg | None = None, channel: Channel | None = None) -> str:
    channel = channel or w.town_hall
    return MessageRef(channel.team, channel.id, root.id, reply.id if reply else None).remote_id


def teams_thread(w: TeamsWorld) -> tuple[Msg, Msg, Msg]:
    post = w.emulator.post(w.dana, w.town_hall, "Q3 all-hands: questions?")
    ada = teams_reply(w, w.ada, post, "Will it be recorded?")
    ben = teams_reply(w, w.ben, post, "Which room?")
    return post, ada, ben


async def test_teams_without_an_intent_nothing_is_looked_up(
    teams_world: TeamsWorld, make_teams
) -> None:
    network = make_teams()
    assert await network.lookup_write(KEY) is None
    assert teams_world.server.requests() == []


async def test_teams_an_edit_landed_when_the_message_says_what_it_asked(
    teams_world: TeamsWorld, make_teams
) -> None:
    w = teams_world
    post, _, _ = teams_thread(w)
    mine = teams_reply(w, w.dana, post, "Yes, recorded", to=w.ada)
    network = make_teams()
    since = queued_at(w.clock)
    edit = intent(OutboxKind.EDIT, "Yes, **recorded** and shared", since, target=rid(w, post, mine))

    assert await network.lookup_write(KEY, edit) is None
    w.emulator.edit(w.town_hall, mine, '<p><at id="0">Ada</at></p><p>Yes, recorded and shared</p>')
    assert await network.lookup_write(KEY, edit) == rid(w, post, mine)

    of_post = intent(OutboxKind.EDIT, "Q3 all-hands: send questions", since, post=rid(w, post))
    assert await network.lookup_write(KEY, of_post) is None
    w.emulator.edit(w.town_hall, post, "<div>Q3 all-hands:  send questions</div>")
    assert await network.lookup_write(KEY, of_post) == rid(w, post)
    del w.town_hall.roots[post.id]
    assert await network.lookup_write(KEY, of_post) is None  # gone: the edit cannot be there


async def test_teams_a_deletion_landed_when_the_message_is_soft_deleted_or_gone(
    teams_world: TeamsWorld, make_teams
) -> None:
    w = teams_world
    post, _, _ = teams_thread(w)
    mine = teams_reply(w, w.dana, post, "Oops", to=w.ada)
    network = make_teams()
    since = queued_at(w.clock)
    of_reply = intent(OutboxKind.DELETE, "", since, post=rid(w, post), target=rid(w, post, mine))
    of_post = intent(OutboxKind.DELETE, "", since, post=rid(w, post))

    assert await network.lookup_write(KEY, of_reply) is None
    w.emulator.soft_delete(w.town_hall, mine)
    assert await network.lookup_write(KEY, of_reply) == rid(w, post, mine)
    assert await network.lookup_write(KEY, of_post) is None
    del w.town_hall.roots[post.id]
    assert await network.lookup_write(KEY, of_post) == rid(w, post)


TEAMS_LOOK_ALIKES = {
    "someone else's": lambda w, post: teams_reply(w, w.ben, post, "Thanks", to=w.ada),
    "naming someone else": lambda w, post: teams_reply(w, w.dana, post, "Thanks", to=w.ben),
    "naming no one": lambda w, post: teams_reply(w, w.dana, post, "Thanks"),
    "saying more": lambda w, post: teams_reply(w, w.dana, post, "Thanks all", to=w.ada),
}


@pytest.mark.parametrize("look_alike", sorted(TEAMS_LOOK_ALIKES))
async def test_teams_a_reply_to_a_comment_is_mine_naming_its_author_with_its_text(
    teams_world: TeamsWorld, make_teams, look_alike: str
) -> None:
    w = teams_world
    post, ada, _ = teams_thread(w)
    network = make_teams()
    asked = intent(
        OutboxKind.REPLY,
        "**Thanks**",
        queued_at(w.clock),
        post=rid(w, post),
        target=rid(w, post, ada),
    )
    TEAMS_LOOK_ALIKES[look_alike](w, post)

    assert await network.lookup_write(KEY, asked) is None

    mine = teams_reply(w, w.dana, post, "Thanks", to=w.ada)
    TEAMS_LOOK_ALIKES[look_alike](w, post)
    assert await network.lookup_write(KEY, asked) == rid(w, post, mine)


async def test_teams_a_look_up_that_passed_over_an_unreadable_reply_is_unsure(
    teams_world: TeamsWorld, make_teams
) -> None:
    """A malformed reply may be the write: "never landed" would let the outbox send it a
    second time, so the look-up is unsure (BadResponse) and is asked again later."""
    w = teams_world
    post, _, _ = teams_thread(w)
    network = make_teams()
    asked = intent(OutboxKind.REPLY, "Noted", queued_at(w.clock), post=rid(w, post))
    assert await network.lookup_write(KEY, asked) is None  # all readable: truly absent

    for n in range(60):  # the unreadable one newest, on the first of two pages
        teams_reply(w, w.ben, post, f"Chatter {n}")
    w.emulator.add_raw_reply(w.town_hall, post, {"id": "77", "body": "Noted"})
    unsure = f"^Microsoft Teams: message 77 is malformed and was skipped: .*{UNSURE}"
    with pytest.raises(BadResponse, match=unsure):
        await network.lookup_write(KEY, asked)
    assert sum(1 for s in w.server.requests() if s.path.endswith(f"/{post.id}/replies")) == 3
    mine = teams_reply(w, w.dana, post, "Noted")
    assert await network.lookup_write(KEY, asked) == rid(w, post, mine)


async def test_teams_a_deleted_reply_of_mine_since_the_item_was_queued_leaves_it_unsure(
    teams_world: TeamsWorld, make_teams
) -> None:
    """A soft-deleted message keeps its author and time but not its text: one of mine
    written since the item was queued may be the write (removed by a policy or by hand),
    so the look-up cannot say it never landed. One deleted before then is not the write."""
    w = teams_world
    post, _, _ = teams_thread(w)
    network = make_teams()
    w.emulator.soft_delete(w.town_hall, teams_reply(w, w.dana, post, "Thanks", to=w.ada))
    w.clock.advance(SKEW_S + 1)
    asked = intent(OutboxKind.REPLY, "Thanks", queued_at(w.clock), post=rid(w, post))
    assert await network.lookup_write(KEY, asked) is None  # older than the item

    gone = teams_reply(w, w.dana, post, "Thanks", to=w.ada)
    w.emulator.soft_delete(w.town_hall, gone)
    with pytest.raises(BadResponse, match=f"my message {gone.id} was deleted, its text gone"):
        await network.lookup_write(KEY, asked)


async def test_teams_a_reply_of_mine_whose_mentions_cannot_be_read_leaves_it_unsure(
    teams_world: TeamsWorld, make_teams
) -> None:
    """My reply with the text sent but a mention entry that cannot be read may be the
    write naming whom it answers: not "never landed". The pre-send check counts it as an
    answer (the safer reading: the reply is held for the person rather than sent twice).
    A mention of no user (a channel, an app) names no one and is no obstacle."""
    w = teams_world
    post, ada, _ = teams_thread(w)
    network = make_teams()
    asked = intent(
        OutboxKind.REPLY, "Thanks", queued_at(w.clock), post=rid(w, post), target=rid(w, post, ada)
    )
    body, mentions = mention(w.ada, "Thanks")
    channel = {"id": 1, "mentionText": "General", "mentioned": {"user": None, "conversation": {}}}
    named = w.emulator.reply(w.dana, w.town_hall, post, body, [*mentions, channel])
    assert await network.lookup_write(KEY, asked) == rid(w, post, named)

    del w.town_hall.replies[post.id][named.id]
    garbled = w.emulator.reply(w.dana, w.town_hall, post, body, [{"id": 0, "mentioned": "Ada"}])
    with pytest.raises(BadResponse, match=f"whom my message {garbled.id} names cannot be read"):
        await network.lookup_write(KEY, asked)
    answers = await network.list_replies(rid(w, post, ada))
    assert [r.remote_id for r in answers] == [rid(w, post, garbled)]


async def test_teams_a_look_up_answered_with_no_listing_is_a_bad_response(
    teams_world: TeamsWorld, make_teams
) -> None:
    w = teams_world
    post, _, _ = teams_thread(w)
    network = make_teams()
    asked = intent(OutboxKind.REPLY, "Noted", queued_at(w.clock), post=rid(w, post))
    w.server.fault(Action.GARBLE, "GET", f"/v1.0/teams/{w.town_hall.team}/")
    with pytest.raises(BadResponse) as raised:
        await network.lookup_write(KEY, asked)
    assert str(raised.value) == "Microsoft Teams sent a listing without a list of values."


async def test_teams_a_page_of_nothing_readable_is_no_reason_to_stop_reading(
    teams_world: TeamsWorld, make_teams
) -> None:
    """A first page of malformed replies says nothing about their times: the write on the
    next page is still found (the look-up once took such a page for "all older")."""
    w = teams_world
    post, _, _ = teams_thread(w)
    network = make_teams()
    asked = intent(OutboxKind.REPLY, "Noted", queued_at(w.clock), post=rid(w, post))
    mine = teams_reply(w, w.dana, post, "Noted")
    for n in range(50):  # one whole page, newer than mine
        w.emulator.add_raw_reply(w.town_hall, post, {"id": f"x{n}"})

    assert await network.lookup_write(KEY, asked) == rid(w, post, mine)


async def test_teams_a_reply_to_the_post_names_no_one(teams_world: TeamsWorld, make_teams) -> None:
    w = teams_world
    post, _, _ = teams_thread(w)
    teams_reply(w, w.dana, post, "Noted", to=w.ada)
    mine = teams_reply(w, w.dana, post, "Noted")
    network = make_teams()

    for target in (None, rid(w, post)):
        asked = intent(
            OutboxKind.REPLY, "Noted", queued_at(w.clock), post=rid(w, post), target=target
        )
        assert await network.lookup_write(KEY, asked) == rid(w, post, mine)


async def test_teams_a_message_older_than_the_item_is_not_its_write(
    teams_world: TeamsWorld, make_teams
) -> None:
    w = teams_world
    post, _, _ = teams_thread(w)
    old = teams_reply(w, w.dana, post, "Noted")
    network = make_teams()
    w.clock.advance(SKEW_S)
    asked = intent(OutboxKind.REPLY, "Noted", queued_at(w.clock), post=rid(w, post))

    assert await network.lookup_write(KEY, asked) == rid(w, post, old)
    w.clock.advance(1)
    later = intent(OutboxKind.REPLY, "Noted", queued_at(w.clock), post=rid(w, post))
    assert await network.lookup_write(KEY, later) is None


async def test_teams_a_post_exactly_as_old_as_the_item_allows_may_be_its_write(
    teams_world: TeamsWorld, make_teams
) -> None:
    w = teams_world
    mine = w.emulator.post(w.dana, w.town_hall, "Offsite agenda is out.")
    network = make_teams()
    w.clock.advance(SKEW_S)

    asked = intent(OutboxKind.PUBLISH, "Offsite agenda is out.", queued_at(w.clock))
    assert await network.lookup_write(KEY, asked) == rid(w, mine)


async def test_teams_a_look_up_follows_a_few_pages_and_stops_at_older_ones(
    teams_world: TeamsWorld, make_teams
) -> None:
    """Pages of 50, newest first: a reply under 200 newer ones (page 5) is found; under
    250 (page 6) it is past what is read, so the look-up is unsure rather than "never
    landed"; a page older than the item ends the reading."""
    w = teams_world
    post, _, _ = teams_thread(w)
    network = make_teams()
    asked = intent(OutboxKind.REPLY, "Noted", queued_at(w.clock), post=rid(w, post))
    mine = teams_reply(w, w.dana, post, "Noted")
    for n in range(200):
        teams_reply(w, w.ben, post, f"Chatter {n}")

    def reads() -> int:
        return sum(1 for s in w.server.requests() if s.path.endswith(f"/{post.id}/replies"))

    assert await network.lookup_write(KEY, asked) == rid(w, post, mine)
    assert reads() == 5
    for n in range(50):
        teams_reply(w, w.ben, post, f"More chatter {n}")
    with pytest.raises(BadResponse, match=f"^Microsoft Teams{STOPPED_SHORT}"):  # not "not sent"
        await network.lookup_write(KEY, asked)
    assert reads() == 10

    w.clock.advance(SKEW_S + 1)
    later = intent(OutboxKind.REPLY, "Noted", queued_at(w.clock), post=rid(w, post))
    assert await network.lookup_write(KEY, later) is None
    assert reads() == 11


async def test_teams_a_post_is_mine_in_the_first_chosen_channel(
    teams_world: TeamsWorld, make_teams
) -> None:
    w = teams_world
    network = make_teams()
    asked = intent(OutboxKind.PUBLISH, "Offsite *agenda* is out.", queued_at(w.clock))
    w.emulator.post(w.dana, w.deals, "Offsite agenda is out.")  # the second chosen channel
    w.emulator.post(w.ada, w.town_hall, "Offsite agenda is out.")

    assert await network.lookup_write(KEY, asked) is None

    mine = w.emulator.post(w.dana, w.town_hall, "Offsite agenda is out.")
    w.emulator.post(w.dana, w.deals, "Offsite agenda is out.")
    assert await network.lookup_write(KEY, asked) == rid(w, mine)


async def test_teams_with_no_channel_chosen_a_post_cannot_be_looked_up(
    teams_world: TeamsWorld, make_teams
) -> None:
    w = teams_world
    network = make_teams(channels=())
    with pytest.raises(Rejected, match="Choose the Teams channel"):
        await network.lookup_write(KEY, intent(OutboxKind.PUBLISH, "Hi", queued_at(w.clock)))
