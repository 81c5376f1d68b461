"""Accounts through the core: every diagnosis of a sign-in test, start-up with stored
accounts (secret missing, no keyring, policy), add, sign in again and remove, against the
FakeNet server (``fake_account_network``) and the in-memory keyring. Secrets never reach
the database, the logs or a message."""

from __future__ import annotations

import asyncio
import logging
import sys
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest
from fake_account_network import (
    CAPABILITIES,
    KIND,
    PASSWORD,
    POLICY_FILE,
    SECOND_TOKEN,
    TOKEN,
    FakeNet,
    install_policy,
    registered,
)
from fixtures.fake_networks import FakeNetwork
from keyring.backends import fail
from msgspec.structs import replace

from app import events as ev
from app import secrets
from app import settings as user_settings
from app.accounts import Problem, SignInFailed, State, manager
from app.bootstrap import open_core
from app.core import Core
from app.domain import Account, CommentPage, OutboxKind, OutboxState, Person, PullMode
from app.errors import UserError
from app.store import accounts as accounts_repo
from app.store import comments as comments_repo
from app.store import drafts
from app.store import outbox as outbox_repo
from app.sync.reasons import explain


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeNet]:
    with registered(monkeypatch) as net:
        yield net


@pytest.fixture
def use_policy(monkeypatch: pytest.MonkeyPatch):
    """``use_policy(Key=value, ...)``: the managed policy the next open_core loads."""
    return lambda **values: install_policy(monkeypatch, **values)


@asynccontextmanager
async def opened(data_dir: Path, **options: object) -> AsyncIterator[Core]:
    core = await open_core(data_dir, start_sandbox=False, **options)
    try:
        yield core
    finally:
        await core.close()


def stored_account(network: str = "fake", url: str = "", account_id: str = "fake-1") -> Account:
    return Account(account_id, network, "fake.example", url, "jane", settings={"room": "#all"})


async def store_account(data_dir: Path, account: Account) -> None:
    async with opened(data_dir) as core:
        await core.store.run(accounts_repo.add_account, account)


async def status_of(core: Core, account_id: str | None):
    return next(s for s in await core.accounts.statuses() if s.account_id == account_id)


def scan_for_secrets(data_dir: Path) -> list[str]:
    """Files under the data dir that hold the typed password or a token."""
    return [
        f"{secret} in {path.name}"
        for path in data_dir.rglob("*")
        if path.is_file()
        for secret in (PASSWORD, TOKEN, SECOND_TOKEN)
        if secret.encode() in path.read_bytes()
    ]


# --- test_connection: one diagnosis per way a sign-in fails ----------------------------


@pytest.mark.parametrize(
    "case",
    [
        ("url", "jane", PASSWORD, Problem.NONE, "Signed in to 127.0.0.1"),
        ("closed_url", "jane", PASSWORD, Problem.UNREACHABLE, "Cannot reach 127.0.0.1"),
        ("https_url", "jane", PASSWORD, Problem.TLS, "certificate of 127.0.0.1"),
        ("elsewhere", "jane", PASSWORD, Problem.WRONG_SERVICE, "it is not FakeNet"),
        ("url", "jane", "wrong-password-typed", Problem.WRONG_PASSWORD, "did not accept"),
        ("url", "reader", PASSWORD, Problem.PERMISSION, "lacks a permission"),
        ("url", "busy", PASSWORD, Problem.RATE_LIMITED, "slow down"),
        ("url", "crash", PASSWORD, Problem.SERVER, "did not expect"),
        ("nothing", "jane", PASSWORD, Problem.INVALID, "Fill in the site address"),
        ("not a url", "jane", PASSWORD, Problem.INVALID, "is not a web address"),
        ("url", "jane", "", Problem.INVALID, "Fill in the user name and the app password"),
    ],
)
async def test_test_connection_diagnoses_in_plain_words(
    tmp_path, fake, memory_keyring, case
) -> None:
    where, username, password, problem, words = case
    url = {
        "url": fake.url,
        "closed_url": fake.closed_url,
        "https_url": fake.https_url,
        "elsewhere": fake.url + "/elsewhere",
        "nothing": "  ",
    }.get(where, where)
    async with opened(tmp_path / "data") as core:
        found = await core.accounts.test("fake", url, username, password, {})

    assert found.problem is problem, found
    assert words in found.summary
    assert found.ok is (problem is Problem.NONE)
    if not found.ok:
        assert found.advice or problem is Problem.INVALID
    for text in (found.summary, found.advice, found.detail):
        assert "wrong-password-typed" not in text and PASSWORD not in text
    assert memory_keyring.entries == {}, "testing stores nothing"


