"""The manual bridge through the Core, beside the real sandbox network: a pasted thread
lands in the same inbox, is batched with the sandbox's comments, and its replies never
reach a sender: they wait to be pasted by hand until the person marks them sent. The
connector itself refuses every write and sends no request at all."""

from __future__ import annotations

from urllib.parse import unquote

import httpx
import pytest

from app.bootstrap import open_core
from app.domain import (
    Account,
    Capabilities,
    CommentPage,
    ErrorKind,
    InboxView,
    OutboxAction,
    OutboxKind,
    OutboxState,
    Person,
    RemoteKind,
    WriteIntent,
)
from app.domain.bridge import BridgeImport
from app.domain.states import TextCounting
from app.errors import Rejected, UserError
from app.networks.bridge import KIND, SITES, BridgeNetwork, Site, site_for
from app.store import comments
from app.timeutil import now_iso
from tests.bridge.fixtures import load
from tests.e2e.test_mixed_networks import keep_the_sandbox
from tests.fake_account_network import install_policy

POST = "https://www.linkedin.com/posts/dana-whitfield_remote-culture-activity-7301?utm_source=share"


@pytest.fixture
async def core(tmp_path, sandbox_server):
    opened = await open_core(
        tmp_path / "data", sandbox_url=sandbox_server.url, sandbox_token=sandbox_server.token
    )
    assert [r.error for r in await opened.engine.sync_all()] == [None]
    yield opened
    await opened.close()


def linkedin_text() -> str:
    return next(f for f in load("dev") if f.name == "linkedin").text


async def import_linkedin(core):
    thread = await core.bridge.read_text(linkedin_text(), me="Dana Whitfield")
    request = BridgeImport("LinkedIn", POST, "Remote culture", "Dana Whitfield", thread)
    return await core.bridge.import_thread(request)


async def needs_reply(core) -> dict[str, int]:
    rows = await core.store.read(comments.view_page, InboxView.NEEDS_REPLY, None, None, 500)
    return {r.author_name: r.id for r in rows}


async def test_a_pasted_thread_joins_the_inbox_once(core):
    before = await needs_reply(core)

    first = await import_linkedin(core)
    again = await import_linkedin(core)

    assert (first.added, first.already_there) == (4, 0)
    assert (again.added, again.already_there) == (0, 4)
    now = await needs_reply(core)
    # Jordan Lee was answered on the page by the person's own comment, which is theirs.
    assert set(now) - set(before) == {"Priya Raman", "Marcus Chen"}
    assert "Jordan Lee" not in now
    status = next(s for s in await core.accounts.statuses() if s.account_id == first.account_id)
    assert status.network_name == "Bridged by hand"
    assert core.capabilities()[first.account_id].reply_max_chars == 1_250


async def test_a_batch_across_networks_sends_only_what_has_an_api(core, sandbox_server):
    imported = await import_linkedin(core)
    await keep_the_sandbox(core, sandbox_server)  # the bridged site replaced it
    waiting = await needs_reply(core)
    bridged = [waiting["Priya Raman"], waiting["Marcus Chen"]]
    sandboxed = next(i for name, i in waiting.items() if name not in ("Priya Raman", "Marcus Chen"))

    items = await core.replies.queue([sandboxed, *bridged], "Thank you, {first_name}!")
    await core.engine.push_all()

    states = {i.id: i for i in await core.outbox.items()}
    assert states[items[0]].state is OutboxState.SENT
    for item in items[1:]:
        assert states[item].state is OutboxState.HELD
        assert states[item].error_kind is ErrorKind.BY_HAND
        with pytest.raises(UserError, match="sends nothing to a site bridged by hand"):
            await core.outbox.act(OutboxAction.RETRY, item)

    handoffs = await core.bridge.handoffs()
    assert [(h.recipient, h.text) for h in handoffs] == [
        ("Priya Raman", "Thank you, Priya!"),
        ("Marcus Chen", "Thank you, Marcus!"),
    ]
    assert handoffs[0].site == "LinkedIn (by hand)"
    link = handoffs[0].url
    assert link.startswith(
        "https://www.linkedin.com/posts/dana-whitfield_remote-culture-activity-7301#:~:text="
    )
    assert unquote(link.split("text=", 1)[1]) == "Thank you for writing this. We tried the"

    await core.bridge.mark_sent(handoffs[0].outbox_id)

    assert [h.recipient for h in await core.bridge.handoffs()] == ["Marcus Chen"]
    sent = {i.id: i for i in await core.outbox.items()}[handoffs[0].outbox_id]
    assert sent.state is OutboxState.SENT
    answered = await core.store.read(comments.get_comment, bridged[0])
    assert answered.answered
    with pytest.raises(UserError, match="Only replies waiting to be pasted"):
        await core.bridge.mark_sent(handoffs[0].outbox_id)
    assert imported.account_id in core.networks


async def test_a_bridged_site_connects_at_the_next_start_without_a_sign_in(
    tmp_path, sandbox_server
):
    core = await open_core(
        tmp_path / "data", sandbox_url=sandbox_server.url, sandbox_token=sandbox_server.token
    )
    try:
        imported = await import_linkedin(core)
    finally:
        await core.close()
    again = await open_core(
        tmp_path / "data", sandbox_url=sandbox_server.url, sandbox_token=sandbox_server.token
    )
    try:
        assert list(again.networks) == [imported.account_id]  # the sandbox gave way
        status = next(
            s for s in await again.accounts.statuses() if s.account_id == imported.account_id
        )
        assert str(status.state) == "connected", status.reason
        assert [r.error for r in await again.engine.sync_all()] == [None]
    finally:
        await again.close()


