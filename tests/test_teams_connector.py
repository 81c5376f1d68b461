"""The Teams connector against the Graph emulator (tests/emulators/microsoft/graph.py),
over HTTPS with a private CA, in virtual time shared with the emulator.

Dana (the executive) reads two chosen channels: Contoso / Town hall and Sales / Deals.
She is signed in through ``BookTokens`` (the TokenBook stand-in for the MSAL sign-in).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from emulators.clock import VirtualClock
from emulators.microsoft.apiserver import Action, max_in_window
from emulators.microsoft.booktokens import BookTokens, OneToken
from emulators.microsoft.fixtures import TeamsWorld, pull_round
from emulators.microsoft.graph import ALL_SCOPES, SEND

from app.domain import (
    Account,
    CommentPage,
    OutboxKind,
    PlaceChoice,
    PublishOptions,
    PullMode,
    RemoteKind,
    WriteIntent,
)
from app.errors import (
    BadResponse,
    NetworkError,
    NotFound,
    PermissionDenied,
    RateLimited,
    Rejected,
    UserError,
)
from app.events import Events
from app.networks.base import ReportsFreshness
from app.networks.microsoft.bearer import Wiring
from app.networks.microsoft.teams import CAPABILITIES, ChannelRef, TeamsNetwork, build_teams
from app.networks.microsoft.teams.api import ThrottledWrite
from app.networks.microsoft.tokens import Api
from app.store import Store, accounts
from app.sync import Backoff, SyncEngine
from app.sync.engine import COMMENTS_CURSOR
from app.timeutil import iso


def found(pages: list[CommentPage]) -> dict:
    return {c.remote_id: c for page in pages for c in page.comments}


def statuses(world: TeamsWorld) -> list[int | None]:
    return [s.status for s in world.server.requests()]


def reads(world: TeamsWorld) -> int:
    """Channel reads answered (a 401 before a token refresh is not a read)."""
    return sum(1 for s in world.server.requests() if "/messages" in s.path and s.status == 200)


def rid(world: TeamsWorld, channel, root, reply=None) -> str:
    team = (
        world.leadership if channel is world.town_hall or channel is world.general else world.sales
    )
    return "|".join([team.id, channel.id, root.id, *([reply.id] if reply else [])])


async def test_posts_and_their_replies_come_from_each_channels_delta(
    teams_world: TeamsWorld, make_teams
) -> None:
    w = teams_world
    e = w.emulator
    post = e.post(w.dana, w.town_hall, "Ask me anything about Q3")
    ada = e.reply(
        w.ada, w.town_hall, post, "<p>Will we <b>hire</b>?<img src='https://x.example/t.png'></p>"
    )
    ben = e.reply(w.ben, w.town_hall, post, "<p>Bonus timing?</p><script>alert(1)</script>")
    other = e.post(w.chen, w.town_hall, "Chen's own thread")
    e.reply(w.ada, w.town_hall, other, "<p>Not on Dana's post</p>")
    deal = e.post(w.dana, w.deals, "Pipeline review")
    network = make_teams()

    pages, _ = await pull_round(network)

    posts = {p.remote_id: p for page in pages for p in page.posts}
    assert set(posts) == {rid(w, w.town_hall, post), rid(w, w.deals, deal)}
    assert posts[rid(w, w.town_hall, post)].body == "Ask me anything about Q3"
    got = found(pages)
    assert set(got) == {rid(w, w.town_hall, post, ada), rid(w, w.town_hall, post, ben)}
    first = got[rid(w, w.town_hall, post, ada)]
    assert (first.author.name, first.parent_remote_id, first.post_remote_id) == (
        "Ada Reyes",
        None,
        rid(w, w.town_hall, post),
    )
    assert "<img" not in first.body_html and "<b>hire</b>" in first.body_html
    assert "script" not in got[rid(w, w.town_hall, post, ben)].body_html
    complete = {p for page in pages for p in page.complete_for_posts}
    assert complete == {rid(w, w.town_hall, post), rid(w, w.deals, deal)}
    first_delta = next(s for s in w.server.requests() if s.path.endswith("/messages/delta"))
    assert first_delta.query["$top"] == "50" and first_delta.query["$expand"] == "replies"
    assert first_delta.query["$filter"].startswith("lastModifiedDateTime gt ")
    assert {p.remote_id for p in await network.list_my_posts()} == set(posts)


async def test_pages_of_fifty_and_long_reply_chains_are_followed(
    teams_world: TeamsWorld, make_teams
) -> None:
    w = teams_world
    w.emulator.replies_page = 3
    roots = [w.emulator.post(w.dana, w.town_hall, f"Post {n}") for n in range(60)]
    replies = [w.emulator.reply(w.ada, w.town_hall, roots[0], f"<p>R{n}</p>") for n in range(7)]
    network = make_teams(channels=(w.ref(w.leadership, w.town_hall),))

    pages, _ = await pull_round(network)

    assert len({p.remote_id for page in pages for p in page.posts}) == 60
    assert set(found(pages)) == {rid(w, w.town_hall, roots[0], r) for r in replies}
    deltas = [s for s in w.server.requests() if s.path.endswith("/messages/delta")]
    assert len(deltas) == 2 and "$skiptoken" in deltas[1].query
    assert any(s.path.endswith(f"/messages/{roots[0].id}/replies") for s in w.server.requests())


async def test_a_channel_is_read_by_itself_once_a_day_and_when_the_person_asks(
    teams_world: TeamsWorld, make_teams
) -> None:
    w = teams_world
    post = w.emulator.post(w.dana, w.town_hall, "Hello")
    network = make_teams()
    assert isinstance(network, ReportsFreshness)
    _, cursor = await pull_round(network)
    read_once = reads(w)
    fresh = network.freshness(cursor)
    start = datetime.fromtimestamp(w.clock(), UTC)
    assert [f.place for f in fresh] == ["Contoso / Town hall", "Sales / Deals"]
    assert fresh[0].synced_at == iso(start)
    assert fresh[0].next_check_at == iso(start + timedelta(days=1))

    w.emulator.reply(w.ada, w.town_hall, post, "<p>New</p>")
    w.clock.advance(3600)
    pages, cursor = await pull_round(network, cursor)
    assert found(pages) == {} and reads(w) == read_once  # not polled

    pages, cursor = await pull_round(network, cursor, PullMode.RESCAN)  # the person asked
    assert len(found(pages)) == 1 and reads(w) == read_once + 2
    await pull_round(network, cursor, PullMode.RESCAN)  # asking again at once reads nothing
    assert reads(w) == read_once + 2

    w.clock.advance(24 * 3600)
    await pull_round(network, cursor)
    assert reads(w) == read_once + 4  # one delta per channel, by itself, a day later


@pytest.mark.parametrize("reset", [False, True], ids=["expired", "tenant-reset"])
async def test_an_expired_delta_reads_the_channel_again_without_duplicates(
    teams_world: TeamsWorld, make_teams, tmp_path: Path, reset: bool
) -> None:
    """Through the engine and the store: the re-read brings every message again; the inbox
    holds each once, and the new one too."""
    w = teams_world
    post = w.emulator.post(w.dana, w.town_hall, "Plans")
    first = w.emulator.reply(w.ada, w.town_hall, post, "<p>One</p>")
    network = make_teams(channels=(w.ref(w.leadership, w.town_hall),))
    store = Store(tmp_path / "fireside.db")
    try:
        store.run_sync(accounts.add_account, Account("teams", "teams", "Teams", w.server.url))
        engine = SyncEngine(
            store, Events(), {"teams": network}, backoff=Backoff(base=0.001, cap=0.002)
        )
        assert (await engine.pull("teams")).error is None

        w.emulator.expire_delta_tokens(reset=reset)
        second = w.emulator.reply(w.ben, w.town_hall, post, "<p>Two</p>")
        w.clock.advance(61)
        report = await engine.pull("teams", PullMode.RESCAN)

        assert report.error is None and report.fetched == 2  # the whole channel again
        rows = store.run_sync(lambda db: db.execute("SELECT remote_id FROM comments").fetchall())
        ids = sorted(r[0] for r in rows)
        assert ids == sorted([rid(w, w.town_hall, post, first), rid(w, w.town_hall, post, second)])
        assert 410 in statuses(w)
        cursor = store.run_sync(accounts.get_cursor, "teams", COMMENTS_CURSOR)
        assert '"x":1' in cursor  # one re-read after expiry, on record
    finally:
        store.close()


async def test_a_reply_to_a_reply_goes_to_the_top_with_a_real_mention(
    teams_world: TeamsWorld, make_teams
) -> None:
    w = teams_world
    post = w.emulator.post(w.dana, w.town_hall, "Offsite")
    ada = w.emulator.reply(w.ada, w.town_hall, post, "<p>Where?</p>")
    network = make_teams()
    await pull_round(network)

    answer = await network.reply(
        rid(w, w.town_hall, post), rid(w, w.town_hall, post, ada), "In **Porto**.", "markdown", "k1"
    )
    plain = await network.reply(rid(w, w.town_hall, post), "", "Thanks all.", "markdown", "k2")

    sent = w.town_hall.replies[post.id][answer.remote_id.split("|")[-1]]
    assert (
        sent.content.strip() == '<p><at id="0">Ada Reyes</at></p><p>In <strong>Porto</strong>.</p>'
    )
    assert sent.mentions[0]["mentioned"]["user"]["id"] == w.ada.id
    assert w.town_hall.replies[post.id][plain.remote_id.split("|")[-1]].mentions == []
    assert answer.post_remote_id == rid(w, w.town_hall, post) and answer.is_mine
    posts = [s.path for s in w.server.requests() if s.method == "POST"]
    assert all(p.endswith(f"/messages/{post.id}/replies") for p in posts)
    # Answered: the pre-send check sees Dana's mention of Ada after Ada's comment.
    assert [r.remote_id for r in await network.list_replies(rid(w, w.town_hall, post, ada))] == [
        answer.remote_id
    ]
    assert CAPABILITIES.thread_depth == 1


async def test_my_reply_in_the_same_millisecond_as_the_comment_counts_as_its_answer(
    teams_world: TeamsWorld, make_teams
) -> None:
    """A chain has no reply-to-a-reply: an answer is a mention of the author after the
    comment. One stamped the same millisecond counts (the safer reading: the pre-send
    check holds a reply rather than answering twice); one a millisecond before does not."""
    w = teams_world
    post = w.emulator.post(w.dana, w.town_hall, "Offsite")
    ada = w.emulator.reply(w.ada, w.town_hall, post, "<p>Where?</p>")
    mention = [{"id": 0, "mentionText": "Ada Reyes", "mentioned": {"user": {"id": w.ada.id}}}]
    same = w.emulator.reply(w.dana, w.town_hall, post, "<p>Porto</p>", mentions=mention)
    before = w.emulator.reply(w.dana, w.town_hall, post, "<p>Lisbon</p>", mentions=mention)
    same.created = ada.created
    before.created = ada.created - 0.001
    network = make_teams()
    await pull_round(network)

    found = await network.list_replies(rid(w, w.town_hall, post, ada))
    assert [r.remote_id for r in found] == [rid(w, w.town_hall, post, same)]


async def test_a_post_goes_to_the_first_chosen_channel_with_its_title_as_subject(
    teams_world: TeamsWorld, make_teams
) -> None:
    w = teams_world
    network = make_teams()
    post = await network.publish("Offsite", "Agenda is **out**.", "markdown", "k")
    [made] = w.emulator.mine(w.dana, w.town_hall)
    assert (made.subject, made.content.strip()) == (
        "Offsite",
        "<p>Agenda is <strong>out</strong>.</p>",
    )
    assert (post.remote_id, post.title, post.body) == (
        rid(w, w.town_hall, made),
        "Offsite",
        "Agenda is out.",
    )
    assert [p.remote_id for p in await network.list_my_posts()] == [post.remote_id]


async def test_edit_patches_and_delete_soft_deletes_and_the_delta_shows_both(
    teams_world: TeamsWorld, make_teams
) -> None:
    w = teams_world
    post = w.emulator.post(w.dana, w.town_hall, "Draft")
    ada = w.emulator.reply(w.ada, w.town_hall, post, "<p>Nice</p>")
    network = make_teams(channels=(w.ref(w.leadership, w.town_hall),))
    _, cursor = await pull_round(network)
    mine = await network.reply(
        rid(w, w.town_hall, post), rid(w, w.town_hall, post, ada), "Thanks", "markdown", "k"
    )

    await network.edit(RemoteKind.COMMENT, mine.remote_id, "Thanks, *Ada*", "k2")
    await network.edit(RemoteKind.POST, rid(w, w.town_hall, post), "Final", "k3")
    await network.delete(RemoteKind.COMMENT, mine.remote_id, "k4")
    await network.delete(RemoteKind.COMMENT, mine.remote_id, "k5")  # again: fine
    w.clock.advance(61)
    pages, _ = await pull_round(network, cursor, PullMode.RESCAN)

    reply = w.town_hall.replies[post.id][mine.remote_id.split("|")[-1]]
    assert reply.deleted is not None and post.content.strip() == "<p>Final</p>"
    got = found(pages)[mine.remote_id]
    assert got.deleted and got.version != mine.version
    assert [
        s.method for s in w.server.requests() if "/replies/" in s.path or s.method == "PATCH"
    ].count("PATCH") == 2


async def test_a_malformed_reply_is_skipped_and_reported(
    teams_world: TeamsWorld, make_teams
) -> None:
    w = teams_world
    post = w.emulator.post(w.dana, w.town_hall, "Hello")
    good = w.emulator.reply(w.ada, w.town_hall, post, "<p>Hi</p>")
    w.emulator.add_raw_reply(w.town_hall, post, {"id": "999", "from": "nobody", "body": {}})
    network = make_teams(channels=(w.ref(w.leadership, w.town_hall),))

    pages, _ = await pull_round(network)

    assert set(found(pages)) == {rid(w, w.town_hall, post, good)}
    errors = [e for page in pages for e in page.errors]
    assert len(errors) == 1 and "message 999 is malformed" in errors[0]
    assert not any(page.complete_for_posts for page in pages)


async def test_429_and_503_are_honoured_with_their_retry_after(
    teams_world: TeamsWorld, make_teams
) -> None:
    w = teams_world
    post = w.emulator.post(w.dana, w.town_hall, "Hello")
    ada = w.emulator.reply(w.ada, w.town_hall, post, "<p>Hi</p>")
    network = make_teams(channels=(w.ref(w.leadership, w.town_hall),))
    await network.whoami()

    w.emulator.inject(429, "GET", "/messages/delta", retry_after="7")
    with pytest.raises(RateLimited) as limited:
        await network.pull_comments(None)
    assert limited.value.retry_after == 7.0
    refused_at = w.clock()
    await pull_round(network)
    team_times = [t for t in w.team_requests(w.leadership) if t > refused_at]
    assert min(team_times) >= refused_at + 7.0

    w.emulator.inject(503, "GET", "/messages/delta", retry_after="3")
    w.clock.advance(61)
    with pytest.raises(RateLimited) as busy:
        await pull_round(network, None, PullMode.RESCAN)
    assert busy.value.retry_after == 3.0

    w.emulator.inject(503, "POST", "/replies", retry_after="5")
    with pytest.raises(ThrottledWrite) as unknown:  # an unknown outcome, never resent blindly
        await network.reply(
            rid(w, w.town_hall, post), rid(w, w.town_hall, post, ada), "Yes", "markdown", "k"
        )
    assert unknown.value.retry_after == 5.0


async def test_requests_on_a_team_stay_within_four_a_second(
    teams_world: TeamsWorld, make_teams
) -> None:
    w = teams_world
    w.emulator.replies_page = 2
    for n in range(120):
        root = w.emulator.post(w.dana, w.town_hall if n % 2 else w.general, f"Post {n}")
        for m in range(5):
            w.emulator.reply(w.ada, w.town_hall if n % 2 else w.general, root, f"<p>{n}.{m}</p>")
    network = make_teams(
        channels=(w.ref(w.leadership, w.town_hall), w.ref(w.leadership, w.general))
    )

    pages, _ = await pull_round(network)

    assert len(found(pages)) == 600
    times = w.team_requests(w.leadership)
    achieved = max_in_window(times, 1.0)
    print(f"\nTeams: {len(times)} requests on one team, at most {achieved} in any second (limit 4)")
    assert len(times) > 100 and achieved <= 4 and w.emulator.throttled == 0


async def test_a_channel_the_person_left_is_reported_and_the_others_go_on(
    teams_world: TeamsWorld, make_teams
) -> None:
    w = teams_world
    post = w.emulator.post(w.dana, w.deals, "Q4 deals")
    ben = w.emulator.reply(w.ben, w.deals, post, "<p>Big one</p>")
    w.emulator.post(w.dana, w.town_hall, "Hi")
    network = make_teams()
    w.emulator.leave(w.dana, w.leadership, w.town_hall)

    pages, cursor = await pull_round(network)

    assert set(found(pages)) == {rid(w, w.deals, post, ben)}
    errors = [e for page in pages for e in page.errors]
    assert len(errors) == 1 and "cannot read the channel Contoso / Town hall" in errors[0]
    assert "If you left it" in errors[0]
    assert network.freshness(cursor)[0].problem == errors[0]


async def test_the_teams_and_channels_to_choose_from(teams_world: TeamsWorld, make_teams) -> None:
    w = teams_world
    network = make_teams()
    choices = await network.list_teams_and_channels()
    assert [(t.name, [c.name for c in t.channels]) for t in choices] == [
        ("Contoso", ["General", "Town hall"]),
        ("Sales", ["Deals"]),
    ]
    assert choices[1].ref(choices[1].channels[0]) == w.ref(w.sales, w.deals)


async def test_without_the_send_permission_a_reply_is_refused_for_good(
    teams_world: TeamsWorld, make_teams
) -> None:
    w = teams_world
    post = w.emulator.post(w.dana, w.town_hall, "Hello")
    tokens = BookTokens(w.emulator.book, w.dana.id, {Api.GRAPH: ALL_SCOPES - {SEND}})
    network = make_teams(tokens=tokens)
    with pytest.raises(PermissionDenied, match=r"ChannelMessage\.Send"):
        await network.reply(rid(w, w.town_hall, post), "", "Hi", "markdown", "k")


async def test_the_emulator_refuses_pages_over_fifty(teams_world: TeamsWorld) -> None:
    """What a connector asking for more than Graph gives would meet."""
    w = teams_world
    token = w.emulator.token(w.dana)
    async with w.server.client() as client:
        answer = await client.get(
            f"{w.server.url}/v1.0/teams/{w.leadership.id}/channels/{w.town_hall.id}/messages",
            params={"$top": "51"},
            headers={"Authorization": f"Bearer {token}"},
        )
    assert answer.status_code == 400 and answer.json()["error"]["code"] == "BadRequest"


async def test_without_a_choice_every_channel_of_every_team_is_read_and_nothing_posted(
    teams_world: TeamsWorld, make_teams
) -> None:
    w = teams_world
    posts = [
        w.emulator.post(w.dana, channel, f"In {channel.name}")
        for channel in (w.general, w.town_hall, w.deals)
    ]
    network = make_teams(channels=())

    pages, cursor = await pull_round(network)

    got = {p.remote_id for page in pages for p in page.posts}
    places = (w.general, w.town_hall, w.deals)
    assert got == {rid(w, c, p) for c, p in zip(places, posts, strict=True)}
    assert {f.place for f in network.freshness(cursor)} == {
        "Contoso / General",
        "Contoso / Town hall",
        "Sales / Deals",
    }
    with pytest.raises(Rejected, match="Choose the Teams channel new posts go to"):
        await network.publish("", "Hello", "markdown", "k")


async def test_teams_posts_at_once_or_not_at_all(teams_world: TeamsWorld, make_teams) -> None:
    network = make_teams()
    with pytest.raises(Rejected, match="posts at once; it keeps no 'future'"):
        await network.publish("", "Later", "markdown", "k", PublishOptions(status="future"))
    assert teams_world.server.requests() == []


async def test_a_post_without_a_title_has_no_subject_and_a_title_is_trimmed(
    teams_world: TeamsWorld, make_teams
) -> None:
    w = teams_world
    network = make_teams()

    untitled = await network.publish("  ", "No title", "markdown", "k1")
    titled = await network.publish("  Offsite \n", "Agenda", "markdown", "k2")

    made = {m.id: m.subject for m in w.emulator.mine(w.dana, w.town_hall)}
    assert made == {
        untitled.remote_id.split("|")[-1]: None,
        titled.remote_id.split("|")[-1]: "Offsite",
    }


async def test_a_reply_naming_the_post_itself_mentions_no_one(
    teams_world: TeamsWorld, make_teams
) -> None:
    w = teams_world
    post = w.emulator.post(w.ada, w.town_hall, "Offsite")
    network = make_teams()

    answer = await network.reply(
        rid(w, w.town_hall, post), rid(w, w.town_hall, post), "Yes", "markdown", "k"
    )

    sent = w.town_hall.replies[post.id][answer.remote_id.split("|")[-1]]
    assert sent.mentions == [] and "<at" not in sent.content


async def test_a_write_whose_answer_is_lost_says_which_request(
    teams_world: TeamsWorld, make_teams
) -> None:
    """The message names the request as sent (the outbox shows it with an unclear item)."""
    w = teams_world
    post = w.emulator.post(w.dana, w.town_hall, "Offsite")
    network = make_teams()
    channel = f"/v1.0/teams/{w.leadership.id}/channels/{w.town_hall.id}/messages"
    writes = (
        (network.publish("", "Agenda", "markdown", "k1"), f"POST {channel}"),
        (
            network.reply(rid(w, w.town_hall, post), "", "Yes", "markdown", "k2"),
            f"POST {channel}/{post.id}/replies",
        ),
        (
            network.edit(RemoteKind.POST, rid(w, w.town_hall, post), "Offsite!", "k3"),
            f"PATCH {channel}/{post.id}",
        ),
        (
            network.delete(RemoteKind.POST, rid(w, w.town_hall, post), "k4"),
            f"POST {channel}/{post.id}/softDelete",
        ),
    )
    for write, request in writes:
        w.server.fault(Action.DROP, request.split()[0], f"/v1.0/teams/{w.leadership.id}")
        with pytest.raises(NetworkError) as lost:
            await write
        assert request in str(lost.value)


async def test_posts_and_their_look_ups_keep_to_the_teams_budget(
    teams_world: TeamsWorld, make_teams
) -> None:
    w = teams_world
    network = make_teams()

    since = iso(datetime.fromtimestamp(w.clock(), UTC))
    for n in range(9):
        await network.publish("", f"Notice {n}", "markdown", f"k{n}")
    for n in range(6):  # and so do the look-ups of posts whose answer was lost
        asked = WriteIntent(OutboxKind.PUBLISH, None, None, "", f"Notice {n}", "markdown", since)
        assert await network.lookup_write(f"k{n}", asked) is not None

    assert max_in_window(w.team_requests(w.leadership), 1.0) <= 4


async def test_a_reply_to_a_comment_a_pull_brought_names_its_author_without_asking(
    teams_world: TeamsWorld, make_teams
) -> None:
    w = teams_world
    post = w.emulator.post(w.dana, w.town_hall, "Offsite")
    ada = w.emulator.reply(w.ada, w.town_hall, post, "<p>Where?</p>")
    network = make_teams()
    await pull_round(network)
    before = len(w.server.requests())

    await network.reply(
        rid(w, w.town_hall, post), rid(w, w.town_hall, post, ada), "Porto", "markdown", "k"
    )

    assert [s.method for s in w.server.requests()[before:]] == ["POST"]


async def test_refusals_before_anything_is_sent_say_what_to_do(
    teams_world: TeamsWorld, make_teams
) -> None:
    w = teams_world
    post = w.emulator.post(w.dana, w.town_hall, "Offsite")
    with pytest.raises(Rejected) as refused:
        await make_teams(channels=()).publish("", "Hello", "markdown", "k")
    assert str(refused.value) == (
        "Choose the Teams channel new posts go to (Accounts → Teams → Channels…): "
        "Fireside posts only where you chose."
    )
    long_post = "|".join([w.leadership.id, w.town_hall.id, "9" * 100])
    with pytest.raises(NotFound) as not_a_reply:
        await make_teams().reply(rid(w, w.town_hall, post), long_post, "Hi", "markdown", "k")
    assert str(not_a_reply.value) == f"{long_post[:120]!r} is a Teams post, not a reply."


async def test_a_write_answered_with_no_message_is_a_bad_response() -> None:
    """A unit test over a mock transport: the emulator never answers a write this way."""
    clock = VirtualClock()
    answer = httpx.Response(201, json={"id": 5})
    client = httpx.AsyncClient(transport=httpx.MockTransport(lambda _: answer))
    channel = ChannelRef("t1", "19:c1@thread.tacv2", "Contoso / General")
    base = "https://graph.example"
    network = TeamsNetwork(Wiring(client, OneToken(), base, clock, clock.sleep), (channel,))
    try:
        with pytest.raises(BadResponse) as bad:
            await network.publish("", "Hello", "markdown", "k")
    finally:
        await network.aclose()
    assert str(bad.value) == "Microsoft Teams sent a malformed message back."


async def test_a_listing_without_values_is_a_bad_response() -> None:
    """A unit test over a mock transport: the emulator always lists values."""
    clock = VirtualClock()
    answers = {"/v1.0/me": {"id": "u1", "displayName": "Dana"}}
    client = httpx.AsyncClient(
        transport=httpx.MockTransport(
            lambda request: httpx.Response(200, json=answers.get(request.url.path, {"values": []}))
        )
    )
    channel = ChannelRef("t1", "19:c1@thread.tacv2", "Contoso / General")
    base = "https://graph.example"
    network = TeamsNetwork(Wiring(client, OneToken(), base, clock, clock.sleep), (channel,))
    since = iso(datetime.fromtimestamp(clock(), UTC))
    try:
        with pytest.raises(BadResponse) as bad:
            await network.lookup_write(
                "k", WriteIntent(OutboxKind.PUBLISH, None, None, "", "Hi", "markdown", since)
            )
    finally:
        await network.aclose()
    assert str(bad.value) == "Microsoft Teams sent a listing without a list of values."


async def test_channels_to_choose_and_a_post_to_the_channel_the_person_picked(
    teams_world: TeamsWorld, make_teams
) -> None:
    """The Accounts dialog's picker: every channel of the person's teams, grouped by team;
    the choice is kept as settings, and a post goes where it was picked, found there by
    its look-up too."""
    w = teams_world
    network = make_teams(channels=())
    offered = await network.list_places()
    assert [(p.group, p.name) for p in offered] == [
        ("Contoso", "General"),
        ("Contoso", "Town hall"),
        ("Sales", "Deals"),
    ]
    town_hall, deals = offered[1], offered[2]

    settings = network.choose(PlaceChoice((town_hall, deals), deals.id))

    assert settings == {
        "channels": [
            {"team": w.leadership.id, "channel": w.town_hall.id, "name": "Contoso / Town hall"},
            {"team": w.sales.id, "channel": w.deals.id, "name": "Sales / Deals"},
        ],
        "post_channel": deals.id,
    }
    assert network.chosen().post_to == deals.id
    by_default = await network.publish("", "Pipeline", "markdown", "k1")
    picked = await network.publish(
        "", "All hands", "markdown", "k2", PublishOptions(place=town_hall.id)
    )
    assert [m.id for m in w.emulator.mine(w.dana, w.deals)] == [by_default.remote_id.split("|")[2]]
    [made] = w.emulator.mine(w.dana, w.town_hall)
    assert picked.remote_id == rid(w, w.town_hall, made)
    intent = WriteIntent(
        OutboxKind.PUBLISH,
        None,
        None,
        "",
        "All hands",
        "markdown",
        iso(datetime.fromtimestamp(w.clock(), UTC) - timedelta(minutes=1)),
        place=town_hall.id,
    )
    assert await network.lookup_write("k2", intent) == picked.remote_id
    assert network.place_of(intent) == town_hall.id
    with pytest.raises(UserError, match="only to one of the channels chosen"):
        network.choose(PlaceChoice((town_hall,), deals.id))


async def test_a_built_account_reads_its_chosen_channels_and_posts_to_its_default(
    teams_world: TeamsWorld,
) -> None:
    w = teams_world
    account = Account(
        "teams-1",
        "teams",
        "Dana",
        w.server.url,
        settings={
            "channels": [
                w.ref(w.leadership, w.town_hall).setting(),
                w.ref(w.sales, w.deals).setting(),
            ],
            "post_channel": w.ref(w.sales, w.deals).key,
        },
    )
    tokens = BookTokens(w.emulator.book, w.dana.id, {Api.GRAPH: ALL_SCOPES})
    network = build_teams(account, tokens, w.server.client())
    try:
        choice = network.chosen()
        assert [p.label for p in choice.places] == ["Contoso / Town hall", "Sales / Deals"]
        assert choice.post_to == w.ref(w.sales, w.deals).key
    finally:
        await network.aclose()
