"""A draft's pictures: what is accepted, how they are kept, and how the outbox uploads
them before a post (each once per item, reused after a failure) or leaves them out for a
network that takes none."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from fixtures.fake_networks import WORDPRESS_LIKE, FakeNetwork
from msgspec.structs import replace
from PIL import Image

from app.domain import Account, OutboxKind, OutboxState
from app.errors import BadResponse, Rejected, UserError
from app.events import Events
from app.pictures import MAX_IMAGE_BYTES, check_picture
from app.store import Store, accounts, drafts, images, outbox
from app.sync import Backoff, SyncEngine
from app.text.image_refs import markdown_ref, referenced_images, with_image_urls
from app.text.plain import to_plain_text

CAPS = WORDPRESS_LIKE  # as declared without images
WITH_MEDIA = replace(CAPS, accepts_images=True)
AT_ONCE = Backoff(base=0, cap=0, max_attempts=4)


def picture(kind: str = "PNG", size: tuple[int, int] = (40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 80, 20)).save(buffer, kind)
    return buffer.getvalue()


# --- what is accepted -------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kind", "mime"),
    [("PNG", "image/png"), ("JPEG", "image/jpeg"), ("GIF", "image/gif"), ("WEBP", "image/webp")],
)
def test_a_picture_is_known_by_its_bytes_not_its_name(kind: str, mime: str) -> None:
    checked = check_picture(picture(kind, (64, 48)), "holiday.txt")
    assert (checked.mime_type, checked.width, checked.height) == (mime, 64, 48)


def test_other_files_and_other_image_types_are_refused_with_a_reason() -> None:
    with pytest.raises(UserError, match=r"notes\.png is not a picture Fireside can read"):
        check_picture(b"plain words, not a picture", "notes.png")
    with pytest.raises(UserError, match=r"scan\.bmp is a BMP image; posts can carry PNG"):
        check_picture(picture("BMP"), "scan.bmp")
    with pytest.raises(UserError, match=r"cut\.png is not a picture"):
        check_picture(picture()[:60], "cut.png")
    with pytest.raises(UserError, match=r"empty\.png is empty"):
        check_picture(b"", "empty.png")


def test_a_picture_over_the_size_limit_is_refused_before_it_is_read() -> None:
    with pytest.raises(UserError, match=r"big\.png is 10\.0 MB; a picture can be at most 10\.0"):
        check_picture(b"\x89PNG" + bytes(MAX_IMAGE_BYTES), "big.png")


# --- how the text refers to them --------------------------------------------------------
def test_the_reference_names_the_picture_and_survives_odd_file_names() -> None:
    ref = markdown_ref("Q3 [final]\nchart.png", 7)
    assert ref == r"![Q3 \[final\] chart](fireside-image:7)"
    assert referenced_images(f"Look:\n\n{ref}\n\n`![x](fireside-image:8)` {ref}") == [7]


def test_networks_without_pictures_get_the_text_without_them() -> None:
    text = "Before ![chart](fireside-image:3) after, and ![web](https://e.example/w.png)"
    assert to_plain_text(text) == "Before  after, and web (https://e.example/w.png)"
    assert with_image_urls(text, {3: "mxc://hs/abc"}).startswith("Before ![chart](mxc://hs/abc)")


# --- keeping them -----------------------------------------------------------------------
@pytest.fixture
def store(tmp_path: Path):
    store = Store(tmp_path / "fireside.db")
    store.run_sync(accounts.add_account, Account("acct", "fake", "Blog", "http://x"))
    yield store
    store.close()


def keep(store: Store, draft_id: int, name: str = "chart.png") -> int:
    data = picture()
    return store.run_sync(images.add, draft_id, name, check_picture(data, name), data).id


def test_a_kept_picture_comes_back_whole_and_outlives_its_text(store: Store) -> None:
    draft_id = store.run_sync(drafts.create, "T", "")
    kept = store.run_sync(images.add, draft_id, "a.png", check_picture(picture(), "a"), picture())
    assert (kept.draft_id, kept.name, kept.mime_type, kept.width, kept.height) == (
        draft_id,
        "a.png",
        "image/png",
        40,
        30,
    )
    store.run_sync(drafts.save, draft_id, "T", markdown_ref("a.png", kept.id))
    version = store.run_sync(drafts.versions, draft_id)[0].id
    store.run_sync(drafts.save, draft_id, "T", "the picture is gone from the text")
    store.run_sync(drafts.restore, draft_id, version)
    assert store.run_sync(drafts.get, draft_id).body == markdown_ref("a.png", kept.id)
    upload = store.run_sync(images.upload_of, kept.id)
    assert upload is not None and upload.data == picture()
    assert store.run_sync(images.upload_of, kept.id + 1) is None


def test_a_picture_for_a_draft_that_does_not_exist_is_refused(store: Store) -> None:
    with pytest.raises(UserError, match="Draft 99 does not exist"):
        keep(store, 99)


# --- sending them -----------------------------------------------------------------------
def queue_post(store: Store, body: str) -> int:
    draft_id = store.run_sync(drafts.create, "T", "")
    first, second = keep(store, draft_id, "one.png"), keep(store, draft_id, "two.png")
    text = body.format(one=markdown_ref("one", first), two=markdown_ref("two", second))
    return store.run_sync(
        lambda db: outbox.enqueue(
            db, OutboxKind.PUBLISH, "acct", text, title="T", draft_id=draft_id
        )
    )


async def test_each_picture_is_uploaded_once_and_the_post_carries_every_upload(store) -> None:
    net = FakeNetwork(WITH_MEDIA)
    engine = SyncEngine(store, Events(), {"acct": net}, {}, backoff=AT_ONCE)
    item_id = queue_post(store, "{one}\n\nText\n\n{two} and again {one}")

    assert (await engine.push("acct"))["sent"] == 1

    assert [u.name for u in net.uploads] == ["one.png", "two.png"]
    [published] = net.published
    assert [(i.remote_id, i.url) for i in published.options.images] == [
        ("media-1", "https://x.test/media-1.png"),
        ("media-2", "https://x.test/media-2.png"),
    ]
    assert len(store.run_sync(images.uploaded, item_id)) == 2


async def test_a_post_that_failed_after_its_uploads_reuses_them_on_the_retry(store) -> None:
    net = FakeNetwork(WITH_MEDIA)
    engine = SyncEngine(store, Events(), {"acct": net}, {}, backoff=AT_ONCE)
    item_id = queue_post(store, "{one} {two}")
    net.fail("upload_image", BadResponse("garbled"), applied=True)  # 2nd lands, answer lost

    assert (await engine.push("acct"))["sent"] == 1

    # The first upload's answer was lost: that copy stays unused on the network (the
    # network's own key search is what avoids it, see the WordPress connector); the post
    # used the retry's upload, and nothing that was recorded was uploaded again.
    assert [u.name for u in net.uploads] == ["one.png", "one.png", "two.png"]
    assert [i.remote_id for i in net.published[-1].options.images] == ["media-2", "media-3"]
    net.fail("publish", BadResponse("lost on the way back"), applied=True)
    again = queue_post(store, "{one}")
    await engine.push("acct")
    assert store.run_sync(outbox.get, again).state is OutboxState.SENT
    assert len(net.uploads) == 4  # the unknown publish was looked up, never re-uploaded
    assert store.run_sync(outbox.get, item_id).state is OutboxState.SENT


async def test_an_upload_the_network_refuses_fails_the_post_and_nothing_is_posted(store) -> None:
    net = FakeNetwork(WITH_MEDIA)
    engine = SyncEngine(store, Events(), {"acct": net}, {}, backoff=AT_ONCE)
    item_id = queue_post(store, "{one}")
    net.fail("upload_image", Rejected("files of this type are not allowed"))

    await engine.push("acct")

    row = store.run_sync(outbox.get, item_id)
    assert row.state is OutboxState.FAILED and "not allowed" in (row.last_error or "")
    assert net.published == [] and net.posts == {}


async def test_a_network_without_pictures_gets_no_upload(store) -> None:
    net = FakeNetwork(CAPS)
    engine = SyncEngine(store, Events(), {"acct": net}, {}, backoff=AT_ONCE)
    queue_post(store, "{one} words")

    assert (await engine.push("acct"))["sent"] == 1
    assert net.uploads == [] and net.published[0].options.images == ()
