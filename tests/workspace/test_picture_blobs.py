"""A shared draft's pictures without the servers: each picture one sealed file named by
its writer and the sha256 of its bytes keyed with the workspace key, taken only when it
opens and hashes to the picture's sha256;
a post version that lists them, its text naming them by hash and each device's text by
its own ids; and the local rows that wait for bytes still coming."""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path

import pycrdt
import pytest
from fixtures.fake_networks import WORDPRESS_LIKE, FakeNetwork
from fixtures.shared_posts import picture, shared_post
from msgspec.structs import replace

from app.domain import Account, Draft, DraftImage, DraftState, OutboxKind, OutboxState
from app.events import Events
from app.pictures import PictureStillComing, check_picture
from app.store import Store, accounts, drafts, images, migrations, outbox
from app.sync import Backoff, SyncEngine
from app.text.image_refs import (
    markdown_ref,
    referenced_images,
    shared_image_url,
    with_local_images,
)
from app.workspace import picture_blobs, post_bridge, sealing
from app.workspace.errors import WorkspaceKeyError
from app.workspace.model import PostContent, SharedPicture
from app.workspace.picture_blobs import PictureShelf
from app.workspace.shared import SharedDoc
from app.workspace.transport import FolderStore

KEY, NEW_KEY = bytes(32), bytes(range(32))
WS, ME, THEM = "0a0b0c0d", "aaaa0001", "bbbb0002"


