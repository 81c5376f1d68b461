"""Drafts, their version history, state changes and scheduled publishing."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING

from app.domain import DRAFT_TRANSITIONS, Draft, DraftState, DraftSummary, DraftVersion
from app.errors import UserError
from app.store import images
from app.store.sql import Database
from app.store.tables import insert_row
from app.text.image_refs import with_local_images
from app.timeutil import now_iso, parse

if TYPE_CHECKING:  # the workspace's types load with the workspace, not with every start
    from app.workspace.model import PostContent

#: A new version is kept when the last one is older than this, so history stays readable.
VERSION_EVERY_SECONDS = 300


def create(db: Database, title: str = "", body: str = "", targets: list[str] | None = None) -> int:
    stamp = now_iso()
    return insert_row(
        db,
        "drafts",
        {
            "title": title,
            "body": body,
            "state": str(DraftState.DRAFT),
            "targets": json.dumps(targets or []),
            "created_at": stamp,
            "updated_at": stamp,
        },
    )


def get(db: Database, draft_id: int) -> Draft:
    row = db.execute("SELECT * FROM drafts WHERE id = ?", [draft_id]).fetchone()
    if row is None:
        raise UserError(f"Draft {draft_id} does not exist.")
    return Draft(
        id=row["id"],
        title=row["title"] or "",
        body=row["body"] or "",
        state=DraftState(row["state"]),
        targets=tuple(json.loads(row["targets"] or "[]")),
        scheduled_at=row["scheduled_at"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        published_at=row["published_at"],
        language=row["language"],
        deleted_at=row["deleted_at"],
    )


def set_language(db: Database, draft_id: int, language: str | None) -> None:
    """The language the draft is spell checked in (None: the system's)."""
    db.execute("UPDATE drafts SET language = ? WHERE id = ?", [language, draft_id])


def every_draft(db: Database) -> list[Draft]:
    """Every draft whole, published and deleted ones too (what the workspace shares: a
    deletion is this device's own, so the words of a deleted draft still reach the others,
    and a change from them lands in it without bringing it back)."""
    return [get(db, row[0]) for row in db.execute("SELECT id FROM drafts ORDER BY id")]


def put_shared(
    db: Database,
    draft_id: int | None,
    content: PostContent,
    coming_from: Mapping[str, str] | None = None,
) -> int:
    """A draft as another member of the workspace left it: made here, or written over
    this one after keeping what it held as a version (so no word of it is lost). A time
    it is scheduled for stays this device's own: a draft never publishes here because
    another device scheduled it. The pictures it shows become this device's own (those
    not here yet wait for their bytes from the member ``coming_from`` names by hash),
    and its text names them by their ids here."""
    if draft_id is None:
        draft_id = create(db)
    else:
        snapshot(db, draft_id, "before a change from the workspace")
    local_ids = images.for_shared(db, draft_id, content.pictures, coming_from or {})
    db.execute(
        "UPDATE drafts SET title = ?, body = ?, state = ?, targets = ?, updated_at = ? "
        "WHERE id = ?",
        [
            content.title,
            with_local_images(content.body, local_ids),
            str(content.state),
            json.dumps(list(content.targets)),
            now_iso(),
            draft_id,
        ],
    )
    return draft_id


def list_drafts(db: Database) -> list[DraftSummary]:
    """Drafts not yet published nor deleted, the most recently changed first."""
    return [
        DraftSummary.from_row(r)
        for r in db.query(
            "SELECT id, title, state, updated_at, scheduled_at FROM drafts "
            "WHERE state != 'published' AND deleted_at IS NULL ORDER BY updated_at DESC"
        )
    ]


def save(db: Database, draft_id: int, title: str, body: str) -> bool:
    """Autosave: write the text now; keep a version when the last is old. True if changed."""
    current = get(db, draft_id)
    if current.title == title and current.body == body:
        return False
    db.execute(
        "UPDATE drafts SET title = ?, body = ?, updated_at = ? WHERE id = ?",
        [title, body, now_iso(), draft_id],
    )
    last = db.execute(
        "SELECT created_at FROM draft_versions WHERE draft_id = ? ORDER BY id DESC LIMIT 1",
        [draft_id],
    ).fetchone()
    age = None if last is None else (parse(now_iso()) - parse(last[0])).total_seconds()
    if age is None or age >= VERSION_EVERY_SECONDS:
        snapshot(db, draft_id, "autosave")
    return True


def snapshot(db: Database, draft_id: int, reason: str) -> int:
    """Keep the current text as a version (explicit save, state change, restore, publish)."""
    draft = get(db, draft_id)
    return insert_row(
        db,
        "draft_versions",
        {
            "draft_id": draft_id,
            "title": draft.title,
            "body": draft.body,
            "created_at": now_iso(),
            "reason": reason,
        },
    )


def versions(db: Database, draft_id: int) -> list[DraftVersion]:
    return [
        DraftVersion.from_row(r)
        for r in db.query(
            "SELECT id, title, body, created_at, reason FROM draft_versions "
            "WHERE draft_id = ? ORDER BY id DESC",
            [draft_id],
        )
    ]


def restore(db: Database, draft_id: int, version_id: int) -> None:
    """Make a version current again; the text it replaces is kept as a version first."""
    row = db.execute(
        "SELECT title, body FROM draft_versions WHERE id = ? AND draft_id = ?",
        [version_id, draft_id],
    ).fetchone()
    if row is None:
        raise UserError("That version no longer exists.")
    snapshot(db, draft_id, "before restore")
    db.execute(
        "UPDATE drafts SET title = ?, body = ?, updated_at = ? WHERE id = ?",
        [row[0], row[1], now_iso(), draft_id],
    )


def set_targets(db: Database, draft_id: int, targets: list[str]) -> None:
    db.execute(
        "UPDATE drafts SET targets = ?, updated_at = ? WHERE id = ?",
        [json.dumps(targets), now_iso(), draft_id],
    )


def set_state(
    db: Database, draft_id: int, state: DraftState, scheduled_at: str | None = None
) -> None:
    """Move a draft along its life cycle; refuses transitions the workflow does not allow."""
    current = get(db, draft_id).state
    if state is not current and state not in DRAFT_TRANSITIONS[current]:
        raise UserError(
            f"A draft that is {current.value.replace('_', ' ')} cannot become "
            f"{state.value.replace('_', ' ')}."
        )
    if state is DraftState.SCHEDULED and not scheduled_at:
        raise UserError("Choose a time to schedule the post.")
    stamp = now_iso()
    db.execute(
        "UPDATE drafts SET state = ?, scheduled_at = ?, updated_at = ?, "
        "published_at = CASE WHEN ? = 'published' THEN ? ELSE published_at END "
        "WHERE id = ?",
        [
            str(state),
            scheduled_at if state is DraftState.SCHEDULED else None,
            stamp,
            str(state),
            stamp,
            draft_id,
        ],
    )
    snapshot(db, draft_id, f"state: {state.value}")


def back_to_draft(db: Database, draft_id: int, reason: str) -> None:
    """A queued draft whose publish was taken back (undo send) is a draft again; outside
    the review workflow, since nothing of it left."""
    db.execute(
        "UPDATE drafts SET state = 'draft', updated_at = ? WHERE id = ? AND state = 'queued'",
        [now_iso(), draft_id],
    )
    snapshot(db, draft_id, f"state: draft ({reason})")


def due_scheduled(db: Database, now: str | None = None) -> list[int]:
    """Scheduled drafts whose time has come; a deleted one never is."""
    return [
        r[0]
        for r in db.execute(
            "SELECT id FROM drafts WHERE state = 'scheduled' AND scheduled_at <= ? "
            "AND deleted_at IS NULL",
            [now or now_iso()],
        ).fetchall()
    ]
