"""From raw values to the Policy in force: check each, and let the highest source win.

Sources are read highest first. For each key the first *valid* enforced value wins; a key
no source enforces takes the first valid recommended value. A value that fails its check
is refused with one sentence naming its source and key, and the next source's value (if
any) is used instead: one typo never disables the rest of the policy.
"""

from __future__ import annotations

from collections.abc import Iterable

from app.policy.model import Policy, PolicyValue
from app.policy.raw import PolicySource, Raw, Reading
from app.policy.schema import KEYS, Checked, Refused, check, check_registry


def load_from(sources: Iterable[PolicySource]) -> Policy:
    """The merged policy of ``sources`` (highest first), with every error found."""
    reading = Reading()
    for source in sources:
        reading.extend(source.read())
    errors = list(reading.errors)
    values: dict[str, PolicyValue] = {}
    for raw in sorted(reading.values, key=lambda r: not r.locked):  # stable: keeps the order
        checked = _checked(raw, errors)
        if checked is None:
            continue
        errors += [f"{raw.source}: {problem}." for problem in checked.dropped]
        values.setdefault(raw.key, PolicyValue(checked.value, raw.source, raw.locked))
    return Policy(values=values, errors=tuple(errors))


def _checked(raw: Raw, errors: list[str]) -> Checked | None:
    key = KEYS.get(raw.key)
    if key is None:
        known = ", ".join(KEYS)
        errors.append(f"{raw.source}: not a Fireside policy key (known: {known}); ignored.")
        return None
    if not raw.locked and not key.recommendable:
        errors.append(
            f"{raw.source}: this key can only be enforced, not recommended (move it out "
            "of Recommended); ignored."
        )
        return None
    try:
        if raw.registry_type is None:
            return check(raw.key, raw.value)
        return check_registry(raw.key, raw.value, raw.registry_type)
    except Refused as exc:
        errors.append(f"{raw.source}: {exc}; ignored.")
        return None
