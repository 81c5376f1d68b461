"""Microsoft 365 sign-in through the real MSAL, against the emulated Entra authority over
HTTPS with a private CA (trusted only through policy's extra CA), on the production path:
policy -> AccountManager.add_suite -> MSAL -> keyring -> connectors' TokenSource.

Browser and device-code sign-ins add Viva Engage and Teams from one sign-in, sharing one
keyring entry; tokens refresh silently; an expired refresh token puts both accounts in
"needs sign-in" with their outbox kept; Entra's refusals read in plain words; nothing of
the sign-in reaches the data directory."""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from emulators.microsoft.entra import TENANT_ID
from fixtures.entra_authority import Browser, StandIns
from fixtures.fake_networks import seed

from app import doctor, logs, secrets
from app.accounts import Problem, SignInFailed, State
from app.bootstrap import open_core
from app.core import Core
from app.domain import OutboxState
from app.errors import AuthError, SignInRefused
from app.networks.microsoft import cache as caches
from app.networks.microsoft.errors import EntraReason, refusal
from app.networks.registry import DeviceCode, SignInMethod
from app.policy import schema

BOTH = ("yammer", "teams")


@asynccontextmanager
async def opened(data_dir: Path) -> AsyncIterator[Core]:
    core = await open_core(data_dir, start_sandbox=False)
    try:
        yield core
    finally:
        await core.close()


async def add(core: Core, networks=BOTH, method=SignInMethod.BROWSER, on_code=None, **fields):
    return await core.accounts.add_suite(
        "microsoft365", networks, method, fields, on_code or (lambda code: None)
    )


def tokens_in(data_dir: Path, entra) -> list[str]:
    """Files under the data dir holding an access or refresh token the authority issued."""
    issued = [t for t in entra.book._tokens] + list(entra.refresh_tokens())
    return [
        path.name
        for path in data_dir.rglob("*")
        if path.is_file()
        for token in issued
        if token.encode() in path.read_bytes()
    ]


async def until(condition, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.02)


# --- one sign-in, two accounts -------------------------------------------------------------


async def test_browser_sign_in_adds_viva_engage_and_teams_sharing_one_keyring_entry(
    tmp_path, memory_keyring, entra, entra_policy, browser: Browser, *, stand_ins: StandIns
) -> None:
    entra_policy()
    async with opened(tmp_path) as core:
        outcome = await add(core)
        assert {s.network for s in outcome.statuses} == set(BOTH)
        assert all(s.state is State.CONNECTED for s in outcome.statuses)
        assert {s.username for s in outcome.statuses} == {"dana@contoso.example"}
        accounts = await core.accounts.list()
        entries = {a.settings["sign_in"] for a in accounts}
        assert len(entries) == 1
        # Each connector gets a token of its own API's audience from the one sign-in.
        for network in stand_ins.networks.values():
            await network.whoami()
            assert network.server.seen
    # The person went through the browser once: PKCE S256, form_post to the loopback.
    [authorize] = [q for p, q in entra.requests if p.endswith("/authorize")]
    assert authorize["code_challenge_method"] == "S256"
    assert authorize["response_mode"] == "form_post"
    assert authorize["redirect_uri"].startswith("http://localhost:")
    assert "https://www.yammer.com/access_as_user" in authorize["scope"]
    assert "Authentication complete" in browser.pages[-1]
    # The MSAL cache is in the keyring (in parts), and nowhere in the data dir.
    heads = [k for _, k in memory_keyring.entries if "#" not in k]
    [entry] = [k for k in heads if k.startswith(caches.ENTRY_PREFIX)]
    assert entry == caches.entry_name(entries.pop())
    assert secrets.get_secret(entry)
    assert tokens_in(tmp_path, entra) == []


@pytest.mark.usefixtures("memory_keyring")
async def test_stored_accounts_reconnect_from_the_keyring_and_refresh_silently(
    tmp_path, entra, entra_policy, browser, stand_ins
) -> None:
    entra_policy()
    entra.access_token_ttl = 60  # MSAL refreshes tokens with under 5 minutes left
    async with opened(tmp_path) as core:
        await add(core)
    visits = len(browser.opened)
    async with opened(tmp_path) as core:
        assert {s.state for s in await core.accounts.statuses()} == {State.CONNECTED}
        for network in stand_ins.networks.values():
            await network.whoami()
            await network.whoami()
        seen = [t for n in stand_ins.networks.values() for t in n.server.seen]
        assert len(set(seen)) == len(seen), "each call refreshed its short-lived token"
    assert len(browser.opened) == visits, "no browser: refreshing is silent"
    assert tokens_in(tmp_path, entra) == []


