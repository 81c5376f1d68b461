"""``fireside doctor``: what IT and support need to know about one installation.

It reports versions, the data dir, the database (schema, integrity, journal mode), the
keyring backend, the spelling languages installed, the accounts and the outbox, the
managed policy in force (each key, its value and where it came from) and the user's
settings, and lists problems in plain words (a malformed policy is one). Each account is
named as the user named it, with its state and why in the Accounts dialog's words
(``app.accounts.status``), as far as can be told without connecting: policy, this build's
networks, the built-in sandbox's rule and the last sync (a secret missing from the keyring
shows only once a sync has failed for it).

It only reads: the database is opened read-only (a missing one is not created), nothing
is migrated, and no secret is printed: the keyring is read only for networks whose kind
describes its sign-in (Microsoft 365: who signed in, the granted scopes and each access
token's expiry, ``NetworkKind.describe_secret``), and that description never holds a
token; credentials in URLs (``http://user:password@proxy``) are redacted.
"""

from __future__ import annotations

import platform
import re
import sqlite3
from importlib import metadata
from pathlib import Path
from typing import Any

import app
import app.policy
from app import secrets, settings
from app.config import database_path
from app.domain import Account
from app.errors import FiresideError
from app.logs import REDACTED, redact
from app.networks import registry
from app.policy.model import Policy
from app.store.migrations import LATEST
from app.text import plural
from app.text.spelling import Spelling

#: Distributions that may provide Qt, looked up by metadata only (the core never imports Qt).
QT_DISTRIBUTIONS = ("PySide6-Essentials", "PySide6")
#: The user-info part of a URL (``user:password@``), redacted wherever a value is shown.
_URL_CREDENTIALS = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/\s@]+@")


def collect(
    data_dir: Path,
    log_file: Path | None = None,
    policy: Policy | None = None,
    settings_file: Path | None = None,
) -> dict[str, Any]:
    """The full report as plain data (what ``--json`` prints); ``policy`` defaults to the
    one in force, ``settings_file`` to the user's."""
    report: dict[str, Any] = {
        "versions": _versions(),
        "sqlite": {"library": sqlite3.sqlite_version, "fts5": _has_fts5()},
        "data_dir": str(data_dir),
        "log_file": str(log_file) if log_file else None,
        "database": {},
        "keyring": _keyring(),
        "spelling": _spelling_languages(),
        "accounts": [],
        "outbox": {},
        "problems": [],
        "warnings": [],
    }
    policy = app.policy.load() if policy is None else policy
    _inspect_database(database_path(data_dir), policy, report)
    _policy_and_settings(policy, settings_file, report)
    _judge(report)
    return report


def render_text(report: dict[str, Any]) -> str:
    """The report as ``label: value`` lines, warnings and problems last."""
    versions, db, ring = report["versions"], report["database"], report["keyring"]
    lines = [f"{name}: {value or 'not installed'}" for name, value in versions.items()]
    lines += [
        f"SQLite library: {report['sqlite']['library']} "
        f"(FTS5 {'available' if report['sqlite']['fts5'] else 'MISSING'})",
        f"Data dir: {report['data_dir']}",
        f"Log file: {report['log_file'] or '-'}",
        f"Database: {db['path']}" + ("" if db["exists"] else " (not created yet)"),
    ]
    if db["exists"]:
        shown = {
            key: "unknown (unreadable)" if db[key] is None else db[key]
            for key in ("schema_version", "integrity", "journal_mode")
        }
        lines += [
            f"Schema version: {shown['schema_version']} (this build: {db['latest_schema']})",
            f"Integrity check: {shown['integrity']}",
            f"Journal mode: {shown['journal_mode']}",
        ]
    lines.append(f"Keyring: {ring['backend']} ({'usable' if ring['usable'] else 'NOT usable'})")
    lines.append(f"Spelling: {', '.join(report['spelling']) or 'off (no dictionary)'}")
    lines.append(f"Accounts: {len(report['accounts']) or 'none'}")
    for account in report["accounts"]:
        lines.append(
            f"  {account['name']}: {account['label']} ({account['network_name']}, "
            f"{account['base_url']}; last sync {account['last_sync_at'] or 'never'})"
            + (f": {account['reason']}" if account["reason"] else "")
        )
        lines += [f"    {line}" for line in account.get("sign_in", [])]
    counts = ", ".join(f"{state} {n}" for state, n in report["outbox"].items())
    lines.append(f"Outbox: {counts or 'empty'}")
    lines += _policy_lines(report["policy"], report["settings"])
    lines += [f"WARNING: {text}" for text in report["warnings"]]
    lines += [f"PROBLEM: {text}" for text in report["problems"]]
    if not report["problems"]:
        lines.append("No problems found.")
    return "\n".join(lines)