async def test_wrong_password_says_where_to_get_one_and_hides_the_echoed_password(
    tmp_path, fake, memory_keyring
) -> None:
    async with opened(tmp_path / "data") as core:
        found = await core.accounts.test("fake", fake.url, "jane", "wrong-password-typed")
    assert found.summary == "FakeNet did not accept this user name and app password."
    assert fake.kind.help in found.advice
    assert "refused jane with '[redacted]'" in found.detail  # the server echoed it


async def test_unusable_keyring_is_a_diagnosis_after_a_good_sign_in(
    tmp_path, fake, use_keyring
) -> None:
    use_keyring(fail.Keyring())
    async with opened(tmp_path / "data") as core:
        found = await core.accounts.test("fake", fake.url, "jane", PASSWORD)
        assert await core.accounts.keyring_problem() == secrets.backend_problem()
    assert found.problem is Problem.KEYRING
    assert "no usable keyring" in found.summary
    assert (
        "gnome-keyring" in found.advice and "never stores passwords anywhere else" in found.advice
    )


async def test_policy_decides_which_networks_are_offered_and_tested(
    tmp_path, fake, memory_keyring, use_policy
) -> None:
    async with opened(tmp_path / "data") as core:
        assert [k.id for k in await core.accounts.kinds()] == ["fake"]
    use_policy(BlockedNetworks=["fake"])
    async with opened(tmp_path / "data") as core:
        assert await core.accounts.kinds() == []
        found = await core.accounts.test("fake", fake.url, "jane", PASSWORD)
        with pytest.raises(SignInFailed) as refused:
            await core.accounts.add("fake", fake.url, "jane", PASSWORD)
    assert found.problem is Problem.BLOCKED
    assert POLICY_FILE in found.advice
    assert refused.value.diagnosis.problem is Problem.BLOCKED
    assert fake.server.requests == []


# --- start-up -------------------------------------------------------------------------


async def test_a_stored_account_connects_with_its_secret_and_syncs(
    tmp_path, fake, memory_keyring
) -> None:
    data_dir = tmp_path / "data"
    await store_account(data_dir, stored_account(url=fake.url))
    secrets.set_secret("fake-1", TOKEN)

    async with opened(data_dir) as core:
        assert isinstance(core.networks["fake-1"], FakeNetwork)
        [report] = await core.engine.sync_all()
        status = await status_of(core, "fake-1")
        stored = await core.store.read(accounts_repo.list_accounts)

    assert report.error is None and report.fetched == 2
    assert status.state is State.CONNECTED and status.label == "Connected"
    assert status.network_name == "FakeNet" and status.extra == {"room": "#all"}
    assert stored[0].last_sync_at is not None
    assert scan_for_secrets(data_dir) == []


async def test_a_missing_secret_leaves_the_account_to_sign_in_again(
    tmp_path, fake, memory_keyring
) -> None:
    data_dir = tmp_path / "data"
    await store_account(data_dir, stored_account(url=fake.url))

    async with opened(data_dir) as core:
        status = await status_of(core, "fake-1")
        [shown] = await core.accounts.list()
        assert core.networks == {}
        assert await core.engine.sync_all() == []

    assert status.state is State.NEEDS_SIGN_IN and status.can_sign_in
    assert status.reason.startswith("Sign in again")
    assert shown.last_sync_error == status.reason  # what the status bar shows


async def test_no_usable_keyring_still_starts_and_says_how_to_fix_it(
    tmp_path, fake, use_keyring
) -> None:
    data_dir = tmp_path / "data"
    await store_account(data_dir, stored_account(url=fake.url))
    use_keyring(fail.Keyring())

    async with opened(data_dir) as core:
        status = await status_of(core, "fake-1")
        assert core.networks == {}

    assert status.state is State.ERROR
    assert status.reason == secrets.backend_problem()
    assert "gnome-keyring" in status.reason


