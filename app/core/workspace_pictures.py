"""The pictures of shared post drafts, for ``app.core.workspace``'s sync: which pictures
each local draft shows (so the draft is shared naming them by hash), this device's
pictures the shared store has no file of yet (written before the document's updates, so
the other device seldom meets a draft before its picture), and the pictures still coming
here, taken once a file of theirs opens, matches its hash and is a picture
(``app.workspace.picture_blobs``). A picture one draft here already has fills any other
draft waiting for it, without a read from the store.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable

from app.domain import Draft, DraftImage
from app.errors import UserError
from app.pictures import check_picture
from app.store import Store, images
from app.text.image_refs import IMAGE_SCHEME, referenced_images
from app.workspace.picture_blobs import PictureShelf
from app.workspace.shared import SharedDoc

log = logging.getLogger(__name__)

#: One picture's bytes from the shared store (``PictureShelf.take``, off the event loop).
Fetch = Callable[[str], Awaitable[bytes | None]]


async def shown_by_drafts(store: Store, drafts: Iterable[Draft]) -> dict[int, list[DraftImage]]:
    """The pictures each draft's text shows, in order, by draft id (a draft showing none
    is left out)."""
    with_pictures = [d for d in drafts if IMAGE_SCHEME in d.body]
    if not with_pictures:
        return {}
    refs = await asyncio.to_thread(lambda: {d.id: referenced_images(d.body) for d in with_pictures})
    kept = await store.read(images.kept, [i for ids in refs.values() for i in ids])
    return {draft_id: [kept[i] for i in ids if i in kept] for draft_id, ids in refs.items()}


def putting_shown(shared: SharedDoc, store: Store) -> Callable[[PictureShelf], int]:
    """What a sync calls, on the workspace's thread, before it pushes: write a file for
    every picture a shared post's newest versions show that this device keeps and the
    store has no file of under the current key; returns how many it wrote."""

    def put(shelf: PictureShelf) -> int:
        shown = (
            picture.sha256
            for post in shared.posts()
            for head in post.heads
            for picture in head.content.pictures
        )
        written = 0
        for sha256 in shelf.unshelved(shown):
            data = images.bytes_of(store.reader(), sha256)  # one picture in memory at a time
            if data is not None:
                shelf.put(data)
                written += 1
        return written

    return put


async def take_coming(store: Store, open_shelf: Callable[[], Awaitable[Fetch]]) -> set[int]:
    """Fill every picture still coming whose bytes are here or on the store now (the
    store is listed only when one is coming); returns the drafts that show one of them."""
    coming = await store.read(images.still_coming)
    if not coming:
        return set()
    fetch = await open_shelf()
    filled: set[int] = set()
    for sha256 in coming:
        data = await store.read(images.bytes_of, sha256)
        if data is None:
            found = await fetch(sha256)
            data = found if found is not None and await _is_picture(found) else None
        if data is not None:
            filled.update(await store.run(images.arrived, sha256, data))
    return filled


async def _is_picture(data: bytes) -> bool:
    try:
        await asyncio.to_thread(check_picture, data, "A shared picture")
    except UserError as exc:
        log.warning("a shared picture's file was refused: %s", exc)
        return False
    return True
