"""Windows: policy in the registry under ``Software\\Policies\\Fireside``, HKLM then HKCU.

Top-level values are enforced; values in the ``Recommended`` sub-key are defaults the user
may change. Value names are case-insensitive, as everywhere in the registry. Values may be
REG_DWORD (flags, minutes), REG_SZ (text; lists comma-separated;
``Accounts`` as a JSON array) or REG_MULTI_SZ (lists, one entry per string). The registry
is reached through the small :class:`Registry` seam: :class:`WinRegistry` wraps ``winreg``
(64-bit view, read-only), and tests fill a fake with the same two methods.
"""

from __future__ import annotations

import sys
from typing import Any, Protocol

from app.policy.raw import Raw, Reading
from app.policy.schema import KEYS, RECOMMENDED

POLICY_KEY = r"Software\Policies\Fireside"
#: Machine policy first: it outranks the user's.
HIVES = ("HKLM", "HKCU")
#: Registry value names are case-insensitive: "proxyurl" is ProxyUrl.
_CANONICAL = {name.lower(): name for name in KEYS}


class Registry(Protocol):
    def values(self, hive: str, path: str) -> dict[str, tuple[Any, int]] | None:
        """``{name: (data, value type)}`` of the key ``hive\\path``; None if it is absent."""
        ...


class WinRegistry:
    """The real registry, read through ``winreg`` (Windows only)."""

    def values(self, hive: str, path: str) -> dict[str, tuple[Any, int]] | None:
        if sys.platform != "win32":
            raise OSError("the Windows registry exists only on Windows")
        import winreg

        root = {"HKLM": winreg.HKEY_LOCAL_MACHINE, "HKCU": winreg.HKEY_CURRENT_USER}[hive]
        access = winreg.KEY_READ | winreg.KEY_WOW64_64KEY
        try:
            key = winreg.OpenKey(root, path, 0, access)
        except FileNotFoundError:
            return None
        found: dict[str, tuple[Any, int]] = {}
        with key:
            index = 0
            while True:
                try:
                    name, data, value_type = winreg.EnumValue(key, index)
                except OSError:  # no more values
                    return found
                found[name] = (data, value_type)
                index += 1


class RegistrySource:
    """HKLM then HKCU, each with its enforced values before its recommended ones."""

    def __init__(self, registry: Registry) -> None:
        self._registry = registry

    def read(self) -> Reading:
        reading = Reading()
        for hive in HIVES:
            for path, locked in ((POLICY_KEY, True), (rf"{POLICY_KEY}\{RECOMMENDED}", False)):
                try:
                    values = self._registry.values(hive, path) or {}
                except OSError as exc:
                    reading.errors.append(
                        f"{hive}\\{path}: cannot be read ({exc}); this part of the policy "
                        "is ignored."
                    )
                    continue
                for name, (data, value_type) in values.items():
                    source = f"{hive}\\{path}\\{name}"
                    key = _CANONICAL.get(name.lower(), name)
                    reading.values.append(Raw(key, data, source, locked, value_type))
        return reading
