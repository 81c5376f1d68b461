"""Adding accounts through a suite's online sign-in (Microsoft 365), for AccountManager.

    suites()                   the online sign-ins on offer, with policy's presets and
                               which of their networks policy allows
    add_suite(...)             one sign-in (browser or device code) adds an account per
                               network that signed in; the others are named, with why
    reauthenticate_suite(...)  sign in again for every account that sign-in made

The accounts of one sign-in share one keyring entry (``registry.secret_entry``): it is
written once, before the accounts, and replaced for all of them when signing in again.
AccountManager mixes this in; it provides the store, engine, policy, client factory and
the helpers used here (``_not_usable``, ``_connect``, ``_store_secret``...).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

from msgspec.structs import replace

from app import secrets
from app.accounts import diagnosis as dx
from app.accounts.suites import FieldValue, NetworkChoice, SuiteOffer, SuiteOutcome
from app.domain import Account
from app.errors import FiresideError, SecretStoreError, UserError
from app.networks import registry
from app.networks.registry import (
    DeviceCode,
    SignInMethod,
    Suite,
    SuiteRequest,
    SuiteSignIn,
)
from app.store import accounts as accounts_repo

if TYPE_CHECKING:  # httpx loads with the first client, after the first paint
    import httpx

    from app.accounts.status import AccountStatus, Connection
    from app.policy import Policy
    from app.store.db import Store
    from app.sync.engine import SyncEngine

log = logging.getLogger(__name__)


class SuiteSignIns:
    """The suite half of AccountManager (see the module's docstring)."""

    if TYPE_CHECKING:  # what AccountManager provides
        _store: Store
        _engine: SyncEngine
        _policy: Policy
        _client_factory: Callable[[], httpx.AsyncClient]

        def _not_usable(self, network: str) -> Connection | None: ...
        def _network_name(self, network: str) -> str: ...
        async def _require_keyring(self) -> None: ...
        async def _status(self, account_id: str) -> AccountStatus: ...
        async def _account(self, account_id: str) -> Account: ...
        async def _siblings(
            self, account: Account, *, include_self: bool = True
        ) -> tuple[Account, ...]: ...
        async def _connect(self, account: Account, secret: str) -> None: ...
        async def _store_secret(self, account_id: str, secret: str) -> None: ...
        async def _reconnect_signed_in(self, account: Account, secret: str) -> None: ...
        async def _retire_builtin(self) -> None: ...

    async def suites(self) -> list[SuiteOffer]:
        """The online sign-ins on offer: each suite with a network policy allows."""
        return await asyncio.to_thread(self._suites)

    def _suites(self) -> list[SuiteOffer]:
        offers = []
        for suite_id in registry.SUITE_IDS:
            suite = registry.suite(suite_id)
            choices = []
            for network in suite.networks:
                problem = self._not_usable(network)
                choices.append(
                    NetworkChoice(
                        network,
                        self._network_name(network),
                        problem is None,
                        problem.reason if problem else "",
                    )
                )
            if not any(c.allowed for c in choices):
                continue
            presets = suite.presets(self._policy)
            fields = tuple(
                FieldValue(f.key, f.label, f.placeholder, *presets.get(f.key, ("", None)))
                for f in suite.fields
            )
            offers.append(
                SuiteOffer(
                    suite.id, suite.display_name, suite.help, tuple(choices), fields, suite.methods
                )
            )
        return offers

    async def add_suite(
        self,
        suite_id: str,
        networks: Sequence[str],
        method: SignInMethod,
        fields: Mapping[str, str],
        on_device_code: Callable[[DeviceCode], None],
    ) -> SuiteOutcome:
        """Sign in once and keep an account per network of the suite that signed in;
        SignInFailed (with its Diagnosis) when none did. ``on_device_code`` shows the
        code of a device-code sign-in (called on the event loop)."""
        suite, chosen, values = await self._suite_form(suite_id, networks, fields)
        if method not in suite.methods:
            raise dx.SignInFailed(dx.invalid(f"{suite.display_name} signs in in the browser."))
        await self._require_keyring()
        signed = await self._suite_sign_in(suite, chosen, method, values, on_device_code)
        stored = await self._store.read(accounts_repo.list_accounts)
        accounts, left_out = [], list(signed.refused.values())
        for made in signed.accounts:
            if any(
                a.network == made.network and a.username.casefold() == made.username.casefold()
                for a in stored
            ):
                name = self._network_name(made.network)
                left_out.append(f"{name}: {made.username} is already added.")
                continue
            accounts.append(
                Account(
                    f"{made.network}-{uuid.uuid4().hex[:12]}",
                    made.network,
                    made.username or self._network_name(made.network),
                    made.base_url,
                    made.username,
                    settings=dict(made.settings),
                )
            )
        if not accounts:
            raise dx.SignInFailed(dx.invalid(" ".join(left_out) or "Nothing was added."))
        await asyncio.shield(self._keep_suite(accounts, signed.secret_entry, signed.secret))
        statuses = [await self._status(a.id) for a in accounts]
        return SuiteOutcome(tuple(statuses), tuple(left_out))

    async def reauthenticate_suite(
        self,
        account_id: str,
        method: SignInMethod,
        on_device_code: Callable[[DeviceCode], None],
    ) -> SuiteOutcome:
        """Sign in again for the account and every account the same sign-in made; the
        new token cache replaces the old for all of them. The person must sign in as the
        same user: another one is refused, nothing changed."""
        account = await self._account(account_id)
        suite_id = registry.kind(account.network).suite
        siblings = await self._siblings(account)
        settings = {k: str(v) for k, v in account.settings.items()}
        suite, chosen, values = await self._suite_form(
            suite_id, [a.network for a in siblings], settings, locked_ok=True
        )
        await self._require_keyring()
        signed = await self._suite_sign_in(
            suite,
            chosen,
            method,
            values,
            on_device_code,
            login_hint=account.username,
            secret_entry=registry.secret_entry(account),
        )
        users = {made.username.casefold() for made in signed.accounts}
        if users and users != {account.username.casefold()}:
            raise dx.SignInFailed(
                dx.invalid(
                    f"You signed in as {', '.join(sorted(users))}, but this account is "
                    f"{account.username}. Sign in as {account.username}, or add the other "
                    "account separately."
                )
            )
        made = {m.network: m for m in signed.accounts}
        updated = [
            replace(a, settings={**a.settings, **made[a.network].settings})
            for a in siblings
            if a.network in made
        ]
        if not updated:
            raise dx.SignInFailed(dx.invalid(" ".join(signed.refused.values())))
        await asyncio.shield(self._keep_suite_again(updated, signed.secret_entry, signed.secret))
        statuses = [await self._status(a.id) for a in updated]
        return SuiteOutcome(tuple(statuses), tuple(signed.refused.values()))

    async def _suite_form(
        self,
        suite_id: str,
        networks: Sequence[str],
        fields: Mapping[str, str],
        *,
        locked_ok: bool = False,
    ) -> tuple[Suite, tuple[str, ...], dict[str, str]]:
        """The suite, the networks to sign in to, and its fields (policy's locked values
        win); SignInFailed when the form cannot be sent as it is."""
        offer = next((o for o in await self.suites() if o.id == suite_id), None)
        if offer is None:
            raise dx.SignInFailed(
                dx.blocked(suite_id, "Your organisation allows none of its services.")
            )
        suite = registry.suite(suite_id)
        refused = [c for c in offer.networks if c.network in networks and not c.allowed]
        if refused and not locked_ok:
            raise dx.SignInFailed(dx.blocked(refused[0].display_name, refused[0].reason))
        chosen = tuple(n for n in offer.allowed if n in networks)
        if not chosen:
            raise dx.SignInFailed(dx.invalid("Choose at least one service to add."))
        values = {k: v.strip() for k, v in fields.items() if v and v.strip()}
        for key, (value, locked) in suite.presets(self._policy).items():
            if locked or key not in values:  # what IT enforces wins; the rest are defaults
                values[key] = value
        for key, value in values.items():
            problem = suite.field_problem(key, value)
            if problem is not None:
                raise dx.SignInFailed(dx.invalid(problem[0].upper() + problem[1:] + "."))
        return suite, chosen, values

    async def _suite_sign_in(
        self,
        suite: Suite,
        networks: tuple[str, ...],
        method: SignInMethod,
        fields: dict[str, str],
        on_device_code: Callable[[DeviceCode], None],
        *,
        login_hint: str = "",
        secret_entry: str = "",
    ) -> SuiteSignIn:
        import httpx  # with the sign-in, not with every start (its client is one)

        try:
            client = self._client_factory()
        except UserError as exc:
            raise dx.SignInFailed(dx.invalid(str(exc))) from None
        request = SuiteRequest(
            client, networks, method, fields, on_device_code, login_hint, secret_entry
        )
        try:
            return await suite.sign_in(request)
        except (FiresideError, httpx.HTTPError) as exc:
            found = dx.diagnose(exc, suite.display_name, dx.Wording(service=suite.display_name))
            log.info("%s sign-in failed: %s", suite.id, found.problem)
            raise dx.SignInFailed(found) from None
        finally:
            await client.aclose()

    async def _keep_suite(self, accounts: list[Account], entry: str, secret: str) -> None:
        await self._store_secret(entry, secret)
        added: list[Account] = []
        try:
            for account in accounts:
                await self._store.run(accounts_repo.add_account, account)
                added.append(account)
        except BaseException:
            if not added:  # no account uses the sign-in: it must not stay in the keyring
                with contextlib.suppress(SecretStoreError):
                    await asyncio.to_thread(secrets.delete_secret, entry)
            raise
        for account in accounts:
            await self._connect(account, secret)
        await self._retire_builtin()
        self._engine.wake()

    async def _keep_suite_again(self, accounts: list[Account], entry: str, secret: str) -> None:
        await self._store_secret(entry, secret)
        for account in accounts:
            await self._reconnect_signed_in(account, secret)
