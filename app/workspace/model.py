"""The workspace's typed values: roles, reply states, members, shared comments, reply
versions, decisions and provenance. Front ends get these, never the document's maps."""

from __future__ import annotations

import enum
import json

import msgspec

from app.domain import DraftState, TriageState, VipTier
from app.domain.library import SnippetContent


def comment_key(account_id: str, remote_id: str) -> str:
    """How every device names one comment: the account and the network's own id."""
    return f"{account_id}/{remote_id}"


def person_key(network: str, server: str, remote_id: str) -> str:
    """How every device names one person: their network, the server of the account that
    sees them and the network's own id for them."""
    return json.dumps([network, server, remote_id])


class Role(enum.StrEnum):
    PRINCIPAL = "principal"
    DELEGATE = "delegate"


class Transport(enum.StrEnum):
    FOLDER = "folder"
    WEBDAV = "webdav"


class ReplyStatus(enum.StrEnum):
    DRAFT = "draft"
    FOR_APPROVAL = "for_approval"
    SENT_BACK = "sent_back"
    APPROVED = "approved"
    #: Written by a delegate on a network the principal lets them send on without
    #: approval: their own device sends it with their own account.
    QUEUED_BY_DRAFTER = "queued_by_drafter"
    SENT = "sent"


class VersionKind(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"  # written "for approval"
    EDITED_AT_APPROVAL = "edited_at_approval"
    MERGED = "merged"  # picked or merged after a conflict


class DecisionKind(enum.StrEnum):
    APPROVE = "approve"
    SEND_BACK = "send_back"


class Member(msgspec.Struct, frozen=True):
    device_id: str
    name: str
    role: Role
    public_key: bytes
    removed: bool = False


class Note(msgspec.Struct, frozen=True):
    id: str
    comment_key: str
    text: str
    by: str
    at: str


class SharedComment(msgspec.Struct, frozen=True):
    """A comment the principal's device pulled, as every member sees it."""

    key: str  # "<account id>/<remote id>": the same on every device
    account_id: str
    remote_id: str
    network: str
    post_title: str
    author: str
    body: str
    created_at: str
    version: int
    triage: TriageState = TriageState.OPEN
    snoozed_until: str | None = None
    assigned_to: Role | None = None
    #: The comment it answers, when it is a reply in a thread ("" for a top-level one).
    parent_key: str = ""


class ReplyVersion(msgspec.Struct, frozen=True):
    id: str
    reply_id: str
    text: str
    bases: tuple[str, ...]
    by: str
    at: str
    kind: VersionKind


class Decision(msgspec.Struct, frozen=True):
    id: str
    reply_id: str
    kind: DecisionKind
    version_id: str
    note: str
    by: str
    at: str


class SentRecord(msgspec.Struct, frozen=True):
    reply_id: str
    state: str  # the principal's outbox state (sent, failed, held...)
    remote_id: str
    at: str


class Reply(msgspec.Struct, frozen=True):
    """A reply drafted in the workspace, with every version and decision on it."""

    id: str
    comment_key: str
    created_by: str
    created_at: str
    status: ReplyStatus
    versions: tuple[ReplyVersion, ...]
    #: The versions no later version builds on; two or more when people edited offline.
    heads: tuple[ReplyVersion, ...]
    decisions: tuple[Decision, ...]
    sent: SentRecord | None = None
    #: The device that sends it without approval (a delegate allowed on the comment's
    #: network); "" when it waits for the principal's approval.
    sender: str = ""

    @property
    def in_conflict(self) -> bool:
        return len(self.heads) > 1

    @property
    def text(self) -> str:
        """The newest head's text (a conflict shows every head, see ``heads``)."""
        return self.heads[-1].text if self.heads else ""

    @property
    def approval(self) -> Decision | None:
        approvals = [d for d in self.decisions if d.kind is DecisionKind.APPROVE]
        return min(approvals, key=lambda d: (d.at, d.id)) if approvals else None

    @property
    def last_send_back(self) -> Decision | None:
        backs = [d for d in self.decisions if d.kind is DecisionKind.SEND_BACK]
        return max(backs, key=lambda d: (d.at, d.id)) if backs else None


class Provenance(msgspec.Struct, frozen=True):
    """Who drafted a reply, who approved it, what changed at approval, and when."""

    reply_id: str
    comment_key: str
    drafted_by: str
    drafted_at: str
    submitted_text: str
    approved_by: str  # "" when it was sent without approval
    approved_at: str
    approved_text: str
    changed_at_approval: bool
    sent_state: str
    sent_at: str
    sent_by: str  # the member whose device and account sent it


class DirectSend(msgspec.Struct, frozen=True):
    """The principal's word on one network: may delegates send there without approval
    (with their own account on that network)?"""

    network: str
    allowed: bool
    by: str
    at: str


class TriageEntry(msgspec.Struct, frozen=True):
    state: TriageState
    snoozed_until: str | None
    by: str
    at: str


class TriageChange(msgspec.Struct, frozen=True):
    """One person's triage action, so its undo restores only what they set."""

    written: tuple[tuple[str, TriageEntry], ...]
    before: tuple[tuple[str, TriageEntry | None], ...]


class SharedPicture(msgspec.Struct, frozen=True):
    """A picture a shared post draft shows, named as every device names it: by the sha256
    of its bytes (the bytes travel as a sealed file of their own, ``picture_blobs``)."""

    sha256: str
    name: str
    mime_type: str
    width: int
    height: int


class PostContent(msgspec.Struct, frozen=True, omit_defaults=True):
    """What a post draft (the editor's) shares: its text, its state and its targets, and
    the pictures the text shows (its text names them ``image_refs.shared_image_url``).
    Without pictures it is what it was before pictures travelled (``omit_defaults``: a
    digest kept then still matches)."""

    title: str
    body: str
    state: DraftState
    targets: tuple[str, ...]
    pictures: tuple[SharedPicture, ...] = ()


class PostVersion(msgspec.Struct, frozen=True):
    id: str
    post_id: str
    content: PostContent
    bases: tuple[str, ...]
    by: str
    at: str


class SharedPost(msgspec.Struct, frozen=True):
    """A post draft in the workspace with every version; two heads or more when people
    edited it offline on two devices (both kept until someone picks or merges)."""

    id: str
    created_by: str
    versions: tuple[PostVersion, ...]
    heads: tuple[PostVersion, ...]

    @property
    def in_conflict(self) -> bool:
        return len(self.heads) > 1

    def added_by(self, sha256: str) -> str:
        """The device of the first version that showed this picture ("" if none did)."""
        return next(
            (v.by for v in self.versions if any(p.sha256 == sha256 for p in v.content.pictures)),
            "",
        )


class SnippetVersion(msgspec.Struct, frozen=True):
    id: str
    snippet_id: str
    #: None: this version deletes the snippet.
    content: SnippetContent | None
    bases: tuple[str, ...]
    by: str
    at: str


class SharedSnippet(msgspec.Struct, frozen=True):
    """A snippet in the workspace with every version; two heads or more when it was
    changed (or deleted) on two devices offline, until ``SharedSnippets.settle`` runs."""

    id: str
    created_by: str
    versions: tuple[SnippetVersion, ...]
    heads: tuple[SnippetVersion, ...]

    @property
    def content(self) -> SnippetContent | None:
        """The newest head that keeps it; None when every head deletes it (an edit on one
        device outlives a delete on the other)."""
        kept = [h.content for h in self.heads if h.content is not None]
        return kept[-1] if kept else None


class HandTier(msgspec.Struct, frozen=True):
    """A person's VIP tier set by hand, and who they are on every device (``key``)."""

    network: str
    server: str  # the base address of the account that sees them
    remote_id: str
    tier: VipTier

    @property
    def key(self) -> str:
        return person_key(self.network, self.server, self.remote_id)
