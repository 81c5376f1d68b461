"""Pictures kept with drafts, and their uploads for outbox items.

A picture is one row of ``draft_images`` (bytes, type, name, size in pixels), written in
one transaction before the editor puts its reference into the text, so the text never
names a picture the database lacks. Rows are never deleted: a version of the draft, or an
outbox item queued from it, may still show the picture.

Beside each row, ``draft_image_hashes`` keeps the sha256 of its bytes, the name the
workspace gives the picture on every device. A picture a draft shared from another device
shows is a row too, made when the draft arrives (``for_shared``): with the bytes when this
device already has a picture with that hash, else empty and ``coming_from`` the member
whose laptop the bytes are still on, until they arrive (``arrived``). Such a picture is
never uploaded or shown (``PictureStillComing``).

``outbox_uploads`` records each picture an outbox item uploaded, in its own transaction as
soon as the network answers, so a retry of the item (after a failure or a crash) sends the
post with the upload it already made rather than uploading the picture again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from app.domain import DraftImage, ImageUpload, UploadedImage
from app.errors import UserError
from app.pictures import Picture, PictureStillComing
from app.store.sql import Database
from app.store.tables import insert_row
from app.timeutil import now_iso

if TYPE_CHECKING:  # the workspace's types load with the workspace, not with every start
    from app.workspace.model import SharedPicture

_ROW = (
    "i.id, i.draft_id, i.name, i.mime_type, i.width, i.height, length(i.data) AS size, "
    "h.sha256, h.coming_from FROM draft_images i LEFT JOIN draft_image_hashes h "
    "ON h.image_id = i.id"
)
#: Whose laptop a picture is coming from, when the workspace cannot say.
_SOMEONE = "another member"
#: The bytes of a picture with a given hash that is here (not still coming).
_HERE = (
    "SELECT i.data FROM draft_image_hashes h JOIN draft_images i ON i.id = h.image_id "
    "WHERE h.sha256 = ? AND h.coming_from = '' LIMIT 1"
)


def add(db: Database, draft_id: int, name: str, picture: Picture, data: bytes) -> DraftImage:
    """Keep a checked picture with the draft; returns it as the editor refers to it."""
    if db.execute("SELECT 1 FROM drafts WHERE id = ?", [draft_id]).fetchone() is None:
        raise UserError(f"Draft {draft_id} does not exist.")
    sha256 = hashlib.sha256(data).hexdigest()
    image_id = _insert(db, draft_id, name=name, picture=picture, data=data, sha256=sha256)
    return about(db, image_id)


def _insert(
    db: Database,
    draft_id: int,
    *,
    name: str,
    picture: Picture | SharedPicture,
    data: bytes,
    sha256: str,
    coming_from: str = "",
) -> int:
    image_id = insert_row(
        db,
        "draft_images",
        {
            "draft_id": draft_id,
            "name": name,
            "mime_type": picture.mime_type,
            "width": picture.width,
            "height": picture.height,
            "data": data,
            "created_at": now_iso(),
        },
    )
    db.execute(
        "INSERT INTO draft_image_hashes (image_id, sha256, coming_from) VALUES (?, ?, ?)",
        [image_id, sha256, coming_from],
    )
    return image_id


def about(db: Database, image_id: int) -> DraftImage:
    found = kept(db, [image_id])
    if not found:
        raise UserError(f"The picture fireside-image:{image_id} is not in this database.")
    return found[image_id]


def kept(db: Database, image_ids: Iterable[int]) -> dict[int, DraftImage]:
    """The pictures of these ids this database keeps (an id typed by hand is left out)."""
    found = {}
    for image_id in image_ids:
        row = db.execute(f"SELECT {_ROW} WHERE i.id = ?", [image_id]).fetchone()
        if row is not None:
            found[image_id] = DraftImage(
                id=row["id"],
                draft_id=row["draft_id"],
                name=row["name"],
                mime_type=row["mime_type"],
                width=row["width"],
                height=row["height"],
                size=row["size"],
                sha256=row["sha256"] or "",
                coming_from=row["coming_from"] or "",
            )
    return found


def for_shared(
    db: Database,
    draft_id: int,
    pictures: Iterable[SharedPicture],
    coming_from: Mapping[str, str],
) -> dict[str, int]:
    """This draft's row for each picture a shared version of it shows (sha256 -> id):
    the one it has, else a new one, with the bytes when another draft here has them,
    else empty until they arrive from the laptop of the member ``coming_from`` names
    (by sha256; "another member" when it names none)."""
    found = {}
    for picture in pictures:
        mine = db.execute(
            "SELECT i.id FROM draft_image_hashes h JOIN draft_images i ON i.id = h.image_id "
            "WHERE h.sha256 = ? AND i.draft_id = ? ORDER BY i.id",
            [picture.sha256, draft_id],
        ).fetchone()
        if mine is not None:
            found[picture.sha256] = int(mine[0])
            continue
        here = db.execute(_HERE, [picture.sha256]).fetchone()
        found[picture.sha256] = _insert(
            db,
            draft_id,
            name=picture.name,
            picture=picture,
            data=here[0] if here is not None else b"",
            sha256=picture.sha256,
            coming_from="" if here is not None else coming_from.get(picture.sha256) or _SOMEONE,
        )
    return found


def still_coming(db: Database) -> list[str]:
    """The hashes of the pictures whose bytes have not arrived yet."""
    rows = db.execute(
        "SELECT DISTINCT sha256 FROM draft_image_hashes WHERE coming_from != '' ORDER BY sha256"
    )
    return [sha256 for (sha256,) in rows]


def arrived(db: Database, sha256: str, data: bytes) -> list[int]:
    """The bytes of a picture that was still coming (checked against its hash by the
    caller); returns the drafts that show it now."""
    waiting = "SELECT image_id FROM draft_image_hashes WHERE sha256 = ? AND coming_from != ''"
    drafts = db.execute(
        f"SELECT DISTINCT draft_id FROM draft_images WHERE id IN ({waiting}) ORDER BY draft_id",
        [sha256],
    ).fetchall()
    db.execute(f"UPDATE draft_images SET data = ? WHERE id IN ({waiting})", [data, sha256])
    db.execute(
        "UPDATE draft_image_hashes SET coming_from = '' WHERE sha256 = ? AND coming_from != ''",
        [sha256],
    )
    return [draft_id for (draft_id,) in drafts]


def bytes_of(db: Database, sha256: str) -> bytes | None:
    """The bytes of a picture with this hash, when this database has them."""
    row = db.execute(_HERE, [sha256]).fetchone()
    return bytes(row[0]) if row is not None else None


def upload_of(db: Database, image_id: int) -> ImageUpload | None:
    """The picture with its bytes, as it goes to a network (or to the preview); None when
    no picture has that id (an address typed by hand); PictureStillComing when its bytes
    have not arrived from another device yet."""
    row = db.execute(
        "SELECT i.id, i.name, i.mime_type, i.width, i.height, i.data, h.coming_from "
        "FROM draft_images i LEFT JOIN draft_image_hashes h ON h.image_id = i.id "
        "WHERE i.id = ?",
        [image_id],
    ).fetchone()
    if row is None:
        return None
    if row["coming_from"]:
        raise PictureStillComing(row["name"], row["coming_from"])
    return ImageUpload(
        image_id=row["id"],
        name=row["name"],
        mime_type=row["mime_type"],
        width=row["width"],
        height=row["height"],
        data=bytes(row["data"]),
    )


def uploaded(db: Database, outbox_id: int) -> dict[int, UploadedImage]:
    """The pictures this outbox item already uploaded, by draft image id."""
    rows = db.execute(
        "SELECT image_id, remote_id, url FROM outbox_uploads WHERE outbox_id = ?", [outbox_id]
    ).fetchall()
    return {r["image_id"]: UploadedImage(r["image_id"], r["remote_id"], r["url"]) for r in rows}


def record_upload(db: Database, outbox_id: int, upload: UploadedImage) -> None:
    db.execute(
        "INSERT INTO outbox_uploads (outbox_id, image_id, remote_id, url, uploaded_at) "
        "VALUES (?, ?, ?, ?, ?)",
        [outbox_id, upload.image_id, upload.remote_id, upload.url, now_iso()],
    )
