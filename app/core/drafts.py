"""Drafts as front ends use them: create, autosave, versions and restore, the pictures
kept with them, the review workflow, and publishing to several accounts now or on a
schedule."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Mapping

from app import events as ev
from app.core import publishing
from app.core.undo_send import UndoSend
from app.domain import (
    DeletedDraft,
    Delivery,
    Draft,
    DraftImage,
    DraftState,
    DraftSummary,
    DraftVersion,
    ImageUpload,
    OutboxKind,
    PublishOptions,
    RestoredDraft,
)
from app.errors import UserError
from app.networks.base import ChoosesPlaces, Network
from app.pictures import PictureStillComing, check_picture
from app.store import Store, draft_bin, drafts, images, outbox
from app.store.accounts import list_accounts
from app.store.sql import Database
from app.sync.engine import SyncEngine
from app.text.image_refs import IMAGE_SCHEME, referenced_images
from app.workspace.conflicts import still_both


class Drafts:
    def __init__(
        self,
        store: Store,
        events: ev.Events,
        engine: SyncEngine,
        networks: Mapping[str, Network],
        undo_send: UndoSend,
    ) -> None:
        self._undo_send = undo_send
        self._store = store
        self._events = events
        self._engine = engine
        self._networks = networks
        #: The title each draft had when it was last saved here: lists show titles, so a
        #: save that changes one is announced (a save that changes only the body is not).
        self._titles: dict[int, str] = {}

    # --- the text -------------------------------------------------------------------
    async def new(self, title: str = "", body: str = "") -> int:
        """A new draft meant for every connected account; its id."""
        draft_id = await self._store.run(drafts.create, title, body, list(self._networks))
        self._changed(draft_id)
        return draft_id

    async def get(self, draft_id: int) -> Draft:
        draft = await self._store.run(drafts.get, draft_id)
        self._titles[draft_id] = draft.title
        return draft

    async def summaries(self) -> list[DraftSummary]:
        """Drafts not yet published, the most recently changed first."""
        return await self._store.read(drafts.list_drafts)

    async def save(self, draft_id: int, title: str, body: str) -> bool:
        """Autosave: keep the text now (and a version now and then). True if it changed."""
        changed = await self._store.run(drafts.save, draft_id, title, body)
        if changed and self._titles.get(draft_id) != title:
            self._changed(draft_id)
        self._titles[draft_id] = title
        return changed

    async def set_language(self, draft_id: int, language: str | None) -> None:
        """Spell check the draft in ``language`` from now on (kept with the draft)."""
        await self._store.run(drafts.set_language, draft_id, language)

    async def add_image(self, draft_id: int, data: bytes, name: str) -> DraftImage:
        """Keep a picture with the draft (checked first: UserError says what is wrong with
        it, and nothing is kept); the text then shows it by ``image_refs.markdown_ref``."""
        picture = await asyncio.to_thread(check_picture, data, name)
        return await self._store.run(images.add, draft_id, name, picture, data)

    async def image(self, image_id: int) -> ImageUpload:
        """A picture kept with a draft, with its bytes (for the preview)."""
        found = await self._store.read(images.upload_of, image_id)
        if found is None:
            raise UserError(f"There is no picture {image_id} in this database.")
        return found

    async def keep_version(self, draft_id: int, reason: str = "manual") -> None:
        """Keep the current text as a version (Ctrl+S)."""
        await self._store.run(drafts.snapshot, draft_id, reason)

    async def versions(self, draft_id: int) -> list[DraftVersion]:
        return await self._store.run(drafts.versions, draft_id)

    async def restore(self, draft_id: int, version_id: int) -> Draft:
        """Make a version current; the text it replaces is kept as a version first."""
        await self._store.run(drafts.restore, draft_id, version_id)
        self._changed(draft_id)
        return await self.get(draft_id)

    async def set_state(self, draft_id: int, state: DraftState) -> Draft:
        """Move the draft along the review workflow (for review, approved, back to draft)."""
        await self._store.run(drafts.set_state, draft_id, state)
        self._changed(draft_id)
        return await self.get(draft_id)

    # --- deleting -------------------------------------------------------------------
    async def delete(self, draft_id: int, drop_schedule: bool = False) -> DeletedDraft:
        """Delete the draft, keeping it whole in Deleted drafts. DraftQueued while its post
        is in the outbox (cancel it there first); DraftScheduled for a scheduled draft,
        unless the person agreed that its publish is dropped (``drop_schedule``)."""
        gone = await self._store.run(draft_bin.delete, draft_id, drop_schedule)
        self._bin_changed(draft_id, deleted=True)
        return gone

    async def restore_deleted(self, draft_id: int) -> RestoredDraft:
        """Bring a deleted draft back as it was (a scheduled one as a plain draft)."""
        back = await self._store.run(draft_bin.restore, draft_id)
        self._bin_changed(draft_id, deleted=False)
        return back

    async def deleted(self) -> list[DeletedDraft]:
        """Deleted drafts, the most recently deleted first."""
        return await self._store.read(draft_bin.deleted)

    def _bin_changed(self, draft_id: int, deleted: bool) -> None:
        self._events.emit(ev.DraftBinChanged(draft_id=draft_id, deleted=deleted))
        self._changed(draft_id)

    # --- publishing -----------------------------------------------------------------
    async def publish(
        self,
        draft_id: int,
        account_ids: list[str],
        when: str | None = None,
        options: Mapping[str, PublishOptions] | None = None,
    ) -> Draft:
        """Queue the draft for every chosen account now, or schedule it for ``when``.

        ``options`` (by account id; an account left out publishes live) says in which state
        each site gets the post, among its network's ``publish_statuses``. "draft",
        "pending" and "future" are the site's own states: the post is sent to the site now
        (with the next sync) and waits there, as a draft, for the site's reviewers, or until
        ``publish_at``, when the site publishes it by itself. ``when`` is Fireside's own
        schedule instead: the post stays on this computer and is sent, live, once it is
        due (the computer must be on). The two do not combine: ``when`` needs every target
        to publish live.

        Locally every status takes the same path: the draft is queued (or scheduled), and
        becomes published once every target has been sent, whatever state the site keeps
        it in; from then on it lives on the sites. ``deliveries`` says how each target got
        it.
        """
        if not account_ids:
            raise UserError("Choose at least one account to publish to.")
        unknown = [a for a in account_ids if a not in self._networks]
        if unknown:
            raise UserError(f"Not connected: {', '.join(unknown)}.")
        names = {a.id: a.name for a in await self._store.read(list_accounts)}
        capabilities = {a: self._networks[a].capabilities for a in account_ids}
        draft = await self.get(draft_id)
        if draft.deleted_at is not None:
            raise UserError("This draft is deleted: restore it from Deleted drafts to publish it.")
        if still_both(draft.body) or still_both(draft.title):
            raise UserError(
                "This draft still holds both texts of an edit made on two devices: keep one "
                "or merge them, then publish."
            )
        await self._refuse_pictures_still_coming(draft)
        publishing.check_length(draft, capabilities, names)
        places = {
            a: network.chosen()
            for a in account_ids
            if isinstance(network := self._networks[a], ChoosesPlaces)
        }
        chosen = publishing.chosen_options(capabilities, options or {}, names, when, places)
        await self._store.run(drafts.set_targets, draft_id, account_ids)
        if when:
            at = publishing.schedule_time(when)
            await self._store.run(drafts.set_state, draft_id, DraftState.SCHEDULED, at)
        else:
            hold = self._undo_send.hold_until()
            await self._store.run(_enqueue_publish, draft_id, chosen, hold)
            self._events.emit(ev.OutboxChanged())
            self._engine.wake()
        self._changed(draft_id)
        return await self.get(draft_id)

    async def _refuse_pictures_still_coming(self, draft: Draft) -> None:
        """PictureStillComing when the text shows a picture another device shared whose
        bytes have not arrived: the post never goes out without it."""
        if IMAGE_SCHEME not in draft.body:
            return
        shown = await asyncio.to_thread(referenced_images, draft.body)
        for picture in (await self._store.read(images.kept, shown)).values():
            if picture.coming_from:
                raise PictureStillComing(picture.name, picture.coming_from)

    async def deliveries(self, draft_id: int) -> list[Delivery]:
        """How the draft went, or is going, to each account: one per publish item not
        cancelled, oldest first."""
        return await self._store.read(outbox.deliveries, draft_id)

    def _changed(self, draft_id: int) -> None:
        self._events.emit(ev.DraftsChanged(draft_id=draft_id))


def _enqueue_publish(
    db: Database,
    draft_id: int,
    options: Mapping[str, PublishOptions],
    hold_until: str | None = None,
) -> None:
    """One publish item per account, with its options, and the draft queued: one
    transaction. The items are one batch, so undo send takes them back together."""
    draft = drafts.get(db, draft_id)
    batch = uuid.uuid4().hex
    for account_id, option in options.items():
        outbox.enqueue(
            db,
            OutboxKind.PUBLISH,
            account_id,
            draft.body,
            title=draft.title,
            draft_id=draft_id,
            options=option,
            batch_id=batch,
            hold_until=hold_until,
        )
    drafts.set_state(db, draft_id, DraftState.QUEUED)