async def test_a_network_forbidden_by_policy_is_not_connected(
    tmp_path, fake, memory_keyring, use_policy
) -> None:
    data_dir = tmp_path / "data"
    await store_account(data_dir, stored_account(url=fake.url))
    secrets.set_secret("fake-1", TOKEN)
    use_policy(AllowedNetworks=["wordpress"])

    async with opened(data_dir) as core:
        status = await status_of(core, "fake-1")
        assert core.networks == {}

    assert status.state is State.BLOCKED and not status.can_sign_in
    assert status.reason.startswith("Your organisation does not allow FakeNet accounts.")
    assert f"{POLICY_FILE}: AllowedNetworks" in status.reason
    assert fake.server.requests == []


async def test_a_wrong_proxy_from_policy_is_the_accounts_error(
    tmp_path, fake, memory_keyring, use_policy
) -> None:
    data_dir = tmp_path / "data"
    await store_account(data_dir, stored_account(url=fake.url))
    secrets.set_secret("fake-1", TOKEN)
    use_policy(ProxyUrl="proxy.example.com:8080")

    async with opened(data_dir) as core:
        status = await status_of(core, "fake-1")

    assert status.state is State.ERROR
    assert "'proxy.example.com:8080'" in status.reason


async def test_accounts_use_the_proxy_and_certificates_of_the_users_settings(
    tmp_path, fake, memory_keyring, monkeypatch
) -> None:
    settings_file = tmp_path / "config" / "settings.json"
    monkeypatch.setattr(user_settings, "settings_path", lambda: settings_file)
    ca_file = tmp_path / "fake-site.pem"
    ca_file.write_bytes(fake.server.certificate_pem)
    user_settings.write(settings_file, user_settings.UserSettings(extra_ca_files=(str(ca_file),)))
    async with opened(tmp_path / "data") as core:
        trusted = await core.accounts.test("fake", fake.https_url, "jane", PASSWORD)
    dead_proxy = fake.closed_url  # a proxy that is not there: nothing gets through
    user_settings.write(settings_file, user_settings.UserSettings(proxy=dead_proxy))
    async with opened(tmp_path / "data") as core:
        proxied = await core.accounts.test("fake", fake.url, "jane", PASSWORD)
    assert trusted.ok, trusted
    assert proxied.problem is Problem.UNREACHABLE, proxied


async def test_an_account_on_a_network_this_build_lacks_is_an_error(tmp_path, memory_keyring):
    data_dir = tmp_path / "data"
    await store_account(data_dir, stored_account(network="friendica", url="https://f.example"))

    async with opened(data_dir) as core:
        status = await status_of(core, "fake-1")

    assert status.state is State.ERROR
    assert status.reason == "This version of Fireside cannot connect to friendica."


async def test_the_sandbox_runs_only_without_real_accounts_and_when_policy_allows(
    tmp_path, fake, memory_keyring, sandbox_server, use_policy
) -> None:
    data_dir = tmp_path / "data"
    sandbox = {"sandbox_url": sandbox_server.url, "sandbox_token": sandbox_server.token}
    async with opened(data_dir, **sandbox) as core:  # start_sandbox=False: not started
        assert core.networks == {}
    core = await open_core(data_dir, **sandbox)
    try:
        assert list(core.networks) == ["sandbox"]
        assert (await status_of(core, "sandbox")).state is State.CONNECTED
    finally:
        await core.close()

    await store_account(data_dir, stored_account(url=fake.url))
    secrets.set_secret("fake-1", TOKEN)
    core = await open_core(data_dir, **sandbox)
    try:
        assert list(core.networks) == ["fake-1"]
        idle = await status_of(core, "sandbox")
        assert idle.state is State.IDLE and "no real account" in idle.reason
        assert [a.last_sync_error for a in await core.accounts.list()] == [None, None]
    finally:
        await core.close()

    use_policy(SandboxEnabled=False)
    core = await open_core(tmp_path / "other")
    try:
        assert core.sandbox is None and core.networks == {}
        assert await core.accounts.list() == []
    finally:
        await core.close()


