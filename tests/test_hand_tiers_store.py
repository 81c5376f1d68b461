"""VIP tiers set by hand, as a workspace compares them between laptops: each person by
network, server and the network's id, so a tier from the other laptop lands only on that
person (not on someone with the same id on another server or network)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.domain import VipSource, VipTier
from app.store import Store, hand_tiers
from app.store.sql import Database
from app.workspace.model import HandTier

ACCOUNTS = [
    ("blog", "wordpress", "https://blog.example.com"),
    ("other-blog", "wordpress", "https://other.example.com"),
    ("sandbox", "sandbox", "https://blog.example.com"),
]


def _seed(db: Database) -> None:
    for account, network, server in ACCOUNTS:
        db.execute(
            "INSERT INTO accounts(id, network, name, base_url) VALUES (?, ?, ?, ?)",
            [account, network, account, server],
        )
        db.execute(  # the same id on every account: three different people
            "INSERT INTO people(account_id, remote_id, name) VALUES (?, '7', ?)",
            [account, f"Person on {account}"],
        )


def _tiers(db: Database) -> dict[str, tuple[int, str | None, int]]:
    rows = db.execute("SELECT account_id, vip_tier, vip_source, starred FROM people")
    return {account: (tier, source, starred) for account, tier, source, starred in rows}


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store(tmp_path / "fireside.db")
    opened.run_sync(_seed)
    yield opened
    opened.close()


def test_a_tier_from_the_other_laptop_lands_on_that_person_only(store: Store) -> None:
    top = HandTier("wordpress", "https://blog.example.com", "7", VipTier.TOP)
    assert store.run_sync(hand_tiers.set_hand_tier, top) == 1
    assert store.run_sync(_tiers) == {
        "blog": (VipTier.TOP, VipSource.HAND, 1),
        "other-blog": (VipTier.NONE, None, 0),
        "sandbox": (VipTier.NONE, None, 0),
    }
    assert store.run_sync(hand_tiers.hand_tiers) == {top.key: top}
    unknown = HandTier("wordpress", "https://nowhere.example.com", "7", VipTier.KEY)
    assert store.run_sync(hand_tiers.set_hand_tier, unknown) == 0  # nobody here knows them


def test_only_tiers_set_by_hand_are_shared(store: Store) -> None:
    def directory_tier(db: Database) -> None:
        db.execute(
            "UPDATE people SET vip_tier = ?, vip_source = ? WHERE account_id = 'other-blog'",
            [int(VipTier.SENIOR), VipSource.DIRECTORY.value],
        )

    store.run_sync(directory_tier)
    assert store.run_sync(hand_tiers.hand_tiers) == {}
    cleared = HandTier("wordpress", "https://other.example.com", "7", VipTier.NONE)
    store.run_sync(hand_tiers.set_hand_tier, cleared)  # not a VIP, by hand: wins
    assert store.run_sync(_tiers)["other-blog"] == (VipTier.NONE, VipSource.HAND, 0)
    assert store.run_sync(hand_tiers.hand_tiers) == {cleared.key: cleared}
