"""VIP tiers set by hand in the shared document: one entry per person (network, server,
the network's id), read back typed; set on two laptops at once, both read the same one."""

from __future__ import annotations

import pycrdt

from app.domain import VipTier
from app.workspace.model import HandTier, person_key
from app.workspace.shared import SharedDoc


def test_a_tier_is_kept_per_person_and_read_back() -> None:
    shared = SharedDoc(pycrdt.Doc())
    top = HandTier("wordpress", "https://blog.example.com", "7", VipTier.TOP)
    other = HandTier("wordpress", "https://other.example.com", "7", VipTier.KEY)
    shared.set_hand_tier(top, "aaaa0001")
    shared.set_hand_tier(other, "aaaa0001")
    assert top.key == person_key("wordpress", "https://blog.example.com", "7") != other.key
    assert shared.hand_tiers() == {top.key: top, other.key: other}
    lowered = HandTier("wordpress", "https://blog.example.com", "7", VipTier.NONE)
    shared.set_hand_tier(lowered, "bbbb0002")
    assert shared.hand_tiers()[top.key] == lowered


def test_two_laptops_setting_one_person_at_once_read_the_same_tier() -> None:
    dana_doc: pycrdt.Doc = pycrdt.Doc()
    sam_doc: pycrdt.Doc = pycrdt.Doc()
    dana, sam = SharedDoc(dana_doc), SharedDoc(sam_doc)
    dana.set_hand_tier(HandTier("sandbox", "http://s", "u1", VipTier.TOP), "aaaa0001")
    sam.set_hand_tier(HandTier("sandbox", "http://s", "u1", VipTier.KEY), "bbbb0002")
    sam_doc.apply_update(dana_doc.get_update(sam_doc.get_state()))
    dana_doc.apply_update(sam_doc.get_update(dana_doc.get_state()))
    assert dana.hand_tiers() == sam.hand_tiers()
    (tier,) = dana.hand_tiers().values()
    assert tier.tier in (VipTier.TOP, VipTier.KEY)