async def test_the_sandbox_account_follows_the_sandbox_to_its_new_address(
    tmp_path, sandbox_server
) -> None:
    data_dir = tmp_path / "data"
    for url in ("http://127.0.0.1:9/", sandbox_server.url):
        core = await open_core(data_dir, sandbox_url=url, sandbox_token=sandbox_server.token)
        await core.close()
    async with opened(data_dir) as core:
        [account] = await core.accounts.list()
    assert (account.id, account.network, account.name) == ("sandbox", "sandbox", "Sandbox")
    assert account.base_url == sandbox_server.url


async def test_the_builtin_sandbox_is_never_added_signed_in_to_or_given_a_secret(
    tmp_path, memory_keyring, use_keyring, sandbox_server
) -> None:
    """With the real registry: the sandbox is registered, but only as Fireside's own."""
    sandbox = {"sandbox_url": sandbox_server.url, "sandbox_token": sandbox_server.token}
    core = await open_core(tmp_path / "data", **sandbox)
    try:
        assert [k.id for k in await core.accounts.kinds()] == ["wordpress", "matrix"]
        status = await status_of(core, "sandbox")
        assert status.network_name == "Sandbox" and not status.can_sign_in
        with pytest.raises(UserError, match="signs in by itself"):
            await core.accounts.reauthenticate("sandbox", PASSWORD)
        typed = await core.accounts.test("sandbox", sandbox_server.url, "me", PASSWORD)
        assert typed.problem is Problem.INVALID and "cannot be added by hand" in typed.summary
        use_keyring(fail.Keyring())  # removing it never touches the keyring
        preview = await core.accounts.removal_preview("sandbox")
        sentence = await core.accounts.remove("sandbox")
    finally:
        await core.close()
    assert not preview.has_secret and not preview.signs_out
    assert sentence.startswith("Removed Sandbox: ") and "keyring" not in sentence


async def test_policy_accounts_are_listed_to_sign_in_to_with_their_address_locked(
    tmp_path, fake, memory_keyring, use_policy
) -> None:
    use_policy(Accounts=[{"network": "fake", "base_url": fake.url + "/", "tenant": "#exec"}])
    async with opened(tmp_path / "data") as core:
        [preset] = await core.accounts.statuses()
        assert preset.account_id is None and preset.state is State.NOT_SIGNED_IN
        assert preset.label == "Not signed in yet"
        assert preset.locked == f"Set by your organisation ({POLICY_FILE}: Accounts)."
        assert preset.extra == {"room": "#exec"}

        added = await core.accounts.add("fake", preset.base_url, "jane", PASSWORD, preset.extra)

        assert [s.account_id for s in await core.accounts.statuses()] == [added.account_id]
    assert added.locked == preset.locked and added.base_url == fake.url
    assert added.state is State.CONNECTED and added.extra == {"room": "#exec"}


# --- add, sign in again, remove -------------------------------------------------------


async def test_add_account_keeps_the_secret_in_the_keyring_only_and_starts_syncing(
    tmp_path, fake, memory_keyring, caplog
) -> None:
    caplog.set_level(logging.DEBUG)
    data_dir = tmp_path / "data"
    async with opened(data_dir) as core:
        synced = asyncio.get_running_loop().create_future()
        core.events.subscribe(
            lambda event: (
                isinstance(event, ev.SyncFinished)
                and not synced.done()
                and synced.set_result(event)
            )
        )
        loop = asyncio.ensure_future(core.engine.run(3600))  # idle: nothing to sync yet

        added = await core.accounts.add(
            "fake", f" {fake.url}/ ", " jane ", PASSWORD, {"room": "#x"}
        )

        assert (await asyncio.wait_for(synced, 10)).error is None  # woken, not in an hour
        core.engine.stop()
        await loop
        [account] = await core.store.read(accounts_repo.list_accounts)
        inbox = await core.store.read(comments_repo.get_comments, [1, 2])

    assert memory_keyring.entries == {(secrets.SERVICE, added.account_id): TOKEN}
    assert added.state is State.CONNECTED and added.name == "127.0.0.1" + fake.url[-6:]
    assert account.base_url == fake.url and account.username == "jane"
    assert account.settings == {"room": "#x", "user_id": "u-jane"}
    assert len(inbox) == 2
    assert scan_for_secrets(data_dir) == []
    assert PASSWORD not in caplog.text and TOKEN not in caplog.text


