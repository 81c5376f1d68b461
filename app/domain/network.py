"""Values that cross the network boundary: what a network can do (Capabilities), how to
publish, accounts, and posts, comments and people as a network reports them."""

from __future__ import annotations

import json
from typing import Any

import msgspec

from app.domain.states import OutboxKind, TextCounting
from app.values import HiddenInRepr, NotCompared


class Capabilities(msgspec.Struct, frozen=True):
    """What a network can do; the editor and the outbox read this, never the network name."""

    network: str
    display_name: str
    #: What the network displays, best first. "markdown": it renders Markdown itself;
    #: "html": it shows HTML, which the connector makes from the Markdown; "text": plain
    #: text. The editor always writes Markdown and the connector converts it; the outbox
    #: always hands the connector Markdown, whatever this says.
    text_formats: tuple[str, ...]
    post_max_chars: int
    reply_max_chars: int
    thread_depth: int | None  # None: unlimited nesting
    idempotency: str  # "key" (server dedupes on a key), "lookup" (find by key), "none"
    requests_per_minute: int
    #: How long the network remembers a write's idempotency key (None: no key, or forever).
    #: Past it, "not found" from a look-up no longer proves the write never landed.
    key_retention_s: float | None = None
    can_edit: bool = True
    can_delete: bool = True
    has_titles: bool = False
    #: Remote states a published draft can be sent in (PublishOptions.status). "publish"
    #: is live now; WordPress also keeps "draft", "pending" (for review) and "future"
    #: (scheduled by the site itself, at PublishOptions.publish_at).
    publish_statuses: tuple[str, ...] = ("publish",)
    #: What the network calls the place a post goes ("Channel", "Site"...), for the editor.
    target_noun: str = "Account"
    #: Replies are pasted by the person, never sent (the manual bridge): the outbox holds
    #: them for the person from the moment they are queued.
    sends_by_hand: bool = False
    #: How the network counts a text against its limits (``app.text.length``).
    text_counting: TextCounting = TextCounting.CHARACTERS
    #: The documented request budget is a token bucket: ``requests_per_minute`` on average,
    #: up to ``requests_burst`` at once (``app.sync.pacing`` paces each account to it).
    #: None: no documented bucket; only the limit headers a network sends, and its 429s,
    #: pace the account. ``limits_writes_only``: only writes count (reads are unlimited).
    requests_burst: int | None = None
    limits_writes_only: bool = False
    #: Messages (posts and replies) the network takes in one place (a Teams channel) per
    #: app in any 24 hours; None: no such limit. The outbox keeps every place under it.
    daily_messages_per_place: int | None = None
    #: The network takes pictures with a post (WordPress's media library, Matrix's content
    #: repository): the outbox uploads a draft's images first and the post shows them.
    #: Without it, a post goes as its text without the images.
    accepts_images: bool = False


class UploadedImage(msgspec.Struct, frozen=True):
    """One of a draft's images as a network keeps it after an upload: ``image_id`` is the
    draft image's id (``fireside-image:<id>`` in the text), ``remote_id`` the network's own
    (a WordPress media id, a Matrix ``mxc://`` URI) and ``url`` what a post shows it by."""

    image_id: int
    remote_id: str
    url: str


class ImageUpload(HiddenInRepr, msgspec.Struct, frozen=True):
    """A draft image on its way to a network: the bytes and what they are."""

    _hidden_in_repr = ("data",)  # not a picture's bytes in a log line

    image_id: int
    name: str
    mime_type: str
    width: int
    height: int
    data: bytes


class PublishOptions(msgspec.Struct, frozen=True):
    """How to publish: ``status`` is one of the network's ``publish_statuses``;
    ``publish_at`` (ISO 8601 UTC) is required for "future" and ignored otherwise;
    ``place`` is where the post goes on a network with places (a ``Place.id``: a Teams
    channel, a Viva Engage community), fixed when it is queued; None: the account's
    default place, or a network without places."""

    status: str = "publish"
    publish_at: str | None = None
    place: str | None = None
    #: The draft's images as the network already holds them, set by the outbox right
    #: before the post is sent (uploaded for this very item, so a retry reuses them);
    #: never stored with the options. A network without ``accepts_images`` gets none.
    images: tuple[UploadedImage, ...] = ()

    def to_json(self) -> dict[str, str | None]:
        data = {"status": self.status, "publish_at": self.publish_at}
        return {**data, "place": self.place} if self.place else data

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> PublishOptions:
        data = data or {}
        return cls(
            status=data.get("status") or "publish",
            publish_at=data.get("publish_at"),
            place=data.get("place") or None,
        )

    @classmethod
    def from_json_text(cls, text: str | None) -> PublishOptions:
        """From the JSON text the outbox keeps (empty: publish live now)."""
        return cls.from_json(json.loads(text or "{}"))


#: Publish live, now: what a network without remote drafts or schedules always does.
PUBLISH_NOW = PublishOptions()


