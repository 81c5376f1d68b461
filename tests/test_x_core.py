"""X through the Core, as a person uses it: added with the browser sign-in (PKCE, the
tokens only in the keyring), one sync, the replies in the inbox, a batch answered
exactly once, X's weighted count in the batch preview, and the account connected again
from the keyring at the next start."""

from __future__ import annotations

import pytest
from emulators.x.fixtures import CLIENT_ID
from fake_account_network import install_policy

from app import secrets
from app.accounts import SignInFailed
from app.bootstrap import open_core
from app.domain import InboxView, OutboxState
from app.networks.registry import SignInMethod
from app.networks.x import signin
from app.store import comments


@pytest.fixture
def trusted(monkeypatch, x_site):
    install_policy(monkeypatch, ExtraCACertificates=[str(x_site.api.pki.ca_file)])


async def needs_reply(core) -> dict[str, int]:
    rows = await core.store.read(comments.view_page, InboxView.NEEDS_REPLY, None, None, 100)
    return {r.author_name: r.id for r in rows}


@pytest.mark.usefixtures("trusted")
async def test_add_sync_batch_and_restart(tmp_path, x_site):
    core = await open_core(tmp_path / "data", start_sandbox=False)
    try:
        fields = {signin.CLIENT_ID: CLIENT_ID, signin.ADDRESS: x_site.api.url}
        outcome = await core.accounts.add_suite("x", ("x",), SignInMethod.BROWSER, fields, print)
        (status,) = outcome.statuses
        assert (status.network, status.username) == ("x", "danawhit")
        assert [r.error for r in await core.engine.sync_all()] == [None]
        waiting = await needs_reply(core)
        assert set(waiting) == {"Sam Ortiz", "Kenji Watanabe"}

        heavy = "お" * 150  # 150 characters, 300 as X counts
        previews = await core.replies.preview(list(waiting.values()), heavy)
        assert {(p.length, p.too_long) for p in previews} == {(300, True)}

        await core.replies.queue(list(waiting.values()), "Thanks, {first_name}!")
        await core.engine.push_all()
        items = await core.outbox.items()
        assert {i.state for i in items} == {OutboxState.SENT}
        answers = [t for t in x_site.world.tweets.values() if t["text"].startswith("Thanks, ")]
        assert sorted(t["text"] for t in answers) == ["Thanks, Kenji!", "Thanks, Sam!"]
        account_id = status.account_id
        (account,) = await core.accounts.list()
    finally:
        await core.close()
    # The tokens are in the keyring under the sign-in's own entry, and nowhere else.
    saved = secrets.get_secret(account.settings["sign_in"]) or ""
    assert '"refresh_token"' in saved and "tok-" not in str(account.settings)

    again = await open_core(tmp_path / "data", start_sandbox=False)
    try:
        assert account_id in again.networks
        assert [r.error for r in await again.engine.sync_all()] == [None]
        await again.engine.push_all()
        assert (
            len([t for t in x_site.world.tweets.values() if t["text"].startswith("Thanks, ")]) == 2
        )
    finally:
        await again.close()


@pytest.mark.usefixtures("trusted")
async def test_a_typed_client_id_that_is_no_x_client_id_is_refused_before_the_browser(
    tmp_path, x_site, oauth_browser
):
    core = await open_core(tmp_path / "data", start_sandbox=False)
    try:
        fields = {signin.CLIENT_ID: "https://x.com/i/oauth2", signin.ADDRESS: x_site.api.url}
        with pytest.raises(SignInFailed, match=r"is not an X app.s OAuth 2\.0 Client ID"):
            await core.accounts.add_suite("x", ("x",), SignInMethod.BROWSER, fields, print)
    finally:
        await core.close()
    assert oauth_browser.opened == []
