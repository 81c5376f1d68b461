"""What the local store holds, as front ends see it: comments as the inbox lists them and
as a thread shows them, posts, drafts and their versions, outbox items and deliveries.

Frozen and slotted: they cross the boundary from the core to the window and the CLI, and a
page of the inbox is built from them on every scroll. Each ``from_row`` reads the store's
column names, so a column the store adds cannot leak into a front end unannounced.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol

import msgspec

from app.domain.network import PublishOptions, WriteIntent
from app.domain.states import (
    DraftState,
    ErrorKind,
    OutboxKind,
    OutboxState,
    TriageState,
    VipTier,
)


class Row(Protocol):
    """A stored row by column name: a dict from sqlite-utils or an ``sqlite3.Row``."""

    def keys(self) -> Iterable[str]: ...

    def __getitem__(self, key: str, /) -> Any: ...


def _flag(value: object) -> bool:
    return bool(value)


class InboxRow(msgspec.Struct, frozen=True):
    """One comment as a list shows it (the inbox, a search, a group)."""

    id: int
    created_at: str
    triage_state: TriageState
    snoozed_until: str | None
    is_question: bool
    answered: bool
    edited_at: str | None
    snippet: str
    author_name: str
    author_title: str
    author_department: str
    post_title: str
    network: str
    account_name: str
    #: The person has more than one account on this network (chips then name the account).
    network_shared: bool
    #: A reply to this comment is being written (kept as a reply draft).
    reply_draft: bool
    #: The person's VIP tier (directory, imported list or set by hand).
    author_tier: VipTier

    @classmethod
    def from_row(cls, row: Row) -> InboxRow:
        return cls(**_list_fields(row))


def _list_fields(row: Row) -> dict[str, Any]:
    return {
        "id": row["id"],
        "created_at": row["created_at"],
        "triage_state": TriageState(row["triage_state"]),
        "snoozed_until": row["snoozed_until"],
        "is_question": _flag(row["is_question"]),
        "answered": _flag(row["answered"]),
        "edited_at": row["edited_at"],
        "snippet": row["snippet"] or "",
        "author_name": row["author_name"] or "",
        "author_title": row["author_title"] or "",
        "author_department": row["author_department"] or "",
        "post_title": row["post_title"] or "",
        "network": row["network"],
        "account_name": row["account_name"] or "",
        "network_shared": _flag(row["network_shared"]),
        "reply_draft": _flag(row["reply_draft"]),
        "author_tier": VipTier(row["author_tier"] or 0),
    }


class Comment(InboxRow, frozen=True):
    """One comment whole: its text, where it sits on the network, and its post."""

    body_html: str
    body_text: str
    remote_id: str
    parent_remote_id: str | None
    root_remote_id: str | None
    account_id: str
    post_id: int
    version: int
    is_mine: bool
    deleted: bool
    author_level: str
    post_remote_id: str
    post_body: str
    post_url: str

    @classmethod
    def from_row(cls, row: Row) -> Comment:
        return cls(
            **_list_fields(row),
            body_html=row["body_html"] or "",
            body_text=row["body_text"] or "",
            remote_id=row["remote_id"],
            parent_remote_id=row["parent_remote_id"],
            root_remote_id=row["root_remote_id"],
            account_id=row["account_id"],
            post_id=row["post_id"],
            version=row["version"],
            is_mine=_flag(row["is_mine"]),
            deleted=_flag(row["deleted"]),
            author_level=row["author_level"] or "",
            post_remote_id=row["post_remote_id"],
            post_body=row["post_body"] or "",
            post_url=row["post_url"] or "",
        )


class Thread(msgspec.Struct, frozen=True):
    """What the thread pane shows for one comment: the chain from the top-level comment
    down to it (itself last), and the replies already under it, oldest first."""

    chain: tuple[Comment, ...]
    replies: tuple[Comment, ...]


class Post(msgspec.Struct, frozen=True):
    """One of my posts, with how many of its comments are still open (for the sidebar)."""

    id: int
    title: str
    account_id: str
    network: str
    created_at: str
    open: int

    @classmethod
    def from_row(cls, row: Row) -> Post:
        return cls(
            row["id"],
            row["title"] or "",
            row["account_id"],
            row["network"],
            row["created_at"],
            int(row["open"] or 0),
        )


class DraftSummary(msgspec.Struct, frozen=True):
    """A draft as the sidebar lists it."""

    id: int
    title: str
    state: DraftState
    updated_at: str
    scheduled_at: str | None

    @classmethod
    def from_row(cls, row: Row) -> DraftSummary:
        return cls(
            row["id"],
            row["title"] or "",
            DraftState(row["state"]),
            row["updated_at"],
            row["scheduled_at"],
        )


class Draft(msgspec.Struct, frozen=True):
    """A draft whole: its text, its state and the accounts it is meant for."""

    id: int
    title: str
    body: str
    state: DraftState
    targets: tuple[str, ...]
    scheduled_at: str | None
    created_at: str
    updated_at: str
    published_at: str | None
    #: The language it is spell checked in ("en_GB"); None: the system's.
    language: str | None = None
    #: When it was deleted (it is kept whole, out of every list but Deleted drafts);
    #: None: it is not.
    deleted_at: str | None = None


class DraftImage(msgspec.Struct, frozen=True):
    """A picture kept with a draft; its text shows it as ``![name](fireside-image:<id>)``."""

    id: int
    draft_id: int
    name: str
    mime_type: str
    width: int
    height: int
    size: int  # bytes
    #: The sha256 of its bytes: how the workspace names it on every device.
    sha256: str = ""
    #: The member whose laptop its bytes are still coming from (a picture of a draft
    #: shared in the workspace that has not arrived yet); "" once they are here.
    coming_from: str = ""


class DeletedDraft(msgspec.Struct, frozen=True):
    """A deleted draft as the Deleted drafts dialog lists it, and as deleting one answers."""

    id: int
    title: str
    deleted_at: str
    #: The first words of its text, as plain text.
    opening: str
    #: The state it was deleted in (a scheduled one comes back as a draft).
    state: DraftState


class RestoredDraft(msgspec.Struct, frozen=True):
    """A draft brought back from Deleted drafts."""

    id: int
    title: str
    #: When it had been scheduled to publish, for a scheduled draft: it comes back as a
    #: plain draft, its scheduled publish dropped. None: it comes back as it was.
    unscheduled_from: str | None = None


class DraftVersion(msgspec.Struct, frozen=True):
    """A kept version of a draft's text, newest first in a history."""

    id: int
    title: str
    body: str
    created_at: str
    reason: str

    @classmethod
    def from_row(cls, row: Row) -> DraftVersion:
        return cls(
            row["id"], row["title"] or "", row["body"] or "", row["created_at"], row["reason"]
        )


