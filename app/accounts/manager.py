"""AccountManager: every account's connection, from start-up to removal.

At start (``connect_stored``, or ``start`` when the policy is known only after the
window's first paint) each stored real account is connected with its secret from the OS
keyring; one that cannot be (network forbidden by policy, no usable keyring, secret
missing, bad proxy or CA setting) stays unconnected and its status says why. Later:

    test(...)            sign in with what the user typed; a Diagnosis, nothing stored
    check(account_id)    does the saved sign-in still work?
    add(...)             sign in -> secret to the keyring -> account row -> connector in the
                         running SyncEngine -> the built-in sandbox stops being synced (a
                         real account replaces it, as at the next start) -> first sync woken
    reauthenticate(...)  a new secret replaces the old; settings updated and the account's
                         items that failed for lack of sign-in queued again, in one
                         transaction, while no connector of the account is in the engine
                         (so none goes out with the old sign-in); then the new
                         connector, and a sync woken to send them
    remove(account_id)   the engine stops using it; it is signed out on the server (best
                         effort); its local data and its secret go
    suites(), add_suite(...), reauthenticate_suite(...)
                         one online sign-in (Microsoft 365) for several accounts
                         (``app.accounts.suite_signin``, mixed in)
    places(...), choose_places(...)
                         the Teams channels and Viva Engage communities an account
                         reads and posts to (``app.accounts.places``, mixed in)

Keyring calls can block (D-Bus, an unlock prompt), so they run on a worker thread. Once a
sign-in has succeeded, storing its result is shielded from cancellation: a closed dialog
never leaves a secret without its account, or an account half-added.

Accounts a suite added together share one keyring entry (``registry.secret_entry``):
signing in again replaces it for all of them, and it goes with the last of them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Callable, Mapping, MutableMapping
from typing import TYPE_CHECKING

from msgspec.structs import replace

from app import events as ev
from app import secrets
from app.accounts import diagnosis as dx
from app.accounts import removal
from app.accounts.address import host_of, normalize_url, same_address
from app.accounts.places import AccountPlaces
from app.accounts.status import (
    NOT_CONNECTED_PROBLEMS,
    AccountStatus,
    Connection,
    State,
    network_name,
    preset_for,
    preset_status,
    sandbox_off,
    status_of,
    unusable,
)
from app.accounts.suite_signin import SuiteSignIns
from app.domain import Account, OutboxItem
from app.errors import (
    AuthError,
    FiresideError,
    OfflineError,
    SecretStoreError,
    TlsError,
    UserError,
)
from app.events import Events
from app.networks import registry
from app.networks.base import Network
from app.networks.registry import NetworkKind, SignIn
from app.policy import NO_POLICY, Policy, PresetAccount
from app.store import accounts as accounts_repo
from app.store import outbox as outbox_repo
from app.store.db import Store
from app.store.sql import Database
from app.sync.engine import SyncEngine
from app.text import plural

if TYPE_CHECKING:  # httpx loads with the first client, after the window's first paint
    import httpx

log = logging.getLogger(__name__)

ClientFactory = Callable[[], "httpx.AsyncClient"]
#: The longest signing out on the server may hold up a removal (a few requests).
SIGN_OUT_DEADLINE_S = 30.0


class AccountManager(SuiteSignIns, AccountPlaces):
    """Accounts for one Core. ``networks`` is the Core's (and the engine's) dict of
    connectors by account id; it changes only through the engine's add/remove."""

    def __init__(
        self,
        store: Store,
        engine: SyncEngine,
        events: Events,
        networks: MutableMapping[str, Network],
        *,
        policy: Policy | None,
        client: ClientFactory,
    ) -> None:
        self._store = store
        self._engine = engine
        self._events = events
        self._networks = networks
        self._policy = NO_POLICY if policy is None else policy
        #: Makes the HTTP client of one sign-in or connector (proxy and CAs from policy).
        self._client_factory = client
        self._connections: dict[str, Connection] = {}
        #: Set once the policy is known (``policy`` None: ``start`` brings it); what the
        #: Accounts dialog and the status bar read waits for it.
        self._started = asyncio.Event()
        if policy is not None:
            self._started.set()

    async def start(self, policy: Policy, accounts: list[Account]) -> None:
        """The policy in force is known now (read after the window's first paint):
        connect every stored account under it, then answer whoever waited."""
        self._policy = policy
        try:
            await self.connect_stored(accounts)
        finally:
            self._started.set()

    # --- start-up ---------------------------------------------------------------------
    async def connect_stored(self, accounts: list[Account]) -> None:
        """Connect every stored real account (the built-in sandbox is connected by
        ``app.bootstrap``)."""
        for account in accounts:
            if account.id not in self._networks and not registry.is_builtin(account.network):
                await self._connect_stored(account)

    async def _connect_stored(self, account: Account) -> None:
        problem = self._not_usable(account.network)
        if problem is not None:
            self._connections[account.id] = problem
            return
        if registry.is_by_hand(account.network):
            await self._connect(account, "")  # no sign-in, no secret
            return
        try:
            secret = await asyncio.to_thread(secrets.get_secret, registry.secret_entry(account))
        except SecretStoreError as exc:
            self._connections[account.id] = Connection(False, State.ERROR, str(exc))
            return
        if secret is None:
            self._connections[account.id] = Connection(
                False,
                State.NEEDS_SIGN_IN,
                "Sign in again: the saved password is not in the keyring any more.",
            )
            return
        await self._connect(account, secret)

    def refusal(self, network: str) -> str | None:
        """Why accounts on ``network`` may not be added now (policy blocks it...), or None."""
        problem = self._not_usable(network)
        return None if problem is None else problem.reason

    async def connect_by_hand(self, account: Account) -> None:
        """Connect a site bridged by hand, just stored by its first import (it has no
        sign-in); policy may block the bridge like any network. Like any real account it
        replaces the built-in sandbox."""
        await self._connect_stored(account)
        await self._retire_builtin()

    def _not_usable(self, network: str) -> Connection | None:
        """Why accounts on this network cannot be connected at all, or None."""
        return unusable(self._policy, network)

    async def _connect(self, account: Account, secret: str) -> None:
        """Build the account's connector and hand it to the engine (replacing any)."""
        try:
            client = self._client_factory()
        except UserError as exc:  # a proxy or CA file from settings or policy is wrong
            self._connections[account.id] = Connection(False, State.ERROR, str(exc))
            return
        try:
            network = registry.build_network(account, secret, client)
        except Exception as exc:
            await client.aclose()
            log.warning("could not set up the connector of account %s", account.id)
            reason = dx.clean(str(exc) or type(exc).__name__, (secret,))
            self._connections[account.id] = Connection(
                False, State.ERROR, f"Fireside could not set up this account ({reason})."
            )
            return
        replaced = await self._engine.add_network(account.id, network)
        if replaced is not None:
            await replaced.aclose()
        self._connections.pop(account.id, None)

    # --- what the dialog shows --------------------------------------------------------
    async def kinds(self) -> list[NetworkKind]:
        """The networks the user may add accounts on: known to this Fireside and allowed.
        (Their modules are imported on first use, off the event loop.)"""
        await self._started.wait()
        return await asyncio.to_thread(self._kinds)

    def _kinds(self) -> list[NetworkKind]:
        offered = []
        for network in registry.NETWORK_IDS:
            if self._not_usable(network) is None:
                net_kind = registry.kind(network)
                if not net_kind.builtin and not net_kind.suite and not net_kind.by_hand:
                    offered.append(net_kind)
        return offered

    async def keyring_problem(self) -> str | None:
        """None when secrets can be kept, else what to do to get a usable keyring."""
        return await asyncio.to_thread(secrets.backend_problem)

    async def statuses(self) -> list[AccountStatus]:
        """Every stored account, then every account policy pre-configures not added yet."""
        await self._started.wait()
        accounts = await self._store.read(accounts_repo.list_accounts)
        rows = [
            status_of(
                account,
                network_name=self._network_name(account.network),
                connection=self._connection(account),
                refused=self._engine.refused(account.id),
                preset=preset_for(self._policy, account.network, account.base_url),
                extra=self._extra_of(account),
            )
            for account in accounts
        ]
        for preset in self._policy.preset_accounts:
            if not any(
                a.network == preset.network and same_address(a.base_url, preset.base_url)
                for a in accounts
            ):
                name = self._network_name(preset.network)
                rows.append(preset_status(preset, name, self._preset_extra(preset)))
        return rows

    async def list(self) -> list[Account]:
        """The stored accounts; one that is not connected through no choice of the user's
        carries why in ``last_sync_error``, so views of sync problems show it."""
        await self._started.wait()
        accounts = await self._store.read(accounts_repo.list_accounts)
        shown = []
        for account in accounts:
            connection = self._connection(account)
            problem = connection.state in NOT_CONNECTED_PROBLEMS
            shown.append(
                replace(account, last_sync_error=connection.reason) if problem else account
            )
        return shown

    def _connection(self, account: Account) -> Connection:
        if account.id in self._networks:
            return Connection(True)
        if registry.is_builtin(account.network):
            return sandbox_off(self._policy)
        return self._connections.get(
            account.id, Connection(False, State.ERROR, "Not connected: restart Fireside.")
        )

    def _network_name(self, network: str) -> str:
        return network_name(network)

    def _extra_of(self, account: Account) -> dict[str, str]:
        try:
            fields = registry.kind(account.network).extra_fields
        except (UserError, ImportError):
            return {}
        return {f.key: str(account.settings.get(f.key, "")) for f in fields}

    def _preset_extra(self, preset: PresetAccount) -> dict[str, str]:
        """A preset's tenant fills the network's first extra field (the Matrix room)."""
        try:
            fields = registry.kind(preset.network).extra_fields
        except (UserError, ImportError):
            return {}
        return {fields[0].key: preset.tenant} if fields and preset.tenant else {}

    # --- testing ------------------------------------------------------------------------
    async def test(
        self,
        network: str,
        base_url: str,
        username: str,
        password: str,
        extra: Mapping[str, str] | None = None,
    ) -> dx.Diagnosis:
        """Sign in with what the user typed and say how it went; nothing is stored.
        ``extra`` holds the form's network-specific fields (Matrix room...)."""
        try:
            net_kind, base_url, fields = self._form(network, base_url, extra or {})
        except dx.SignInFailed as refused:
            return refused.diagnosis
        try:
            signed = await self._sign_in(
                net_kind, base_url, username, password, fields, testing=True
            )

        except dx.SignInFailed as failed:
            return failed.diagnosis
        problem = await self.keyring_problem()
        if problem is not None:
            return dx.keyring_unusable(problem)
        return dx.signed_in(host_of(base_url), signed.display_name, signed.username or username)

    async def check(self, account_id: str) -> dx.Diagnosis:
        """Does the saved sign-in of a stored account still work?"""
        account = await self._account(account_id)
        network = self._networks.get(account_id)
        if network is None:
            status = next(s for s in await self.statuses() if s.account_id == account_id)
            return dx.Diagnosis(dx.Problem.INVALID, "This account is not connected.", status.reason)
        import httpx  # loaded with the account's connector

        try:
            person = await network.whoami()
        except (FiresideError, httpx.HTTPError) as exc:
            return dx.diagnose(exc, account.base_url, self._wording(account.network))
        return dx.signed_in(host_of(account.base_url), person.name, account.username)

    # --- adding and signing in again ---------------------------------------------------
    async def add(
        self,
        network: str,
        base_url: str,
        username: str,
        password: str,
        extra: Mapping[str, str] | None = None,
        *,
        name: str = "",
    ) -> AccountStatus:
        """Sign in and keep the account; SignInFailed (with its Diagnosis) when that fails.
        ``name`` is what Fireside calls it (default: policy's name for it, else the host)."""
        net_kind, base_url, fields = self._form(network, base_url, extra or {})
        await self._refuse_duplicate(network, base_url, username)
        await self._require_keyring()
        signed = await self._sign_in(net_kind, base_url, username, password, fields)
        preset = preset_for(self._policy, network, base_url)
        account = Account(
            f"{network}-{uuid.uuid4().hex[:12]}",
            network,
            name.strip() or (preset.name if preset else "") or host_of(base_url),
            base_url,
            signed.username or username.strip(),
            settings={**fields, **signed.settings},
        )
        await asyncio.shield(self._keep_new(account, signed.secret))
        return await self._status(account.id)

    async def reauthenticate(self, account_id: str, password: str) -> AccountStatus:
        """Sign in again with a new password; the new secret replaces the old one."""
        account = await self._account(account_id)
        if registry.is_builtin(account.network):
            raise UserError("The built-in sandbox signs in by itself; there is nothing to do.")
        if registry.is_by_hand(account.network):
            raise UserError("A site bridged by hand has no sign-in; there is nothing to do.")
        net_kind, _, extra = self._form(account.network, account.base_url, self._extra_of(account))
        # Signing in again also hands over what the account kept (Matrix: its device id, so
        # the outbox's transaction ids stay valid on the same device).
        extra = {**{k: str(v) for k, v in account.settings.items()}, **extra}
        await self._require_keyring()
        signed = await self._sign_in(net_kind, account.base_url, account.username, password, extra)
        updated = replace(
            account,
            username=signed.username or account.username,
            settings={**account.settings, **signed.settings},
        )
        await asyncio.shield(self._keep_new_secret(updated, signed.secret))
        return await self._status(account_id)

    def _form(
        self, network: str, base_url: str, extra: Mapping[str, str]
    ) -> tuple[NetworkKind, str, dict[str, str]]:
        """The kind, canonical address and extra fields of a form; SignInRefused if the
        form cannot be sent as it is."""
        problem = self._not_usable(network)
        if problem is not None:
            if problem.state is State.BLOCKED:
                raise dx.SignInFailed(dx.blocked(self._network_name(network), problem.reason))
            raise dx.SignInFailed(dx.invalid(problem.reason))
        net_kind = registry.kind(network)
        try:
            url = normalize_url(base_url, net_kind.url_label.lower())
        except UserError as exc:
            raise dx.SignInFailed(dx.invalid(str(exc))) from None
        values = {f.key: (extra.get(f.key) or "").strip() for f in net_kind.extra_fields}
        missing = [f.label for f in net_kind.extra_fields if f.required and not values[f.key]]
        if missing:
            raise dx.SignInFailed(dx.invalid(f"Fill in {', '.join(missing)}."))
        return net_kind, url, {k: v for k, v in values.items() if v}

    async def _refuse_duplicate(self, network: str, base_url: str, username: str) -> None:
        for account in await self._store.read(accounts_repo.list_accounts):
            if (
                account.network == network
                and same_address(account.base_url, base_url)
                and account.username.casefold() == username.strip().casefold()
            ):
                raise dx.SignInFailed(
                    dx.invalid(
                        f"{username.strip()} on {host_of(base_url)} is already added. "
                        "Choose it in the list and Sign in again instead."
                    )
                )

    async def _require_keyring(self) -> None:
        problem = await self.keyring_problem()
        if problem is not None:
            raise dx.SignInFailed(dx.keyring_unusable(problem))

    async def _sign_in(
        self,
        net_kind: NetworkKind,
        base_url: str,
        username: str,
        password: str,
        extra: dict,
        *,
        testing: bool = False,
    ) -> SignIn:
        """The network's sign-in with a client of its own; SignInFailed when it fails.
        ``testing``: only to check the credentials, leaving nothing on the server."""
        wording = dx.Wording.of(net_kind)
        if not username.strip() or not password:
            raise dx.SignInFailed(
                dx.invalid(
                    f"Fill in the {wording.username_label.lower()} and the "
                    f"{wording.password_label.lower()}."
                )
            )
        try:
            client = self._client_factory()
        except UserError as exc:
            raise dx.SignInFailed(dx.invalid(str(exc))) from None
        import httpx  # loaded by the client factory

        try:
            sign_in = (testing and net_kind.test_sign_in) or net_kind.sign_in
            return await sign_in(client, base_url, username.strip(), password, extra)
        except (FiresideError, httpx.HTTPError) as exc:
            found = dx.diagnose(exc, base_url, wording, (password,))
            log.info("sign-in to %s failed: %s", host_of(base_url), found.problem)
            raise dx.SignInFailed(found) from None
        finally:
            await client.aclose()

    async def _keep_new(self, account: Account, secret: str) -> None:
        await self._store_secret(account.id, secret)
        try:
            await self._store.run(accounts_repo.add_account, account)
        except BaseException:
            with contextlib.suppress(SecretStoreError):
                await asyncio.to_thread(secrets.delete_secret, account.id)
            raise
        await self._connect(account, secret)
        await self._retire_builtin()
        self._engine.wake()

    async def _retire_builtin(self) -> None:
        """A real account replaces the built-in sandbox: stop syncing it, as the next start
        would not run it, so its status says it is not running instead of connected."""
        for account in await self._store.read(accounts_repo.list_accounts):
            if registry.is_builtin(account.network) and account.id in self._networks:
                connector = await self._engine.remove_network(account.id)
                if connector is not None:
                    await connector.aclose()
                log.info("account %s: not synced any more; a real account replaces it", account.id)

    async def _keep_new_secret(self, account: Account, secret: str) -> None:
        await self._store_secret(account.id, secret)
        await self._reconnect_signed_in(account, secret)

    async def _reconnect_signed_in(self, account: Account, secret: str) -> None:
        """An account signed in again (its secret stored): new settings, its items that
        failed for lack of sign-in queued again, the new connector."""
        # Out of the engine first: a push with the old sign-in would fail the items again
        # the moment they are queued.
        old = await self._engine.remove_network(account.id)
        try:
            requeued = await self._store.run(_signed_in_again, account)
        except BaseException:
            if old is not None:  # nothing was stored: go on as before
                await self._engine.add_network(account.id, old)
            raise
        if requeued:
            log.info(
                "account %s: signed in again; outbox items %s go out again",
                account.id,
                ", ".join(str(item.id) for item in requeued),
            )
        if old is not None:
            await old.aclose()
        await self._connect(account, secret)
        if requeued:
            self._events.emit(ev.OutboxChanged(item_id=None))
        self._engine.wake()

    async def _store_secret(self, account_id: str, secret: str) -> None:
        try:
            await asyncio.to_thread(secrets.set_secret, account_id, secret)
        except SecretStoreError as exc:
            raise dx.SignInFailed(dx.keyring_unusable(str(exc))) from None

    async def set_language(self, account_id: str, language: str | None) -> None:
        """Spell check replies from the account in ``language`` (None: the system's)."""
        await self._account(account_id)  # UserError when it does not exist
        await self._store.run(accounts_repo.set_language, account_id, language)

    # --- removing -----------------------------------------------------------------------
    async def removal_preview(self, account_id: str) -> removal.RemovalPreview:
        account = await self._account(account_id)
        stored = await self._store.read(removal.counts, account_id)
        return removal.RemovalPreview(
            account_id,
            account.name,
            self._network_name(account.network),
            stored.comments,
            stored.posts,
            stored.people,
            stored.unsent,
            stored.notes,
            has_secret=not (
                registry.is_builtin(account.network) or registry.is_by_hand(account.network)
            ),
            signs_out=(
                self._signing_out(account.network) is not None
                and self._policy.allows(account.network)
            ),
        )

    async def remove(self, account_id: str) -> str:
        """Stop syncing the account, sign it out on the server, delete its local data and
        its secret; returns sentences saying what was removed.

        Signing out is best effort: when it fails (server unreachable, sign-in expired or
        refused, secret unreadable) the account is removed all the same, and the sentences
        say that the sign-in may still work on the server and how to revoke it by hand. If
        deleting the local data then fails, the account stays, and needs signing in again
        when the sign-out went through."""
        account = await self._account(account_id)
        connector = await self._engine.remove_network(account_id)
        signed_out = await self._sign_out(account)
        try:
            comments, posts, _, unsent, _ = await self._store.run(
                removal.delete_account_data, account_id
            )
        except BaseException:
            if connector is not None:  # nothing was deleted: keep syncing it
                await self._engine.add_network(account_id, connector)
            raise
        if connector is not None:
            await connector.aclose()
        self._connections.pop(account_id, None)
        sentence = (
            f"Removed {account.name}: {plural.count(comments, 'comment')} and "
            f"{plural.count(posts, 'post')} deleted from this computer"
        )
        if unsent:
            sentence += f"; {plural.count(unsent, 'unsent outbox item')} cancelled"
        sentence += "." + signed_out
        keeps_secret = not (
            registry.is_builtin(account.network) or registry.is_by_hand(account.network)
        )
        if keeps_secret and not await self._shares_secret(account):
            try:
                await asyncio.to_thread(secrets.delete_secret, registry.secret_entry(account))
            except SecretStoreError as exc:
                sentence += f" Its password could not be removed from the keyring: {exc}"
        for event in (ev.InboxChanged(), ev.DraftsChanged(), ev.OutboxChanged()):
            self._events.emit(event)
        self._engine.wake()
        return sentence

    def _signing_out(self, network: str) -> NetworkKind | None:
        """The kind of a network whose accounts are signed out on the server when removed;
        None for a network this build lacks, or one with nothing to revoke (the sandbox)."""
        try:
            net_kind = registry.kind(network)
        except (UserError, ImportError):
            return None
        return net_kind if net_kind.sign_out is not None else None

    async def _sign_out(self, account: Account) -> str:
        """Revoke the account's credential on the server (best effort); a sentence to add
        to the removal's summary, starting with a space ("" when there is nothing to do)."""
        net_kind = self._signing_out(account.network)
        if net_kind is None or net_kind.sign_out is None:
            return ""
        name = net_kind.display_name
        secret = ""
        try:
            if not self._policy.allows(account.network):
                reason = "your organisation does not allow Fireside to connect to it"
            elif secret := await asyncio.to_thread(_saved_secret, registry.secret_entry(account)):
                client = self._client_factory()
                try:
                    async with asyncio.timeout(SIGN_OUT_DEADLINE_S):
                        await net_kind.sign_out(client, account, secret)
                finally:
                    await client.aclose()
                return f" Signed out of {name}: the sign-in Fireside saved no longer works there."
            else:
                reason = "its saved sign-in was no longer in the keyring"
        except Exception as exc:  # best effort: nothing may stop the removal
            log.warning("could not sign out account %s: %s", account.id, type(exc).__name__)
            reason = dx.clean(_why_not_signed_out(exc), (secret,))
        return (
            f" Fireside could not sign out of {name} on the server ({reason}), so the sign-in "
            f"it saved there may still work. To revoke it by hand, {net_kind.revoke_by_hand}"
        )

    async def _shares_secret(self, account: Account) -> bool:
        """Does another stored account use this account's keyring entry (a suite's)?"""
        return bool(await self._siblings(account, include_self=False))

    async def _siblings(
        self, account: Account, *, include_self: bool = True
    ) -> tuple[Account, ...]:
        """The stored accounts whose secret is in the same keyring entry as ``account``'s."""
        entry = registry.secret_entry(account)
        return tuple(
            a
            for a in await self._store.read(accounts_repo.list_accounts)
            if registry.secret_entry(a) == entry and (include_self or a.id != account.id)
        )

    # --- helpers ------------------------------------------------------------------------
    async def _account(self, account_id: str) -> Account:
        for account in await self._store.read(accounts_repo.list_accounts):
            if account.id == account_id:
                return account
        raise UserError("That account no longer exists; it may have been removed.")

    async def _status(self, account_id: str) -> AccountStatus:
        return next(s for s in await self.statuses() if s.account_id == account_id)

    def _wording(self, network: str) -> dx.Wording:
        try:
            return dx.Wording.of(registry.kind(network))
        except (UserError, ImportError):
            return dx.Wording(service=self._network_name(network))


