"""Pictures travel with shared post drafts, between two Fireside cores over a real WsgiDAV
server on 127.0.0.1 and over a synced folder: the picture a delegate inserts reaches the
principal's draft byte for byte, sealed on the server and kept out of the shared
document; a picture whose file is missing, half synced or was changed shows as still
coming and the post cannot be published until the true picture arrives; a picture taken
out of the text leaves the draft on both devices, its file staying on the server; a
member who joins after a key rotation gets it too."""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from fixtures.shared_posts import picture
from laptops import in_workspace
from pair import serving_webdav

from app.bootstrap import open_core
from app.core import Core
from app.domain import Draft, DraftState
from app.errors import UserError
from app.pictures import PictureStillComing
from app.text.image_refs import markdown_ref, referenced_images
from app.workspace.model import Transport


class Pair:
    def __init__(self, principal: Core, delegate: Core, server_root: Path) -> None:
        self.principal = principal
        self.delegate = delegate
        self.root = server_root

    def files(self, prefix: str) -> dict[str, bytes]:
        return {p.name: p.read_bytes() for p in self.root.iterdir() if p.name.startswith(prefix)}

    async def draft_with_picture(self, data: bytes, name: str = "spring chart.png") -> int:
        """The delegate's draft showing ``data``, synced to the server."""
        draft_id = await self.delegate.drafts.new("Launch", "")
        kept = await self.delegate.drafts.add_image(draft_id, data, name)
        body = f"Spring is here.\n\n{markdown_ref(name, kept.id)}\n\nMore soon."
        await self.delegate.drafts.save(draft_id, "Launch", body)
        await self.delegate.drafts.set_state(draft_id, DraftState.APPROVED)
        await self.delegate.workspace.sync()
        return draft_id