class TitleHit(msgspec.Struct, frozen=True):
    """A post or a draft a search found by its title or text."""

    id: int
    title: str


class SearchResults(msgspec.Struct, frozen=True):
    """Everything one search found: comments (as list rows), posts and drafts."""

    comments: tuple[InboxRow, ...]
    posts: tuple[TitleHit, ...]
    drafts: tuple[TitleHit, ...]


class OutboxItem(msgspec.Struct, frozen=True):
    """One write waiting in, or gone through, the outbox; ``idempotency_key`` is made once,
    when the item is queued, and travels with every try."""

    id: int
    kind: OutboxKind
    account_id: str
    idempotency_key: str
    post_remote_id: str | None
    target_remote_id: str | None
    comment_id: int | None
    draft_id: int | None
    title: str
    body: str
    text_format: str
    state: OutboxState
    attempts: int
    next_attempt_at: str | None
    last_error: str | None
    error_kind: ErrorKind | None
    remote_id: str | None
    expected_version: int | None
    first_sent_at: str | None
    #: The user confirmed it should go even though its thread moved (Send anyway).
    confirmed: bool
    batch_id: str | None
    created_at: str
    updated_at: str
    sent_at: str | None
    options: PublishOptions
    #: Where it goes, for people: the account's network and name, and whom it answers.
    network: str = ""
    account_name: str = ""
    recipient: str | None = None
    #: 'sending' in the store, yet no sender of this process holds it: a crash or a kill
    #: cut its send short (set by ``app.core.outbox``; the store alone cannot know).
    interrupted: bool = False
    #: Undo send: the item may not leave before this time (None: it was never held).
    hold_until: str | None = None

    @classmethod
    def from_row(cls, row: Row) -> OutboxItem:
        keys = row.keys()
        return cls(
            id=row["id"],
            kind=OutboxKind(row["kind"]),
            account_id=row["account_id"],
            idempotency_key=row["idempotency_key"],
            post_remote_id=row["post_remote_id"],
            target_remote_id=row["target_remote_id"],
            comment_id=row["comment_id"],
            draft_id=row["draft_id"],
            title=row["title"] or "",
            body=row["body"] or "",
            text_format=row["text_format"] or "markdown",
            state=OutboxState(row["state"]),
            attempts=row["attempts"] or 0,
            next_attempt_at=row["next_attempt_at"],
            last_error=row["last_error"],
            error_kind=ErrorKind(row["error_kind"]) if row["error_kind"] else None,
            remote_id=row["remote_id"],
            expected_version=row["expected_version"],
            first_sent_at=row["first_sent_at"],
            confirmed=_flag(row["confirmed"]),
            batch_id=row["batch_id"],
            created_at=row["created_at"],
            updated_at=row["updated_at"],
            sent_at=row["sent_at"],
            options=PublishOptions.from_json_text(row["options"]),
            network=row["network"] if "network" in keys else "",
            account_name=row["account_name"] if "account_name" in keys else "",
            recipient=row["recipient"] if "recipient" in keys else None,
            hold_until=row["hold_until"] if "hold_until" in keys else None,
        )

    def intent(self) -> WriteIntent:
        """What this item asks the network to do, for ``Network.lookup_write``."""
        return WriteIntent(
            kind=self.kind,
            post_remote_id=self.post_remote_id,
            target_remote_id=self.target_remote_id,
            title=self.title,
            body=self.body,
            text_format=self.text_format,
            since=self.created_at,
            place=self.options.place,
        )


