"""The Slack channels an account reads and posts in, as places the person chooses.

The choice lives in the account's settings (never a secret): ``channels`` (the IDs, in
the person's order), ``post_channel`` (where new posts go; the first channel for an
account added before there was a choice) and ``channel_names`` (how the picker and the
editor name them without a request). The channels to choose from are those the person
is in, public and private, not archived: ``conversations.list`` read page by page with
its cursor (docs.slack.dev/reference/methods/conversations.list; pagination:
docs.slack.dev/apis/web-api/pagination). Fireside posts as the person, so a channel they
are not in could not take their posts.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import msgspec

from app.domain import Place, PlaceChoice
from app.networks.slack.api import SlackApi

CHANNELS, POST_CHANNEL, CHANNEL_NAMES = "channels", "post_channel", "channel_names"
#: conversations.list: "We recommend no more than 200 results at a time."
LIST_PAGE = 200
#: 10,000 channels at the most, so a listing always ends.
LIST_PAGES = 50
_CHANNEL = re.compile(r"^[CG][A-Z0-9]{8,}$")


def is_channel_id(value: str) -> bool:
    return bool(_CHANNEL.match(value))


def channels_of(value: str) -> tuple[str, ...]:
    """Channel IDs as typed: separated by commas or spaces."""
    return tuple(c.strip() for c in re.split(r"[,\s]+", value) if c.strip())


class Channels(msgspec.Struct, frozen=True):
    """What the account chose: channel IDs in order, where posts go, their names."""

    ids: tuple[str, ...] = ()
    post_to: str | None = None
    names: Mapping[str, str] = msgspec.field(default_factory=dict)

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> Channels:
        ids = channels_of(str(settings.get(CHANNELS) or ""))
        post_to = str(settings.get(POST_CHANNEL) or "") or None
        names = settings.get(CHANNEL_NAMES)
        return cls(
            ids,
            post_to if post_to in ids else (ids[0] if ids else None),
            {str(k): str(v) for k, v in names.items()} if isinstance(names, dict) else {},
        )

    @classmethod
    def from_choice(cls, choice: PlaceChoice) -> Channels:
        ids = tuple(p.id for p in choice.places)
        return cls(ids, choice.post_to, {p.id: p.name for p in choice.places})

    def settings(self) -> dict[str, Any]:
        return {
            CHANNELS: ",".join(self.ids),
            POST_CHANNEL: self.post_to,
            CHANNEL_NAMES: {i: n for i, n in self.names.items() if i in self.ids},
        }

    def choice(self) -> PlaceChoice:
        return PlaceChoice(tuple(Place(i, self.names.get(i, i)) for i in self.ids), self.post_to)


async def member_channels(api: SlackApi) -> tuple[Place, ...]:
    """Every channel the person is in, by name, read page by page."""
    found: list[Place] = []
    cursor: str | None = None
    for _ in range(LIST_PAGES):
        data = await api.read(
            "conversations.list",
            types="public_channel,private_channel",
            exclude_archived=True,
            limit=LIST_PAGE,
            cursor=cursor,
        )
        for channel in data.get("channels") or []:
            if isinstance(channel, dict) and channel.get("is_member") is True:
                found.append(Place(str(channel.get("id")), f"#{channel.get('name')}"))
        meta = data.get("response_metadata")
        cursor = meta.get("next_cursor") if isinstance(meta, dict) else None
        if not cursor:
            break
    return tuple(sorted(found, key=lambda place: place.name.casefold()))
