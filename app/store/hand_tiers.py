"""VIP tiers set by hand, as the devices of a workspace compare them: a person is known by
their network, the server their account there is on and the network's id for them, so
the same person on two laptops (each with an account on that server) is one entry."""

from __future__ import annotations

from app.domain import VipSource, VipTier
from app.store.sql import Database
from app.workspace.model import HandTier


def hand_tiers(db: Database) -> dict[str, HandTier]:
    """Every tier set by hand here, by person key (one per person: the highest tier when
    two accounts on one server each hold them)."""
    rows = db.execute(
        "SELECT a.network, ifnull(a.base_url, ''), p.remote_id, MAX(p.vip_tier) FROM people p "
        "JOIN accounts a ON a.id = p.account_id WHERE p.vip_source = ? "
        "GROUP BY a.network, ifnull(a.base_url, ''), p.remote_id",
        [VipSource.HAND.value],
    )
    found = (
        HandTier(network, server, remote, VipTier(tier)) for network, server, remote, tier in rows
    )
    return {t.key: t for t in found}


def set_hand_tier(db: Database, tier: HandTier) -> int:
    """Set by hand the tier another device set for this person; how many of the people
    kept here are them (0: nobody here knows them yet)."""
    changed = db.execute(
        "UPDATE people SET vip_tier = ?, vip_source = ?, starred = ? WHERE remote_id = ? "
        "AND account_id IN (SELECT id FROM accounts WHERE network = ? "
        "AND ifnull(base_url, '') = ?)",
        [
            int(tier.tier),
            VipSource.HAND.value,
            int(tier.tier > VipTier.NONE),
            tier.remote_id,
            tier.network,
            tier.server,
        ],
    )
    return changed.rowcount
