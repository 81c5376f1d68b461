"""End to end over three networks at once (issue 3 item 6): one Core with the built-in
sandbox, a real WordPress and a real Synapse, the real two added through
``Core.add_account`` as the Accounts dialog does (in-memory keyring). Adding a real account
stops the sandbox being synced, as Fireside runs it only while there is none (issue 10);
this test attaches the sandbox's connector again by hand to have three networks at once.

People comment on the executive's post on each network; one sync brings every comment
into the same inbox views and search, each row naming its network; one batch reply is
personalised per person and checked against each network's own limit, and lands exactly
once on each comment's own server (read there, not in Fireside); then one draft goes to
all three, to WordPress as "pending" for review.
"""

from __future__ import annotations

import asyncio
from collections import Counter

import httpx
import pytest
from servers.synapse import PASSWORD, MatrixWorld, event_of
from servers.wordpress import WordPressServer

from app import events as ev
from app.accounts import State
from app.bootstrap import SANDBOX_ACCOUNT_ID, open_core
from app.core import Core
from app.domain import InboxView, OutboxKind, OutboxState, PublishOptions, TriageState
from app.errors import UserError
from app.networks import registry
from app.networks.connection import ConnectionSettings, make_client
from app.sandbox import SandboxServer
from app.store import comments

pytestmark = [pytest.mark.e2e, pytest.mark.integration, pytest.mark.wordpress, pytest.mark.matrix]

#: The word every test comment uses, and nothing the sandbox seeds does.
WORD = "Zephyr"
TEMPLATE = "Thanks {first_name}, good question.\n\n{question}\n\nZephyr details come on Friday."
#: Over the sandbox's 4,000 characters a reply, under Matrix's 10,000 and WordPress's 60,000.
PADDING = "Zephyr " * 700
TITLE = "Zephyr launch plan"
BODY = "We launch **Zephyr** in June.\n\nQuestions welcome."
SETTLE_TIMEOUT_S = 30.0
NETWORKS = {"sandbox", "wordpress", "matrix"}
#: Each network's questions: three people ask on the executive's post.
QUESTIONS = {
    "wordpress": [
        ("ada", f"When does {WORD} reach the Lisbon office?"),
        ("ben", f"Will {WORD} need new laptops?"),
        ("chen", f"Who supports {WORD} after the launch?"),
    ],
    "matrix": [
        f"How big is the {WORD} pilot?",
        f"Is there a {WORD} beta for sales?",
        f"What does {WORD} replace?",
    ],
    "sandbox": [f"Is {WORD} open to contractors in region {n}?" for n in range(3)],
}


# --- what the people around the executive do, on each server ---------------------------------


def ask_on_wordpress(server: WordPressServer) -> set[str]:
    """The executive posts on her site; Ada, Ben and Chen comment, each as themselves."""
    with server.rest("exec") as rest:
        answer = rest.post(
            "posts", json={"title": "Town hall", "content": "Ask me anything.", "status": "publish"}
        )
        assert answer.status_code == 201, answer.text
        post = answer.json()["id"]
    asked = set()
    for login, text in QUESTIONS["wordpress"]:
        with server.rest(login) as rest:
            answer = rest.post("comments", json={"post": post, "content": text})
        assert answer.status_code == 201, answer.text
        asked.add(str(answer.json()["id"]))
    return asked


def ask_on_matrix(world: MatrixWorld) -> tuple[str, set[str]]:
    """Dana posts in Town hall (from another client); three people comment in its thread.
    The post's event id and the comments' remote ids ("<room>|<event>")."""
    root = world.dana.post(world.town_hall, "Town hall: ask me anything.")
    asked = {
        f"{world.town_hall}|{person.comment(world.town_hall, root, text)}"
        for person, text in zip(world.commenters, QUESTIONS["matrix"], strict=True)
    }
    return root, asked


def ask_on_sandbox(server: SandboxServer) -> set[str]:
    """Three colleagues comment on one of the executive's sandbox posts, each asking a
    question of their own (simulated comments, then their authors' edits)."""
    post = server.simulate_comments(1)[0]["post_id"]
    made = server.simulate_comments(3, post_id=post)
    for comment, text in zip(made, QUESTIONS["sandbox"], strict=True):
        server.simulate_edit(comment["id"], f"<p>{text}</p>")
    return {c["id"] for c in made}


# --- Fireside ---------------------------------------------------------------------------------


async def add_real_accounts(core: Core, wordpress: WordPressServer, world: MatrixWorld) -> dict:
    """WordPress and Matrix added as the Accounts dialog adds them; account id -> network."""
    blog = await core.accounts.add(
        "wordpress", wordpress.url, "exec", wordpress.users["exec"].app_password, name="Blog"
    )
    room = await core.accounts.add(
        "matrix",
        world.server.url,
        world.dana.user_id,
        PASSWORD,
        {"room": world.town_hall},
        name="Town hall",
    )
    assert (blog.state, room.state) == (State.CONNECTED, State.CONNECTED)
    return {SANDBOX_ACCOUNT_ID: "sandbox", blog.account_id: "wordpress", room.account_id: "matrix"}