def _versions() -> dict[str, str | None]:
    qt = next(filter(None, map(_distribution_version, QT_DISTRIBUTIONS)), None)
    return {
        "Fireside": app.__version__,
        "Python": platform.python_version(),
        "PySide6 (Qt)": qt,
        "httpx": _distribution_version("httpx"),
        "sqlite-utils": _distribution_version("sqlite-utils"),
        "keyring": _distribution_version("keyring"),
    }


def _distribution_version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def _has_fts5() -> bool:
    conn = sqlite3.connect(":memory:")
    try:
        conn.execute("CREATE VIRTUAL TABLE probe USING fts5(body)")
    except sqlite3.OperationalError:
        return False
    finally:
        conn.close()
    return True


def _keyring() -> dict[str, Any]:
    problem = secrets.backend_problem()
    return {"backend": secrets.backend_name(), "usable": problem is None, "problem": problem}


def _spelling_languages() -> list[str]:
    """The languages spell checking can use here (empty: no Enchant or no dictionary)."""
    spelling = Spelling(None)
    try:
        return list(spelling.languages())
    finally:
        spelling.close()


def _inspect_database(path: Path, policy: Policy, report: dict[str, Any]) -> None:
    db: dict[str, Any] = {
        "path": str(path),
        "exists": path.is_file(),
        "latest_schema": LATEST,
        "schema_version": None,
        "integrity": None,
        "journal_mode": None,
    }
    report["database"] = db
    if not db["exists"]:
        return
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    try:
        db["schema_version"] = conn.execute("PRAGMA user_version").fetchone()[0]
        db["journal_mode"] = conn.execute("PRAGMA journal_mode").fetchone()[0]
        db["integrity"] = "; ".join(r[0] for r in conn.execute("PRAGMA integrity_check"))
        report["accounts"] = _accounts(conn, policy)
        report["outbox"] = dict(
            conn.execute(
                "SELECT state, COUNT(*) FROM outbox GROUP BY state ORDER BY state"
            ).fetchall()
        )
    except sqlite3.DatabaseError as exc:
        db["error"] = str(exc)
    finally:
        conn.close()


def _accounts(conn: sqlite3.Connection, policy: Policy) -> list[dict[str, Any]]:
    """Each account with its state and why, as the Accounts dialog would show it. (The
    account modules load here, not with every ``fireside`` start.)"""
    from app.accounts import status
    from app.store.accounts import list_accounts
    from app.store.sql import Database

    accounts = list_accounts(Database(conn))
    real = any(not registry.is_builtin(a.network) for a in accounts)
    shown = []
    for account in accounts:
        if registry.is_builtin(account.network):  # the manager's rule for the sandbox
            runs = policy.sandbox_enabled and not real
            connection = status.Connection(True) if runs else status.sandbox_off(policy)
        else:
            connection = status.unusable(policy, account.network) or status.Connection(True)
        row = status.status_of(
            account,
            network_name=status.network_name(account.network),
            connection=connection,
            refused=False,
            preset=status.preset_for(policy, account.network, account.base_url),
            extra={},
        )
        fields = {
            "id": account.id,
            "name": account.name,
            "network": account.network,
            "network_name": row.network_name,
            "base_url": account.base_url,
            "state": str(row.state),
            "label": row.label,
            "reason": row.reason,
            "last_sync_at": account.last_sync_at,
            "last_sync_error": account.last_sync_error,
        }
        shown.append(
            {k: redact(v) if isinstance(v, str) else v for k, v in fields.items()}
            | {"sign_in": _sign_in(account)}
        )
    return shown


def _sign_in(account: Account) -> list[str]:
    """What the account's kind says about its saved sign-in (never a secret); [] when its
    kind says nothing, or the keyring cannot be read."""
    try:
        kind = registry.kind(account.network)
        if kind.by_hand:
            return ["bridged by hand: no sign-in; comments are pasted, replies pasted by you"]
        describe = kind.describe_secret
        if describe is None:
            return []
        secret = secrets.get_secret(registry.secret_entry(account))
    except (FiresideError, ImportError) as exc:
        return [f"saved sign-in not readable: {exc}"]
    return describe(secret) if secret else ["no saved sign-in in the keyring"]


