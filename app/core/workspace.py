"""The workspace as front ends use it: create, join, sync, the shared inbox (triage,
assignments, internal notes), replies written "for approval", and the principal's
approve / edit-and-approve / send back, provenance and the audit CSV.

Every call runs the blocking workspace work (keyring, sealing, the shared store, the
replica) on one worker thread of its own, so the event loop never waits on a disk or a
WebDAV server. On the principal's device ``sync`` also bridges the workspace and the
local database: it shares the comments it pulled, brings triage both ways (three-way:
only the side that changed since the last sync is copied), puts each approved reply into
the outbox exactly once (``app.store.shared_inbox``) and shares what became of it. On
every device it shares post drafts (``post_bridge``) with their pictures (a sealed file
each, ``app.core.workspace_pictures``), saved replies (snippets,
``app.core.snippet_sharing``) and VIP tiers set by hand (``app.core.tier_sharing``) both
ways.

The principal can let delegates send without approval on a network; a delegate's reply
to a comment there, when the delegate's device has its own account on that network, is
marked as sent by that device: it goes into the delegate's own outbox (once, by the same
path) and out with the delegate's account, and the principal's device never queues it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

import msgspec
from msgspec.structs import replace

from app import events as ev
from app.core import workspace_pictures
from app.core.snippet_sharing import SnippetSharing
from app.core.tier_sharing import TierSharing
from app.domain import TriageState
from app.errors import FiresideError
from app.networks import registry
from app.store import Store, shared_inbox
from app.store import accounts as accounts_repo
from app.store import drafts as drafts_repo
from app.sync.engine import SyncEngine
from app.text.templates import check_template, personalise
from app.workspace import audit, pairing, post_bridge
from app.workspace import settings as membership_store
from app.workspace.errors import NotInWorkspace, WorkspaceError
from app.workspace.model import (
    DecisionKind,
    DirectSend,
    Member,
    Note,
    Provenance,
    Reply,
    ReplyStatus,
    Role,
    SentRecord,
    SharedComment,
    Transport,
    TriageChange,
    VersionKind,
    comment_key,
)
from app.workspace.session import ClientFactory, Session, SyncReport, default_client
from app.workspace.settings import Membership
from app.workspace.shared import SharedDoc

T = TypeVar("T")
log = logging.getLogger(__name__)
#: After a change or a network sync, wait this long for more before syncing (batches a
#: burst of triage keys into one file).
BATCH_DELAY_S = 2.0


class ReplyTrail(msgspec.Struct, frozen=True):
    reply: Reply
    drafted_by: str  # the member's name and role
    provenance: Provenance | None  # once approved


class WorkspaceStatus(msgspec.Struct, frozen=True):
    membership: Membership
    members: tuple[Member, ...]
    for_approval: int
    unpushed: int


class Workspace:
    def __init__(
        self,
        data_dir: Path,
        store: Store,
        events: ev.Events,
        engine: SyncEngine | None = None,
        client: ClientFactory = default_client,
    ) -> None:
        self._data_dir = data_dir
        self._store = store
        self._events = events
        self._engine = engine
        self._client = client
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="fireside-workspace")
        self._session: Session | None = None
        self._wake = asyncio.Event()
        self._snippets = SnippetSharing(store, events, self._run, self._open)
        self._tiers = TierSharing(store, events, self._run, self._open)
        events.subscribe(self._on_event)

    def _on_event(self, event: ev.Event) -> None:
        if isinstance(event, ev.SyncFinished):  # new comments to share, sends to record
            self._wake.set()
        elif isinstance(event, ev.SnippetsChanged) and not event.from_workspace:
            self._wake.set()  # a snippet saved or deleted here, for the other devices

    async def run(self, interval_s: float) -> None:
        """Sync in the background (the window runs this): every ``interval_s``, soon
        after a change here or a network sync, until cancelled. A failure is published as
        ``WorkspaceProblem`` and tried again at the next turn."""
        while True:
            if await self.joined():
                await self._sync_reporting()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), interval_s)
                await asyncio.sleep(BATCH_DELAY_S)
            self._wake.clear()

    async def _sync_reporting(self) -> None:
        try:
            report = await self.sync()
        except FiresideError as exc:
            log.warning("workspace sync failed: %s", exc)
            self._events.emit(ev.WorkspaceProblem(str(exc)))
            return
        if report.problem:
            self._events.emit(ev.WorkspaceProblem(report.problem))

    async def _run(self, fn: Callable[..., T], *args: object) -> T:
        return await asyncio.wrap_future(self._worker.submit(fn, *args))

    def _open(self) -> Session:
        if self._session is None:
            self._session = Session.open(self._data_dir, self._client)
        return self._session

    async def joined(self) -> bool:
        try:
            await self._run(self._open)
        except NotInWorkspace:
            return False
        return True

    # --- set-up ---------------------------------------------------------------------

    async def create(
        self,
        device_name: str,
        transport: Transport,
        location: str,
        user: str = "",
        password: str = "",
    ) -> pairing.PairingCode:
        """Start a workspace as its principal; returns the code a delegate joins with."""
        membership = Membership(
            uuid.uuid4().hex[:8],
            uuid.uuid4().hex[:8],
            _named(device_name),
            Role.PRINCIPAL,
            transport,
            _located(transport, location),
            user,
        )

        def create() -> pairing.PairingCode:
            self._refuse_second()
            self._session = Session.create(self._data_dir, membership, password, self._client)
            return self._session.pairing_code()

        code = await self._run(create)
        self._changed()
        return code

    async def join(
        self,
        code_text: str,
        device_name: str,
        location: str = "",
        user: str = "",
        password: str = "",
    ) -> None:
        """Join as a delegate with the principal's pairing code (a WebDAV address may
        come with the code, from its QR link)."""
        code = pairing.parse(code_text)
        where = location or code.location
        transport = (
            Transport.WEBDAV if where.startswith(("http://", "https://")) else Transport.FOLDER
        )
        membership = Membership(
            code.workspace_id,
            uuid.uuid4().hex[:8],
            _named(device_name),
            Role.DELEGATE,
            transport,
            _located(transport, where),
            user,
            code.epoch,
        )

        def join() -> None:
            self._refuse_second()
            self._session = Session.join(self._data_dir, membership, code, password, self._client)

        await self._run(join)
        self._changed()

    def _refuse_second(self) -> None:
        try:
            membership_store.load(self._data_dir)
        except NotInWorkspace:
            return
        raise WorkspaceError("This device is already in a workspace.")

    async def status(self) -> WorkspaceStatus:
        def status() -> WorkspaceStatus:
            s = self._open()
            waiting = sum(r.status is ReplyStatus.FOR_APPROVAL for r in self._shared_replies())
            return WorkspaceStatus(
                s.membership, tuple(s.shared.members()), waiting, s.replica.unpushed()
            )

        return await self._run(status)

    async def pairing_code(self) -> pairing.PairingCode:
        return await self._run(lambda: self._open().pairing_code())

    async def remove_member(self, device_id: str) -> pairing.PairingCode:
        """Remove a delegate: the key rotates and that device reads nothing new."""
        code = await self._run(lambda: self._open().remove_member(device_id))
        self._changed()
        return code

    # --- sync -----------------------------------------------------------------------

    async def sync(self) -> SyncReport:
        """Exchange updates with the shared store (and, on the principal's device, bridge
        them with the local database: see the module doc)."""
        session = await self._run(self._open)
        principal = session.membership.role is Role.PRINCIPAL
        if principal:
            await self._share_local()
        await self._share_drafts()
        await self._snippets.share()
        await self._tiers.share()
        put_pictures = workspace_pictures.putting_shown(session.shared, self._store)
        report = await self._run(session.sync, put_pictures)
        await self._apply_drafts()
        await self._take_pictures()
        if await self._snippets.bring():
            self._wake.set()  # push the settled snippets soon
        await self._tiers.bring()
        if principal:
            await self._apply_shared()
        else:
            await self._send_own()
        self._changed()
        return report

    async def _share_drafts(self) -> None:
        """Every device shares its post drafts (``post_bridge``)."""
        local = await self._store.read(drafts_repo.every_draft)
        shown = await workspace_pictures.shown_by_drafts(self._store, local)

        def share() -> None:
            s = self._open()
            bridged = s.replica.bridged()
            known = post_bridge.links(bridged)
            adopted = post_bridge.adopt(bridged, known, local, shown)
            with s.change() as shared:
                moved = post_bridge.share_local(
                    shared, local, {**known, **adopted}, s.membership.device_id, shown
                )
            s.replica.set_bridged(post_bridge.encoded({**adopted, **moved}))

        await self._run(share)

    async def _apply_drafts(self) -> None:
        """Bring post drafts others changed into this device's drafts; a draft saved here
        meanwhile is left alone (the next sync shares it, built on what it last saw)."""

        def changes() -> tuple[
            dict[int, post_bridge.Link], list[post_bridge.Incoming], dict[str, str]
        ]:
            s = self._open()
            known = post_bridge.links(s.replica.bridged())
            names = {m.device_id: m.name for m in s.shared.members()}
            return known, post_bridge.incoming(s.shared, known, s.shared.name_of), names

        known, arriving, names = await self._run(changes)
        moved: dict[int, post_bridge.Link] = {}
        for change in arriving:
            if change.draft_id is not None:
                here = await self._store.read(drafts_repo.get, change.draft_id)
                shown = await workspace_pictures.shown_by_drafts(self._store, [here])
                held = post_bridge.content_of(here, shown.get(here.id, ()))
                if post_bridge.digest(held) != known[change.draft_id].digest:
                    continue
            else:
                announce = post_bridge.making(change.post.id, change.content)
                await self._run(self._open().replica.set_bridged, announce)
            coming_from = {
                p.sha256: names.get(change.post.added_by(p.sha256), "")
                for p in change.content.pictures
            }
            draft_id = await self._store.run(
                drafts_repo.put_shared, change.draft_id, change.content, coming_from
            )
            heads = tuple(h.id for h in change.post.heads)
            moved[draft_id] = post_bridge.Link(
                change.post.id, heads, post_bridge.digest(change.content)
            )
        if moved:
            await self._run(self._open().replica.set_bridged, post_bridge.encoded(moved))
            self._events.emit(ev.DraftsChanged())

    async def _take_pictures(self) -> None:
        """Fill the pictures of shared drafts still coming, once their files are here."""

        async def open_shelf() -> workspace_pictures.Fetch:
            shelf = await self._run(lambda: self._open().shelf())
            return lambda sha256: self._run(shelf.take, sha256)

        for draft_id in await workspace_pictures.take_coming(self._store, open_shelf):
            self._events.emit(ev.DraftsChanged(draft_id=draft_id))

    async def _share_local(self) -> None:
        local = await self._store.read(shared_inbox.shareable)
        session = await self._run(self._open)

        def share() -> None:
            known = session.shared.comment_versions()
            bridged = session.replica.bridged()
            updates: dict[str, str] = {}
            with session.change() as shared:
                for row in local:
                    if known.get(row.key, 0) < row.version:
                        shared.put_comment(_shared(row))
                    mine = _pair(row.triage_state, row.snoozed_until)
                    entry = shared.triage_entry(row.key)
                    theirs = _pair(entry.state, entry.snoozed_until) if entry else _OPEN
                    last = bridged.get(row.key, _OPEN)  # never bridged: both began open
                    if mine not in (last, theirs):
                        shared.set_triage(
                            [row.key],
                            row.triage_state,
                            row.snoozed_until,
                            session.membership.device_id,
                        )
                        updates[row.key] = mine
            session.replica.set_bridged(updates)

        await self._run(share)

    async def _apply_shared(self) -> None:
        local = {row.key: row for row in await self._store.read(shared_inbox.shareable)}
        session = await self._run(self._open)
        moved = await self._apply_triage(session, local)
        approved = await self._run(self._approved_here)
        await self._queue_and_record(
            [
                (reply, text, local[reply.comment_key].id)
                for reply, text in approved
                if reply.comment_key in local
            ]
        )
        if moved:
            self._events.emit(ev.InboxChanged())

    async def _send_own(self) -> None:
        """On a delegate's device: queue the replies this device sends without approval,
        each to its own copy of the comment (pulled by this device's own account)."""

        def mine() -> list[tuple[Reply, SharedComment]]:
            s = self._open()
            comments = {c.key: c for c in s.shared.comments()}
            return [
                (r, comments[r.comment_key])
                for r in s.shared.replies()
                if r.sender == s.membership.device_id
                and r.comment_key in comments
                and (r.sent is None or r.sent.state != "sent")
            ]

        queued = []
        for reply, comment in await self._run(mine):
            own = await self._store.read(shared_inbox.own_copy, comment.network, comment.remote_id)
            if own is not None:
                queued.append((reply, reply.text, own))
        await self._queue_and_record(queued)

    async def _queue_and_record(self, replies: list[tuple[Reply, str, int]]) -> None:
        """Put each reply (with its text, to a local comment id) into this device's outbox
        once, and share what became of it."""
        records = [await self._queue_once(reply, text, comment) for reply, text, comment in replies]
        session = await self._run(self._open)

        def share_records() -> None:
            with session.change() as shared:
                for record in records:
                    shared.record_sent(record)

        await self._run(share_records)
        if records:
            self._events.emit(ev.OutboxChanged())
            if self._engine is not None:
                self._engine.wake()

    async def _apply_triage(
        self, session: Session, local: dict[str, shared_inbox.LocalComment]
    ) -> int:
        """Bring triage the other members changed into the local database."""

        def changes() -> list[tuple[int, TriageState, str | None, str]]:
            bridged = session.replica.bridged()
            moves = []
            for key, row in local.items():
                entry = session.shared.triage_entry(key)
                if entry is None:
                    continue
                theirs = _pair(entry.state, entry.snoozed_until)
                mine = _pair(row.triage_state, row.snoozed_until)
                if theirs != mine and bridged.get(key, _OPEN) == mine:
                    moves.append((row.id, entry.state, entry.snoozed_until, key))
            return moves

        moves = await self._run(changes)
        for comment_id, state, until, _key in moves:
            await self._store.run(shared_inbox.set_triage, comment_id, state, until)
        await self._run(session.replica.set_bridged, {k: _pair(s, u) for _, s, u, k in moves})
        return len(moves)

    def _reply_here(self, reply_id: str) -> Reply:
        reply = next((r for r in self._shared_replies() if r.id == reply_id), None)
        if reply is None:
            raise WorkspaceError(f"There is no reply {reply_id!r} in the workspace.")
        return reply

    def _approved_here(self) -> list[tuple[Reply, str]]:
        """Replies this device approved, with the text it approved."""
        session = self._open()
        mine = session.replica.approved_here()
        found = []
        for reply in session.shared.replies():
            if reply.sent is not None and reply.sent.state == "sent":
                continue  # gone out: nothing left to queue or record
            decision = next((d for d in reply.decisions if d.id in mine), None)
            if decision is not None:
                found.append((reply, _version_text(reply, decision.version_id)))
        return found

    async def _queue_once(self, reply: Reply, text: str, comment_id: int) -> SentRecord:
        """The reply's one outbox item here (made now or found), as a sent record."""
        await self._store.run(shared_inbox.enqueue_once, reply.id, comment_id, text)
        item = await self._store.read(shared_inbox.queued_item, reply.id)
        assert item is not None
        return SentRecord(reply.id, str(item.state), item.remote_id or "", item.sent_at or "")

    # --- the shared inbox ------------------------------------------------------------

    async def comments(self) -> list[SharedComment]:
        return await self._run(self._shared_comments)

    async def triage(
        self, keys: Sequence[str], state: TriageState, until: str | None = None
    ) -> TriageChange:
        return await self._write(lambda s, me: s.set_triage(keys, state, until, me))

    async def undo(self, change: TriageChange) -> int:
        """Undo one of this person's triage actions; another person's stay."""
        return await self._write(lambda s, me: s.undo_triage(change))

    async def assign(self, keys: Sequence[str], to: Role | None) -> None:
        await self._write(lambda s, me: s.assign(keys, to, me))

    async def add_note(self, comment_key: str, text: str) -> Note:
        if not text.strip():
            raise WorkspaceError("Write the note first.")
        return await self._write(lambda s, me: s.add_note(comment_key, text, me))

    async def notes(self, comment_key: str) -> list[Note]:
        return await self._run(lambda: self._open().shared.notes(comment_key))

    # --- replies and approval --------------------------------------------------------

    async def draft(
        self, comment_keys: Sequence[str], template: str, *, for_approval: bool = True
    ) -> list[str]:
        """One reply per comment (personalised), written for approval unless a draft."""
        if not template.strip():
            raise WorkspaceError("Write a reply before saving it.")
        check_template(template)
        kind = VersionKind.SUBMITTED if for_approval else VersionKind.DRAFT
        own = await self._own_networks() if for_approval else set()

        def draft(s: SharedDoc, me: str) -> list[str]:
            comments = {c.key: c for c in s.comments()}
            missing = [k for k in comment_keys if k not in comments]
            if missing:
                raise WorkspaceError(f"{len(missing)} of these comments are not in the workspace.")
            direct = own & s.direct_networks()
            return [
                s.new_reply(
                    k,
                    personalise(template, _name(comments[k]), comments[k].body).text,
                    me,
                    kind,
                    me if comments[k].network in direct else "",
                )
                for k in comment_keys
            ]

        ids = await self._write(draft)
        if own:
            await self._send_own()
        return ids

    async def edit(self, reply_id: str, text: str, *, for_approval: bool = True) -> None:
        """A new version of a reply, built on every current head: after a conflict this
        is how the text picked or merged replaces both."""
        kind = VersionKind.SUBMITTED if for_approval else VersionKind.DRAFT
        own = await self._own_networks() if for_approval else set()

        def edit(s: SharedDoc, me: str) -> None:
            reply = _reply(s, reply_id)
            if reply.status in (ReplyStatus.APPROVED, ReplyStatus.SENT):
                raise WorkspaceError("This reply was approved already; it can no longer change.")
            if reply.status is ReplyStatus.QUEUED_BY_DRAFTER:
                raise WorkspaceError("This reply is in its writer's outbox; it cannot change now.")
            merged = VersionKind.MERGED if reply.in_conflict and not for_approval else kind
            s.add_version(reply_id, text, tuple(h.id for h in reply.heads), me, merged)
            network = next((c.network for c in s.comments() if c.key == reply.comment_key), "")
            if network in own & s.direct_networks():
                s.send_as(reply_id, me)

        await self._write(edit)
        if own:
            await self._send_own()

    async def _own_networks(self) -> set[str]:
        """On a delegate's device, the networks it has an account of its own on (where a
        reply may go out without approval, if the principal allows it); none elsewhere."""
        session = await self._run(self._open)
        if session.membership.role is not Role.DELEGATE:
            return set()
        return {a.network for a in await self._store.read(accounts_repo.list_accounts)}

    async def allow_direct_send(self, network: str, allowed: bool) -> DirectSend:
        """Let delegates send without approval on ``network`` (with their own account on
        it), or stop letting them (principal only). Replies already queued stay queued."""
        await self._require_principal("sets who may send without approval")
        if not network.strip():
            raise WorkspaceError("Name the network (its kind, such as wordpress).")
        return await self._write(lambda s, me: s.set_direct_send(network.strip(), allowed, me))

    async def direct_send(self) -> list[DirectSend]:
        def rules() -> list[DirectSend]:
            return self._open().shared.direct_send()

        return await self._run(rules)

    async def replies(self, status: ReplyStatus | None = None) -> list[Reply]:
        found = await self._run(self._shared_replies)
        return [r for r in found if status is None or r.status is status]

    async def approve(self, reply_ids: Sequence[str], edited_text: str | None = None) -> int:
        """Approve replies (principal only); with ``edited_text`` (one reply) the edit is
        recorded as what changed at approval. Approved replies reach the outbox at once."""
        await self._require_principal()

        def approve(s: SharedDoc, me: str) -> int:
            done = 0
            for reply_id in reply_ids:
                reply = self._reply_here(reply_id)
                if reply.status in _SETTLED:
                    continue
                if edited_text is not None:
                    version = s.add_version(
                        reply_id,
                        edited_text,
                        tuple(h.id for h in reply.heads),
                        me,
                        VersionKind.EDITED_AT_APPROVAL,
                    ).id
                elif reply.in_conflict:
                    raise WorkspaceError(
                        "This reply was edited on two devices; pick or merge the texts "
                        "(edit, then approve) before approving it."
                    )
                else:
                    version = reply.heads[-1].id
                decision = s.decide(reply_id, DecisionKind.APPROVE, version, "", me)
                self._open().replica.mark_approved_here(decision.id)
                done += 1
            return done

        approved = await self._write(approve)
        await self._apply_shared()
        return approved

    async def send_back(self, reply_ids: Sequence[str], note: str) -> None:
        """Send replies back to their drafter with a note (principal only)."""
        await self._require_principal()
        if not note.strip():
            raise WorkspaceError("Say what should change: the note goes back with the reply.")

        def send_back(s: SharedDoc, me: str) -> None:
            for reply_id in reply_ids:
                reply = _reply(s, reply_id)
                if reply.status not in _SETTLED:
                    s.decide(reply_id, DecisionKind.SEND_BACK, reply.heads[-1].id, note, me)

        await self._write(send_back)

    async def provenance_of(self, reply_id: str) -> Provenance | None:
        """One reply's provenance; None until it is approved."""

        def find() -> Provenance | None:
            shared = self._open().shared
            reply = shared.reply(reply_id)
            return audit.of_reply(shared, reply) if reply else None

        return await self._run(find)

    async def trail(self, comment_key: str) -> list[ReplyTrail]:
        """The workspace's replies to one comment, each with its drafter's name and, once
        approved, its provenance (what the thread shows)."""

        def trail() -> list[ReplyTrail]:
            shared = self._open().shared
            return [
                ReplyTrail(r, shared.name_of(r.created_by), audit.of_reply(shared, r))
                for r in shared.replies()
                if r.comment_key == comment_key
            ]

        return await self._run(trail)

    async def provenance(self, since: str = "") -> list[Provenance]:
        return await self._run(lambda: audit.provenance(self._open().shared, since))

    async def audit_csv(self, since: str = "") -> str:
        return await self._run(lambda: audit.to_csv(audit.provenance(self._open().shared, since)))

    async def digest(self) -> str:
        return await self._run(self._digest)

    # --- plumbing -------------------------------------------------------------------

    def _shared_comments(self) -> list[SharedComment]:
        return self._open().shared.comments()

    def _shared_replies(self) -> list[Reply]:
        """Every reply as this device sees it: on the principal's device an approval
        this device did not make (every member holds the key, so any could write one)
        leaves the reply waiting for approval."""
        session = self._open()
        replies = session.shared.replies()
        if session.membership.role is not Role.PRINCIPAL:
            return replies
        mine = session.replica.approved_here()
        return [_unless_approved_here(r, mine) for r in replies]

    def _digest(self) -> str:
        return self._open().shared.digest()

    async def _require_principal(self, what: str = "approves or sends back replies") -> None:
        session = await self._run(self._open)
        if session.membership.role is not Role.PRINCIPAL:
            raise WorkspaceError(f"Only the principal {what}.")

    async def _write(self, fn: Callable[[SharedDoc, str], T]) -> T:
        def write() -> T:
            s = self._open()
            with s.change() as shared:
                return fn(shared, s.membership.device_id)

        result = await self._run(write)
        self._changed()
        self._wake.set()
        return result

    def _changed(self) -> None:
        self._events.emit(ev.WorkspaceChanged())

    async def close(self) -> None:
        def close() -> None:
            if self._session is not None:
                self._session.close()

        await self._run(close)
        self._worker.shutdown(wait=True)


_OPEN = "open|"
#: Replies past approval: approving or sending back changes nothing.
_SETTLED = (ReplyStatus.APPROVED, ReplyStatus.QUEUED_BY_DRAFTER, ReplyStatus.SENT)


def _pair(state: TriageState, until: str | None) -> str:
    return f"{state}|{until or ''}" if state is TriageState.SNOOZED else f"{state}|"


def _shared(row: shared_inbox.LocalComment) -> SharedComment:
    parent = comment_key(row.account_id, row.parent_remote_id) if row.parent_remote_id else ""
    return SharedComment(
        row.key, row.account_id, row.remote_id, row.network, row.post_title, row.author,
        row.body, row.created_at, row.version, parent_key=parent,
    )  # fmt: skip


def _reply(shared: SharedDoc, reply_id: str) -> Reply:
    reply = shared.reply(reply_id)
    if reply is None:
        raise WorkspaceError(f"There is no reply {reply_id!r} in the workspace.")
    return reply


def _unless_approved_here(reply: Reply, mine: set[str]) -> Reply:
    if reply.status is ReplyStatus.APPROVED and not any(d.id in mine for d in reply.decisions):
        return replace(reply, status=ReplyStatus.FOR_APPROVAL)
    return reply


def _version_text(reply: Reply, version_id: str) -> str:
    return next(v.text for v in reply.versions if v.id == version_id)


def _named(device_name: str) -> str:
    name = device_name.strip()
    if not name:
        raise WorkspaceError("Give this device a name the other person will recognise.")
    return name


def _located(transport: Transport, location: str) -> str:
    where = location.strip()
    if not where:
        raise WorkspaceError(
            "Choose the shared folder or enter the WebDAV address the workspace lives in."
        )
    if transport is Transport.FOLDER:
        folder = Path(where).expanduser()
        if not folder.is_dir():
            raise WorkspaceError(f"{folder} is not a folder on this computer.")
        return str(folder.resolve())
    return where


def _name(comment: SharedComment) -> str | None:
    """The commenter's name, or None where their network gives none (a template's
    {first_name} is then left out, the greeting closed up)."""
    return comment.author if registry.names_people(comment.network) else None