async def keep_the_sandbox(core: Core, server: SandboxServer) -> None:
    """The real accounts replaced the sandbox; put its connector back in the engine."""
    [account] = [a for a in await core.accounts.list() if a.id == SANDBOX_ACCOUNT_ID]
    loopback = make_client(ConnectionSettings(proxy="none"))
    sandbox = registry.build_network(account, server.token, loopback)
    assert await core.engine.add_network(account.id, sandbox) is None


async def view(core: Core, which: InboxView) -> dict[int, str]:
    """Comment id -> network of every row of a view."""
    rows = await core.store.read(comments.view_page, which, None, None, 10_000)
    return {row.id: row.network for row in rows}


async def check_one_inbox(core: Core, asked: dict[str, set[str]]) -> list[dict]:
    """Search finds every question, and each is in Needs reply, Questions and All with its
    network; the stored questions."""
    found = (await core.inbox.search(WORD)).comments
    stored = await core.store.read(comments.get_comments, [r.id for r in found])
    assert {(r.network, r.remote_id) for r in stored} == {
        (network, remote) for network, ids in asked.items() for remote in ids
    }
    networks = {r.id: r.network for r in stored}
    for which in (InboxView.NEEDS_REPLY, InboxView.QUESTIONS, InboxView.ALL):
        rows = await view(core, which)
        assert {i: rows.get(i) for i in networks} == networks, which
    everything = Counter((await view(core, InboxView.ALL)).values())
    assert (everything["wordpress"], everything["matrix"]) == (3, 3)
    assert everything["sandbox"] > 1000  # the seeded inbox is there too
    return stored


async def check_batch_preview(core: Core, stored: list[dict], accounts: dict) -> None:
    """Each reply against its own network's limit; each personalised for its person."""
    ids = [r.id for r in stored]
    with pytest.raises(UserError, match=r"3 replies would be too long .* limit is 4,000"):
        await core.replies.queue(ids, TEMPLATE + PADDING)
    assert await core.outbox.items() == []
    padded = await core.replies.preview(ids, TEMPLATE + PADDING)
    assert {p.network for p in padded if p.too_long} == {"sandbox"}

    previews = await core.replies.preview(ids, TEMPLATE)
    limits = {p.network: p.limit for p in previews}
    assert limits == {
        network: core.networks[account].capabilities.reply_max_chars
        for account, network in accounts.items()
    }
    assert limits == {"sandbox": 4_000, "wordpress": 60_000, "matrix": 10_000}
    by_id = {r.id: r for r in stored}
    for preview in previews:
        row = by_id[preview.comment_id]
        assert (preview.network, preview.recipient) == (row.network, row.author_name)
        first = row.author_name.split()[0]
        assert preview.text.startswith(f"Thanks {first}, good question."), preview
        assert f"> {row.body_text.strip()}" in preview.text
        assert not preview.too_long
    assert len({p.text for p in previews}) == 9


async def settle(core: Core, account_ids: set[str] | None = None) -> list[dict]:
    """Run the engine's own loop until no outbox item (of ``account_ids``, if given) waits;
    the outbox then."""
    changed = asyncio.Event()
    unsubscribe = core.events.subscribe(
        lambda event: changed.set() if isinstance(event, ev.OutboxChanged) else None
    )
    loop = asyncio.create_task(core.engine.run(0.1))
    try:
        async with asyncio.timeout(SETTLE_TIMEOUT_S):
            while True:
                changed.clear()
                items = await core.outbox.items()
                waiting = [i for i in items if account_ids is None or i.account_id in account_ids]
                if all(i.state in (OutboxState.SENT, OutboxState.FAILED) for i in waiting):
                    return items
                await changed.wait()
    finally:
        unsubscribe()
        core.engine.stop()
        await loop


# --- each server's own truth ------------------------------------------------------------------


def greeting(reply: str) -> str:
    """ "Thanks Ada": what makes a reply this person's."""
    return reply.split(",", 1)[0]


def check_wordpress_replies(server: WordPressServer, asked: set[str], sent: dict) -> None:
    exec_id = server.users["exec"].id
    replies = server.sql(
        f"SELECT comment_parent, comment_content FROM wp_comments WHERE user_id = {exec_id}"
    )
    assert Counter(parent for parent, _ in replies) == dict.fromkeys(asked, 1)
    for parent, content in replies:
        assert greeting(sent[parent]) in content and "Friday" in content, content


