"""The user's own settings, and how they combine with managed policy into the values in use.

The file is ``settings.json`` in the platform's user config dir (``~/.config/Fireside`` on
Linux, ``~/Library/Application Support/Fireside`` on macOS, ``%LOCALAPPDATA%\\Fireside`` on
Windows): a JSON object with ``proxy`` ("system", "none" or a proxy URL),
``extra_ca_files`` (absolute paths of PEM bundles), ``sync_interval_minutes`` and
``undo_send_seconds`` (how long replies and posts wait before they may leave). A member
that is absent means "not chosen". It is written atomically (a temp file in the same
folder, flushed to disk, then renamed over the old one), so a crash leaves the old file or
the new one, never half of one. A damaged file is never fatal: each problem is reported
and the built-in defaults apply.

For each setting the value in use is, highest first: what policy enforces, what the user
chose, what policy recommends, the built-in default (:func:`effective`).
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

import msgspec
import platformdirs

from app.config import APP_NAME
from app.networks.connection import ConnectionSettings, ca_file_problem
from app.policy.model import Policy
from app.policy.schema import Refused, check

SETTINGS_FILE = "settings.json"
#: Minutes between background syncs when neither the user nor policy says otherwise.
DEFAULT_SYNC_MINUTES = 2
#: Seconds a reply or post waits in the outbox, so it can be undone, by default...
DEFAULT_UNDO_SEND_SECONDS = 10
#: Each setting's member in the file, its policy key and its built-in default.
FIELDS: dict[str, tuple[str, Any]] = {
    "proxy": ("ProxyUrl", "system"),
    "extra_ca_files": ("ExtraCACertificates", ()),
    "sync_interval_minutes": ("SyncIntervalMinutes", DEFAULT_SYNC_MINUTES),
    "undo_send_seconds": ("MinimumUndoSendSeconds", DEFAULT_UNDO_SEND_SECONDS),
}
#: Policy keys whose enforced value is a floor, not the value: the user may choose more.
FLOORS = frozenset({"MinimumUndoSendSeconds"})


def settings_path() -> Path:
    """Where this user's settings file lives (the folder is not created here)."""
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / SETTINGS_FILE


class UserSettings(msgspec.Struct, frozen=True):
    """What the user chose; None means not chosen (policy's recommendation or default)."""

    proxy: str | None = None
    extra_ca_files: tuple[str, ...] | None = None
    sync_interval_minutes: int | None = None
    undo_send_seconds: int | None = None


class Setting(msgspec.Struct, frozen=True):
    value: Any
    #: "HKLM\\Software\\Policies\\Fireside\\ProxyUrl", "your settings (<file>)", "default"
    source: str
    #: Why the user cannot change it ("Set by your organisation (…)."), or None.
    locked: str | None = None
    #: The least value the user may choose, where policy sets one (``FLOORS``)...
    minimum: int | None = None
    #: ...and why: "At least 30: set by your organisation (…)."
    minimum_reason: str | None = None


class Effective(msgspec.Struct, frozen=True):
    """The settings in use, each with where it came from, and what was wrong on the way."""

    proxy: Setting
    extra_ca_files: Setting
    sync_interval_minutes: Setting
    undo_send_seconds: Setting
    problems: tuple[str, ...] = ()

    @property
    def connection(self) -> ConnectionSettings:
        return ConnectionSettings(self.proxy.value, tuple(self.extra_ca_files.value))


def read(path: Path) -> tuple[UserSettings, list[str]]:
    """The settings in ``path`` and one sentence per member that could not be used."""
    try:
        data = json.loads(path.read_bytes())
    except FileNotFoundError:
        return UserSettings(), []
    except (OSError, ValueError) as exc:
        return UserSettings(), [
            f"Your settings file {path} cannot be read ({exc}); defaults apply."
        ]
    if not isinstance(data, dict):
        return UserSettings(), [f"Your settings file {path} is not a JSON object; defaults apply."]
    chosen: dict[str, Any] = {}
    problems = []
    for name, (key, _default) in FIELDS.items():
        if name not in data:
            continue
        try:
            chosen[name] = _checked(key, data[name])
        except Refused as exc:
            problems.append(f"Your settings file {path}: {name}: {exc}; the default applies.")
    return UserSettings(**chosen), problems


def _checked(key: str, raw: Any) -> Any:
    """A file member checked like the policy key of the same meaning. CA files are only
    checked for type here: a missing file stays listed (Settings shows it, and its
    removal), and is left out of the connection by :func:`effective`."""
    if key == "ExtraCACertificates":
        if not isinstance(raw, list) or not all(isinstance(p, str) for p in raw):
            raise Refused(f"{raw!r} is not a list of paths")
        return tuple(raw)
    return check(key, raw).value


def write(path: Path, settings: UserSettings) -> None:
    """Save ``settings`` to ``path`` atomically (members not chosen are left out)."""
    data = {
        name: list(value) if isinstance(value, tuple) else value
        for name in FIELDS
        if (value := getattr(settings, name)) is not None
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".settings-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            json.dump(data, file, indent=2)
            file.write("\n")
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def effective(policy: Policy, path: Path | None = None) -> Effective:
    """The settings in use: the user's file at ``path`` (default :func:`settings_path`)
    under ``policy``."""
    path = path or settings_path()
    user, problems = read(path)
    settings = {
        name: _resolve(policy, key, getattr(user, name), default, f"your settings ({path})")
        for name, (key, default) in FIELDS.items()
    }
    files = settings["extra_ca_files"]
    usable = []
    for file in files.value:
        problem = ca_file_problem(file)
        if problem is None:
            usable.append(file)
        else:
            problems.append(f"Not used: {problem} ({files.source}).")
    settings["extra_ca_files"] = Setting(tuple(usable), files.source, files.locked)
    return Effective(**settings, problems=tuple(problems))


def _resolve(policy: Policy, key: str, chosen: Any, default: Any, yours: str) -> Setting:
    entry = policy.values.get(key)
    if entry is not None and key in FLOORS:
        return _at_least(entry.value, policy.locked(key) or entry.source, chosen, default, yours)
    if entry is not None and entry.locked:
        return Setting(entry.value, entry.source, policy.locked(key))
    if chosen is not None:
        return Setting(chosen, yours)
    if entry is not None:
        return Setting(entry.value, f"recommended by your organisation ({entry.source})")
    return Setting(default, "default")


def _at_least(floor: int, why: str, chosen: int | None, default: int, yours: str) -> Setting:
    """The user's choice (or the default) raised to policy's ``floor`` if below it."""
    reason = f"At least {floor}: {why[0].lower()}{why[1:]}"
    wanted, source = (default, "default") if chosen is None else (chosen, yours)
    if wanted < floor:
        wanted, source = floor, f"the least your organisation allows ({why})"
    return Setting(wanted, source, minimum=floor, minimum_reason=reason)
