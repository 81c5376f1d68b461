"""Pictures kept with drafts, and their uploads for outbox items.

A picture is one row of ``draft_images`` (bytes, type, name, size in pixels), written in
one transaction before the editor puts its reference into the text, so the text never
names a picture the database lacks. Rows are never deleted: a version of the draft, or an
outbox item queued from it, may still show the picture.

``outbox_uploads`` records each picture an outbox item uploaded, in its own transaction as
soon as the network answers, so a retry of the item (after a failure or a crash) sends the
post with the upload it already made rather than uploading the picture again.
"""

from __future__ import annotations

from app.domain import DraftImage, ImageUpload, UploadedImage
from app.errors import UserError
from app.pictures import Picture
from app.store.sql import Database
from app.store.tables import insert_row
from app.timeutil import now_iso

_ROW = "id, draft_id, name, mime_type, width, height, length(data) AS size"


def add(db: Database, draft_id: int, name: str, picture: Picture, data: bytes) -> DraftImage:
    """Keep a checked picture with the draft; returns it as the editor refers to it."""
    if db.execute("SELECT 1 FROM drafts WHERE id = ?", [draft_id]).fetchone() is None:
        raise UserError(f"Draft {draft_id} does not exist.")
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
    return about(db, image_id)


def about(db: Database, image_id: int) -> DraftImage:
    row = db.execute(f"SELECT {_ROW} FROM draft_images WHERE id = ?", [image_id]).fetchone()
    if row is None:
        raise UserError(f"The picture fireside-image:{image_id} is not in this database.")
    return DraftImage(
        id=row["id"],
        draft_id=row["draft_id"],
        name=row["name"],
        mime_type=row["mime_type"],
        width=row["width"],
        height=row["height"],
        size=row["size"],
    )


def upload_of(db: Database, image_id: int) -> ImageUpload | None:
    """The picture with its bytes, as it goes to a network (or to the preview); None when
    no picture has that id (an address typed by hand)."""
    row = db.execute(
        "SELECT id, name, mime_type, width, height, data FROM draft_images WHERE id = ?",
        [image_id],
    ).fetchone()
    if row is None:
        return None
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
