"""What the editor says about each place a draft can go, all from its network's
``Capabilities`` (never from the network's name): its limit, its format, whether it uses
titles, the states its site can keep a post in and what each means, and which parts of a
draft will not survive the trip. Words only, no Qt.

Formats: ``text_formats`` is what the network displays, best first (``Capabilities``);
the draft is always Markdown and the connector converts it. "markdown" first: the draft
as written, shown formatted; "html": HTML made from it; "html" with "text": a plain body
plus formatting made from it (Matrix); "text" alone: plain text, so formatting is lost.
A network without titles gets the title as the first line of the post (what the
connectors do).
A draft's own pictures (pasted, dropped or inserted: ``app.text.image_refs``) reach the
networks whose ``accepts_images`` says so; every other target gets the text without them,
and says so. Pictures linked from the web reach no network.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

import msgspec

from app.domain import Capabilities, PlaceChoice, PublishOptions
from app.text.image_refs import is_internal
from app.text.length import measured
from app.text.plural import nouns
from app.text.timefmt import exact

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

#: The status that publishes live, in every network's ``publish_statuses``.
LIVE = "publish"
#: The status whose time comes from the dialog's date and time.
SITE_SCHEDULE = "future"


@functools.cache
def _md() -> MarkdownIt:
    """The parser, made when a draft is first checked (markdown-it is not for every start)."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable(["table", "strikethrough"])


#: markdown-it token type -> the feature it shows, as a sentence names it.
_FEATURES = {
    "heading_open": "headings",
    "strong_open": "bold",
    "em_open": "italics",
    "s_open": "strikethrough",
    "link_open": "links",
    "bullet_list_open": "lists",
    "ordered_list_open": "lists",
    "table_open": "tables",
    "code_inline": "code",
    "fence": "code",
    "code_block": "code",
    "blockquote_open": "quotes",
}
#: Pictures: the draft's own (uploaded where a network takes them), or linked from the web.
OWN_IMAGES = "images"
WEB_IMAGES = "web images"
_FEATURE_ORDER = list(dict.fromkeys(_FEATURES.values()))


class Target(msgspec.Struct, frozen=True):
    """One connected account the draft can go to."""

    account_id: str
    name: str  # the account's name: "Corporate blog"
    network: str
    capabilities: Capabilities
    #: Where it may post, on a network with places (Teams channels, Viva Engage
    #: communities): the account's chosen places and its default; None: no places.
    places: PlaceChoice | None = None

    @property
    def limit(self) -> int:
        return self.capabilities.post_max_chars

    def length_of(self, text: str) -> int:
        """``text``'s length as this network counts it against ``limit`` (X weighs links
        and CJK differently)."""
        return measured(text, self.capabilities.text_counting)

    @property
    def noun(self) -> str:
        """What the network calls the place a post goes, in a sentence: "site", "room"."""
        return self.capabilities.target_noun.lower()

    @property
    def has_choices(self) -> bool:
        """The site can keep a post in more states than live."""
        return any(s != LIVE for s in self.capabilities.publish_statuses)


def place_problem(target: Target) -> str:
    """Why the post cannot go to ``target`` yet for want of a place; "" when it can."""
    if target.places is None or target.places.places:
        return ""
    return (
        f"{target.name} has no {target.noun} for new posts yet: choose one under Accounts, "
        f"{target.name}, {nouns(target.capabilities.target_noun)}…."
    )


def limit_text(limit: int) -> str:
    return f"up to {limit:,} characters"


def format_text(capabilities: Capabilities) -> str:
    """What the network shows of the draft, in words (from ``text_formats``)."""
    formats = capabilities.text_formats
    if formats[:1] == ("markdown",):
        return "Markdown, shown formatted"
    if "html" in formats:
        if "text" in formats:
            return "plain text + formatting, from your Markdown"
        return "HTML, from your Markdown"
    if "text" in formats:
        return "plain text only"
    return ", ".join(formats) or "any text"


def details(target: Target) -> str:
    """ "WordPress site · up to 65,525 characters · HTML, from your Markdown · uses the title"."""
    caps = target.capabilities
    return " · ".join(
        (
            f"{caps.display_name} {target.noun}",
            limit_text(target.limit),
            format_text(caps),
            "uses the title" if caps.has_titles else "no titles",
            *(() if caps.can_edit else ("cannot be edited once sent",)),
        )
    )


def status_label(status: str, target: Target, when: str, *, later: bool) -> str:
    """The choice as the dialog offers it; ``when`` is the dialog's date and time in words,
    ``later`` whether Fireside itself sends the post at that time."""
    if status == LIVE:
        return "Publish when Fireside sends it" if later else "Publish now"
    return {
        "draft": f"Save as draft on the {target.noun}",
        "pending": f"Submit for review on the {target.noun}",
        SITE_SCHEDULE: f"Schedule on the {target.noun} at {when}",
    }.get(status, f"Send as “{status}”")


def status_hint(status: str, target: Target, when: str) -> str:
    """What the choice means: for the site's own states, that the post leaves now."""
    noun = target.noun
    return {
        "draft": f"Sent to the {noun} now as a draft; it goes live when someone "
        "publishes it there.",
        "pending": f"Sent to the {noun} now; it waits there for an editor to review "
        "and publish it.",
        SITE_SCHEDULE: f"Sent to the {noun} now; the {noun} publishes it at {when}, "
        "even if this computer is off.",
    }.get(status, "")


def markdown_features(text: str) -> frozenset[str]:
    """The Markdown features the text uses ("headings", "links", "images"...)."""
    found: set[str] = set()
    stack = list(_md().parse(text))
    while stack:
        token = stack.pop()
        if token.type == "image":
            found.add(OWN_IMAGES if is_internal(token.attrGet("src")) else WEB_IMAGES)
        feature = _FEATURES.get(token.type)
        if feature:
            found.add(feature)
        stack.extend(token.children or ())
    return frozenset(found)


def notes(title: str, features: frozenset[str], target: Target) -> list[str]:
    """What of this draft will not reach ``target`` as it is written, in sentences."""
    caps = target.capabilities
    found = []
    if title.strip() and not caps.has_titles:
        found.append(f"{target.name} has no titles: the title becomes the post's first line.")
    if not {"markdown", "html"} & set(caps.text_formats):
        lost = [f for f in _FEATURE_ORDER if f in features]
        if lost:
            found.append(f"{target.name} takes plain text only: {_words(lost)} will be lost.")
    if OWN_IMAGES in features and not caps.accepts_images:
        found.append(f"{target.name} takes no pictures: only the text is sent.")
    return found


def image_note(features: frozenset[str]) -> str:
    """The one thing no target gets, whatever its format: pictures linked from the web."""
    if WEB_IMAGES not in features:
        return ""
    return "Pictures linked from the web are not sent; to send one, save it and use Insert image…."


def _words(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def delivered_as(options: PublishOptions, noun: str) -> str:
    """How a site gets (or got) a post, as a phrase: "live", "as a draft on the site"."""
    return {
        LIVE: "live",
        "draft": f"as a draft on the {noun}",
        "pending": f"for review on the {noun}",
        SITE_SCHEDULE: f"scheduled on the {noun} for {exact(options.publish_at)}",
    }.get(options.status, f"as “{options.status}”")