@pytest.mark.usefixtures("memory_keyring", "stand_ins")
async def test_device_code_sign_in_shows_the_code_and_adds_both(
    tmp_path, entra, entra_policy
) -> None:
    entra_policy()
    entra.admin_consent |= {"https://www.yammer.com/access_as_user"}  # IT consented
    codes: list[DeviceCode] = []
    async with opened(tmp_path) as core:
        adding = asyncio.ensure_future(
            add(core, method=SignInMethod.DEVICE_CODE, on_code=codes.append)
        )
        await until(lambda: codes)
        assert codes[0].verification_uri == "https://microsoft.com/devicelogin"
        assert codes[0].user_code in codes[0].message
        entra.approve_device(codes[0].user_code)
        outcome = await adding
        assert {s.network for s in outcome.statuses} == set(BOTH)


@pytest.mark.usefixtures("memory_keyring", "stand_ins")
async def test_device_code_without_consent_for_viva_engage_adds_teams_and_says_why(
    tmp_path, entra, entra_policy
) -> None:
    entra_policy()
    codes: list[DeviceCode] = []
    async with opened(tmp_path) as core:
        adding = asyncio.ensure_future(
            add(core, method=SignInMethod.DEVICE_CODE, on_code=codes.append)
        )
        await until(lambda: codes)
        entra.approve_device(codes[0].user_code)
        outcome = await adding
    assert [s.network for s in outcome.statuses] == ["teams"]
    [why] = outcome.left_out
    assert why.startswith("Viva Engage: Your organisation has not yet allowed Fireside")
    assert "AADSTS65001" in why


@pytest.mark.usefixtures("entra", "stand_ins")
async def test_cancelling_a_browser_sign_in_stops_it_at_once(
    tmp_path, memory_keyring, entra_policy, browser
) -> None:
    entra_policy()
    browser.signs_in = False  # the person never finishes in the browser
    async with opened(tmp_path) as core:
        adding = asyncio.ensure_future(add(core))
        await until(lambda: browser.opened)
        adding.cancel()
        started = time.monotonic()
        with pytest.raises(asyncio.CancelledError):
            await adding
        assert time.monotonic() - started < 5
        assert await core.accounts.list() == []
    assert [k for _, k in memory_keyring.entries] == []


@pytest.mark.usefixtures("memory_keyring", "entra", "stand_ins")
async def test_cancelling_a_device_code_sign_in_stops_the_polling(tmp_path, entra_policy) -> None:
    entra_policy()
    codes: list[DeviceCode] = []
    async with opened(tmp_path) as core:
        adding = asyncio.ensure_future(
            add(core, method=SignInMethod.DEVICE_CODE, on_code=codes.append)
        )
        await until(lambda: codes)
        adding.cancel()
        with pytest.raises(asyncio.CancelledError):
            await adding
        assert await core.accounts.list() == []


# --- when only the person can fix it --------------------------------------------------------


@pytest.mark.usefixtures("memory_keyring", "browser")
async def test_an_expired_refresh_token_needs_sign_in_and_keeps_the_outbox(
    tmp_path, entra, entra_policy, stand_ins
) -> None:
    entra_policy()
    async with opened(tmp_path) as core:
        await add(core)
        teams = next(a for a in await core.accounts.list() if a.network == "teams")
        await seed(core, teams.id, "Town hall", ["Ana Lima", "Ben Okafor"])
        ids = await core.store.read(
            lambda db: [
                r[0] for r in db.execute("SELECT id FROM comments WHERE account_id = ?", [teams.id])
            ]
        )
        await core.replies.queue(ids, "Thanks {first_name}!")
        entra.book.expire_all()
        entra.expire_refresh_tokens()
        for network in stand_ins.networks.values():
            with pytest.raises(AuthError):  # the API refuses the expired access token...
                await network.whoami()
            with pytest.raises(SignInRefused) as raised:  # ...and refreshing fails
                await network.whoami()
            assert raised.value.reason is EntraReason.SIGN_IN_EXPIRED
            assert "AADSTS700082" in str(raised.value)
        # Through the engine: both accounts need sign-in; nothing queued is lost.
        await core.engine.sync_all()
        statuses = {s.network: s for s in await core.accounts.statuses()}
        assert {s.state for s in statuses.values()} == {State.NEEDS_SIGN_IN}
        items = await core.outbox.items()
        assert len(items) == 2 and not any(i.state is OutboxState.SENT for i in items)
        assert stand_ins.networks[teams.id].mine() == []
        # Signing in again (same person) brings both back, with the same keyring entry,
        # and queues again what failed for lack of sign-in: the next sync takes the replies
        # to the network (this stand-in holds no thread, so the pre-send check holds them:
        # what matters is that they went with the new sign-in, without pressing Retry).
        outcome = await core.accounts.reauthenticate_suite(
            teams.id, SignInMethod.BROWSER, lambda code: None
        )
        assert {s.network for s in outcome.statuses} == set(BOTH)
        assert {s.state for s in await core.accounts.statuses()} == {State.CONNECTED}
        again = next(a for a in await core.accounts.list() if a.id == teams.id)
        assert again.settings["sign_in"] == teams.settings["sign_in"]
        assert OutboxState.FAILED not in {i.state for i in await core.outbox.items()}
        await core.engine.sync_all()
        assert {i.state for i in await core.outbox.items()} == {OutboxState.HELD}
        assert not core.engine.refused(teams.id)