def _signed_in_again(db: Database, account: Account) -> list[OutboxItem]:
    """Store the account's new settings; the failure the old sign-in left is history, and
    the items it failed go again (returned)."""
    accounts_repo.update_account(db, account)
    db.execute("UPDATE accounts SET last_sync_error = NULL WHERE id = ?", [account.id])
    return outbox_repo.requeue_signed_out(db, account.id)


def _saved_secret(account_id: str) -> str:
    """The account's secret in the keyring, "" when none is saved (runs off the loop)."""
    return secrets.get_secret(account_id) or ""


def _why_not_signed_out(exc: Exception) -> str:
    """Why signing out on the server failed, as a clause of the removal's summary."""
    if isinstance(exc, TlsError):
        return "the server's certificate is not trusted"
    if isinstance(exc, OfflineError):
        return "the server could not be reached"
    if isinstance(exc, TimeoutError):
        return "the server did not answer in time"
    if isinstance(exc, AuthError):
        return "the server no longer accepted the saved sign-in: it may have expired"
    if isinstance(exc, SecretStoreError):
        return "the keyring could not be read"
    if isinstance(exc, FiresideError):  # the network's own words (a refusal, a proxy...)
        return str(exc).strip().rstrip(".")
    return f"an unexpected {type(exc).__name__}"
