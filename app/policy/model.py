"""What IT's managed policy says, once read: values with where each came from.

Policy keys (the same names in the Windows registry under ``Software\\Policies\\Fireside``,
macOS managed preferences for ``com.fireside.Fireside`` and Linux
``/etc/fireside/policy.json``):

====================  ==========================  ===============================================
key                   type                        meaning
====================  ==========================  ===============================================
SandboxEnabled        bool                        offer the built-in sandbox network
AllowedNetworks       list of network ids         only these may be added; the ids are those of
                                                  ``app.networks.registry.NETWORK_IDS``
BlockedNetworks       list of network ids         these may not be added
ProxyUrl              str                         "system", "none" or http(s)://host:port
ExtraCACertificates   list of paths               PEM bundles trusted besides the OS store
SyncIntervalMinutes   int                         minutes between background syncs
Accounts              list of objects             pre-configured accounts: network, base_url,
                                                  name, tenant (Matrix room; unused elsewhere)
Microsoft365TenantId  str                         the Entra tenant (directory id or domain)
                                                  Microsoft 365 sign-ins use
Microsoft365ClientId  str                         the application (client) id of the app
                                                  registration IT made for Fireside
Microsoft365Authority str                         Entra's sign-in host (national clouds);
Host                                              https://login.microsoftonline.com if unset
SlackClientId         str                         the Client ID of the workspace's Slack app
                                                  for Fireside
XClientId             str                         the OAuth 2.0 Client ID of the X app IT
                                                  registered for Fireside
LinkedInClientId      str                         the Client ID of the LinkedIn app IT
                                                  registered for Fireside
MinimumUndo           int, 0 to 120               the least undo-send grace period: a floor,
SendSeconds                                       users may choose a longer one
====================  ==========================  ===============================================

Viva Engage and Teams are the networks ``yammer`` and ``teams``: AllowedNetworks and
BlockedNetworks allow or block each; the Microsoft 365 sign-in offers those allowed.

Top-level values are enforced: the setting is locked in the UI, with the reason. The same
keys under ``Recommended`` are defaults the user may change (only ProxyUrl,
ExtraCACertificates and SyncIntervalMinutes, the settings a user has). Registry types, the
checks and the list of recommendable keys are in ``app.policy.schema``; the sources in
``app.policy.windows``, ``.macos`` and ``.linux``. ``Policy.values`` holds, per key, the
enforced value if any source enforces one, else the recommended one (``locked=False``).
"""

from __future__ import annotations

from typing import Any

import msgspec

from app.networks import registry
from app.networks.connection import ConnectionSettings


class PolicyValue(msgspec.Struct, frozen=True):
    value: Any
    #: Where it came from, for doctor and the UI: "HKLM\\Software\\Policies\\Fireside\\ProxyUrl",
    #: "/etc/fireside/policy.json: ProxyUrl"...
    source: str
    locked: bool = True


class PresetAccount(msgspec.Struct, frozen=True):
    network: str
    base_url: str
    name: str = ""
    tenant: str = ""
    source: str = ""


class Policy(msgspec.Struct, frozen=True):
    """The merged policy in force (highest source wins per key), plus what was refused."""

    values: dict[str, PolicyValue] = msgspec.field(default_factory=dict)
    #: One sentence per malformed file or key, naming the file and the key.
    errors: tuple[str, ...] = ()

    def value(self, key: str, default: Any = None) -> Any:
        entry = self.values.get(key)
        return default if entry is None else entry.value

    def locked(self, key: str) -> str | None:
        """The reason a setting is locked ("Set by your organisation: <source>"), or None."""
        entry = self.values.get(key)
        if entry is None or not entry.locked:
            return None
        return f"Set by your organisation ({entry.source})."

    @property
    def sandbox_enabled(self) -> bool:
        return bool(self.value("SandboxEnabled", True))

    def allows(self, network: str) -> bool:
        """May the user add (and Fireside use) an account on this network?"""
        if registry.is_builtin(network) and not self.sandbox_enabled:
            return False
        allowed = self.value("AllowedNetworks")
        if allowed is not None and network not in allowed:
            return False
        return network not in (self.value("BlockedNetworks") or ())

    @property
    def preset_accounts(self) -> tuple[PresetAccount, ...]:
        entry = self.values.get("Accounts")
        if entry is None:
            return ()
        return tuple(
            PresetAccount(
                network=a["network"],
                base_url=a["base_url"],
                name=a.get("name", ""),
                tenant=a.get("tenant", ""),
                source=entry.source,
            )
            for a in entry.value
        )

    def enforced(self, key: str) -> PolicyValue | None:
        """The value IT enforces for ``key``, or None (absent, or only recommended)."""
        entry = self.values.get(key)
        return entry if entry is not None and entry.locked else None

    def connection(self, user: ConnectionSettings) -> ConnectionSettings:
        """The user's proxy and CA settings, overridden where policy enforces them.

        Recommended values are defaults for settings the user has not chosen: they are
        applied by ``app.settings.effective``, which builds ``user`` from them.
        """
        proxy = self.enforced("ProxyUrl")
        extra_ca_files = self.enforced("ExtraCACertificates")
        return ConnectionSettings(
            proxy=user.proxy if proxy is None else proxy.value,
            extra_ca_files=(
                user.extra_ca_files if extra_ca_files is None else tuple(extra_ca_files.value)
            ),
        )


NO_POLICY = Policy()