@pytest.mark.parametrize(
    ("code", "reason", "words"),
    [
        (50076, EntraReason.MFA_REQUIRED, "multi-factor authentication"),
        (50079, EntraReason.MFA_REQUIRED, "set up multi-factor"),
        (50158, EntraReason.MFA_REQUIRED, "extra security check"),
        (53003, EntraReason.BLOCKED_BY_CONDITIONAL_ACCESS, "Conditional Access"),
        (65004, EntraReason.CANCELLED, "declined the permissions"),
        (50105, EntraReason.NOT_ALLOWED, "not given your account access"),
        (9999999, EntraReason.OTHER, "AADSTS9999999"),
    ],
)
@pytest.mark.usefixtures("browser", "stand_ins")
async def test_entra_refusals_in_the_browser_read_in_plain_words(
    tmp_path, memory_keyring, entra, entra_policy, code, *, reason, words
) -> None:
    entra_policy()
    entra.refuse_next_authorize(code)
    async with opened(tmp_path) as core:
        with pytest.raises(SignInFailed) as failed:
            await add(core)
        assert await core.accounts.list() == []
    found = failed.value.diagnosis
    assert found.problem is Problem.REFUSED
    assert words in found.summary + found.advice + found.detail
    if reason is not EntraReason.OTHER:
        assert found.detail == f"AADSTS{code}"
    assert [k for _, k in memory_keyring.entries] == []


@pytest.mark.usefixtures("memory_keyring", "stand_ins")
async def test_wrong_tenant_unknown_app_and_missing_service_in_plain_words(
    tmp_path, entra, entra_policy, browser
) -> None:
    entra_policy(Microsoft365TenantId="nosuch.example")
    async with opened(tmp_path) as core:
        with pytest.raises(SignInFailed) as failed:
            await add(core)
    assert failed.value.diagnosis.detail == "AADSTS90002"
    assert "does not know the organisation" in failed.value.diagnosis.summary

    # An app id the tenant does not know: Entra shows its error page in the browser and
    # never comes back (the person cancels); with a device code it answers Fireside.
    entra_policy(Microsoft365ClientId="0d0d0d0d-1111-2222-3333-444444444444")
    codes: list[DeviceCode] = []
    async with opened(tmp_path) as core:
        adding = asyncio.ensure_future(add(core))
        await until(browser.finished.is_set)
        assert "AADSTS700016" in browser.pages[-1]
        adding.cancel()
        with pytest.raises(asyncio.CancelledError):
            await adding
        with pytest.raises(SignInFailed) as failed:
            await add(core, method=SignInMethod.DEVICE_CODE, on_code=codes.append)
    assert "not registered" in failed.value.diagnosis.summary
    assert codes == []

    entra_policy()
    entra.refused_scopes["https://www.yammer.com/access_as_user"] = 500011
    async with opened(tmp_path) as core:
        outcome = await add(core)
    assert [s.network for s in outcome.statuses] == ["teams"]
    assert "not set up in your organisation" in outcome.left_out[0]


@pytest.mark.usefixtures("memory_keyring", "stand_ins")
async def test_device_code_needs_public_client_flows(tmp_path, entra, entra_policy) -> None:
    entra_policy()
    entra.public_client_flows = False
    codes: list[DeviceCode] = []
    async with opened(tmp_path) as core:
        adding = asyncio.ensure_future(
            add(core, ("teams",), SignInMethod.DEVICE_CODE, codes.append)
        )
        await until(lambda: codes)
        with pytest.raises(SignInFailed) as failed:
            await adding
    assert "public client flows" in failed.value.diagnosis.summary


@pytest.mark.usefixtures("memory_keyring", "stand_ins", "monkeypatch")
async def test_without_a_client_id_nothing_is_sent_and_it_says_ask_it(
    tmp_path, entra, entra_policy, browser
) -> None:
    policy = entra_policy()
    del policy.values["Microsoft365ClientId"]
    async with opened(tmp_path) as core:
        with pytest.raises(SignInFailed) as failed:
            await add(core, authority_host=entra.base_url)
    assert "no Microsoft 365 app registration" in failed.value.diagnosis.summary
    assert browser.opened == []
    assert not any(p.endswith("/token") for p, _ in entra.requests)


