"""VIP tiers set by hand between two laptops: two cores, each with its own account on the
same sandbox server (real, on 127.0.0.1), syncing their workspace through a real WsgiDAV
server. A tier set by hand on one reaches the same person on the other; set on both
before a sync, both end with the same one."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from laptops import Laptops, in_workspace
from pair import serving_webdav
from sandbox_fixtures import SANDBOX_TOKEN

from app import events as ev
from app.bootstrap import open_core
from app.core import Core
from app.domain import VipSource, VipTier
from app.sandbox import SandboxServer
from app.store.sql import Database

pytestmark = pytest.mark.integration


def _comment_by(db: Database, author_remote_id: str) -> int:
    row = db.execute(
        "SELECT c.id FROM comments c JOIN people p ON p.id = c.author_id "
        "WHERE p.remote_id = ? AND c.is_mine = 0 ORDER BY c.id LIMIT 1",
        [author_remote_id],
    ).fetchone()
    return int(row[0])


def _tier_of(db: Database, remote_id: str) -> tuple[VipTier, str | None]:
    tier, source = db.execute(
        "SELECT vip_tier, vip_source FROM people WHERE remote_id = ?", [remote_id]
    ).fetchone()
    return VipTier(tier), source


def _authors(db: Database) -> list[str]:
    """Remote ids of people who commented, without a tier (from any source) yet."""
    rows = db.execute(
        "SELECT DISTINCT p.remote_id FROM people p JOIN comments c ON c.author_id = p.id "
        "WHERE c.is_mine = 0 AND p.vip_tier = 0 ORDER BY p.remote_id LIMIT 3"
    )
    return [r[0] for r in rows]


async def _set(core: Core, remote_id: str, tier: VipTier) -> None:
    await core.inbox.set_author_tier(await core.store.read(_comment_by, remote_id), tier)


@pytest.fixture
async def laptops(
    tmp_path: Path, sandbox_server: SandboxServer, memory_keyring
) -> AsyncIterator[Laptops]:
    principal = await open_core(
        tmp_path / "principal", sandbox_url=sandbox_server.url, sandbox_token=SANDBOX_TOKEN
    )
    delegate = await open_core(
        tmp_path / "delegate", sandbox_url=sandbox_server.url, sandbox_token=SANDBOX_TOKEN
    )
    with serving_webdav(tmp_path) as (url, _root):
        async with in_workspace(principal, delegate, url) as both:
            for core in (principal, delegate):
                assert [r.error for r in await core.engine.sync_all()] == [None]
            yield both


async def test_a_tier_set_by_hand_reaches_the_same_person_on_the_other_laptop(
    laptops: Laptops,
) -> None:
    dana, sam = laptops.principal, laptops.delegate
    first, second, _ = await dana.store.read(_authors)
    heard: list[ev.InboxChanged] = []
    sam.events.subscribe(lambda e: heard.append(e) if isinstance(e, ev.InboxChanged) else None)
    await _set(dana, first, VipTier.TOP)
    await laptops.converge()
    assert await sam.store.read(_tier_of, first) == (VipTier.TOP, VipSource.HAND)
    assert await sam.store.read(_tier_of, second) == (VipTier.NONE, None)  # only that one
    assert heard  # the inbox shows the new order

    # Sam takes it back (not a VIP, by hand): so on Dana's laptop too.
    await _set(sam, first, VipTier.NONE)
    await laptops.converge()
    assert await dana.store.read(_tier_of, first) == (VipTier.NONE, VipSource.HAND)


async def test_set_on_both_laptops_before_a_sync_the_same_tier_ends_on_both(
    laptops: Laptops,
) -> None:
    dana, sam = laptops.principal, laptops.delegate
    _, _, third = await dana.store.read(_authors)
    await _set(dana, third, VipTier.TOP)
    await _set(sam, third, VipTier.KEY)
    await laptops.converge()
    await laptops.converge()
    on_dana = await dana.store.read(_tier_of, third)
    assert on_dana == await sam.store.read(_tier_of, third)
    assert on_dana[1] == VipSource.HAND and on_dana[0] in (VipTier.TOP, VipTier.KEY)
