"""Closed vocabularies: the states, kinds and actions the store, the engine and the front
ends share (enums, never bare strings)."""

from __future__ import annotations

import enum
from collections.abc import Callable


class TriageState(enum.StrEnum):
    OPEN = "open"
    DONE = "done"
    SNOOZED = "snoozed"


class DraftState(enum.StrEnum):
    """Life of a draft: draft → for review → approved → scheduled → queued → published."""

    DRAFT = "draft"
    FOR_REVIEW = "for_review"
    APPROVED = "approved"
    SCHEDULED = "scheduled"
    QUEUED = "queued"
    PUBLISHED = "published"


#: Which states a draft may move to from each state (review is optional for a lone executive).
DRAFT_TRANSITIONS: dict[DraftState, frozenset[DraftState]] = {
    DraftState.DRAFT: frozenset(
        {DraftState.FOR_REVIEW, DraftState.APPROVED, DraftState.SCHEDULED, DraftState.QUEUED}
    ),
    DraftState.FOR_REVIEW: frozenset({DraftState.DRAFT, DraftState.APPROVED}),
    DraftState.APPROVED: frozenset({DraftState.DRAFT, DraftState.SCHEDULED, DraftState.QUEUED}),
    DraftState.SCHEDULED: frozenset({DraftState.DRAFT, DraftState.QUEUED}),
    # Its outbox items may already be leaving: cancel them in the outbox, not here.
    DraftState.QUEUED: frozenset({DraftState.PUBLISHED}),
    DraftState.PUBLISHED: frozenset(),
}


class OutboxState(enum.StrEnum):
    """queued → sending → sent | failed | unknown; held waits for the user; cancelled by them."""

    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    UNKNOWN = "unknown"
    HELD = "held"
    CANCELLED = "cancelled"


#: States in which the person may still edit or cancel an item: it has not left.
EDITABLE = frozenset({OutboxState.QUEUED, OutboxState.HELD, OutboxState.FAILED})


class OutboxKind(enum.StrEnum):
    REPLY = "reply"
    PUBLISH = "publish"
    EDIT = "edit"
    DELETE = "delete"


class InboxView(enum.StrEnum):
    NEEDS_REPLY = "needs_reply"
    #: Needs reply, VIPs only (any tier above none).
    VIPS = "vips"
    QUESTIONS = "questions"
    MENTIONS = "mentions"
    SNOOZED = "snoozed"
    DONE = "done"
    ALL = "all"


VIEW_TITLES: dict[InboxView, str] = {
    InboxView.NEEDS_REPLY: "Needs reply",
    InboxView.VIPS: "VIPs",
    InboxView.QUESTIONS: "Questions",
    InboxView.MENTIONS: "Mentions",
    InboxView.SNOOZED: "Snoozed",
    InboxView.DONE: "Done",
    InboxView.ALL: "All",
}


class VipTier(enum.IntEnum):
    """How much a person's comments matter to the executive; higher sorts first."""

    NONE = 0
    #: a key person: starred by hand, or listed by the comms team
    KEY = 1
    #: a senior leader (directory: director and up, or listed)
    SENIOR = 2
    #: the executive team and the board
    TOP = 3


VIP_TIER_TITLES: dict[VipTier, str] = {
    VipTier.NONE: "Not a VIP",
    VipTier.KEY: "Key person",
    VipTier.SENIOR: "Senior leader",
    VipTier.TOP: "Executive team",
}


class VipSource(enum.StrEnum):
    """Where a person's VIP tier came from; a tier set by hand wins over the others."""

    DIRECTORY = "directory"
    IMPORTED = "imported"
    HAND = "hand"


class ErrorKind(enum.StrEnum):
    """Why an outbox item is failed or held (``OutboxItem.error_kind``)."""

    #: failed: the network no longer accepts the account's sign-in; nothing landed
    AUTH = "auth"
    #: failed: the network refused the sign-in before Fireside learnt whether an earlier
    #: try landed; signing in again (or Retry) looks it up before anything is resent
    AUTH_UNCONFIRMED = "auth_unconfirmed"
    #: failed: the network refused the write for good (rejected, not found)
    PERMANENT = "permanent"
    #: failed or pending: the write may have landed; only a look-up can tell
    UNKNOWN = "unknown"
    #: failed: the outcome is unclear and the network has forgotten the idempotency key
    EXPIRED = "expired"
    #: failed: every try met a passing problem; nothing landed
    RETRYABLE = "retryable"
    #: held: the comment was deleted since the reply was written
    DELETED = "deleted"
    #: held: the comment was edited since the reply was written
    EDITED = "edited"
    #: held: the comment was already answered from this account
    ANSWERED = "answered"
    #: held: a bridged site's reply, waiting for the person to paste it on the page
    BY_HAND = "by_hand"


#: The reasons a reply is held before it goes out (the thread moved under it).
HELD_KINDS = (ErrorKind.DELETED, ErrorKind.EDITED, ErrorKind.ANSWERED)
#: Failed for lack of sign-in: signing in again queues these again by themselves.
SIGN_IN_KINDS = frozenset({ErrorKind.AUTH, ErrorKind.AUTH_UNCONFIRMED})
#: Failed while the write may have landed: queued again, they are looked up first.
LOOK_UP_FIRST = frozenset({ErrorKind.UNKNOWN, ErrorKind.AUTH_UNCONFIRMED})


class OutboxAction(enum.StrEnum):
    """What the person can do to one outbox item."""

    EDIT = "edit"
    CANCEL = "cancel"
    RETRY = "retry"


class RemoteKind(enum.StrEnum):
    """What an edit or a deletion names on the network."""

    COMMENT = "comment"
    POST = "post"


class PullMode(enum.StrEnum):
    """How thorough a pull of comments is (``Network.pull_comments``).

    ROUTINE is every pull the engine schedules: what is new, plus whatever the network
    reports as changed. RESCAN is a pull a person asked for (F5, ``fireside sync``): a
    connector whose network cannot report some changes (WordPress comment edits) re-reads
    what it holds too. Connectors that see every change anyway treat both alike.
    """

    ROUTINE = "routine"
    RESCAN = "rescan"


class TextCounting(enum.StrEnum):
    """How a network counts a text against its limits (``app.text.length``)."""

    CHARACTERS = "characters"  # code points
    X = "x"  # twitter-text v3 weights: a link is 23, CJK and emoji 2
    MASTODON = "mastodon"  # a link is 23, a remote mention its local part, graphemes


class OpeningStep(enum.StrEnum):
    """What opening the database is doing, for whoever waits on it (the window says it
    when opening is slow: an upgrade of a million comments takes seconds)."""

    #: The whole file checked: after an unclean stop, or before an upgrade.
    CHECKING = "checking"
    #: The copy taken before an upgrade (``app.store.db.back_up``).
    BACKING_UP = "backing up"
    #: The migrations to this build's schema.
    UPGRADING = "upgrading"


#: Hears each slow step of opening the store as it starts (on the store's thread).
OpeningReport = Callable[[OpeningStep], None]
