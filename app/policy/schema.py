"""Every policy key, the value it must hold, and how a raw value becomes a checked one.

Sources hand over raw values: native ones from JSON and property lists, or registry data
with its value type. :func:`check` turns one into the value the app uses, or raises
:class:`Refused` with one sentence saying what is wrong. List entries that are wrong
(an unknown network id, a missing CA file, an account without ``base_url``) are dropped
one by one and reported, so the rest of the list still applies: an ``AllowedNetworks``
with one typo still restricts the others instead of allowing everything.
"""

from __future__ import annotations

import json
from enum import Enum
from typing import Any
from urllib.parse import urlsplit

import msgspec

from app.networks import client_ids
from app.networks.connection import ca_file_problem, proxy_problem
from app.networks.microsoft.config import (
    authority_host_problem,
    client_id_problem,
    tenant_problem,
)
from app.networks.registry import NETWORK_IDS

#: Windows registry value types (winreg's numbers; winreg itself exists only on Windows).
REG_SZ, REG_DWORD, REG_MULTI_SZ = 1, 4, 7
REGISTRY_TYPE_NAMES = {
    REG_SZ: "REG_SZ",
    2: "REG_EXPAND_SZ",
    3: "REG_BINARY",
    REG_DWORD: "REG_DWORD",
    REG_MULTI_SZ: "REG_MULTI_SZ",
    11: "REG_QWORD",
}

#: Bounds of SyncIntervalMinutes (and of the user's own setting): a minute to a week.
MIN_SYNC_MINUTES, MAX_SYNC_MINUTES = 1, 7 * 24 * 60
#: Bounds of the undo-send grace period, MinimumUndoSendSeconds and the user's own
#: setting (0 sends at once).
MAX_UNDO_SEND_SECONDS = 120
#: The sub-key (registry) or member (JSON, plist) holding defaults the user may change.
RECOMMENDED = "Recommended"
ACCOUNT_MEMBERS = ("network", "base_url", "name", "tenant")


class Kind(Enum):
    FLAG = "bool"
    MINUTES = "int"
    PROXY = "proxy URL"
    NETWORKS = "list of network ids"
    FILES = "list of paths"
    ACCOUNTS = "list of accounts"
    TENANT = "tenant id or domain"
    CLIENT_ID = "application (client) id"
    AUTHORITY = "https address"
    SLACK_CLIENT_ID = "Slack app Client ID"
    X_CLIENT_ID = "X app OAuth 2.0 Client ID"
    LINKEDIN_CLIENT_ID = "LinkedIn app Client ID"
    SECONDS = "seconds"


class Key(msgspec.Struct, frozen=True):
    kind: Kind
    #: May it appear under ``Recommended`` (a default the user may change in Settings)?
    recommendable: bool
    #: Registry value types Fireside reads for it (the first is what the ADMX writes).
    registry_types: tuple[int, ...]


KEYS: dict[str, Key] = {
    "SandboxEnabled": Key(Kind.FLAG, False, (REG_DWORD, REG_SZ)),
    "AllowedNetworks": Key(Kind.NETWORKS, False, (REG_MULTI_SZ, REG_SZ)),
    "BlockedNetworks": Key(Kind.NETWORKS, False, (REG_MULTI_SZ, REG_SZ)),
    "ProxyUrl": Key(Kind.PROXY, True, (REG_SZ,)),
    "ExtraCACertificates": Key(Kind.FILES, True, (REG_MULTI_SZ, REG_SZ)),
    "SyncIntervalMinutes": Key(Kind.MINUTES, True, (REG_DWORD, REG_SZ)),
    "Accounts": Key(Kind.ACCOUNTS, False, (REG_SZ, REG_MULTI_SZ)),
    "Microsoft365TenantId": Key(Kind.TENANT, False, (REG_SZ,)),
    "Microsoft365ClientId": Key(Kind.CLIENT_ID, False, (REG_SZ,)),
    "Microsoft365AuthorityHost": Key(Kind.AUTHORITY, False, (REG_SZ,)),
    client_ids.SLACK.policy_key: Key(Kind.SLACK_CLIENT_ID, False, (REG_SZ,)),
    client_ids.X.policy_key: Key(Kind.X_CLIENT_ID, False, (REG_SZ,)),
    client_ids.LINKEDIN.policy_key: Key(Kind.LINKEDIN_CLIENT_ID, False, (REG_SZ,)),
    #: Enforced, a floor: users may choose a longer grace period, not a shorter one.
    "MinimumUndoSendSeconds": Key(Kind.SECONDS, False, (REG_DWORD, REG_SZ)),
}
#: Number kinds: (least, most, unit).
_NUMBERS = {
    Kind.MINUTES: (MIN_SYNC_MINUTES, MAX_SYNC_MINUTES, "minutes"),
    Kind.SECONDS: (0, MAX_UNDO_SEND_SECONDS, "seconds"),
}
#: How each text kind is checked: a function saying why a value is wrong, or None.
_TEXT_CHECKS = {
    Kind.TENANT: tenant_problem,
    Kind.CLIENT_ID: client_id_problem,
    Kind.AUTHORITY: authority_host_problem,
    Kind.SLACK_CLIENT_ID: client_ids.SLACK.problem,
    Kind.X_CLIENT_ID: client_ids.X.problem,
    Kind.LINKEDIN_CLIENT_ID: client_ids.LINKEDIN.problem,
}


class Refused(ValueError):
    """The whole value is unusable; the message says why (without the source)."""