def test_a_picture_file_is_sealed_named_by_a_keyed_hash_and_opens_only_as_itself() -> None:
    data = picture()
    sha256 = hashlib.sha256(data).hexdigest()
    name = picture_blobs.file_name(1, ME, KEY, sha256)
    tag = hmac.new(KEY, b"fireside-picture:" + sha256.encode(), hashlib.sha256).hexdigest()
    assert name == f"p-e0001-{ME}-{tag}.fws" and sha256 not in name
    assert picture_blobs.file_name(1, ME, NEW_KEY, sha256) != name  # another key, another tag
    sealed = picture_blobs.seal_picture(KEY, 1, WS, name, data)
    assert data[100:132] not in sealed  # never the picture in plain on the store
    assert picture_blobs.open_picture({1: KEY}, WS, name, sealed, sha256) == data

    other = picture_blobs.file_name(1, THEM, KEY, sha256)
    with pytest.raises(WorkspaceKeyError):  # renamed: the name is sealed in
        picture_blobs.open_picture({1: KEY}, WS, other, sealed, sha256)
    tampered = bytearray(sealed)
    tampered[len(sealed) // 2] ^= 1
    with pytest.raises(WorkspaceKeyError):
        picture_blobs.open_picture({1: KEY}, WS, name, bytes(tampered), sha256)
    with pytest.raises(sealing.Incomplete):
        picture_blobs.open_picture({1: KEY}, WS, name, sealed[:-10], sha256)
    # Sealed with the key, but not the picture its name promises (a member's forgery).
    forged = picture_blobs.seal_picture(KEY, 1, WS, name, picture())
    with pytest.raises(sealing.Unreadable, match="does not hold the picture"):
        picture_blobs.open_picture({1: KEY}, WS, name, forged, sha256)


def _store(tmp_path: Path) -> FolderStore:
    (tmp_path / "shared").mkdir()
    return FolderStore(tmp_path / "shared")


def test_a_shelf_writes_its_own_file_once_and_takes_only_a_true_copy(tmp_path: Path) -> None:
    store = _store(tmp_path)
    data, lost = picture(), picture()
    sha256, lost_sha = hashlib.sha256(data).hexdigest(), hashlib.sha256(lost).hexdigest()
    mine = PictureShelf(store, WS, ME, {1: KEY}, 1)
    assert mine.unshelved([sha256, lost_sha, sha256]) == [sha256, lost_sha]
    name = mine.put(data)
    assert list(store.list_files()) == [name] and name.startswith(f"p-e0001-{ME}-")
    assert mine.unshelved([sha256, lost_sha]) == [lost_sha]

    theirs = PictureShelf(store, WS, THEM, {1: KEY}, 1)
    assert theirs.unshelved([sha256]) == []  # any device's file will do
    assert theirs.take(sha256) == data
    assert theirs.take(lost_sha) is None  # nothing there yet

    path = store.folder / name
    sealed = path.read_bytes()
    path.write_bytes(sealed[: len(sealed) // 2])  # half synced
    assert PictureShelf(store, WS, THEM, {1: KEY}, 1).take(sha256) is None
    tampered = bytearray(sealed)
    tampered[-3] ^= 0x40
    path.write_bytes(bytes(tampered))
    assert PictureShelf(store, WS, THEM, {1: KEY}, 1).take(sha256) is None
    path.write_bytes(picture_blobs.seal_picture(KEY, 1, WS, name, lost))  # forged
    assert PictureShelf(store, WS, THEM, {1: KEY}, 1).take(sha256) is None
    path.write_bytes(sealed)
    assert PictureShelf(store, WS, THEM, {1: KEY}, 1).take(sha256) == data


def test_after_a_key_rotation_a_picture_is_written_again_for_the_new_key(
    tmp_path: Path,
) -> None:
    store = _store(tmp_path)
    data = picture()
    sha256 = hashlib.sha256(data).hexdigest()
    PictureShelf(store, WS, ME, {1: KEY}, 1).put(data)
    joined_later = PictureShelf(store, WS, THEM, {2: NEW_KEY}, 2)
    assert joined_later.take(sha256) is None  # only the old key opens the old file
    rotated = PictureShelf(store, WS, ME, {1: KEY, 2: NEW_KEY}, 2)
    assert rotated.unshelved([sha256]) == [sha256]
    rotated.put(data)
    assert PictureShelf(store, WS, THEM, {2: NEW_KEY}, 2).take(sha256) == data


def test_a_file_larger_than_any_picture_is_not_read(tmp_path: Path) -> None:
    store = _store(tmp_path)
    name = picture_blobs.file_name(1, THEM, KEY, "a" * 64)
    (store.folder / name).write_bytes(bytes(picture_blobs.MAX_FILE_BYTES + 1))
    assert PictureShelf(store, WS, ME, {1: KEY}, 1).take("a" * 64) is None


def _image(image_id: int, data: bytes, name: str = "chart.png") -> DraftImage:
    checked = check_picture(data, name)
    sha256 = hashlib.sha256(data).hexdigest()
    return DraftImage(
        image_id, 1, name, checked.mime_type, checked.width, checked.height, len(data), sha256
    )


def test_a_version_names_its_pictures_by_hash_and_each_device_by_its_own_ids() -> None:
    data = picture()
    here = _image(7, data)
    body = f"Spring\n\n{markdown_ref('chart.png', 7)} and again ![again](fireside-image:7)"
    draft = Draft(1, "Launch", body, DraftState.DRAFT, (), None, "t", "t", None)
    content = post_bridge.content_of(draft, [here])
    url = shared_image_url(here.sha256)
    assert content.body == f"Spring\n\n![chart]({url}) and again ![again]({url})"
    assert content.pictures == (
        SharedPicture(here.sha256, "chart.png", "image/png", here.width, here.height),
    )
    assert post_bridge.content_of(draft) == PostContent("Launch", body, DraftState.DRAFT, ())

    shared = SharedDoc(pycrdt.Doc())
    post_bridge.share_local(shared, [draft], {}, ME, {1: [here]})
    (post,) = shared.posts()
    assert post.heads[0].content == content and post.added_by(here.sha256) == ME
    assert post.added_by("f" * 64) == ""
    there = with_local_images(content.body, {here.sha256: 12})
    assert (
        there == f"Spring\n\n{markdown_ref('chart.png', 12)} and again ![again](fireside-image:12)"
    )
    assert with_local_images(content.body, {}) == content.body  # not here: left as it is


def test_two_offline_versions_keep_the_pictures_of_both() -> None:
    shared = SharedDoc(pycrdt.Doc())
    one, two = _image(1, picture(), "one.png"), _image(2, picture(), "two.png")
    pictures = post_bridge.content_of(
        Draft(1, "T", markdown_ref("one.png", 1), DraftState.DRAFT, (), None, "t", "t", None),
        [one],
    )
    base = shared.new_post(pictures, ME)
    for by, shown in ((ME, one), (THEM, two)):
        draft = Draft(
            1, "T", markdown_ref(shown.name, shown.id), DraftState.DRAFT, (), None, "t", "t", None
        )
        version = post_bridge.content_of(draft, [shown])
        shared.add_post_version(base.post_id, version, (base.id,), by)
    (arriving,) = post_bridge.incoming(shared, {}, str)
    assert [p.name for p in arriving.content.pictures] == ["one.png", "two.png"]


@pytest.fixture
def store(tmp_path: Path):
    store = Store(tmp_path / "fireside.db")
    yield store
    store.close()


def test_a_shared_draft_waits_for_the_bytes_it_lacks_and_takes_those_it_has(
    store: Store,
) -> None:
    mine, theirs = picture(), picture()
    own = store.run_sync(drafts.create, "Mine", "")
    kept = store.run_sync(images.add, own, "mine.png", check_picture(mine, "m"), mine)
    assert kept.sha256 == hashlib.sha256(mine).hexdigest() and kept.coming_from == ""
    have, lack = _image(0, mine, "mine.png"), _image(0, theirs, "theirs.png")
    arriving = PostContent(
        "Launch",
        f"![a]({shared_image_url(have.sha256)}) ![b]({shared_image_url(lack.sha256)})",
        DraftState.DRAFT,
        (),
        tuple(
            SharedPicture(i.sha256, i.name, i.mime_type, i.width, i.height) for i in (have, lack)
        ),
    )
    coming_from = {have.sha256: "Sam", lack.sha256: "Sam"}
    draft_id = store.run_sync(drafts.put_shared, None, arriving, coming_from)
    body = store.run_sync(drafts.get, draft_id).body
    shown = store.run_sync(images.kept, referenced_images(body))
    first, second = shown.values()
    assert (first.coming_from, second.coming_from) == ("", "Sam")
    assert store.run_sync(images.upload_of, first.id).data == mine  # type: ignore[union-attr]
    with pytest.raises(PictureStillComing, match="still coming from Sam's laptop"):
        store.run_sync(images.upload_of, second.id)
    assert store.run_sync(images.still_coming) == [lack.sha256]
    again = store.run_sync(drafts.put_shared, draft_id, arriving, coming_from)
    assert store.run_sync(drafts.get, again).body == body  # the same rows, not new ones

    assert store.run_sync(images.arrived, lack.sha256, theirs) == [draft_id]
    assert store.run_sync(images.still_coming) == []
    assert store.run_sync(images.upload_of, second.id).data == theirs  # type: ignore[union-attr]
    assert store.run_sync(images.bytes_of, lack.sha256) == theirs

    nobody = shared_post("Who?", "{0}", ("unnamed.png", picture()))
    body = store.run_sync(drafts.get, store.run_sync(drafts.put_shared, None, nobody)).body
    with pytest.raises(PictureStillComing, match="from another member's laptop"):
        store.run_sync(images.upload_of, referenced_images(body)[0])


def test_pictures_kept_before_get_their_hash(tmp_path: Path) -> None:
    data = picture()
    store = Store(tmp_path / "fireside.db")
    draft_id = store.run_sync(drafts.create, "T", "")
    kept = store.run_sync(images.add, draft_id, "a.png", check_picture(data, "a"), data)
    store.run_sync(lambda db: db.execute("DROP TABLE draft_image_hashes"))
    (step,) = [m for m in migrations.MIGRATIONS if m.__name__ == "_draft_images_by_hash"]
    store.run_sync(step)
    assert store.run_sync(images.about, kept.id).sha256 == hashlib.sha256(data).hexdigest()
    assert store.run_sync(images.still_coming) == []
    store.close()


async def test_a_queued_post_whose_picture_is_still_coming_waits_for_it(tmp_path: Path) -> None:
    """A shared draft scheduled here, whose picture then went missing from a newer
    version: the outbox never sends the post without it, and sends it once it is here."""
    store = Store(tmp_path / "fireside.db")
    store.run_sync(accounts.add_account, Account("acct", "fake", "Blog", "http://x"))
    net = FakeNetwork(replace(WORDPRESS_LIKE, accepts_images=True))
    engine = SyncEngine(store, Events(), {"acct": net}, {}, backoff=Backoff(0, 0, 4))
    data = picture()
    sha256 = hashlib.sha256(data).hexdigest()
    content = shared_post("Launch", "Look {0}", ("chart.png", data))
    draft_id = store.run_sync(drafts.put_shared, None, content, {sha256: "Sam"})
    body = store.run_sync(drafts.get, draft_id).body
    item_id = store.run_sync(
        lambda db: outbox.enqueue(
            db, OutboxKind.PUBLISH, "acct", body, title="Launch", draft_id=draft_id
        )
    )
    try:
        await engine.push("acct")
        waiting = store.run_sync(outbox.get, item_id)
        assert waiting.state is OutboxState.QUEUED
        assert "still coming from Sam's laptop" in (waiting.last_error or "")
        assert net.uploads == [] and net.published == []

        assert waiting.next_attempt_at is not None  # it looks again a minute later
        other = store.run_sync(
            lambda db: outbox.enqueue(db, OutboxKind.PUBLISH, "acct", "Plain", title="Other")
        )
        await engine.push("acct")  # the account's other posts do not wait for it
        assert store.run_sync(outbox.get, other).state is OutboxState.SENT
        assert store.run_sync(outbox.get, item_id).state is OutboxState.QUEUED

        store.run_sync(images.arrived, sha256, data)
        due = "UPDATE outbox SET next_attempt_at = ? WHERE id = ?"
        store.run_sync(lambda db: db.execute(due, [waiting.created_at, item_id]))  # a minute on
        assert (await engine.push("acct"))["sent"] == 1
        assert [u.data for u in net.uploads] == [data] and len(net.published) == 2
    finally:
        store.close()