async def test_an_import_without_a_post_address_is_refused(core):
    thread = await core.bridge.read_text(linkedin_text())
    with pytest.raises(UserError, match="post's address"):
        await core.bridge.import_thread(BridgeImport("Intranet", "", "", "", thread))


async def test_policy_can_block_the_bridge(tmp_path, sandbox_server, monkeypatch):
    install_policy(monkeypatch, BlockedNetworks=["bridge"])
    core = await open_core(
        tmp_path / "data", sandbox_url=sandbox_server.url, sandbox_token=sandbox_server.token
    )
    try:
        thread = await core.bridge.read_text(linkedin_text())
        with pytest.raises(UserError, match="does not allow Bridged by hand accounts"):
            await core.bridge.import_thread(BridgeImport("LinkedIn", POST, "", "", thread))
        assert all(a.network != "bridge" for a in await core.accounts.list())
    finally:
        await core.close()


async def test_a_bridged_x_reply_counts_as_x_does(core):
    x_thread = next(f for f in load("dev") if f.name == "x")
    thread = await core.bridge.read_text(x_thread.text, me="danawhit")
    post = "https://x.com/danawhit/status/1898"
    imported = await core.bridge.import_thread(BridgeImport("X", post, "", "danawhit", thread))
    rows = await core.store.read(comments.view_page, InboxView.NEEDS_REPLY, None, None, 500)
    kenji = next(r.id for r in rows if r.author_name == "Kenji Watanabe")
    (preview,) = await core.replies.preview(
        [kenji], "ありがとう " + " ".join(["https://contoso.com/a"] * 3)
    )
    assert (preview.length, preview.limit) == (10 + 1 + 3 * 23 + 2, 280)  # CJK 2, links 23
    assert core.capabilities()[imported.account_id].reply_max_chars == 280


# --- the connector itself: it reads nothing and sends nothing ------------------------------


def refusing_client(seen: list[httpx.Request]) -> httpx.AsyncClient:
    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(500)

    return httpx.AsyncClient(transport=httpx.MockTransport(answer))


def bridged(seen: list[httpx.Request], **settings: object) -> BridgeNetwork:
    account = Account(
        "bridge-1", "bridge", "intranet", "https://intranet.example", "Dana", settings=settings
    )
    return BridgeNetwork(account, refusing_client(seen))


async def test_a_bridged_site_takes_its_comment_box_limit_and_way_of_counting():
    seen: list[httpx.Request] = []
    network = bridged(seen, site="X", reply_max_chars=280, counting=TextCounting.X)
    assert network.capabilities == Capabilities(
        network="bridge",
        display_name="X (by hand)",
        text_formats=("text",),
        post_max_chars=280,
        reply_max_chars=280,
        thread_depth=None,
        idempotency="none",
        requests_per_minute=0,
        can_edit=False,
        can_delete=False,
        sends_by_hand=True,
        text_counting=TextCounting.X,
    )
    other = bridged(seen).capabilities
    assert (other.display_name, other.reply_max_chars, other.text_counting) == (
        "intranet (by hand)",
        10_000,
        TextCounting.CHARACTERS,
    )
    await network.aclose()


async def test_the_bridge_refuses_every_write_and_sends_nothing():
    seen: list[httpx.Request] = []
    network = bridged(seen)
    refusal = (
        "Fireside never sends anything through the bridge: copy the reply, paste it on the "
        "page yourself, then mark it sent."
    )
    writes = [
        network.publish("Title", "Body", "markdown", "k1"),
        network.reply("p1", "c1", "Thanks!", "markdown", "k2"),
        network.edit(RemoteKind.COMMENT, "c1", "Thanks!", "k3"),
        network.delete(RemoteKind.POST, "p1", "k4"),
        network.get_comment("c1"),
        network.list_replies("c1"),
    ]
    for write in writes:
        with pytest.raises(Rejected) as refused:
            await write
        assert str(refused.value) == refusal
    intent = WriteIntent(OutboxKind.REPLY, "p1", "c1", "", "Thanks!", "text", now_iso())
    assert await network.lookup_write("k2", intent) is None
    assert await network.whoami() == Person("Dana", "Dana")
    assert await network.list_my_posts() == []
    assert await network.pull_comments("where") == CommentPage([], "where", has_more=False)
    assert seen == []
    await network.aclose()


@pytest.mark.parametrize(
    ("name", "post", "site"),
    [
        (" linkedin ", "https://example.com/p", SITES[0]),  # by name, whatever the case
        ("", "https://x.com/danawhit/status/1", SITES[1]),  # by the post's host
        ("", "https://www.reddit.com/r/x/1", SITES[5]),  # "www." aside
        ("Intranet", "https://news.example/p/1", Site("Intranet", "https://news.example", 10_000)),
        ("  ", "https://news.example/p/1", Site("news.example", "https://news.example", 10_000)),
    ],
)
def test_a_thread_is_on_a_known_site_or_one_named_for_it(name, post, site):
    assert site_for(name, post) == site


def test_a_thread_on_an_unknown_site_needs_its_address():
    with pytest.raises(UserError, match=r"^Give the post's address \(starting with https://\)"):
        site_for("Intranet", "news.example/p/1")


async def test_signing_in_to_a_bridged_site_says_to_paste_a_thread_instead():
    seen: list[httpx.Request] = []
    with pytest.raises(UserError) as refused:
        await KIND.sign_in(refusing_client(seen), "https://x.com", "dana", "", {})
    assert str(refused.value) == (
        "A bridged site has no sign-in: paste a thread (File → Import a thread by hand) "
        "and Fireside adds the site."
    )
    assert seen == []
