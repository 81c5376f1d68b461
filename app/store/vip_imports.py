"""Imported VIP lists in the store: who a list's rows find, applying it (keeping each
person's tier from before, so it can be undone) and undoing it.

A row finds people by email (the person's id on networks that use the address as the id)
or else by name, ignoring case and spacing, on its network or on every network. A tier set
by hand is never changed by a list. Undoing the newest list puts back the tier each person
had before, unless a hand changed it since.
"""

from __future__ import annotations

from collections import defaultdict

from app.domain import VipSource, VipTier
from app.domain.vip_lists import VipImportDone, VipListRow, VipMatch
from app.store.sql import Database
from app.timeutil import now_iso


def _key(name: str) -> str:
    return " ".join(name.casefold().split())


#: (id, name, network, remote id, tier, source) of a person.
_Known = tuple[int, str, str, str, int, str | None]


def match(db: Database, rows: list[VipListRow]) -> tuple[list[VipMatch], list[VipListRow]]:
    """(people found, rows that found nobody); a later row about the same person wins."""
    by_email: dict[str, list[_Known]] = defaultdict(list)
    by_name: dict[str, list[_Known]] = defaultdict(list)
    for person in db.execute(
        "SELECT p.id, p.name, a.network, p.remote_id, p.vip_tier, p.vip_source "
        "FROM people p JOIN accounts a ON a.id = p.account_id"
    ):
        known: _Known = tuple(person)
        by_email[known[3].casefold()].append(known)
        by_name[_key(known[1])].append(known)
    found: dict[int, VipMatch] = {}
    unmatched = []
    for row in rows:
        people = by_email.get(row.email, []) if row.email else []
        if not people and row.name:
            people = by_name.get(_key(row.name), [])
        people = [p for p in people if not row.network or p[2] == row.network]
        if not people:
            unmatched.append(row)
        for pid, name, network, _, tier, source in people:
            found[pid] = VipMatch(
                row.line, pid, name, network, VipTier(tier), row.tier, source == VipSource.HAND
            )
    return sorted(found.values(), key=lambda m: m.line), unmatched


def apply(db: Database, file_name: str, matches: list[VipMatch]) -> VipImportDone:
    """Give each matched person the list's tier (not over a hand: checked again now, the
    preview may be old), remembering their tier from before; one transaction."""
    import_id = db.execute(
        "INSERT INTO vip_imports(file_name, applied_at) VALUES (?, ?)", [file_name, now_iso()]
    ).lastrowid
    changed = 0
    for m in matches:
        now = db.execute(
            "SELECT vip_tier, vip_source FROM people WHERE id = ?", [m.person_id]
        ).fetchone()
        if now is None or now[1] == VipSource.HAND or now[0] == m.tier_new:
            continue
        db.execute(
            "INSERT OR IGNORE INTO vip_import_before VALUES (?, ?, ?, ?)",
            [import_id, m.person_id, now[0], now[1]],
        )
        db.execute(
            "UPDATE people SET vip_tier = ?, vip_source = ? WHERE id = ?",
            [int(m.tier_new), VipSource.IMPORTED.value, m.person_id],
        )
        changed += 1
    assert import_id is not None
    return VipImportDone(import_id, changed)


def undo(db: Database, import_id: int) -> int:
    """Put back the tiers a list changed, where they are still the list's; returns how
    many people went back (0 when it was undone already)."""
    done = db.execute("SELECT undone_at FROM vip_imports WHERE id = ?", [import_id]).fetchone()
    if done is None or done[0] is not None:
        return 0
    cursor = db.execute(
        """UPDATE people SET
            vip_tier = (SELECT b.vip_tier FROM vip_import_before b
                        WHERE b.import_id = :i AND b.person_id = people.id),
            vip_source = (SELECT b.vip_source FROM vip_import_before b
                          WHERE b.import_id = :i AND b.person_id = people.id)
        WHERE vip_source = 'imported'
          AND id IN (SELECT person_id FROM vip_import_before WHERE import_id = :i)""",
        {"i": import_id},
    )
    db.execute("UPDATE vip_imports SET undone_at = ? WHERE id = ?", [now_iso(), import_id])
    return cursor.rowcount


def last_applied(db: Database) -> tuple[int, str] | None:
    """(id, file name) of the newest list not undone yet."""
    row = db.execute(
        "SELECT id, file_name FROM vip_imports WHERE undone_at IS NULL ORDER BY id DESC LIMIT 1"
    ).fetchone()
    return None if row is None else (row[0], row[1])
