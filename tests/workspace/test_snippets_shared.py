"""Saved replies (snippets) between two laptops, two cores syncing through a real WsgiDAV
server on 127.0.0.1: made, changed, renamed and deleted on one, shown on the other after
the next sync; changed on both offline, no word is lost; deleted on one and changed on the
other, the changed one stays; and snippets kept before joining are shared once."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from laptops import Laptops, in_workspace
from pair import serving_webdav

from app import events as ev
from app.bootstrap import open_core
from app.core import Core
from app.workspace.model import Transport

pytestmark = pytest.mark.integration


async def _kept(core: Core) -> list[tuple[str, str]]:
    return [(s.name, s.body) for s in await core.snippets.all()]


async def _id_of(core: Core, name: str) -> int:
    return next(s.id for s in await core.snippets.all() if s.name == name)


@pytest.fixture
async def webdav(tmp_path: Path) -> AsyncIterator[str]:
    with serving_webdav(tmp_path) as (url, _root):
        yield url


@pytest.fixture
async def laptops(tmp_path: Path, webdav: str, memory_keyring) -> AsyncIterator[Laptops]:
    principal = await open_core(tmp_path / "principal", start_sandbox=False)
    delegate = await open_core(tmp_path / "delegate", start_sandbox=False)
    async with in_workspace(principal, delegate, webdav) as both:
        yield both


async def test_made_changed_renamed_and_deleted_on_one_shows_on_the_other(
    laptops: Laptops,
) -> None:
    dana, sam = laptops.principal, laptops.delegate
    heard: list[ev.SnippetsChanged] = []
    sam.events.subscribe(lambda e: heard.append(e) if isinstance(e, ev.SnippetsChanged) else None)
    await dana.snippets.save(None, "Office days", "Hi {first_name}, office days start in May.")
    await dana.snippets.save(None, "Thanks", "Thank you, {first_name}!")
    await laptops.converge()
    assert await _kept(sam) == [
        ("Office days", "Hi {first_name}, office days start in May."),
        ("Thanks", "Thank you, {first_name}!"),
    ]
    assert heard == [ev.SnippetsChanged(from_workspace=True)]
    uids = {s.name: s.uid for s in await sam.snippets.all()}
    assert uids == {s.name: s.uid for s in await dana.snippets.all()}  # one id on both

    # Sam renames one and rewrites the other; Dana sees both after the next sync.
    await sam.snippets.save(await _id_of(sam, "Thanks"), "Thank you", "Thank you, {first_name}!")
    await sam.snippets.save(await _id_of(sam, "Office days"), "Office days", "From June now.")
    await laptops.converge()
    assert await _kept(dana) == [
        ("Office days", "From June now."),
        ("Thank you", "Thank you, {first_name}!"),
    ]
    assert {s.name: s.uid for s in await dana.snippets.all()} == {
        "Office days": uids["Office days"],
        "Thank you": uids["Thanks"],
    }

    # Dana deletes one: gone from Sam's laptop too, and it does not come back.
    await dana.snippets.delete(await _id_of(dana, "Thank you"))
    await laptops.converge()
    await laptops.converge()
    assert await _kept(sam) == await _kept(dana) == [("Office days", "From June now.")]


async def test_changed_on_both_offline_keeps_both_texts_as_two_snippets(laptops: Laptops) -> None:
    dana, sam = laptops.principal, laptops.delegate
    await dana.snippets.save(None, "Bonus", "Bonuses are paid in March.")
    await laptops.converge()
    await dana.snippets.save(await _id_of(dana, "Bonus"), "Bonus", "Dana: paid in April.")
    await sam.snippets.save(await _id_of(sam, "Bonus"), "Bonus", "Sam: paid in May.")
    await laptops.converge()
    await laptops.converge()  # the settlement travels back
    # The later edit keeps the name; the earlier one is its own snippet, named for its
    # writer, on both laptops.
    expected = [("Bonus", "Sam: paid in May."), ("Bonus (from Dana)", "Dana: paid in April.")]
    assert await _kept(dana) == await _kept(sam) == expected

    # A rename on one side and a new text on the other both land, in one snippet.
    await dana.snippets.save(await _id_of(dana, "Bonus"), "Bonus dates", "Sam: paid in May.")
    await sam.snippets.save(await _id_of(sam, "Bonus"), "Bonus", "Paid in May, with June's pay.")
    await laptops.converge()
    await laptops.converge()
    expected = [
        ("Bonus (from Dana)", "Dana: paid in April."),
        ("Bonus dates", "Paid in May, with June's pay."),
    ]
    assert await _kept(dana) == await _kept(sam) == expected


async def test_deleted_on_one_and_changed_on_the_other_keeps_the_changed_one(
    laptops: Laptops,
) -> None:
    dana, sam = laptops.principal, laptops.delegate
    await sam.snippets.save(None, "Parking", "Parking is free on Fridays.")
    await laptops.converge()
    await dana.snippets.delete(await _id_of(dana, "Parking"))
    await sam.snippets.save(await _id_of(sam, "Parking"), "Parking", "Free on Fridays and Mondays.")
    await laptops.converge()
    await laptops.converge()
    expected = [("Parking", "Free on Fridays and Mondays.")]
    assert await _kept(dana) == await _kept(sam) == expected

    # The same the other way round: the delete comes after the edit, both offline.
    await dana.snippets.save(await _id_of(dana, "Parking"), "Parking", "Ask at reception.")
    await sam.snippets.delete(await _id_of(sam, "Parking"))
    await laptops.converge()
    await laptops.converge()
    assert await _kept(dana) == await _kept(sam) == [("Parking", "Ask at reception.")]


@pytest.mark.parametrize("shared_before_joining", [False, True])
async def test_snippets_kept_before_joining_are_shared_once(
    tmp_path: Path, webdav: str, memory_keyring, shared_before_joining: bool
) -> None:
    """Whether the principal's snippets were in the workspace when the delegate joined
    (the delegate's first sync finds them) or arrive after (both laptops share theirs)."""
    principal = await open_core(tmp_path / "principal", start_sandbox=False)
    delegate = await open_core(tmp_path / "delegate", start_sandbox=False)
    try:
        for name, body in [("Thanks", "Thank you!"), ("Hours", "We open at 9."), ("Same", "A")]:
            await principal.snippets.save(None, name, body)
        for name, body in [("Thanks", "Thank you!"), ("Hours", "We open at 8."), ("Mine", "B")]:
            await delegate.snippets.save(None, name, body)
        code = await principal.workspace.create("Dana", Transport.WEBDAV, webdav)
        if shared_before_joining:
            await principal.workspace.sync()
            thanks = next(s.uid for s in await principal.snippets.all() if s.name == "Thanks")
        await delegate.workspace.join(code.text(), "Sam", webdav)
        laptops = Laptops(principal, delegate)
        await laptops.converge()
        await laptops.converge()
        # Same name and text: one snippet; same name, other text: two.
        expected = [
            ("Hours", "We open at 8."),
            ("Hours", "We open at 9."),
            ("Mine", "B"),
            ("Same", "A"),
            ("Thanks", "Thank you!"),
        ]
        assert sorted(await _kept(principal)) == sorted(await _kept(delegate)) == expected
        uids = sorted(s.uid for s in await principal.snippets.all())
        assert uids == sorted(s.uid for s in await delegate.snippets.all())
        assert len(set(uids)) == 5
        if shared_before_joining:  # the delegate's twin took the shared one's id
            assert thanks in uids
    finally:
        await delegate.close()
        await principal.close()


async def test_a_snippet_saved_here_goes_out_without_anyone_pressing_sync(
    laptops: Laptops,
) -> None:
    """Sam's background sync waits an hour between turns here: only the save wakes it
    (then ``BATCH_DELAY_S`` for more changes); Dana's laptop syncs until it arrives."""
    dana, sam = laptops.principal, laptops.delegate
    turned = asyncio.Event()
    sam.events.subscribe(lambda e: turned.set() if isinstance(e, ev.WorkspaceChanged) else None)
    background = asyncio.ensure_future(sam.workspace.run(3600))
    try:
        await asyncio.wait_for(turned.wait(), 60)  # its first turn, at once: then an hour
        await sam.snippets.save(None, "Hours", "We open at 9.")
        for _ in range(300):  # at most 300 real syncs through WebDAV, 50 ms apart
            await dana.workspace.sync()
            if await _kept(dana) == [("Hours", "We open at 9.")]:
                break
            await asyncio.sleep(0.05)
        else:
            raise AssertionError("the snippet saved on Sam's laptop never reached Dana's")
    finally:
        background.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await background
