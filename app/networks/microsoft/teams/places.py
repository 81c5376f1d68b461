"""Where things live in Teams: the channels an account reads, and Fireside's remote ids.

The executive picks teams and channels (``list_teams_and_channels`` offers them); the
account's settings keep the choice as ``channels``: a list of ``{"team": id, "channel":
id, "name": "Team / Channel"}``, and ``post_channel``, the key ("team|channel") of the
one new posts go to unless the editor picks another (absent: the first chosen).

A post's remote id is ``team|channel|message``; a comment's ``team|channel|root|reply``
(Teams threads are two levels: every comment is a reply to a top-level message). Ids
never contain "|" (teams are GUIDs, channels ``19:…@thread.tacv2``, messages digits).
"""

from __future__ import annotations

from typing import Any

import msgspec

from app.errors import NotFound, UserError

_SEP = "|"


class ChannelRef(msgspec.Struct, frozen=True):
    """One channel the account reads: its team, itself, and its name for people."""

    team_id: str
    channel_id: str
    name: str = ""

    @property
    def key(self) -> str:
        return f"{self.team_id}{_SEP}{self.channel_id}"

    def setting(self) -> dict[str, str]:
        return {"team": self.team_id, "channel": self.channel_id, "name": self.name}


class ChannelChoice(msgspec.Struct, frozen=True):
    channel_id: str
    name: str
    membership: str  # "standard", "private", "shared"


class TeamChoice(msgspec.Struct, frozen=True):
    """A team the person belongs to, with the channels they can read in it."""

    team_id: str
    name: str
    channels: tuple[ChannelChoice, ...]

    def ref(self, channel: ChannelChoice) -> ChannelRef:
        return ChannelRef(self.team_id, channel.channel_id, f"{self.name} / {channel.name}")


def channels_from(settings: dict[str, Any]) -> tuple[ChannelRef, ...]:
    """The chosen channels in an account's settings; UserError when they are garbled."""
    chosen = settings.get("channels") or []
    if not isinstance(chosen, list):
        raise UserError("The Teams account's channel choice is not a list; choose channels again.")
    refs = []
    for entry in chosen:
        if not (isinstance(entry, dict) and _ok(entry.get("team")) and _ok(entry.get("channel"))):
            raise UserError("A chosen Teams channel is garbled in the settings; choose it again.")
        refs.append(ChannelRef(entry["team"], entry["channel"], str(entry.get("name") or "")))
    return tuple(refs)


def post_channel_from(settings: dict[str, Any]) -> str | None:
    """The key of the channel new posts go to, as the settings name it (None: unset)."""
    key = settings.get("post_channel")
    return key if isinstance(key, str) and key else None


def channel_ref(key: str, name: str = "") -> ChannelRef:
    """The channel a key ("team|channel") names; UserError when it names none."""
    parts = key.split(_SEP)
    if len(parts) != 2 or not all(_ok(p) for p in parts):
        raise UserError(f"{key[:120]!r} is not a Teams channel; choose the channel again.")
    return ChannelRef(parts[0], parts[1], name)


def _ok(value: Any) -> bool:
    return isinstance(value, str) and bool(value) and _SEP not in value and len(value) < 300


class MessageRef(msgspec.Struct, frozen=True):
    """A message: top-level (``reply_id`` None) or a reply in ``root_id``'s chain."""

    team_id: str
    channel_id: str
    root_id: str
    reply_id: str | None = None

    @property
    def channel_key(self) -> str:
        return f"{self.team_id}{_SEP}{self.channel_id}"

    @property
    def remote_id(self) -> str:
        parts = [self.team_id, self.channel_id, self.root_id]
        return _SEP.join([*parts, self.reply_id] if self.reply_id else parts)

    @property
    def post_remote_id(self) -> str:
        return _SEP.join([self.team_id, self.channel_id, self.root_id])

    @property
    def path(self) -> str:
        """Its path under /v1.0 (ids quoted by the caller's URL building)."""
        base = f"/teams/{self.team_id}/channels/{self.channel_id}/messages/{self.root_id}"
        return f"{base}/replies/{self.reply_id}" if self.reply_id else base


def message_ref(remote_id: str) -> MessageRef:
    """The message a remote id names; NotFound when it names none."""
    parts = remote_id.split(_SEP) if remote_id else []
    if len(parts) not in (3, 4) or not all(_ok(p) for p in parts):
        raise NotFound(f"{remote_id[:120]!r} is not a Teams message of Fireside's.")
    return MessageRef(parts[0], parts[1], parts[2], parts[3] if len(parts) == 4 else None)
