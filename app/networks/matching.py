"""Finding a write again by what it said, for networks whose writes carry no key.

Viva Engage, Teams, X and LinkedIn have no idempotency key and keep nothing hidden in a
message: after an unknown outcome the connector looks among the signed-in person's own
messages since the item was queued for one in the same place (thread, parent, channel)
whose text has the same ``digest`` as what the outbox item sends. Slack and Mastodon find
writes by key, but the same ``earliest`` bounds how far back they look.

The digest is of the text a person reads, normalised: Teams re-renders HTML (wrapping
paragraphs in ``<div>``, rewriting attributes) and services may trim or re-space
text, so HTML is reduced to its text, mention elements (``<at>``: a Teams reply carries
one the connector adds) are dropped, Unicode is NFC, invisible characters go and every run
of white space is one space. Case and punctuation are kept: two replies that differ only
there are different replies.

Clocks differ: ``since`` is compared with the server's times less ``SKEW_S``.

A look-up that found nothing but had to skip something it could not read cannot say the
write never landed (the unreadable one may be it): ``unsure_if`` makes it say so, and the
outbox looks again later instead of sending a second time. Nor can one that stopped at its
page limit while the pages still held messages written since the item was queued:
``stopped_short`` is what it says then.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from datetime import datetime, timedelta

from app.errors import BadResponse
from app.text import plural
from app.text.classify import html_to_text
from app.text.remote_text import BIDI_CONTROLS, INVISIBLE
from app.timeutil import parse

#: How far the server's clock may be from this machine's.
SKEW_S = 600.0
_MENTION = re.compile(r"<at\b[^>]*>.*?</at\s*>", re.IGNORECASE | re.DOTALL)
_HIDDEN = str.maketrans(dict.fromkeys(BIDI_CONTROLS + INVISIBLE + "\u00ad"))
_SPACE = re.compile(r"\s+")


def normalised(text: str) -> str:
    """Text as compared: NFC, no invisible characters, single spaces, trimmed."""
    text = unicodedata.normalize("NFC", text).translate(_HIDDEN)
    return _SPACE.sub(" ", text).strip()


def digest(text: str) -> str:
    """The digest of plain text, normalised."""
    return hashlib.sha256(normalised(text).encode("utf-8", "surrogatepass")).hexdigest()


def html_digest(body_html: str) -> str:
    """The digest of an HTML body's text, without its mentions."""
    return digest(html_to_text(_MENTION.sub(" ", body_html)))


def earliest(since: str) -> datetime:
    """The oldest server time a write queued at ``since`` (ISO 8601 UTC) can carry."""
    return parse(since) - timedelta(seconds=SKEW_S)


def moment(stamp: str) -> datetime:
    """A server time ("...Z", with or without fractions of a second) as a datetime."""
    return parse(stamp)


_AGAIN = "so it is looked up again later rather than sent twice."


def unsure_if(skipped: list[str], what: str) -> None:
    """BadResponse when a look-up that found nothing skipped an unreadable ``what``
    ("message", "status"): the first sentence of ``skipped`` says which."""
    if skipped:
        raise BadResponse(f"{skipped[0]} The write being looked up may be that {what}, {_AGAIN}")


def stopped_short(where: str, pages: int) -> BadResponse:
    """The error of a look-up that found nothing in the ``pages`` pages it reads, though
    older pages still hold messages written since the item was queued; ``where`` names
    the service (and the place, when a look-up reads several)."""
    return BadResponse(
        f"{where}: the look-up read {plural.count(pages, 'page')} without reaching back to "
        f"when the item was queued. The write being looked up may be on an older page, {_AGAIN}"
    )
