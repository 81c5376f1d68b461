"""Deleting and restoring drafts. A deleted draft keeps every row it had (its text,
title, state, targets, language, versions and pictures) and is only marked with when it
was deleted, which takes it out of the Drafts list, search and the scheduler; restoring
clears the mark. A draft whose post is queued in the outbox cannot be deleted (cancel it
there first); a scheduled one only when the caller says its publish is dropped, and it
comes back as a plain draft, so nothing goes out that the person did not ask for again."""

from __future__ import annotations

from app.domain import DeletedDraft, DraftState, RestoredDraft
from app.errors import DraftQueued, DraftScheduled
from app.store import drafts, outbox
from app.store.sql import Database
from app.timeutil import now_iso

#: How much of a deleted draft's text the Deleted drafts dialog shows.
OPENING_WORDS = 16


def delete(db: Database, draft_id: int, drop_schedule: bool = False) -> DeletedDraft:
    """Mark the draft deleted. DraftQueued while its post is in the outbox; DraftScheduled
    for a scheduled draft unless ``drop_schedule``. Deleting a deleted draft changes
    nothing."""
    draft = drafts.get(db, draft_id)
    if draft.deleted_at is None:
        if draft.state is DraftState.QUEUED or outbox.unsent_publishes(db, draft_id):
            raise DraftQueued(draft.title or "Untitled")
        if draft.state is DraftState.SCHEDULED and not drop_schedule:
            raise DraftScheduled(draft.title or "Untitled", draft.scheduled_at)
        db.execute("UPDATE drafts SET deleted_at = ? WHERE id = ?", [now_iso(), draft_id])
    return _deleted(db, draft_id)


def restore(db: Database, draft_id: int) -> RestoredDraft:
    """Bring a deleted draft back as it was; a scheduled one as a plain draft (its
    schedule is dropped, and the move is kept in its history)."""
    draft = drafts.get(db, draft_id)
    unscheduled_from = None
    if draft.deleted_at is not None and draft.state is DraftState.SCHEDULED:
        unscheduled_from = draft.scheduled_at
        drafts.set_state(db, draft_id, DraftState.DRAFT)
    db.execute("UPDATE drafts SET deleted_at = NULL WHERE id = ?", [draft_id])
    return RestoredDraft(draft_id, draft.title, unscheduled_from)


def deleted(db: Database) -> list[DeletedDraft]:
    """Every deleted draft, the most recently deleted first."""
    ids = db.execute(
        "SELECT id FROM drafts WHERE deleted_at IS NOT NULL ORDER BY deleted_at DESC, id DESC"
    ).fetchall()
    return [_deleted(db, draft_id) for (draft_id,) in ids]


def _deleted(db: Database, draft_id: int) -> DeletedDraft:
    draft = drafts.get(db, draft_id)
    assert draft.deleted_at is not None  # only ever asked of a deleted draft
    from app.text.plain import first_words  # markdown-it: 60 modules, not for the start

    opening = first_words(draft.body, OPENING_WORDS)
    return DeletedDraft(draft.id, draft.title, draft.deleted_at, opening, draft.state)
