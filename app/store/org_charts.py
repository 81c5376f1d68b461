"""The directory's job titles and manager chains in the store (``org_charts``, one row per
person per account), which people are due a read, and the tier a person's directory
entry gives (``app.vip.tiers``), applied unless a list or a person set the tier.

Per account (``directory_reads``): the executive's own id there, and a refusal (the
permission is missing): when, and the sentence that says why, so reads wait a day before
asking again and a front end can say what is wrong.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from app.domain import Manager, OrgChart, VipSource
from app.store.sql import Database
from app.timeutil import now_iso
from app.vip.tiers import tier_from_directory


def due(db: Database, account_id: str, read_before: str, limit: int) -> list[str]:
    """Up to ``limit`` authors of others' comments on this account whose entry was never
    read or was read before ``read_before``; never read first, newest authors first."""
    rows = db.execute(
        """SELECT p.remote_id FROM people p
           LEFT JOIN org_charts o ON o.account_id = p.account_id AND o.remote_id = p.remote_id
           WHERE p.account_id = ? AND (o.read_at IS NULL OR o.read_at < ?)
             AND EXISTS (SELECT 1 FROM comments c WHERE c.author_id = p.id AND c.is_mine = 0)
           ORDER BY o.read_at IS NOT NULL, o.read_at, p.id DESC LIMIT ?""",
        [account_id, read_before, limit],
    ).fetchall()
    return [remote_id for (remote_id,) in rows]


def chart_of(db: Database, account_id: str, remote_id: str) -> OrgChart | None:
    row = db.execute(
        "SELECT title, managers FROM org_charts WHERE account_id = ? AND remote_id = ?",
        [account_id, remote_id],
    ).fetchone()
    if row is None:
        return None
    managers = tuple(Manager(m["id"], m["name"], m["title"]) for m in json.loads(row[1]))
    return OrgChart(remote_id, row[0], managers)


def save(db: Database, account_id: str, executive_id: str, charts: Sequence[OrgChart]) -> int:
    """Keep ``charts`` (read now) and the executive's id, forget an earlier refusal, and
    apply the tiers they give; returns how many people's tier changed."""
    read_at = now_iso()
    db.conn.executemany(
        "INSERT INTO org_charts(account_id, remote_id, title, managers, read_at) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT(account_id, remote_id) DO UPDATE SET "
        "title = excluded.title, managers = excluded.managers, read_at = excluded.read_at",
        [(account_id, c.remote_id, c.title, _managers_json(c.managers), read_at) for c in charts],
    )
    db.execute(
        "INSERT INTO directory_reads(account_id, executive_id) VALUES (?, ?) "
        "ON CONFLICT(account_id) DO UPDATE SET executive_id = excluded.executive_id, "
        "refused_at = NULL, refusal = NULL",
        [account_id, executive_id],
    )
    before = db.conn.total_changes
    apply_tiers(db, account_id, [c.remote_id for c in charts])
    return db.conn.total_changes - before


def refuse(db: Database, account_id: str, reason: str) -> None:
    """The network refused to read its directory: keep when and why."""
    db.execute(
        "INSERT INTO directory_reads(account_id, refused_at, refusal) VALUES (?, ?, ?) "
        "ON CONFLICT(account_id) DO UPDATE SET refused_at = excluded.refused_at, "
        "refusal = excluded.refusal",
        [account_id, now_iso(), reason],
    )


def refusal(db: Database, account_id: str) -> tuple[str, str] | None:
    """(when, why) of the account's last refusal still standing, or None."""
    row = db.execute(
        "SELECT refused_at, refusal FROM directory_reads WHERE account_id = ?", [account_id]
    ).fetchone()
    return None if row is None or row[0] is None else (row[0], row[1] or "")


def executive_of(db: Database, account_id: str) -> str:
    """The executive's own id in the account's directory, as last read ("" before)."""
    row = db.execute(
        "SELECT executive_id FROM directory_reads WHERE account_id = ?", [account_id]
    ).fetchone()
    return row[0] if row else ""


def apply_tiers(db: Database, account_id: str, remote_ids: Sequence[str]) -> None:
    """Set the tier the directory gives these people (title, level and manager chain),
    unless an imported list or a person set it."""
    executive = executive_of(db, account_id)
    rows = []
    for remote_id in remote_ids:
        found = db.execute(
            "SELECT title, level FROM people WHERE account_id = ? AND remote_id = ?",
            [account_id, remote_id],
        ).fetchone()
        if found is None:
            continue
        chart = chart_of(db, account_id, remote_id)
        title = found[0] or (chart.title if chart else "")
        tier = tier_from_directory(title, found[1] or "", chart, executive)
        source = VipSource.DIRECTORY.value if tier else None
        rows.append((int(tier), source, account_id, remote_id, int(tier), source))
    db.conn.executemany(
        "UPDATE people SET vip_tier = ?, vip_source = ? WHERE account_id = ? AND remote_id = ?"
        " AND (vip_source IS NULL OR vip_source = 'directory')"
        " AND (vip_tier IS NOT ? OR vip_source IS NOT ?)",
        rows,
    )


def _managers_json(managers: Sequence[Manager]) -> str:
    return json.dumps([{"id": m.remote_id, "name": m.name, "title": m.title} for m in managers])
