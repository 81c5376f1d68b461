"""The one protocol every network connector implements, plus helpers they share.

A connector owns exactly one injected ``httpx.AsyncClient`` and translates between the
network's API and the value types in ``app.domain``. It never retries a write by itself:
the outbox decides, using ``lookup_write`` to resolve an unknown outcome.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Protocol, runtime_checkable

from app.domain import (
    PUBLISH_NOW,
    Capabilities,
    CommentPage,
    Freshness,
    ImageUpload,
    OrgChart,
    Person,
    Place,
    PlaceChoice,
    PublishOptions,
    PullMode,
    RemoteComment,
    RemoteKind,
    RemotePost,
    UploadedImage,
    WriteIntent,
)


class Network(Protocol):
    capabilities: Capabilities

    async def whoami(self) -> Person:
        """The signed-in person; raises AuthError when the credentials do not work."""

    async def list_my_posts(self) -> list[RemotePost]:
        """Every post the signed-in person wrote (all pages)."""

    async def pull_comments(
        self, cursor: str | None, mode: PullMode = PullMode.ROUTINE
    ) -> CommentPage:
        """One page of comments on my posts created/edited/deleted after ``cursor``.

        Call again with ``page.next_cursor`` while ``page.has_more``; store the last
        ``next_cursor`` and pass it next time so an unchanged network transfers nothing.
        ``mode`` is the same for every page of one pull: RESCAN (a person asked to sync)
        also re-reads what the network cannot report as changed, where that is so.
        """

    async def get_comment(self, remote_id: str) -> RemoteComment:
        """The current state of one comment; raises NotFound when it was deleted."""

    async def list_replies(self, comment_remote_id: str) -> list[RemoteComment]:
        """Direct replies to a comment (used to see whether it was answered meanwhile)."""

    async def publish(
        self,
        title: str,
        body: str,
        text_format: str,
        key: str,
        options: PublishOptions = PUBLISH_NOW,
    ) -> RemotePost:
        """Publish a post. ``key`` is the outbox item's idempotency key; ``options.status``
        is one of ``capabilities.publish_statuses``."""

    async def reply(
        self, post_remote_id: str, comment_remote_id: str, body: str, text_format: str, key: str
    ) -> RemoteComment:
        """Reply to a specific comment. ``key`` is the outbox item's idempotency key."""

    async def edit(self, kind: RemoteKind, remote_id: str, body: str, key: str) -> None:
        """Edit a post or comment (``kind`` is "post" or "comment")."""

    async def delete(self, kind: RemoteKind, remote_id: str, key: str) -> None:
        """Delete a post or comment; deleting something already gone is not an error."""

    async def lookup_write(self, key: str, intent: WriteIntent | None = None) -> str | None:
        """Remote id of the object a write with this key created (or edited, or deleted),
        or None if it never landed. ``intent`` says what the write asked for: networks
        that can carry no key find the write by it (see ``WriteIntent``); the outbox always
        passes it, and networks that keep the key ignore it."""

    async def aclose(self) -> None:
        """Release the HTTP client."""


@runtime_checkable
class UploadsImages(Protocol):
    """A network that takes pictures with a post (``Capabilities.accepts_images``): each is
    uploaded first, and ``publish`` then gets them in ``PublishOptions.images``."""

    async def upload_image(self, image: ImageUpload, key: str) -> UploadedImage:
        """Upload one picture; ``key`` is unique to this picture of this outbox item."""


@runtime_checkable
class ReportsFreshness(Protocol):
    """A network that can say how fresh each place it reads is, from its stored cursor."""

    def freshness(self, cursor: str | None) -> tuple[Freshness, ...]:
        """Each place the cursor knows, when it was last read and when it is read next."""


@runtime_checkable
class ReadsOrgCharts(Protocol):
    """A network whose directory says who people report to (Microsoft Graph): read
    rarely, in the background, for the VIP tiers (``app.core.directory``)."""

    async def whoami(self) -> Person:
        """The signed-in person (the executive whose organisation the chart is read in)."""

    async def org_chart(self, remote_id: str) -> OrgChart:
        """A person's job title and managers; PermissionDenied when the network does not
        let the account read its directory."""


@runtime_checkable
class ChoosesPlaces(Protocol):
    """A network whose posts go to one of several places the person chooses (Teams
    channels, Viva Engage communities). The choice lives in the account's settings
    (never a secret); the connector reads it there when built, and ``choose`` changes it
    while it runs."""

    capabilities: Capabilities
    #: Does it read only the chosen places (Teams), or wherever the person posts?
    reads_chosen: ClassVar[bool]
    #: With nothing chosen, does it read every place (Teams) or none (Slack)?
    unticked_reads_all: ClassVar[bool]

    def chosen(self) -> PlaceChoice:
        """The places the account chose and where new posts go, as the settings say (no
        request: the editor reads it offline)."""

    async def list_places(self) -> tuple[Place, ...]:
        """Every place the person could choose, read from the network now."""

    def choose(self, choice: PlaceChoice) -> Mapping[str, Any]:
        """Use ``choice`` from now on; returns the account settings that keep it."""

    def place_of(self, intent: WriteIntent) -> str | None:
        """The place a write lands in (a post's place, a reply's channel), None when the
        connector cannot tell without a request; for per-place limits."""
