"""Slack messages (the message object, docs.slack.dev/messaging) as Fireside's values.

Ids: a post (a thread's parent) is ``<channel>/<ts>``; a comment (a reply in a thread) is
``<channel>/<thread ts>/<ts>``, so every write knows its channel and thread. Slack threads
are flat: every reply is a top-level comment of its thread (``thread_depth`` 1); a reply
to one person is the same thread with an @mention of them.

``text`` is Slack's mrkdwn; :func:`as_html` shows it: entities kept as Slack escaped them,
user mentions as names, links as links, and the bold/italic/strike marks as HTML;
:func:`as_text` reads it as plain words (a post's title). Channels, user groups, @here and
dates read as Slack shows them.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial

import msgspec

from app.domain import Person, RemoteComment, RemotePost
from app.networks.http import Malformed, field

#: The metadata event type Fireside writes; its payload carries the outbox key.
EVENT_TYPE = "fireside_outbox"
_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
_LINK = re.compile(r"<((?:https?://|mailto:)[^|>]+)(?:\|([^>]*))?>")
#: What else Slack writes between angle brackets (docs.slack.dev/messaging/
#: formatting-message-text): a channel ``<#C123|general>``, a user group
#: ``<!subteam^S123|@design>``, ``<!here>``/``<!channel>``/``<!everyone>``, and a date
#: ``<!date^1392734382^{date_short}|Feb 18, 2014>``, whose words after ``|`` are its
#: fallback text. Each reads as a person would see it in Slack.
_REFERENCE = re.compile(
    r"<(?:#(?P<channel>[CG][A-Z0-9]+)|!(?P<special>here|channel|everyone)"
    r"|!subteam\^(?P<group>[A-Z0-9]+)|!date\^(?P<date>\d+)\^[^|>]*)(?:\|(?P<words>[^>]*))?>"
)
_MARKS = [
    (re.compile(r"(?<![\w*])\*([^*\n]+)\*(?![\w*])"), "strong"),
    (re.compile(r"(?<![\w_])_([^_\n]+)_(?![\w_])"), "em"),
    (re.compile(r"(?<![\w~])~([^~\n]+)~(?![\w~])"), "s"),
]


class Message(msgspec.Struct, frozen=True):
    channel: str
    ts: str
    user: str
    text: str
    thread_ts: str | None
    edited_ts: str | None
    reply_count: int
    latest_reply: str | None
    outbox_key: str | None

    @property
    def is_parent(self) -> bool:
        return self.thread_ts in (None, self.ts)


def read_message(channel: str, raw: object) -> Message:
    if not isinstance(raw, dict):
        raise Malformed("a message that is not an object")
    edited = raw.get("edited")
    metadata = raw.get("metadata")
    key = None
    if isinstance(metadata, dict) and metadata.get("event_type") == EVENT_TYPE:
        payload = metadata.get("event_payload")
        key = payload.get("outbox_key") if isinstance(payload, dict) else None
    count = raw.get("reply_count", 0)
    return Message(
        channel=channel,
        ts=field(raw, "ts"),
        user=field(raw, "user", str, optional=True) or "",
        text=field(raw, "text", str, optional=True) or "",
        thread_ts=field(raw, "thread_ts", str, optional=True),
        edited_ts=edited.get("ts") if isinstance(edited, dict) else None,
        reply_count=count if isinstance(count, int) else 0,
        latest_reply=field(raw, "latest_reply", str, optional=True),
        outbox_key=key if isinstance(key, str) else None,
    )


def post_id(channel: str, ts: str) -> str:
    return f"{channel}/{ts}"


def comment_id(channel: str, thread_ts: str, ts: str) -> str:
    return f"{channel}/{thread_ts}/{ts}"


def split(remote_id: str) -> list[str]:
    """[channel, ts] of a post or [channel, thread ts, ts] of a comment; ValueError else."""
    parts = remote_id.split("/")
    if len(parts) not in (2, 3) or not all(parts):
        raise ValueError(f"{remote_id!r} is not a Slack message id")
    return parts


def iso(ts: str) -> str:
    return datetime.fromtimestamp(float(ts), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def as_html(text: str, names: dict[str, str]) -> str:
    """Slack's mrkdwn as HTML (Slack already escaped ``&``, ``<`` and ``>``)."""
    shown = _converted(
        text,
        names,
        person=html.escape,
        link=lambda address, words: (
            f'<a href="{html.escape(address)}">{words or html.escape(address)}</a>'
        ),
        mark=lambda tag, words: f"<{tag}>{words}</{tag}>",
    )
    return "<p>" + shown.replace("\n", "<br>") + "</p>"


