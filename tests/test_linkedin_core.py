"""A LinkedIn page through the Core: added with the browser sign-in, one sync, the
comments in the inbox, a batch answered as the page exactly once (a comment and a reply
to it share one thread, so the second answer waits as already answered), and connected
again from the keyring at the next start."""

from __future__ import annotations

import pytest
from emulators.linkedin.fixtures import CLIENT_ID
from fake_account_network import install_policy

from app.accounts import SignInFailed
from app.bootstrap import open_core
from app.domain import ErrorKind, InboxView, OutboxState
from app.networks.linkedin import signin
from app.networks.registry import SignInMethod
from app.store import comments


@pytest.fixture
def trusted(monkeypatch, li_site):
    install_policy(monkeypatch, ExtraCACertificates=[str(li_site.api.pki.ca_file)])


async def add_page(core, li_site, client_id: str = CLIENT_ID):
    """The page added as a person adds it: Add LinkedIn, in the browser."""
    fields = {
        signin.CLIENT_ID: client_id,
        signin.ORGANIZATION: li_site.world.organization,
        signin.ADDRESS: li_site.api.url,
    }
    return await core.accounts.add_suite(
        "linkedin", ("linkedin",), SignInMethod.BROWSER, fields, print
    )


@pytest.mark.usefixtures("trusted")
async def test_add_sync_batch_and_restart(tmp_path, li_site):
    core = await open_core(tmp_path / "data", start_sandbox=False)
    try:
        outcome = await add_page(core, li_site)
        (status,) = outcome.statuses
        assert status.network == "linkedin"
        assert [r.error for r in await core.engine.sync_all()] == [None]
        rows = await core.store.read(comments.view_page, InboxView.NEEDS_REPLY, None, None, 100)
        assert len(rows) == 3
        await core.replies.queue([r.id for r in rows], "Thank you for asking.")
        await core.engine.push_all()
        items = await core.outbox.items()
        # Priya's comment and her reply to it share one thread (LinkedIn nests one level):
        # the first answer lands in it, so the second is held as already answered.
        states = sorted((i.state, i.error_kind) for i in items)
        assert states == [
            (OutboxState.HELD, ErrorKind.ANSWERED),
            (OutboxState.SENT, None),
            (OutboxState.SENT, None),
        ]
        mine = [c for c in li_site.world.comments.values() if c["actor"] == li_site.world.page]
        assert sorted(c["parentComment"] for c in mine) == sorted(li_site.comments[:2])
        account_id = status.account_id
    finally:
        await core.close()
    again = await open_core(tmp_path / "data", start_sandbox=False)
    try:
        assert account_id in again.networks
        assert [r.error for r in await again.engine.sync_all()] == [None]
        await again.engine.push_all()
        mine = [c for c in li_site.world.comments.values() if c["actor"] == li_site.world.page]
        assert len(mine) == 2  # nothing sent again
    finally:
        await again.close()


@pytest.mark.usefixtures("trusted")
async def test_a_batch_greets_nameless_members_with_the_fallback_word(tmp_path, li_site):
    core = await open_core(tmp_path / "data", start_sandbox=False)
    try:
        await add_page(core, li_site)
        assert [r.error for r in await core.engine.sync_all()] == [None]
        rows = await core.store.read(comments.view_page, InboxView.NEEDS_REPLY, None, None, 100)
        top = [r.id for r in rows if r.snippet != "And retention?"]  # one per thread
        template = "Hi {first_name}, thanks for asking."
        # LinkedIn names nobody: no "Hi LinkedIn," from the member's id.
        plain = await core.replies.preview(top, template)
        assert {(p.text, p.no_name) for p in plain} == {("Hi, thanks for asking.", True)}
        there = await core.replies.preview(top, template, name_fallback="there")
        assert {p.text for p in there} == {"Hi there, thanks for asking."}
        await core.replies.queue(top, template, name_fallback="there")
        await core.engine.push_all()
        mine = [c for c in li_site.world.comments.values() if c["actor"] == li_site.world.page]
        assert [c["message"]["text"] for c in mine] == ["Hi there, thanks for asking."] * 2
    finally:
        await core.close()


@pytest.mark.usefixtures("trusted")
async def test_a_typed_client_id_that_is_no_linkedin_client_id_is_refused_before_the_browser(
    tmp_path, li_site, oauth_browser
):
    core = await open_core(tmp_path / "data", start_sandbox=False)
    try:
        with pytest.raises(SignInFailed, match="is not a LinkedIn app's Client ID"):
            await add_page(core, li_site, client_id="78abc123-def456")
    finally:
        await core.close()
    assert oauth_browser.opened == []