def test_codes_outside_error_codes_are_read_from_the_description() -> None:
    words = refusal({"error": "invalid_grant", "error_description": "AADSTS70043: expired"})
    assert words.reason is EntraReason.SIGN_IN_EXPIRED
    assert refusal({"error": "expired_token"}).reason is EntraReason.CODE_EXPIRED
    assert refusal({"error": "invalid_grant"}).reason is EntraReason.SIGN_IN_EXPIRED


# --- policy, and removing -------------------------------------------------------------------


@pytest.mark.usefixtures("memory_keyring", "entra")
async def test_policy_presets_lock_the_tenant_and_allow_or_block_each_service(
    tmp_path, entra_policy
) -> None:
    entra_policy(BlockedNetworks=["yammer"])
    async with opened(tmp_path) as core:
        offer = next(o for o in await core.accounts.suites() if o.id == "microsoft365")
        assert offer.allowed == ("teams",)
        blocked = next(n for n in offer.networks if n.network == "yammer")
        assert "does not allow Viva Engage" in blocked.reason
        tenant = next(f for f in offer.fields if f.key == "tenant")
        assert tenant.value == TENANT_ID and tenant.locked
        with pytest.raises(SignInFailed) as failed:
            await add(core, ("yammer",))
        assert failed.value.diagnosis.problem is Problem.BLOCKED
    entra_policy(AllowedNetworks=["wordpress"])
    async with opened(tmp_path) as core:
        assert await core.accounts.suites() == []


@pytest.mark.usefixtures("entra", "browser", "stand_ins")
async def test_the_shared_sign_in_goes_with_the_last_account(
    tmp_path, memory_keyring, entra_policy
) -> None:
    entra_policy()
    async with opened(tmp_path) as core:
        first, second = (await add(core)).statuses
        await core.accounts.remove(first.account_id)
        assert any(k.startswith(caches.ENTRY_PREFIX) for _, k in memory_keyring.entries)
        assert (await core.accounts.check(second.account_id)).ok
        await core.accounts.remove(second.account_id)
    assert list(memory_keyring.entries) == []


@pytest.mark.usefixtures("memory_keyring", "browser", "stand_ins")
async def test_doctor_shows_each_accounts_scopes_and_expiry_never_a_token(
    tmp_path, entra, entra_policy
) -> None:
    policy = entra_policy()
    async with opened(tmp_path) as core:
        await add(core)
        for network in await core.accounts.list():
            await core.accounts.check(network.id)
    report = await asyncio.to_thread(doctor.collect, tmp_path, None, policy, tmp_path / "s.json")
    text = doctor.render_text(report)
    assert text.count("Microsoft 365 sign-in: dana@contoso.example; refresh token kept") == 2
    assert "scopes: Channel.ReadBasic.All, ChannelMessage.Read.All" in text
    assert "scopes: https://www.yammer.com/access_as_user" in text
    assert "access token expires" in text
    issued = [*entra.book._tokens, *entra.refresh_tokens()]
    assert not [token for token in issued if token in text or token in json.dumps(report)]


@pytest.mark.parametrize(
    ("key", "value", "words"),
    [
        ("Microsoft365TenantId", "not a tenant!", "is not a tenant"),
        ("Microsoft365ClientId", "fireside", "is not an application (client) ID"),
        ("Microsoft365AuthorityHost", "http://login.example.com", "is not an https://"),
    ],
)
def test_policy_refuses_microsoft_values_that_cannot_work(key, value, words) -> None:
    with pytest.raises(schema.Refused, match=re.escape(words)):
        schema.check(key, value)
    assert schema.check("Microsoft365TenantId", " contoso.com ").value == "contoso.com"


@pytest.mark.usefixtures("memory_keyring", "stand_ins")
async def test_a_device_code_that_expires_says_start_again(tmp_path, entra, entra_policy) -> None:
    entra_policy()
    entra.device_code_ttl = 0.5
    codes: list[DeviceCode] = []
    async with opened(tmp_path) as core:
        with pytest.raises(SignInFailed) as failed:
            await add(core, ("teams",), SignInMethod.DEVICE_CODE, codes.append)
    assert codes, "the code was shown before it expired"
    assert "code expired" in failed.value.diagnosis.summary


@pytest.mark.usefixtures("memory_keyring", "browser", "stand_ins")
async def test_a_verbose_log_holds_no_code_or_token(tmp_path, entra, entra_policy) -> None:
    entra_policy()
    with logs.to_file(tmp_path, verbose=True) as log_file:
        async with opened(tmp_path) as core:
            await add(core)
    text = log_file.read_text()
    assert "HTTP Request: POST" in text  # the log is there, and detailed
    issued = [*entra.book._tokens, *entra.refresh_tokens()]
    codes = [q["code"] for p, q in entra.requests if p.endswith("/token") and "code" in q]
    assert codes and not [secret for secret in issued + codes if secret in text]