async def test_a_failed_add_stores_nothing(tmp_path, fake, memory_keyring) -> None:
    async with opened(tmp_path / "data") as core:
        with pytest.raises(SignInFailed) as failed:
            await core.accounts.add("fake", fake.url, "jane", "wrong-password-typed")
        assert await core.accounts.list() == []
    assert failed.value.diagnosis.problem is Problem.WRONG_PASSWORD
    assert "wrong-password-typed" not in str(failed.value)
    assert memory_keyring.entries == {}


async def test_add_refuses_a_keyring_it_cannot_use_before_signing_in(
    tmp_path, fake, use_keyring
) -> None:
    use_keyring(fail.Keyring())
    async with opened(tmp_path / "data") as core:
        with pytest.raises(SignInFailed) as failed:
            await core.accounts.add("fake", fake.url, "jane", PASSWORD)
        assert await core.accounts.list() == []
    assert failed.value.diagnosis.problem is Problem.KEYRING
    assert fake.server.requests == [], "no sign-in (no app password made) without a keyring"


async def test_the_same_account_cannot_be_added_twice(tmp_path, fake, memory_keyring) -> None:
    async with opened(tmp_path / "data") as core:
        await core.accounts.add("fake", fake.url, "jane", PASSWORD)
        with pytest.raises(SignInFailed, match="already added"):
            await core.accounts.add("fake", fake.url + "/", "JANE", PASSWORD)


async def test_sign_in_again_replaces_the_secret_and_the_connector(
    tmp_path, fake, memory_keyring
) -> None:
    data_dir = tmp_path / "data"
    async with opened(data_dir) as core:
        added = await core.accounts.add("fake", fake.url, "jane", PASSWORD)
        first = core.networks[added.account_id]
        fake.server.tokens.clear()  # the site revoked the app password
        [report] = await core.engine.sync_all()
        refused = await status_of(core, added.account_id)
        check = await core.accounts.check(added.account_id)

        with pytest.raises(SignInFailed):
            await core.accounts.reauthenticate(added.account_id, "wrong-password-typed")
        assert memory_keyring.entries[secrets.SERVICE, added.account_id] == TOKEN
        fake.server.next_token = SECOND_TOKEN
        again = await core.accounts.reauthenticate(added.account_id, PASSWORD)
        [report_after] = await core.engine.sync_all()
        check_after = await core.accounts.check(added.account_id)

    assert report.error and refused.state is State.NEEDS_SIGN_IN
    assert refused.reason == "FakeNet no longer accepts the saved sign-in. Choose Sign in again."
    assert check.problem is Problem.WRONG_PASSWORD
    assert memory_keyring.entries[secrets.SERVICE, added.account_id] == SECOND_TOKEN
    assert again.state is State.CONNECTED and first.closed
    assert report_after.error is None and check_after.ok
    assert scan_for_secrets(data_dir) == []


async def test_sign_in_again_connects_an_account_whose_secret_was_missing(
    tmp_path, fake, memory_keyring
) -> None:
    data_dir = tmp_path / "data"
    await store_account(data_dir, stored_account(url=fake.url))
    async with opened(data_dir) as core:
        assert (await core.accounts.check("fake-1")).summary == "This account is not connected."
        status = await core.accounts.reauthenticate("fake-1", PASSWORD)
        [account] = await core.store.read(accounts_repo.list_accounts)
        assert "fake-1" in core.networks
    assert status.state is State.CONNECTED
    assert account.settings == {"room": "#all", "user_id": "u-jane"}
    assert secrets.get_secret("fake-1") == TOKEN


