"""What the Accounts dialog offers for a suite's online sign-in (Microsoft 365), and what
one sign-in added.

A :class:`SuiteOffer` lists the suite's networks, each allowed or blocked by policy (with
why), and its fields with what policy preset and locked. A :class:`SuiteOutcome` is what
adding through the suite did: the accounts kept, and per network left out, why.
"""

from __future__ import annotations

import msgspec

from app.accounts.status import AccountStatus
from app.networks.registry import SignInMethod


class NetworkChoice(msgspec.Struct, frozen=True):
    network: str
    display_name: str
    allowed: bool
    #: Why it cannot be chosen ("" when it can).
    reason: str = ""


class FieldValue(msgspec.Struct, frozen=True):
    key: str
    label: str
    placeholder: str
    value: str = ""
    #: Why policy locks it ("Set by your organisation (...)."), or None.
    locked: str | None = None


class SuiteOffer(msgspec.Struct, frozen=True):
    id: str
    display_name: str
    help: str
    networks: tuple[NetworkChoice, ...]
    fields: tuple[FieldValue, ...]
    #: The ways this sign-in can reach the person (``Suite.methods``).
    methods: tuple[SignInMethod, ...] = (SignInMethod.BROWSER, SignInMethod.DEVICE_CODE)

    @property
    def allowed(self) -> tuple[str, ...]:
        return tuple(n.network for n in self.networks if n.allowed)


class SuiteOutcome(msgspec.Struct, frozen=True):
    statuses: tuple[AccountStatus, ...]
    #: One sentence per network asked for that was not added, saying why.
    left_out: tuple[str, ...] = ()