class Account(NotCompared, msgspec.Struct, frozen=True):
    #: Equal accounts are the same account with the same identity: the settings are the
    #: network's own bookkeeping (and a dict cannot be hashed).
    _not_compared = ("settings",)

    id: str
    network: str
    name: str
    base_url: str
    username: str = ""
    last_sync_at: str | None = None
    last_sync_error: str | None = None
    #: Network-specific, non-secret settings (Matrix device id and room, WordPress user
    #: id, policy origin...). Secrets live only in the OS keyring (app/secrets.py).
    settings: dict[str, Any] = msgspec.field(default_factory=dict)
    #: The language replies from this account are spell checked in ("en_GB"); None:
    #: the system's.
    language: str | None = None


#: What a network's comment says when it names nobody: WordPress's guests who left no
#: name, a Teams message whose sender has no display name. Never a person's real name, so
#: never a reason to take two accounts for one person.
ANONYMOUS = "Anonymous"
SOMEONE_IN_TEAMS = "Someone in Teams"
PLACEHOLDER_NAMES = frozenset({ANONYMOUS, SOMEONE_IN_TEAMS})


class Person(msgspec.Struct, frozen=True):
    remote_id: str
    name: str
    title: str = ""
    department: str = ""
    level: str = ""

    @property
    def first_name(self) -> str:
        return self.name.split()[0] if self.name.strip() else ""


class RemotePost(msgspec.Struct, frozen=True):
    remote_id: str
    title: str
    body: str
    url: str
    created_at: str
    updated_at: str
    deleted: bool = False


class RemoteComment(msgspec.Struct, frozen=True):
    """A comment as a network reports it; parent/root are remote ids (None on a top-level one)."""

    remote_id: str
    post_remote_id: str
    parent_remote_id: str | None
    root_remote_id: str | None
    author: Person
    body_html: str
    created_at: str
    edited_at: str | None
    version: int
    deleted: bool = False
    is_mine: bool = False


class CommentPage(msgspec.Struct, frozen=True):
    """One page of a pull: comments (with their authors), item errors, and where to continue."""

    comments: list[RemoteComment]
    next_cursor: str | None
    has_more: bool
    errors: list[str] = msgspec.field(default_factory=list)
    #: Posts whose every live comment is in ``comments`` (a full re-scan of them): the
    #: store marks any other comment it holds on these posts as deleted. For networks
    #: that report neither edits nor deletions incrementally (WordPress).
    complete_for_posts: tuple[str, ...] = ()
    #: Posts of mine this page found, stored before its comments: for networks that
    #: discover posts while pulling (a Teams channel's delta holds posts and replies).
    posts: tuple[RemotePost, ...] = ()


class WriteIntent(msgspec.Struct, frozen=True):
    """What one outbox item asked a network to do, handed to ``Network.lookup_write`` with
    its key. A network that keeps the key somewhere (an idempotency key, a transaction id,
    a marker in the content) finds the write by the key and ignores this; one whose writes
    can carry nothing hidden (Viva Engage, Teams) finds it by what was asked: where it
    went, who wrote it (the signed-in person) and a digest of the body as the connector
    sends it, among writes made since ``since``.

    ``body`` is the Markdown the outbox holds; it cannot change once the write may have
    left (the outbox refuses to edit an item whose outcome is unknown), so a digest made
    from it now is the digest of what was sent. ``since`` (ISO 8601 UTC) is when the item
    was queued: nothing it wrote can be older."""

    kind: OutboxKind
    post_remote_id: str | None
    target_remote_id: str | None
    title: str
    body: str
    text_format: str
    since: str
    #: Where a new post went (``PublishOptions.place``); None for the account's default.
    place: str | None = None


class Freshness(msgspec.Struct, frozen=True):
    """How fresh one place a connector reads is (a Teams channel, a Viva Engage network),
    for the window to show. Times are ISO 8601 UTC; ``synced_at`` None: never read yet;
    ``next_check_at`` None: checked whenever Fireside syncs."""

    place: str
    synced_at: str | None
    next_check_at: str | None
    #: Why the place could not be read on the last try ("you left the channel"), else "".
    problem: str = ""


class Place(msgspec.Struct, frozen=True):
    """A place on a network where posts go and comments are read: a Teams channel
    (``group`` its team), a Viva Engage community. ``id`` is the connector's own."""

    id: str
    name: str
    group: str = ""

    @property
    def label(self) -> str:
        """How people see it: "Contoso / Town hall", "All company"."""
        return f"{self.group} / {self.name}" if self.group else self.name


class PlaceChoice(msgspec.Struct, frozen=True):
    """What an account chose among its places: ``places`` it reads and offers for new
    posts (in the person's order), and ``post_to``, the one new posts go to unless the
    editor picks another (None: not chosen yet). An empty ``places`` on a network that
    reads every place (Teams) means "all of them, and post nowhere"."""

    places: tuple[Place, ...] = ()
    post_to: str | None = None

    def place(self, place_id: str | None) -> Place | None:
        return next((p for p in self.places if p.id == place_id), None)


class PlaceOffer(msgspec.Struct, frozen=True):
    """The places a person may choose from (read from the network now), what the account
    chose so far, and what the network calls them ("Channel", "Community")."""

    available: tuple[Place, ...]
    chosen: PlaceChoice
    noun: str
    #: The network reads only the ticked places (Teams); else it reads where the person
    #: posts, and ticking only offers a place for new posts (Viva Engage).
    reads_chosen: bool
    #: With none ticked it reads every place (Teams), or none (Slack).
    unticked_reads_all: bool = True