def as_text(text: str, names: dict[str, str]) -> str:
    """Slack's mrkdwn as the words a person reads: names for mentions, a link's words (its
    address when it has none), the bold/italic/strike marks dropped."""
    return html.unescape(
        _converted(
            text,
            names,
            person=lambda name: name,
            link=lambda address, words: words or address,
            mark=lambda _tag, words: words,
        )
    )


def _converted(
    text: str,
    names: dict[str, str],
    *,
    person: Callable[[str], str],
    link: Callable[[str, str | None], str],
    mark: Callable[[str, str], str],
) -> str:
    """The mentions, links and marks of mrkdwn ``text`` each as ``person`` (given the name),
    ``link`` (the address and its words, if any) and ``mark`` (the tag and its words) make
    them."""
    shown = _MENTION.sub(lambda m: "@" + person(names.get(m.group(1), m.group(1))), text)
    shown = _REFERENCE.sub(_referenced, shown)
    shown = _LINK.sub(lambda m: link(m.group(1), m.group(2)), shown)
    for pattern, tag in _MARKS:
        shown = pattern.sub(partial(_marked, mark, tag), shown)
    return shown


def _referenced(found: re.Match[str]) -> str:
    """A channel, group, special mention or date as Slack shows it (its words are already
    escaped as Slack escapes text)."""
    words = found["words"]
    if found["special"]:
        return "@" + found["special"]
    if found["date"]:
        return words or iso(found["date"])[:10]
    if words:  # a channel's name or a group's handle
        return words if found["group"] or words.startswith("#") else "#" + words
    return "#" + found["channel"] if found["channel"] else "@group"


def _marked(mark: Callable[[str, str], str], tag: str, found: re.Match[str]) -> str:
    return mark(tag, found.group(1))


def as_post(message: Message, team_url: str, names: dict[str, str]) -> RemotePost:
    return RemotePost(
        remote_id=post_id(message.channel, message.ts),
        title=as_text(message.text, names).split("\n", 1)[0][:80],
        body=as_html(message.text, names),
        url=f"{team_url.rstrip('/')}/archives/{message.channel}/p{message.ts.replace('.', '')}",
        created_at=iso(message.ts),
        updated_at=iso(message.edited_ts or message.ts),
    )


def as_comment(message: Message, author: Person, me: str, names: dict[str, str]) -> RemoteComment:
    root = message.thread_ts or message.ts
    return RemoteComment(
        remote_id=comment_id(message.channel, root, message.ts),
        post_remote_id=post_id(message.channel, root),
        parent_remote_id=None,
        root_remote_id=None,
        author=author,
        body_html=as_html(message.text, names),
        created_at=iso(message.ts),
        edited_at=iso(message.edited_ts) if message.edited_ts else None,
        version=int(float(message.edited_ts)) if message.edited_ts else 0,
        is_mine=message.user == me,
    )


def mentioned(text: str) -> list[str]:
    """The user ids a text mentions."""
    return _MENTION.findall(text)


def leading_mention(text: str) -> str:
    """The mention a reply begins with (``<@U…>``), or ""."""
    found = _MENTION.match(text)
    return found.group(0) if found else ""