async def test_items_refused_for_sign_in_go_again_by_themselves_after_signing_in_again(
    tmp_path, fake, memory_keyring, caplog
) -> None:
    """Two posts fail because the site revoked the sign-in; one of them had been tried
    before with no clear answer. Signing in again queues both (same keys); the running
    engine sends them without a Retry, the unclear one only after looking it up."""
    caplog.set_level(logging.INFO)
    async with opened(tmp_path / "data") as core:
        added = await core.accounts.add("fake", fake.url, "jane", PASSWORD)
        account_id = added.account_id
        unclear = await core.store.run(_queue_post, account_id, "Tried before")
        await core.store.run(outbox_repo.update, unclear, OutboxState.UNKNOWN)
        plain = await core.store.run(_queue_post, account_id, "Never tried")
        fake.server.tokens.clear()  # the site revoked the app password
        await core.engine.sync_all()
        failed = {i.id: i for i in await core.outbox.items()}
        loop = asyncio.ensure_future(core.engine.run(3600))  # idle after its first pass
        try:
            fake.server.next_token = SECOND_TOKEN
            await core.accounts.reauthenticate(account_id, PASSWORD)
            await _until_sent(core, [unclear, plain])
        finally:
            core.engine.stop()
            await loop
        network = core.networks[account_id]
        keys = {i.id: i.idempotency_key for i in await core.outbox.items()}

    assert (failed[unclear].error_kind, failed[plain].error_kind) == ("auth_unconfirmed", "auth")
    assert explain(failed[plain]).advice == (
        "Sign in again under Accounts: it then goes out by itself."
    )
    writes = [name for name, _ in network.calls if name in ("lookup_write", "publish")]
    assert writes == ["lookup_write", "publish", "publish"]  # the unclear one looked up first
    assert network.calls[0][1] == (keys[unclear],)
    assert [p.key for p in network.published] == [keys[unclear], keys[plain]]  # the same keys
    assert f"signed in again; outbox items {unclear}, {plain} go out again" in caplog.text
    assert PASSWORD not in caplog.text and SECOND_TOKEN not in caplog.text


def _queue_post(db, account_id: str, title: str) -> int:
    return outbox_repo.enqueue(db, OutboxKind.PUBLISH, account_id, "Body", title=title)


async def _until_sent(core: Core, item_ids: list[int]) -> None:
    """Wait (at most 10 s) until every item is sent, re-reading at each outbox change."""
    changed = asyncio.Event()
    unsubscribe = core.events.subscribe(
        lambda event: changed.set() if isinstance(event, ev.OutboxChanged) else None
    )
    try:
        async with asyncio.timeout(10):
            while True:
                changed.clear()
                states = {i.id: i.state for i in await core.outbox.items()}
                if all(states[i] is OutboxState.SENT for i in item_ids):
                    return
                await changed.wait()
    finally:
        unsubscribe()


async def test_a_real_account_replaces_the_running_sandbox_at_once(
    tmp_path, fake, memory_keyring, sandbox_server
) -> None:
    sandbox = {"sandbox_url": sandbox_server.url, "sandbox_token": sandbox_server.token}
    core = await open_core(tmp_path / "data", **sandbox)
    try:
        running = await status_of(core, "sandbox")
        added = await core.accounts.add("fake", fake.url, "jane", PASSWORD)
        idle = await status_of(core, "sandbox")
        reports = await core.engine.sync_all()
    finally:
        await core.close()
    assert running.state is State.CONNECTED
    assert (idle.state, idle.label) == (State.IDLE, "Not running")
    assert idle.reason.startswith("The built-in sandbox runs only while no real account")
    assert [r.account_id for r in reports] == [added.account_id]