class Checked(msgspec.Struct, frozen=True):
    """A usable value, and one sentence per list entry that was dropped."""

    value: Any
    dropped: tuple[str, ...] = ()


def check(name: str, raw: Any) -> Checked:
    """The checked value of key ``name`` from a native (JSON or plist) value."""
    kind = KEYS[name].kind
    if kind is Kind.FLAG:
        if isinstance(raw, bool) or raw in (0, 1):
            return Checked(bool(raw))
        raise Refused(f"{_shown(raw)} is not true or false (or 1 or 0)")
    if kind in _NUMBERS:
        low, high, unit = _NUMBERS[kind]
        if isinstance(raw, int) and not isinstance(raw, bool) and low <= raw <= high:
            return Checked(raw)
        raise Refused(f"{_shown(raw)} is not a whole number of {unit} from {low} to {high}")
    if kind in _TEXT_CHECKS:
        return _checked_text(kind, raw)
    if kind is Kind.PROXY:
        if not isinstance(raw, str):
            raise Refused(f"{_shown(raw)} is not text")
        problem = proxy_problem(raw.strip())
        if problem is not None:
            raise Refused(problem)
        return Checked(raw.strip())
    return _check_list(kind, _list_of(raw, dict if kind is Kind.ACCOUNTS else str))


def _checked_text(kind: Kind, raw: Any) -> Checked:
    """A text value (tenant, client id, authority host), checked by its kind's rule."""
    if not isinstance(raw, str):
        raise Refused(f"{_shown(raw)} is not text")
    problem = _TEXT_CHECKS[kind](raw.strip())
    if problem is not None:
        raise Refused(problem)
    return Checked(raw.strip())


def check_registry(name: str, data: Any, value_type: int) -> Checked:
    """The checked value of key ``name`` from registry data of ``value_type``."""
    key = KEYS[name]
    if value_type not in key.registry_types:
        expected = " or ".join(REGISTRY_TYPE_NAMES[t] for t in key.registry_types)
        got = REGISTRY_TYPE_NAMES.get(value_type, f"registry type {value_type}")
        raise Refused(f"is a {got} value; it must be {expected}")
    if value_type == REG_SZ and (key.kind is Kind.FLAG or key.kind in _NUMBERS):
        text = data.strip().lower()
        if key.kind is Kind.FLAG and text in ("true", "false"):
            return check(name, text == "true")
        if not text.isdigit():
            raise Refused(f"{_shown(data)} is not a number")
        return check(name, int(text))
    if key.kind is Kind.ACCOUNTS:
        lines = [data] if value_type == REG_SZ else list(data)
        parsed = [_json(line) for line in lines if line.strip()]
        if value_type == REG_SZ:
            return check(name, parsed[0] if parsed else [])
        return check(name, parsed)
    if value_type == REG_SZ and key.kind in (Kind.NETWORKS, Kind.FILES):
        return check(name, [part for part in data.split(",") if part.strip()])
    return check(name, data)


def _json(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError as exc:
        raise Refused(f"is not valid JSON ({exc})") from exc


def _list_of(raw: Any, item_type: type) -> list:
    if not isinstance(raw, list):
        raise Refused(f"{_shown(raw)} is not a list")
    wrong = [item for item in raw if not isinstance(item, item_type)]
    if wrong:
        what = "an object" if item_type is dict else "text"
        raise Refused(f"the entry {_shown(wrong[0])} is not {what}")
    return raw


def _check_list(kind: Kind, items: list) -> Checked:
    kept: list[Any] = []
    dropped: list[str] = []
    for number, item in enumerate(items, 1):
        if kind is Kind.ACCOUNTS:
            problem, extra = _account_problem(item), _unknown_members(item)
            if extra:
                dropped.append(f"account {number} has unknown members {extra} (ignored)")
            entry: Any = {k: item[k] for k in ACCOUNT_MEMBERS if k in item}
        else:
            entry = item.strip()
            if kind is Kind.NETWORKS:
                entry = entry.lower()
                problem = (
                    None
                    if entry in NETWORK_IDS
                    else f"{entry!r} is not a network id (known: {', '.join(NETWORK_IDS)})"
                )
            else:
                problem = ca_file_problem(entry)
        if problem is None:
            kept.append(entry)
        else:
            dropped.append(f"{problem}; that entry is ignored")
    return Checked(kept, tuple(dropped))


def _account_problem(account: dict) -> str | None:
    network, base_url = account.get("network"), account.get("base_url")
    if network not in NETWORK_IDS:
        return (
            f"account {_shown(account)} has network {_shown(network)}, not one of "
            f"{', '.join(NETWORK_IDS)}"
        )
    if not isinstance(base_url, str) or not base_url.strip():
        return f"account {_shown(account)} has no base_url"
    try:
        parts = urlsplit(base_url)
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        return f"account {_shown(account)} has base_url {base_url!r}, not an http(s) URL"
    wrong = [k for k in ("name", "tenant") if not isinstance(account.get(k, ""), str)]
    if wrong:
        return f"account {_shown(account)} has a {wrong[0]} that is not text"
    return None


def _unknown_members(account: dict) -> str:
    return ", ".join(sorted(str(k) for k in account if k not in ACCOUNT_MEMBERS))


def _shown(value: Any) -> str:
    text = json.dumps(value, default=str) if not isinstance(value, str) else repr(value)
    return text if len(text) <= 80 else text[:79] + "…"
