"""What a policy source hands over before any checking: raw values with their origin.

Each source (Windows registry, macOS managed preferences, Linux policy file) implements
:class:`PolicySource`: ``read()`` returns a :class:`Reading`, its raw values highest
first, plus one sentence per thing it could not read at all (a file that is not JSON, a
file anyone may write). :mod:`app.policy.merge` checks the values and picks the winners.
"""

from __future__ import annotations

from typing import Any, Protocol

import msgspec


class Raw(msgspec.Struct, frozen=True):
    key: str
    value: Any
    #: "HKLM\\Software\\Policies\\Fireside\\ProxyUrl", "/etc/fireside/policy.json: ProxyUrl"
    source: str
    #: False for a value under ``Recommended``: a default the user may change.
    locked: bool
    #: The registry value type, or None for a native (JSON or property list) value.
    registry_type: int | None = None


class Reading(msgspec.Struct):
    values: list[Raw] = msgspec.field(default_factory=list)
    errors: list[str] = msgspec.field(default_factory=list)

    def extend(self, other: Reading) -> None:
        self.values += other.values
        self.errors += other.errors


class PolicySource(Protocol):
    def read(self) -> Reading:
        """Every raw value this source holds, highest precedence first."""
        ...


def from_mapping(data: Any, where: str, separator: str = ": ") -> Reading:
    """The values of a JSON object or property-list dictionary: top-level members are
    enforced, members of its ``Recommended`` dictionary are defaults."""
    reading = Reading()
    if not isinstance(data, dict):
        reading.errors.append(
            f"{where}: the policy must be a dictionary of keys and values, not "
            f"{type(data).__name__}; the whole file is ignored."
        )
        return reading
    recommended = data.get("Recommended", {})
    for key, value in data.items():
        if key != "Recommended":
            reading.values.append(Raw(str(key), value, f"{where}{separator}{key}", True))
    if not isinstance(recommended, dict):
        reading.errors.append(
            f"{where}{separator}Recommended: must be a dictionary of keys and values; ignored."
        )
        return reading
    for key, value in recommended.items():
        source = f"{where}{separator}Recommended.{key}"
        reading.values.append(Raw(str(key), value, source, False))
    return reading
