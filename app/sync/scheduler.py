"""Scheduled drafts: when a draft's time comes it becomes 'queued' and one publish item per
target account enters the outbox, in the same transaction, so it goes out exactly once.

A draft's targets are account ids. Targets that are no longer accounts are skipped (and
logged); a draft with no usable target stays scheduled for the user to fix.
"""

from __future__ import annotations

import logging

from app import events
from app.domain import DraftState, OutboxKind
from app.events import Events
from app.store import accounts, drafts, outbox
from app.store.db import Store
from app.store.sql import Database

log = logging.getLogger(__name__)


def _promote(db: Database) -> list[int]:
    known = {account.id for account in accounts.list_accounts(db)}
    promoted = []
    for draft_id in drafts.due_scheduled(db):
        draft = drafts.get(db, draft_id)
        targets = [t for t in draft.targets if t in known]
        if len(targets) < len(draft.targets):
            log.warning(
                "draft %s: skipping targets that are not accounts: %s",
                draft_id,
                sorted(set(draft.targets) - known),
            )
        if not targets:
            continue
        for account_id in targets:
            outbox.enqueue(
                db,
                OutboxKind.PUBLISH,
                account_id,
                draft.body,
                draft_id=draft_id,
                title=draft.title,
            )
        drafts.set_state(db, draft_id, DraftState.QUEUED)
        promoted.append(draft_id)
    return promoted


async def promote_due(store: Store, hub: Events) -> list[int]:
    """Queue every scheduled draft whose time has come; returns their ids."""
    promoted = await store.run(_promote)
    for draft_id in promoted:
        hub.emit(events.DraftsChanged(draft_id=draft_id))
    if promoted:
        hub.emit(events.OutboxChanged(item_id=None))
    return promoted


def next_scheduled_at(db: Database) -> str | None:
    """When the next scheduled draft is due (None: nothing is scheduled; a deleted draft
    is not)."""
    due: str | None = db.execute(
        "SELECT MIN(scheduled_at) FROM drafts WHERE state = 'scheduled' AND deleted_at IS NULL"
    ).fetchone()[0]
    return due
