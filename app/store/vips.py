"""VIP tiers in the store: the directory's tier kept as people sync, a tier set by hand,
and the new comments VIPs wrote after a given one (for announcing).

Where a tier came from decides who may change it: the directory rule
(``app.vip.tiers``, applied by ``app.store.accounts.upsert_people``) only rewrites tiers it
set itself; an imported list
(``app.store.vip_imports``) rewrites all but those set by hand; by hand wins over both.
``people.starred`` (schema v5) follows the tier set by hand, so older readers agree.
"""

from __future__ import annotations

from app.domain import InboxRow, InboxView, VipSource, VipTier
from app.store.comments import LIST_COLUMNS, LIST_JOINS_BY_ID, view_filter
from app.store.sql import Database

#: At most this many new comments are announced at once (a burst says "and N more").
ANNOUNCE_LIMIT = 20


def set_author_tier(db: Database, comment_id: int, tier: VipTier) -> str:
    """Set, by hand, the tier of whoever wrote ``comment_id``; returns their name ("" if
    the comment is unknown). Not a VIP, by hand, stays so whatever the directory says."""
    row = db.execute(
        "SELECT p.id, p.name FROM comments c JOIN people p ON p.id = c.author_id WHERE c.id = ?",
        [comment_id],
    ).fetchone()
    if row is None:
        return ""
    db.execute(
        "UPDATE people SET vip_tier = ?, vip_source = ?, starred = ? WHERE id = ?",
        [int(tier), VipSource.HAND.value, int(tier > VipTier.NONE), row[0]],
    )
    return str(row[1])


def newest_comment_id(db: Database) -> int:
    found: int = db.execute("SELECT COALESCE(MAX(id), 0) FROM comments").fetchone()[0]
    return found


def vips_after(db: Database, after_id: int) -> list[InboxRow]:
    """Comments newer than ``after_id`` by VIPs (any tier) that need a reply, oldest first.
    Read from ``after_id`` on by id (after every change: through the index of open
    comments it was 15 ms at a million comments, for none)."""
    where, params = view_filter(InboxView.VIPS, None)
    sql = (
        f"SELECT {LIST_COLUMNS} {LIST_JOINS_BY_ID} WHERE {where} AND c.id > ? ORDER BY c.id LIMIT ?"
    )
    return [InboxRow.from_row(r) for r in db.query(sql, [*params, after_id, ANNOUNCE_LIMIT])]
