"""Each account's state as the Accounts dialog and the status bar show it, and why.

A stored account is connected, needs sign-in (its secret is missing, or its network
refused it), has an error (no usable keyring, a bad proxy or CA setting, a network this
Fireside cannot connect to, or the last sync failed), is blocked by policy, or, for the
built-in sandbox once real accounts exist, is idle. Each account that policy pre-configures
and that is not added yet is listed as not signed in yet, its address locked.

What decides a state without connecting (``unusable``, ``sandbox_off``, ``network_name``)
lives here, so ``fireside doctor``, which never connects, says what the dialog says.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Mapping

import msgspec

from app.accounts.address import same_address
from app.domain import Account
from app.errors import UserError
from app.networks import registry
from app.policy import Policy, PresetAccount

log = logging.getLogger(__name__)


class State(enum.StrEnum):
    CONNECTED = "connected"
    NEEDS_SIGN_IN = "needs_sign_in"
    NOT_SIGNED_IN = "not_signed_in"  # pre-configured by policy, not added yet
    ERROR = "error"
    BLOCKED = "blocked"  # policy does not allow its network
    IDLE = "idle"  # the built-in sandbox, once real accounts exist


STATE_LABELS = {
    State.CONNECTED: "Connected",
    State.NEEDS_SIGN_IN: "Needs sign-in",
    State.NOT_SIGNED_IN: "Not signed in yet",
    State.ERROR: "Error",
    State.BLOCKED: "Blocked by policy",
    State.IDLE: "Not running",
}
#: States in which an account is not synced through no choice of the user's.
NOT_CONNECTED_PROBLEMS = (State.NEEDS_SIGN_IN, State.ERROR, State.BLOCKED)


class AccountStatus(msgspec.Struct, frozen=True):
    """One row of the Accounts dialog. ``account_id`` is None for a preset not added yet."""

    account_id: str | None
    network: str
    network_name: str
    name: str
    base_url: str
    username: str
    state: State
    #: Why it is not connected, or what failed, in plain words ("" when all is well).
    reason: str = ""
    last_sync_at: str | None = None
    #: The reason the address is locked ("Set by your organisation (...)."), or None.
    locked: str | None = None
    #: Extra fields prefilled (and locked, with ``locked``) by policy.
    extra: dict[str, str] = msgspec.field(default_factory=dict)
    #: On Fireside's own network (the sandbox), which signs in by itself.
    builtin: bool = False
    #: The suite whose online sign-in adds and signs in this account ("" : a password).
    suite: str = ""
    #: The language replies from it are spell checked in; None: the system's.
    language: str | None = None

    @property
    def label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def can_sign_in(self) -> bool:
        return not self.builtin and self.state is not State.BLOCKED


class Connection(msgspec.Struct, frozen=True):
    """What start-up or the last change found about one stored account."""

    connected: bool
    #: When not connected: why, and in which state that leaves the account.
    state: State = State.CONNECTED
    reason: str = ""


def status_of(
    account: Account,
    *,
    network_name: str,
    connection: Connection,
    refused: bool,
    preset: PresetAccount | None,
    extra: Mapping[str, str],
) -> AccountStatus:
    """The status of a stored account; ``refused``: its network refused the saved sign-in."""
    state, reason = connection.state, connection.reason
    if connection.connected and refused:
        state = State.NEEDS_SIGN_IN
        reason = f"{network_name} no longer accepts the saved sign-in. Choose Sign in again."
    elif connection.connected and account.last_sync_error:
        state, reason = State.ERROR, f"The last sync failed: {account.last_sync_error}"
    return AccountStatus(
        account.id,
        account.network,
        network_name,
        account.name,
        account.base_url,
        account.username,
        state,
        reason,
        account.last_sync_at,
        locked=_locked(preset),
        extra=dict(extra),
        builtin=registry.is_builtin(account.network),
        suite=_suite_of(account.network),
        language=account.language,
    )


def network_name(network: str) -> str:
    """The network's name for people ("WordPress"); its id when this build lacks it."""
    try:
        return registry.kind(network).display_name
    except (UserError, ImportError):
        return network


def unusable(policy: Policy, network: str) -> Connection | None:
    """Why accounts on this network cannot be connected at all (policy forbids it, or this
    Fireside cannot connect to it), or None."""
    if not policy.allows(network):
        source = policy.locked("AllowedNetworks") or policy.locked("BlockedNetworks")
        return Connection(
            False,
            State.BLOCKED,
            f"Your organisation does not allow {network_name(network)} accounts. " + (source or ""),
        )
    try:
        registry.kind(network)
    except (UserError, ImportError) as exc:
        log.warning("no connector for %s accounts: %s", network, exc)
        return Connection(
            False, State.ERROR, f"This version of Fireside cannot connect to {network}."
        )
    return None


def sandbox_off(policy: Policy) -> Connection:
    """The built-in sandbox when it does not run: turned off by policy, or idle because a
    real account is set up."""
    if not policy.sandbox_enabled:
        return Connection(
            False,
            State.BLOCKED,
            "Your organisation turned the built-in sandbox off. "
            + (policy.locked("SandboxEnabled") or ""),
        )
    return Connection(
        False,
        State.IDLE,
        "The built-in sandbox runs only while no real account is set up. Remove it to "
        "clear its sample posts and comments.",
    )


def _suite_of(network: str) -> str:
    try:
        return registry.kind(network).suite
    except (UserError, ImportError):
        return ""


def preset_status(
    preset: PresetAccount, network_name: str, extra: Mapping[str, str]
) -> AccountStatus:
    return AccountStatus(
        None,
        preset.network,
        network_name,
        preset.name or network_name,
        preset.base_url,
        "",
        State.NOT_SIGNED_IN,
        "Your organisation set this account up: sign in to complete it.",
        locked=_locked(preset),
        extra=dict(extra),
        builtin=registry.is_builtin(preset.network),
    )


def preset_for(policy: Policy, network: str, base_url: str) -> PresetAccount | None:
    """The policy's pre-configured account at this address, if any."""
    return next(
        (
            p
            for p in policy.preset_accounts
            if p.network == network and same_address(p.base_url, base_url)
        ),
        None,
    )


def _locked(preset: PresetAccount | None) -> str | None:
    if preset is None:
        return None
    return f"Set by your organisation ({preset.source or 'managed policy'})."