async def test_remove_account_deletes_its_data_secret_and_unsent_items(
    tmp_path, fake, memory_keyring, sandbox_server
) -> None:
    data_dir = tmp_path / "data"
    core = await open_core(data_dir, sandbox_url=sandbox_server.url, sandbox_token="t")
    try:
        added = await core.accounts.add("fake", fake.url, "jane", PASSWORD)
        account_id = added.account_id
        await core.engine.pull(account_id)
        connector = core.networks[account_id]
        ids = [c.id for c in await core.store.read(comments_repo.get_comments, [1, 2])]
        await core.replies.queue(ids, "Thanks {first_name}!")
        draft = await core.drafts.new("Hello", "Body")
        preview = await core.accounts.removal_preview(account_id)

        sentence = await core.accounts.remove(account_id)

        left = await core.store.read(_rows_of, account_id)
        targets = (await core.store.read(drafts.get, draft)).targets
        assert account_id not in core.networks and "sandbox" not in core.networks
    finally:
        await core.close()
    assert (preview.comments, preview.posts, preview.people, preview.unsent) == (2, 1, 2, 2)
    assert preview.has_secret and preview.signs_out and preview.network_name == "FakeNet"
    assert sentence == (
        f"Removed {added.name}: 2 comments and 1 post deleted from this computer; "
        "2 unsent outbox items cancelled. Signed out of FakeNet: the sign-in Fireside saved "
        "no longer works there."
    )
    assert left == {t: 0 for t in _TABLES}
    assert targets == ()  # the sandbox stopped being an account to post to when fake came
    assert memory_keyring.entries == {}
    assert connector.closed
    assert "POST /fake/logout" in fake.server.requests
    assert TOKEN not in fake.server.tokens
    async with httpx.AsyncClient() as client:
        old_token = await client.get(
            f"{fake.url}/fake/me", headers={"Authorization": f"Bearer {TOKEN}"}
        )
    assert old_token.status_code == 401


@pytest.mark.usefixtures("memory_keyring")
@pytest.mark.parametrize(
    "failure",
    ["unreachable", "expired", "slow", "secret missing", "blocked by policy"],
)
async def test_removal_completes_when_signing_out_fails_and_says_how_to_revoke(
    tmp_path, fake, monkeypatch, caplog, failure
) -> None:
    caplog.set_level(logging.DEBUG)
    data_dir = tmp_path / "data"
    url = fake.closed_url if failure == "unreachable" else fake.url
    await store_account(data_dir, stored_account(url=url))
    if failure != "secret missing":
        secrets.set_secret("fake-1", TOKEN)
    if failure == "expired":
        fake.server.tokens.clear()  # the server let the sign-in expire
    if failure == "slow":
        monkeypatch.setattr(manager, "SIGN_OUT_DEADLINE_S", 0.2)
    if failure == "blocked by policy":
        install_policy(monkeypatch, BlockedNetworks=["fake"])
    async with opened(data_dir) as core:
        preview = await core.accounts.removal_preview("fake-1")
        held = fake.server.hold() if failure == "slow" else None
        try:
            sentence = await core.accounts.remove("fake-1")
        finally:
            if held is not None:
                held.set()
        assert await core.accounts.list() == []

    reason = {
        "unreachable": "the server could not be reached",
        "expired": "the server no longer accepted the saved sign-in: it may have expired",
        "slow": "the server did not answer in time",
        "secret missing": "its saved sign-in was no longer in the keyring",
        "blocked by policy": "your organisation does not allow Fireside to connect to it",
    }[failure]
    assert sentence == (
        "Removed fake.example: 0 comments and 0 posts deleted from this computer. Fireside "
        f"could not sign out of FakeNet on the server ({reason}), so the sign-in it saved there "
        "may still work. To revoke it by hand, open Profile → Security on your FakeNet site "
        "and revoke the app password."
    )
    assert preview.signs_out is (failure != "blocked by policy")
    assert secrets.get_secret("fake-1") is None
    assert TOKEN not in caplog.text
    if failure in ("secret missing", "blocked by policy"):
        assert fake.server.requests == [], "nothing to sign out with, or not allowed to"


async def test_a_network_with_nothing_to_revoke_is_removed_without_signing_out(
    tmp_path, fake, memory_keyring, monkeypatch
) -> None:
    monkeypatch.setattr(sys.modules["fake_account_kind"], "KIND", replace(KIND, sign_out=None))
    async with opened(tmp_path / "data") as core:
        added = await core.accounts.add("fake", fake.url, "jane", PASSWORD)
        preview = await core.accounts.removal_preview(added.account_id)
        sentence = await core.accounts.remove(added.account_id)
    assert not preview.signs_out
    assert sentence == f"Removed {added.name}: 0 comments and 0 posts deleted from this computer."
    assert TOKEN in fake.server.tokens
    assert not [r for r in fake.server.requests if r.startswith("POST")]


