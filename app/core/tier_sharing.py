"""VIP tiers set by hand through the workspace, before and after each sync's exchange of
files (``app.core.workspace.Workspace.sync`` calls them): a star or tier set by hand on
one laptop becomes the same person's on the other, when it has an account that sees them
(``app.store.hand_tiers`` says who is the same person).

Three-way, as triage: what the replica's ``bridged`` table holds under ``tier:<person>``
is the tier both sides last agreed on, so only the side that changed since is copied;
set on both laptops before they synced, both end with the same one of the two (the
CRDT's choice, alike on every device: a tier is a choice, no words are lost).
"""

from __future__ import annotations

from app import events as ev
from app.core.sharing import SharingStep
from app.store import hand_tiers
from app.workspace.model import HandTier

PREFIX = "tier:"


class TierSharing(SharingStep):
    async def share(self) -> None:
        """Write the tiers set by hand here since the last sync."""
        local = await self._store.read(hand_tiers.hand_tiers)

        def share() -> None:
            s = self._session()
            agreed, there = _agreed(s.replica.bridged()), s.shared.hand_tiers()
            moved = {}
            with s.change() as shared:
                for key, mine in local.items():
                    if mine.tier != agreed.get(key) and mine != there.get(key):
                        shared.set_hand_tier(mine, s.membership.device_id)
                        moved[key] = mine
            s.replica.set_bridged(_encoded(moved))

        await self._run(share)

    async def bring(self) -> None:
        """Set here the tiers others set by hand, unless this laptop set one since."""

        def read() -> tuple[dict[str, int], dict[str, HandTier]]:
            s = self._session()
            return _agreed(s.replica.bridged()), s.shared.hand_tiers()

        agreed, there = await self._run(read)
        local = await self._store.read(hand_tiers.hand_tiers)
        moved, applied = {}, False
        for key, theirs in there.items():
            mine = local.get(key)
            if mine is not None and mine.tier == theirs.tier:
                if agreed.get(key) != theirs.tier:
                    moved[key] = theirs  # the same tier set on both: agreed now
            elif mine is not None and mine.tier != agreed.get(key):
                continue  # set here since: shared at the next sync
            elif await self._store.run(hand_tiers.set_hand_tier, theirs):
                moved[key] = theirs
                applied = True
        if moved:
            await self._run(self._session().replica.set_bridged, _encoded(moved))
        if applied:
            self._events.emit(ev.InboxChanged(themes=False))


def _agreed(bridged: dict[str, str]) -> dict[str, int]:
    return {k[len(PREFIX) :]: int(v) for k, v in bridged.items() if k.startswith(PREFIX)}


def _encoded(moved: dict[str, HandTier]) -> dict[str, str]:
    return {PREFIX + key: str(int(tier.tier)) for key, tier in moved.items()}
