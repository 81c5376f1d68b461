"""A post's pictures, uploaded before the post itself, each once per outbox item.

The outbox item's text names the draft's pictures by their internal address
(``app.text.image_refs``). For a network that takes pictures, each one the text shows is
uploaded and the upload recorded (``app.store.images.record_upload``) as soon as the
network answers, before the next one starts; a retry of the item, after a failure or a
crash, reuses what was recorded and uploads only the rest. The post then goes out with
every upload in ``PublishOptions.images``. A network that takes none gets the text alone
(its renderer leaves internal images out).

An upload cut off after it left but before its answer came may leave one unused copy in
the network's media library on the retry; it never makes the post appear twice.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from msgspec.structs import replace

from app.domain import OutboxItem, PublishOptions, UploadedImage
from app.networks.base import Network, UploadsImages
from app.store import images
from app.store.db import Store
from app.text.image_refs import referenced_images

Call = Callable[..., Awaitable[Any]]


async def with_images(
    store: Store, call: Call, account_id: str, network: Network, item: OutboxItem
) -> PublishOptions:
    """The item's publish options, with its pictures as ``network`` holds them."""
    if not network.capabilities.accepts_images or not isinstance(network, UploadsImages):
        return item.options
    shown = await asyncio.to_thread(referenced_images, item.body)
    if not shown:
        return item.options
    done = await store.run(images.uploaded, item.id)
    for image_id in shown:
        if image_id in done:
            continue
        image = await store.run(images.upload_of, image_id)
        if image is None:  # an address typed by hand: the renderer leaves it out
            continue
        key = f"{item.idempotency_key}i{image_id}"
        uploaded: UploadedImage = await call(account_id, network.upload_image, image, key)
        await store.run(images.record_upload, item.id, uploaded)
        done[image_id] = uploaded
    return replace(item.options, images=tuple(done[i] for i in shown if i in done))