@contextlib.contextmanager
def shared_location(transport: Transport, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """Where the workspace lives, and the folder holding its files."""
    if transport is Transport.WEBDAV:
        with serving_webdav(tmp_path) as served:
            yield served
    else:
        folder = tmp_path / "synced"
        folder.mkdir()
        yield str(folder), folder


@pytest.fixture(params=[Transport.WEBDAV, Transport.FOLDER], ids=str)
async def pair(request, tmp_path: Path, memory_keyring) -> AsyncIterator[Pair]:
    transport: Transport = request.param
    with shared_location(transport, tmp_path) as (where, root):
        principal = await open_core(tmp_path / "principal")  # with the sandbox to publish to
        delegate = await open_core(tmp_path / "delegate", start_sandbox=False)
        async with in_workspace(principal, delegate, where, transport) as both:
            yield Pair(both.principal, both.delegate, root)


async def _launch(core: Core) -> Draft:
    (found,) = [s for s in await core.drafts.summaries() if s.title == "Launch"]
    return await core.drafts.get(found.id)


async def test_a_picture_reaches_the_other_laptop_whole_and_sealed(pair: Pair) -> None:
    data = picture()
    await pair.draft_with_picture(data)
    await pair.principal.workspace.sync()

    draft = await _launch(pair.principal)
    (shown,) = referenced_images(draft.body)
    assert (
        draft.body == f"Spring is here.\n\n{markdown_ref('spring chart.png', shown)}\n\nMore soon."
    )
    arrived = await pair.principal.drafts.image(shown)
    assert (arrived.data, arrived.name, arrived.mime_type) == (
        data,
        "spring chart.png",
        "image/png",
    )
    assert (arrived.width, arrived.height) == (200, 150)

    sha256 = hashlib.sha256(data).hexdigest()
    (name,) = pair.files("p-")
    assert sha256 not in name  # the host cannot tell which picture it is
    for sealed in pair.files("").values():
        assert data[2000:2064] not in sealed  # the picture is never plain on the server
    updates = pair.files("u-")
    assert sum(len(u) for u in updates.values()) < len(data) // 4  # not in the document

    # Published from the principal's laptop: the picture is here, so it goes.
    published = await pair.principal.drafts.publish(draft.id, list(pair.principal.networks))
    assert published.state is DraftState.QUEUED
    # Both devices agree, and the principal wrote no second copy of the picture.
    await pair.principal.workspace.sync()
    await pair.delegate.workspace.sync()
    assert list(pair.files("p-")) == [name]


async def test_a_missing_picture_shows_as_coming_and_stops_publishing(pair: Pair) -> None:
    data = picture()
    await pair.draft_with_picture(data)
    ((name, sealed),) = pair.files("p-").items()
    (pair.root / name).unlink()  # the delegate's upload has not reached the server
    await pair.principal.workspace.sync()

    draft = await _launch(pair.principal)
    (shown,) = referenced_images(draft.body)
    with pytest.raises(PictureStillComing) as coming:
        await pair.principal.drafts.image(shown)
    assert "The picture spring chart.png is still coming from Sam's laptop." in str(coming.value)
    with pytest.raises(UserError, match="still coming from Sam's laptop") as refused:
        await pair.principal.drafts.publish(draft.id, list(pair.principal.networks))
    assert "cannot be published" in str(refused.value)
    assert await pair.principal.outbox.items() == []  # nothing sent without it
    assert (await _launch(pair.principal)).body == draft.body  # nothing lost

    # Half of it arrives: still coming. Then the delegate's laptop syncs again and
    # writes the picture anew; the next sync brings it and publishing goes ahead.
    (pair.root / name).write_bytes(sealed[: len(sealed) // 2])
    await pair.principal.workspace.sync()
    with pytest.raises(PictureStillComing):
        await pair.principal.drafts.image(shown)
    (pair.root / name).write_bytes(sealed)
    await pair.principal.workspace.sync()
    assert (await pair.principal.drafts.image(shown)).data == data
    published = await pair.principal.drafts.publish(draft.id, list(pair.principal.networks))
    assert published.state is DraftState.QUEUED


async def test_the_delegate_writes_a_lost_picture_again(pair: Pair) -> None:
    data = picture()
    await pair.draft_with_picture(data)
    ((name, _),) = pair.files("p-").items()
    (pair.root / name).unlink()
    await pair.principal.workspace.sync()
    await pair.delegate.workspace.sync()  # finds no file of the picture it shows: writes it
    assert list(pair.files("p-")) == [name]
    await pair.principal.workspace.sync()
    (shown,) = referenced_images((await _launch(pair.principal)).body)
    assert (await pair.principal.drafts.image(shown)).data == data


async def test_a_changed_picture_file_is_refused(pair: Pair) -> None:
    data = picture()
    await pair.draft_with_picture(data)
    ((name, sealed),) = pair.files("p-").items()
    tampered = bytearray(sealed)
    tampered[len(sealed) // 2] ^= 0x01
    (pair.root / name).write_bytes(bytes(tampered))
    await pair.principal.workspace.sync()

    draft = await _launch(pair.principal)
    (shown,) = referenced_images(draft.body)
    with pytest.raises(PictureStillComing, match="still coming from Sam's laptop"):
        await pair.principal.drafts.image(shown)
    with pytest.raises(UserError, match="still coming from Sam's laptop"):
        await pair.principal.drafts.publish(draft.id, list(pair.principal.networks))
    assert await pair.principal.outbox.items() == []


async def test_a_picture_taken_out_leaves_the_draft_on_both_laptops(pair: Pair) -> None:
    data = picture()
    draft_id = await pair.draft_with_picture(data)
    await pair.principal.workspace.sync()
    await pair.delegate.drafts.save(draft_id, "Launch", "Spring is here.\n\nMore soon.")
    await pair.delegate.workspace.sync()
    await pair.principal.workspace.sync()
    assert (await _launch(pair.principal)).body == "Spring is here.\n\nMore soon."
    assert len(pair.files("p-")) == 1  # the file stays: a version may still show it


async def test_a_member_who_joined_after_a_key_rotation_gets_the_picture(
    pair: Pair, tmp_path: Path
) -> None:
    """Files written under the old key stay closed to a newcomer: the principal's laptop
    writes its pictures again under the new key."""
    data = picture()
    await pair.draft_with_picture(data)
    await pair.principal.workspace.sync()
    sam = (await pair.delegate.workspace.status()).membership.device_id
    code = await pair.principal.workspace.remove_member(sam)
    await pair.principal.workspace.sync()
    assert len(pair.files("p-e0002-")) == 1

    url = (await pair.principal.workspace.status()).membership.location
    kim = await open_core(tmp_path / "kim", start_sandbox=False)
    try:
        await kim.workspace.join(code.text(), "Kim", url)
        await kim.workspace.sync()
        (shown,) = referenced_images((await _launch(kim)).body)
        assert (await kim.drafts.image(shown)).data == data
    finally:
        await kim.close()
