"""Per-place daily message limits: Teams takes at most 3,000 messages per app per day in
one channel (``Capabilities.daily_messages_per_place``).

Microsoft does not say which day; the safer reading is any 24 hours. Fireside counts the
posts and replies each account sent to each place in the last 24 hours (the outbox keeps
them) and:

- ``check_batch``: refuses, in plain words, a batch that would pass the limit with what
  was sent and what still waits, saying how many fit and when room frees up;
- ``room_for``: before one message leaves, says when it may go instead (``Full``), so
  the outbox holds it until then, whatever queued it.

Only this computer's sends are known: other people using the same app registration in
the same channel count at Microsoft too, which Microsoft's own 429 then covers.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import timedelta

import msgspec

from app.domain import OutboxItem, WriteIntent
from app.errors import NetworkError, UserError
from app.networks.base import ChoosesPlaces, Network
from app.store import outbox
from app.store.db import Store
from app.text.plural import count
from app.text.timefmt import exact
from app.timeutil import iso, now, parse

WINDOW = timedelta(hours=24)


class Full(msgspec.Struct, frozen=True):
    """No room in ``place`` now: the sentence says why, ``until`` when room frees (UTC)."""

    place: str
    sentence: str
    until: str


def _limited(network: Network) -> tuple[ChoosesPlaces, int] | None:
    limit = network.capabilities.daily_messages_per_place
    if limit is None or not isinstance(network, ChoosesPlaces):
        return None
    return network, limit


def _place(network: ChoosesPlaces, intent: WriteIntent) -> str | None:
    try:
        return network.place_of(intent)
    except (NetworkError, UserError):  # an item that names no place: it fails on its own
        return None


def _name(network: ChoosesPlaces, place: str) -> str:
    found = network.chosen().place(place)
    return found.label if found is not None else place


def _sentence(network: ChoosesPlaces, limit: int, place: str) -> str:
    return (
        f"{network.capabilities.display_name} takes at most {limit:,} messages a day from "
        f"one app in one {network.capabilities.target_noun.lower()}, and "
        f"{_name(network, place)} has had {limit:,} from Fireside in the last 24 hours."
    )


async def room_for(
    store: Store, network: Network, account_id: str, item: OutboxItem
) -> Full | None:
    """None when ``item`` may go out now; else when it may, and why not before."""
    limited = _limited(network)
    if limited is None:
        return None
    placing, limit = limited
    place = _place(placing, item.intent())
    if place is None:
        return None
    since = iso(now() - WINDOW)
    items = await store.read(outbox.messages_since, account_id, since)
    sent = [i for i in items if i.sent_at and _place(placing, i.intent()) == place]
    if len(sent) < limit:
        return None
    until = iso(parse(sent[-limit].sent_at or since) + WINDOW)
    return Full(
        place,
        f"{_sentence(placing, limit, place)} It goes out at {exact(until)}, when there is room.",
        until,
    )


async def check_batch(
    store: Store, network: Network, account_id: str, intents: Iterable[WriteIntent]
) -> None:
    """UserError when these new messages would pass a place's daily limit, with what
    was sent and what waits there."""
    limited = _limited(network)
    if limited is None:
        return
    placing, limit = limited
    new = Counter(p for p in (_place(placing, i) for i in intents) if p is not None)
    if not new:
        return
    items = await store.read(outbox.messages_since, account_id, iso(now() - WINDOW))
    sent: Counter[str] = Counter()
    waiting: Counter[str] = Counter()
    oldest: dict[str, str] = {}
    for item in items:
        place = _place(placing, item.intent())
        if place is None:
            continue
        if item.sent_at:
            sent[place] += 1
            oldest.setdefault(place, item.sent_at)
        else:
            waiting[place] += 1
    for place, adding in new.items():
        room = limit - sent[place] - waiting[place]
        if adding <= room:
            continue
        noun = placing.capabilities.target_noun.lower()
        frees = (
            f" Room frees up from {exact(iso(parse(oldest[place]) + WINDOW))}."
            if place in oldest
            else ""
        )
        raise UserError(
            f"{placing.capabilities.display_name} takes at most {limit:,} messages a day "
            f"from one app in one {noun}. {_name(placing, place)} has had "
            f"{count(sent[place], 'message')} from Fireside in the last 24 hours and "
            f"{waiting[place]:,} more wait in the outbox, so {max(room, 0):,} more fit now; "
            f"this has {adding:,}. Send it to fewer people, or the rest later.{frees}"
        )
