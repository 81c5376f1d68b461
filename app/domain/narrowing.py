"""How a view of the inbox is narrowed and ordered: the filters a person combines (network,
VIP tier, age, time waiting for an answer) and the order rows come in.

Each order has a key that places a row in it; pages continue after the key of the last row
shown, so a long view is read a page at a time whatever the order (keyset paging).
"""

from __future__ import annotations

import enum

import msgspec

from app.domain.rows import InboxRow
from app.domain.states import InboxView, VipTier


class InboxOrder(enum.StrEnum):
    NEWEST = "newest"
    #: VIPs first (highest tier first), newest first within a tier.
    VIP_FIRST = "vip_first"
    #: Whoever has waited longest for an answer first: oldest first.
    LONGEST_WAITING = "longest_waiting"


ORDER_TITLES: dict[InboxOrder, str] = {
    InboxOrder.NEWEST: "Newest first",
    InboxOrder.VIP_FIRST: "VIPs first",
    InboxOrder.LONGEST_WAITING: "Waiting longest first",
}

#: The order a view has until the person chooses another: VIPs first where a reply is owed.
DEFAULT_ORDER: dict[InboxView, InboxOrder] = {
    InboxView.NEEDS_REPLY: InboxOrder.VIP_FIRST,
    InboxView.VIPS: InboxOrder.VIP_FIRST,
}

#: Where a row sits in an order: (tier or 0, created_at, id).
SortKey = tuple[int, str, int]


class InboxFilter(msgspec.Struct, frozen=True):
    """Filters that combine (all must hold); the defaults narrow nothing."""

    network: str | None = None
    #: Only people of this tier or higher.
    min_tier: VipTier = VipTier.NONE
    #: Age: only comments written within this many days.
    newer_than_days: int | None = None
    #: Unanswered time: only comments waiting longer than this many days.
    waiting_over_days: int | None = None
    #: None: the view's own order (``DEFAULT_ORDER``, else newest first).
    order: InboxOrder | None = None

    def narrows(self) -> bool:
        """True when some filter holds rows back (the order alone narrows nothing)."""
        return (
            self.network is not None
            or self.min_tier > VipTier.NONE
            or self.newer_than_days is not None
            or self.waiting_over_days is not None
        )

    def order_in(self, view: InboxView | None) -> InboxOrder:
        if self.order is not None:
            return self.order
        return DEFAULT_ORDER.get(view, InboxOrder.NEWEST) if view else InboxOrder.NEWEST


NO_FILTER = InboxFilter()


def sort_key(row: InboxRow, order: InboxOrder) -> SortKey:
    tier = int(row.author_tier) if order is InboxOrder.VIP_FIRST else 0
    return tier, row.created_at, row.id


def at_or_before(key: SortKey, cut: SortKey, order: InboxOrder) -> bool:
    """True when a row with ``key`` comes no later than the row with ``cut`` in ``order``."""
    return key <= cut if order is InboxOrder.LONGEST_WAITING else key >= cut
