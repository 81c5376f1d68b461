"""A post's pictures against the real servers the suite starts: WordPress 6.1's media
library (``POST /wp/v2/media``) and Synapse's content repository
(``POST /_matrix/media/v3/upload``), through the outbox as the app sends them.

Each picture is uploaded once per outbox item: a post whose answer was lost is looked up,
never re-uploaded; a WordPress upload whose own answer was lost is found again by the key
in its description.
"""

from __future__ import annotations

import io
import re
from collections import Counter

import httpx
import pytest
from PIL import Image
from reliability.tcp_proxy import FaultProxy
from servers.synapse import MatrixWorld, event_of
from servers.wordpress import WordPressServer

from app.domain import ImageUpload, OutboxKind
from app.pictures import check_picture
from app.store import Store, drafts, images, outbox
from app.text.image_refs import markdown_ref

pytestmark = [pytest.mark.integration]

UPLOAD = "/_matrix/media/v3/upload"


def picture(colour: tuple[int, int, int], size: tuple[int, int] = (24, 16)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "PNG")
    return buffer.getvalue()


def queue_post(store: Store, account_id: str, title: str, text: str, *pictures: bytes) -> int:
    """A draft with its pictures, queued for ``account_id`` as Publish queues it: ``text``
    holds ``{0}``, ``{1}``... where each picture goes."""
    draft_id = store.run_sync(drafts.create, title, "", [account_id])
    refs = []
    for n, data in enumerate(pictures):
        name = f"chart {n}.png"
        kept = store.run_sync(images.add, draft_id, name, check_picture(data, name), data)
        refs.append(markdown_ref(name, kept.id))
    body = text.format(*refs)
    return store.run_sync(
        lambda db: outbox.enqueue(
            db, OutboxKind.PUBLISH, account_id, body, title=title, draft_id=draft_id
        )
    )


def sent(store: Store, item_id: int):
    item = store.run_sync(outbox.get, item_id)
    assert item.state == "sent", item.last_error
    return item


# -- WordPress --------------------------------------------------------------------------------


@pytest.mark.wordpress
async def test_wordpress_posts_show_pictures_from_the_media_library(
    wordpress: WordPressServer, wordpress_fireside
) -> None:
    fireside = wordpress_fireside()
    red, blue = picture((220, 30, 30)), picture((30, 30, 220), (32, 20))
    item_id = queue_post(
        fireside.store, fireside.ACCOUNT, "Q3", "{0}\n\nNumbers.\n\n{1}", red, blue
    )

    await fireside.sync()

    post_id = int(sent(fireside.store, item_id).remote_id)
    raw = wordpress.sql(f"SELECT post_content FROM wp_posts WHERE ID = {post_id}")[0][0]
    sources = re.findall(r'<img src="([^"]+)" alt="([^"]+)"', raw)
    assert [alt for _, alt in sources] == ["chart 0", "chart 1"]
    with wordpress.rest("exec") as rest:
        media = rest.get("media", params={"context": "edit", "per_page": 100}).json()
    by_url = {m["source_url"]: m for m in media}
    assert set(by_url) == {url for url, _ in sources}
    assert sorted(m["alt_text"] for m in media) == ["chart 0", "chart 1"]
    assert {m["mime_type"] for m in media} == {"image/png"}
    async with httpx.AsyncClient() as client:
        served = [(await client.get(url)).content for url, _ in sources]
    assert served == [red, blue]  # the library serves exactly the bytes that were kept


@pytest.mark.wordpress
async def test_a_wordpress_upload_whose_answer_was_lost_is_found_by_its_key(
    wordpress: WordPressServer, make_wordpress_network
) -> None:
    network = make_wordpress_network()
    data = picture((10, 200, 10))
    image = ImageUpload(7, "lost answer.png", "image/png", 24, 16, data)

    first = await network.upload_image(image, "k1i7")
    again = await network.upload_image(image, "k1i7")  # as a retry would, after a crash
    other = await network.upload_image(image, "k2i7")

    assert again == first and other.remote_id != first.remote_id
    count = "SELECT COUNT(*) FROM wp_posts WHERE post_type = 'attachment'"
    assert wordpress.sql(count) == [["2"]]


# -- Matrix -----------------------------------------------------------------------------------


@pytest.mark.matrix
async def test_matrix_posts_show_pictures_from_the_content_repository(
    matrix_world: MatrixWorld, fireside_for
) -> None:
    fireside = await fireside_for(matrix_world)
    data = picture((250, 200, 0))
    item_id = queue_post(fireside.store, fireside.ACCOUNT, "", "Our new office:\n\n{0}", data)

    await fireside.sync()

    event_id = event_of(sent(fireside.store, item_id).remote_id)
    [event] = [
        e for e in matrix_world.dana.messages(matrix_world.town_hall) if e["event_id"] == event_id
    ]
    content = event["content"]
    [uri] = re.findall(r'<img src="(mxc://[^"]+)" alt="chart 0"', content["formatted_body"])
    assert f"![chart 0]({uri})" in content["body"]
    server, media_id = uri.removeprefix("mxc://").split("/", 1)
    download = matrix_world.dana.http.get(
        f"/_matrix/client/v1/media/download/{server}/{media_id}",
        headers={"Authorization": f"Bearer {matrix_world.dana.token}"},
    )
    assert download.status_code == 200 and download.content == data


@pytest.mark.matrix
async def test_a_matrix_post_whose_answer_was_lost_does_not_upload_its_picture_again(
    matrix_world: MatrixWorld, fireside_for
) -> None:
    with FaultProxy(matrix_world.server.url) as proxy:
        fireside = await fireside_for(matrix_world, base_url=proxy.url)
        item_id = queue_post(fireside.store, fireside.ACCOUNT, "", "{0}", picture((1, 2, 3)))
        proxy.add_fault(
            "reset_after", count=1, method="PUT", path_prefix="/_matrix/client/v3/rooms/"
        )

        items = await fireside.settle()

        assert [i.state for i in items] == ["sent"]
        requests = Counter((r.method, r.path.split("?")[0]) for r in proxy.requests())
    assert requests[("POST", UPLOAD)] == 1
    event_id = event_of(sent(fireside.store, item_id).remote_id)
    posts = [
        e
        for e in matrix_world.dana.messages(matrix_world.town_hall)
        if "<img" in e["content"].get("formatted_body", "")
    ]
    assert [e["event_id"] for e in posts] == [event_id]