class Delivery(msgspec.Struct, frozen=True):
    """How a published draft went, or is going, to one account."""

    account_id: str
    account_name: str
    network: str
    state: OutboxState
    sent_at: str | None
    options: PublishOptions


class ReplyPreview(msgspec.Struct, frozen=True):
    """One personalised reply as it will be sent; ``limit`` is its network's maximum, and
    ``network``/``account_name`` say where it goes (``network_shared``: the person has more
    than one account on that network)."""

    comment_id: int
    recipient: str
    text: str
    limit: int
    network: str = ""
    account_name: str = ""
    network_shared: bool = False
    #: The text's length as its network counts it (X: links 23, CJK 2); None: characters.
    counted: int | None = None
    #: The template asks for {question} but the comment has no question sentence.
    no_question: bool = False
    #: The person edited this copy by hand: it is sent as written, not from the template.
    edited: bool = False
    #: The template names the person, but their network gives no name: the fallback word
    #: (or nothing, the greeting closed up) stands in the text.
    no_name: bool = False

    @property
    def length(self) -> int:
        return len(self.text) if self.counted is None else self.counted

    @property
    def too_long(self) -> bool:
        return self.length > self.limit


class ReplyDraft(msgspec.Struct, frozen=True):
    """A reply being written to one comment: the template (the words typed), when the
    person edited their own copy, that copy, and the word {first_name} reads where the
    network gives no name ("No name?")."""

    comment_id: int
    template: str
    copy: str | None
    updated_at: str
    name_fallback: str = ""


class HeldSend(msgspec.Struct, frozen=True):
    """Replies or a post waiting out the undo-send grace period: one batch, until when."""

    batch_id: str
    kind: OutboxKind
    count: int
    until: str
    draft_id: int | None


class TakenBack(msgspec.Struct, frozen=True):
    """What undo send took back from the outbox, for the composer or editor to reopen:
    the comments with their reply drafts restored, or the draft set back to draft."""

    kind: OutboxKind
    count: int
    comment_ids: tuple[int, ...] = ()
    draft_id: int | None = None
