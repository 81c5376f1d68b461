"""Values of the manual bridge: a comment thread read from pasted page text or an exported
file, what importing it did, and a reply waiting to be pasted by hand."""

from __future__ import annotations

import msgspec


class ParsedComment(msgspec.Struct, frozen=True):
    """One comment as Fireside read it from the pasted text (shown in the preview)."""

    author: str
    text: str
    #: when it was written, ISO 8601 UTC, as precise as the page said ("3h")
    posted_at: str
    #: the time as the page showed it ("3h", "Mar 3")
    time_text: str
    handle: str = ""
    #: the line under the name (LinkedIn's headline: "VP Engineering at Acme")
    headline: str = ""
    #: the comment it answers, as an index into the thread's comments (None: the post)
    reply_to: int | None = None
    #: written by the person importing (their name or handle matched)
    is_mine: bool = False
    #: the page had cut the text short ("…see more"): only the start was copied
    cut_short: bool = False
    #: the comment's own address, when the source gave one (an exported file)
    url: str = ""


class ParsedThread(msgspec.Struct, frozen=True):
    """What a paste or a file held: the comments in page order, and what to tell the
    person about it before they import (texts cut short, lines that were not read)."""

    comments: tuple[ParsedComment, ...]
    notes: tuple[str, ...] = ()


class BridgeImport(msgspec.Struct, frozen=True):
    """What the person confirmed in the preview: where the thread lives and its comments.
    ``site`` names the network ("LinkedIn"); ``post_url`` is the post's address, opened
    when a reply is pasted; ``my_name`` is how the site shows the person importing."""

    site: str
    post_url: str
    post_title: str
    my_name: str
    thread: ParsedThread


class ImportResult(msgspec.Struct, frozen=True):
    account_id: str
    added: int
    already_there: int
    #: comments that could not be stored, each with why
    skipped: tuple[str, ...] = ()


class Handoff(msgspec.Struct, frozen=True):
    """A reply on a bridged network, waiting for the person to paste it on the page."""

    outbox_id: int
    site: str
    recipient: str
    text: str
    #: where to paste it: the comment's own address, else the post's with a text fragment
    #: that scrolls the browser to the comment
    url: str
    comment_excerpt: str