def check_matrix_replies(world: MatrixWorld, root: str, asked: set[str], sent: dict) -> None:
    mine = [
        e for e in world.dana.thread(world.town_hall, root) if e["sender"] == world.dana.user_id
    ]
    targets = [
        f"{world.town_hall}|{e['content']['m.relates_to']['m.in_reply_to']['event_id']}"
        for e in mine
    ]
    assert Counter(targets) == dict.fromkeys(asked, 1)
    for event, target in zip(mine, targets, strict=True):
        assert event["content"]["body"] == sent[target]


async def check_sandbox(server: SandboxServer, asked: set[str], sent: dict) -> list[str]:
    """Exactly one reply per question, by key and on the server; the ids of posts with the
    draft's title."""
    writes = [
        r["idempotency_key"]
        for r in server.requests()
        if r["method"] == "POST" and r["committed"] and r["path"].endswith("/replies")
    ]
    assert sorted(Counter(writes).values()) == [1, 1, 1]
    headers = {"Authorization": f"Bearer {server.token}"}
    async with httpx.AsyncClient(base_url=server.url, headers=headers, timeout=5) as http:
        me = (await http.get("/api/v1/me")).json()["id"]
        for comment in asked:
            replies = (await http.get(f"/api/v1/comments/{comment}/replies")).json()["items"]
            mine = [r for r in replies if r["author"]["id"] == me]
            assert len(mine) == 1, comment
            assert greeting(sent[comment]) in mine[0]["body_html"]
        posts = (await http.get("/api/v1/posts", params={"limit": 100})).json()["items"]
    return [p["id"] for p in posts if p["title"] == TITLE]


async def test_three_networks_one_inbox_one_batch_one_publish(
    tmp_path, sandbox_server, wordpress, matrix_world: MatrixWorld, memory_keyring
):
    world = matrix_world
    root, asked_matrix = ask_on_matrix(world)
    asked = {
        "wordpress": ask_on_wordpress(wordpress),
        "matrix": asked_matrix,
        "sandbox": ask_on_sandbox(sandbox_server),
    }

    core = await open_core(
        tmp_path / "data", sandbox_url=sandbox_server.url, sandbox_token=sandbox_server.token
    )
    try:
        accounts = await add_real_accounts(core, wordpress, world)
        await keep_the_sandbox(core, sandbox_server)
        assert set(core.networks) == set(accounts)
        assert len(memory_keyring.entries) == 2  # the two real accounts' secrets
        blog = next(a for a, n in accounts.items() if n == "wordpress")

        reports = await core.engine.sync_all()  # one sync of all three
        assert {r.account_id: r.error for r in reports} == dict.fromkeys(accounts)
        stored = await check_one_inbox(core, asked)

        await check_batch_preview(core, stored, accounts)
        ids = [r.id for r in stored]
        await core.replies.queue(ids, TEMPLATE)
        replies = await settle(core)
        answered = await core.store.read(comments.get_comments, ids)
        needs_reply = await view(core, InboxView.NEEDS_REPLY)
        done = await view(core, InboxView.DONE)

        draft = await core.drafts.new(TITLE, BODY)
        await core.drafts.publish(draft, list(accounts), options={blog: PublishOptions("pending")})
        published = [i for i in await settle(core) if i.kind == OutboxKind.PUBLISH]
        deliveries = await core.drafts.deliveries(draft)
    finally:
        await core.close()

    # The batch: sent once per comment, and the comments answered and done in the inbox.
    assert Counter((i.network, i.state) for i in replies) == {
        (n, OutboxState.SENT): 3 for n in NETWORKS
    }
    assert {(r.triage_state, r.answered) for r in answered} == {(TriageState.DONE, 1)}
    assert needs_reply.keys().isdisjoint(ids) and set(ids) <= done.keys()
    sent = {i.target_remote_id: i.body for i in replies}
    check_wordpress_replies(wordpress, asked["wordpress"], sent)
    check_matrix_replies(world, root, asked["matrix"], sent)
    titled_on_sandbox = await check_sandbox(sandbox_server, asked["sandbox"], sent)

    # The draft: live on the sandbox and in the room, pending review on the site.
    assert {(d.network, d.state, d.options.status) for d in deliveries} == {
        ("sandbox", OutboxState.SENT, "publish"),
        ("wordpress", OutboxState.SENT, "pending"),
        ("matrix", OutboxState.SENT, "publish"),
    }
    posted = {i.network: i.remote_id for i in published}
    assert titled_on_sandbox == [posted["sandbox"]]
    assert wordpress.sql(
        f"SELECT ID, post_status FROM wp_posts WHERE post_title = '{TITLE}' AND post_type = 'post'"
    ) == [[posted["wordpress"], "pending"]]
    event = world.dana.event(world.town_hall, event_of(posted["matrix"]))
    assert event["sender"] == world.dana.user_id and "m.relates_to" not in event["content"]
    assert event["content"]["body"].startswith(f"**{TITLE}**")
    assert "<strong>Zephyr</strong>" in event["content"]["formatted_body"]
