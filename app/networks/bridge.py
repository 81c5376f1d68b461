"""The manual bridge as a network kind: a site Fireside has no API for (LinkedIn personal
posts, X without paid API access, any network IT has not connected).

Comments arrive when the person pastes a thread or drops an exported file
(``app.core.bridge``); replies leave by the person's own hand: Fireside copies the text and
opens the comment, the person pastes it and marks it sent. So this connector reads
nothing and writes nothing: every write method refuses, and the outbox never hands it
one (a bridged reply is held as ``ErrorKind.BY_HAND`` from the moment it is queued).
There is no sign-in and no secret: ``NetworkKind.by_hand``.

Each site is one account ("LinkedIn (by hand)"), with the reply limit the site's own
comment box enforces, so the batch preview warns before a reply is too long to paste.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import msgspec

from app.domain import (
    PUBLISH_NOW,
    Account,
    Capabilities,
    CommentPage,
    Person,
    PublishOptions,
    PullMode,
    RemoteComment,
    RemoteKind,
    RemotePost,
    TextCounting,
    WriteIntent,
)
from app.errors import Rejected, UserError
from app.networks.registry import NetworkKind, SignIn

if TYPE_CHECKING:
    import httpx

NETWORK_ID = "bridge"


class Site(msgspec.Struct, frozen=True):
    name: str
    #: the site's address, the account's base_url
    home: str
    #: the longest comment its comment box takes (characters as the site counts them)
    reply_max_chars: int
    #: how the site counts (``app.text.length``): X weighs links and CJK
    counting: TextCounting = TextCounting.CHARACTERS


#: Sites people bridge most. Limits are those of each site's own comment box (its help
#: pages); a site not listed gets the generous default and its own box has the last word.
SITES = (
    Site("LinkedIn", "https://www.linkedin.com", 1_250),
    Site("X", "https://x.com", 280, TextCounting.X),
    Site("Facebook", "https://www.facebook.com", 8_000),
    Site("YouTube", "https://www.youtube.com", 10_000),
    Site("Instagram", "https://www.instagram.com", 2_200),
    Site("Reddit", "https://www.reddit.com", 10_000),
)
_OTHER_LIMIT = 10_000
_REFUSAL = (
    "Fireside never sends anything through the bridge: copy the reply, paste it on the "
    "page yourself, then mark it sent."
)


def site_for(name: str, post_url: str) -> Site:
    """The site a thread is on: a known one by name or by the post's host, else one
    named by the person (or by the host)."""
    host = (urlsplit(post_url).hostname or "").removeprefix("www.")
    for site in SITES:
        site_host = (urlsplit(site.home).hostname or "").removeprefix("www.")
        if site.name.casefold() == name.strip().casefold() or (host and host == site_host):
            return site
    if not host:
        raise UserError("Give the post's address (starting with https://) so replies can open it.")
    return Site(name.strip() or host, f"https://{host}", _OTHER_LIMIT)


def _counting(stored: object) -> TextCounting:
    """The counting an account's settings name; code points for none or an unknown one."""
    try:
        return TextCounting(str(stored or TextCounting.CHARACTERS))
    except ValueError:
        return TextCounting.CHARACTERS


class BridgeNetwork:
    """A bridged site: its comments come by paste, its replies go by hand."""

    def __init__(self, account: Account, client: httpx.AsyncClient) -> None:
        self._client = client  # made for every connector; the bridge sends nothing with it
        limit = int(account.settings.get("reply_max_chars") or _OTHER_LIMIT)
        counting = _counting(account.settings.get("counting"))
        self.capabilities = Capabilities(
            network=NETWORK_ID,
            display_name=f"{account.settings.get('site') or account.name} (by hand)",
            text_formats=("text",),
            post_max_chars=limit,
            reply_max_chars=limit,
            thread_depth=None,
            idempotency="none",
            requests_per_minute=0,
            can_edit=False,
            can_delete=False,
            sends_by_hand=True,
            text_counting=counting,
        )
        self._me = Person(account.username, account.username)

    async def whoami(self) -> Person:
        return self._me

    async def list_my_posts(self) -> list[RemotePost]:
        return []  # posts arrive with their pasted threads

    async def pull_comments(
        self, cursor: str | None, mode: PullMode = PullMode.ROUTINE
    ) -> CommentPage:
        return CommentPage([], cursor, has_more=False)

    async def get_comment(self, remote_id: str) -> RemoteComment:
        raise Rejected(_REFUSAL)

    async def list_replies(self, comment_remote_id: str) -> list[RemoteComment]:
        raise Rejected(_REFUSAL)

    async def publish(
        self,
        title: str,
        body: str,
        text_format: str,
        key: str,
        options: PublishOptions = PUBLISH_NOW,
    ) -> RemotePost:
        raise Rejected(_REFUSAL)

    async def reply(
        self, post_remote_id: str, comment_remote_id: str, body: str, text_format: str, key: str
    ) -> RemoteComment:
        raise Rejected(_REFUSAL)

    async def edit(self, kind: RemoteKind, remote_id: str, body: str, key: str) -> None:
        raise Rejected(_REFUSAL)

    async def delete(self, kind: RemoteKind, remote_id: str, key: str) -> None:
        raise Rejected(_REFUSAL)

    async def lookup_write(self, key: str, intent: WriteIntent | None = None) -> str | None:
        return None  # nothing was ever written by Fireside

    async def aclose(self) -> None:
        await self._client.aclose()


async def _sign_in(
    client: httpx.AsyncClient, base_url: str, username: str, password: str, extra: dict
) -> SignIn:
    raise UserError(
        "A bridged site has no sign-in: paste a thread (File → Import a thread by hand) "
        "and Fireside adds the site."
    )


def _build(account: Account, secret: str, client: httpx.AsyncClient) -> BridgeNetwork:
    return BridgeNetwork(account, client)


KIND = NetworkKind(
    id=NETWORK_ID,
    display_name="Bridged by hand",
    url_label="Site address",
    url_placeholder="https://www.linkedin.com",
    username_label="Your name on the site",
    password_label="",
    help="Comments are pasted from the page; replies are copied back by hand.",
    sign_in=_sign_in,
    build=_build,
    by_hand=True,
)