def _judge(report: dict[str, Any]) -> None:
    """Fill ``problems`` (Fireside cannot work properly) and ``warnings`` (worth a look)."""
    db, problems, warnings = report["database"], report["problems"], report["warnings"]
    if not report["sqlite"]["fts5"]:
        problems.append("This SQLite library has no FTS5, which Fireside needs for search.")
    if db.get("error"):
        problems.append(f"The database cannot be read ({db['error']}); it was left untouched.")
    if (db["schema_version"] or 0) > LATEST:
        problems.append(
            f"The database was written by a newer Fireside (schema "
            f"{db['schema_version']}); update Fireside to open it."
        )
    if db["integrity"] not in (None, "ok"):
        problems.append(f"The database fails its integrity check: {db['integrity']}.")
    if db["journal_mode"] not in (None, "wal"):
        warnings.append(
            f"The database is in {db['journal_mode']} mode, not WAL; Fireside "
            "switches it to WAL the next time it opens it."
        )
    if not report["spelling"]:
        warnings.append(
            "Spell checking is off: Enchant or a dictionary is missing (Debian: "
            "apt-get install libenchant-2-2 hunspell-en-us)."
        )
    ring = report["keyring"]
    if not ring["usable"]:
        if any(
            not (registry.is_builtin(a["network"]) or registry.is_by_hand(a["network"]))
            for a in report["accounts"]
        ):
            problems.append(ring["problem"])
        else:
            warnings.append(
                f"{ring['problem']} (Not needed yet: the built-in sandbox has no "
                "secrets to keep; accounts on real networks will need it.)"
            )
    warnings.extend(
        f"Account {a['name']}: the last sync failed: {a['last_sync_error']}"
        for a in report["accounts"]
        if a["last_sync_error"]
    )


def _policy_and_settings(policy: Policy, settings_file: Path | None, report: dict) -> None:
    """The policy in force and the settings in use, each value with its source."""
    report["policy"] = {
        "values": [
            {
                "key": key,
                "value": _shown(entry.value),
                "source": entry.source,
                "enforced": entry.locked,
            }
            for key, entry in policy.values.items()
        ],
        "errors": [_shown(error) for error in policy.errors],
    }
    in_use = settings.effective(policy, settings_file)
    report["settings"] = {
        "file": str(settings_file or settings.settings_path()),
        "values": {
            name: {
                "value": _shown(list(s.value) if isinstance(s.value, tuple) else s.value),
                "source": s.source,
                "locked": s.locked is not None,
            }
            for name, s in (
                ("proxy", in_use.proxy),
                ("extra_ca_files", in_use.extra_ca_files),
                ("sync_interval_minutes", in_use.sync_interval_minutes),
            )
        },
    }
    report["problems"] += [f"Policy: {error}" for error in report["policy"]["errors"]]
    report["warnings"] += [_shown(problem) for problem in in_use.problems]


def _shown(value: Any) -> Any:
    """``value`` with every string's credentials redacted (in URLs, tokens, headers)."""
    if isinstance(value, str):
        return redact(_URL_CREDENTIALS.sub(rf"\1{REDACTED}@", value))
    if isinstance(value, list):
        return [_shown(item) for item in value]
    if isinstance(value, dict):
        return {key: _shown(item) for key, item in value.items()}
    return value


def _policy_lines(policy: dict[str, Any], in_use: dict[str, Any]) -> list[str]:
    count = len(policy["values"])
    lines = [f"Policy: {plural.count(count, 'value')}" if count else "Policy: none"]
    lines += [
        f"  {v['key']} = {_text(v['value'])} "
        f"({'enforced' if v['enforced'] else 'recommended'}; {v['source']})"
        for v in policy["values"]
    ]
    lines.append(f"Settings file: {in_use['file']}")
    lines += [
        f"  {name} = {_text(s['value'])} ({'locked: ' if s['locked'] else ''}{s['source']})"
        for name, s in in_use["values"].items()
    ]
    return lines


def _text(value: Any) -> str:
    """A policy or settings value on one line: lists comma-separated, accounts in brief."""
    if isinstance(value, list):
        return ", ".join(map(_text, value)) or "none"
    if isinstance(value, dict):
        return " ".join(str(value[k]) for k in ("network", "base_url", "name") if value.get(k))
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