async def test_removing_needs_no_keyring_for_the_sandbox_and_survives_a_broken_one(
    tmp_path, fake, memory_keyring, use_keyring
) -> None:
    async with opened(tmp_path / "data") as core:
        added = await core.accounts.add("fake", fake.url, "jane", PASSWORD)
        use_keyring(fail.Keyring())
        sentence = await core.accounts.remove(added.account_id)
        assert await core.accounts.list() == []
        with pytest.raises(UserError, match="no longer exists"):
            await core.accounts.remove(added.account_id)
    assert "could not be removed from the keyring" in sentence
    assert "gnome-keyring" in sentence


async def test_removing_the_account_of_a_queued_draft_makes_it_a_draft_again(
    tmp_path, fake, memory_keyring
) -> None:
    async with opened(tmp_path / "data") as core:
        added = await core.accounts.add("fake", fake.url, "jane", PASSWORD)
        draft = await core.drafts.new("Hello", "Body")
        await core.drafts.publish(draft, [added.account_id])
        assert [i.state for i in await core.outbox.items()] == [OutboxState.QUEUED]

        await core.accounts.remove(added.account_id)

        row = await core.store.read(drafts.get, draft)
        assert await core.outbox.items() == []
    assert row.state == "draft" and row.targets == ()


_TABLES = ("accounts", "comments", "posts", "people", "sync_state", "outbox")


def _rows_of(db, account_id: str) -> dict[str, int]:
    def column(table: str) -> str:
        return "id" if table == "accounts" else "account_id"

    return {
        table: db.execute(
            f"SELECT COUNT(*) FROM {table} WHERE {column(table)} = ?", [account_id]
        ).fetchone()[0]
        for table in _TABLES
    }


# --- the engine while accounts come and go ----------------------------------------------


class GatedNetwork:
    """Pulls endless pages, each held until ``gate`` opens."""

    capabilities = CAPABILITIES

    def __init__(self) -> None:
        self.gate = asyncio.Event()
        self.entered = asyncio.Event()
        self.pages = 0

    async def whoami(self) -> Person:
        return Person("me", "Me")

    async def list_my_posts(self) -> list:
        return []

    async def pull_comments(
        self, cursor: str | None, mode: PullMode = PullMode.ROUTINE
    ) -> CommentPage:
        self.pages += 1
        self.entered.set()
        await self.gate.wait()
        return CommentPage([], next_cursor=str(self.pages), has_more=True)

    async def aclose(self) -> None:
        pass


async def _turns(n: int = 20) -> None:
    """Let every ready task run a few times (no time passes)."""
    for _ in range(n):
        await asyncio.sleep(0)


@pytest.mark.parametrize("change", ["remove", "replace"])
async def test_an_account_removed_or_replaced_mid_pull_stops_after_its_page(
    tmp_path, memory_keyring, change
) -> None:
    async with opened(tmp_path / "data") as core:
        for account_id in ("a", "b"):
            await core.store.run(accounts_repo.add_account, stored_account(account_id=account_id))
        gated = GatedNetwork()
        await core.engine.add_network("a", gated)
        syncing = asyncio.ensure_future(core.engine.sync_all())
        await gated.entered.wait()

        later = GatedNetwork()
        assert await core.engine.add_network("b", later) is None  # mid-pass: fine
        changing = asyncio.ensure_future(
            core.engine.remove_network("a")
            if change == "remove"
            else core.engine.add_network("a", GatedNetwork())
        )
        await _turns()
        assert not changing.done(), "returns only once the old connector is idle"
        gated.gate.set()

        assert await changing is gated
        [report] = await syncing  # the pass that started before "b" came
        assert report.account_id == "a" and report.error is None
        assert gated.pages == 1, "the pull stopped after the page in progress"
        assert sorted(core.networks) == (["b"] if change == "remove" else ["a", "b"])
        assert await core.engine.remove_network("a") is not gated
        assert await core.engine.push_all() == {"b": Counter()}
        later.gate.set()
