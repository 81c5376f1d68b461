"""What a Matrix connector remembers during one session: bounded maps, display names.

Nothing here is needed for correctness after a restart: it saves requests (a display name
looked up once) and lets a deletion be matched to its post without a re-scan when the
comment was seen earlier in the session.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from app.networks.matrix.api import MatrixApi

K = TypeVar("K")
V = TypeVar("V")

#: Display names looked up one by one per call at most; others show as the user id.
NAME_LOOKUPS = 50


class Bounded(dict[K, V]):
    """A dict that forgets its oldest entries beyond ``limit`` (set items with ``[]``)."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def __setitem__(self, key: K, value: V) -> None:
        self.pop(key, None)  # a refreshed entry becomes the newest
        super().__setitem__(key, value)
        while len(self) > self.limit:
            del self[next(iter(self))]


class People:
    """Display names by user id: learnt from member events, else looked up in the room."""

    def __init__(self, api: MatrixApi) -> None:
        self._api = api
        self.names: Bounded[str, str] = Bounded(20_000)

    def learn(self, names: dict[str, str]) -> None:
        for user_id, name in names.items():
            self.names[user_id] = name

    async def ensure(self, room: str, user_ids: Iterable[str]) -> None:
        """Look up the names not known yet (at most NAME_LOOKUPS; the rest stay ids)."""
        missing = [u for u in dict.fromkeys(user_ids) if u not in self.names]
        for user_id in missing[:NAME_LOOKUPS]:
            self.names[user_id] = await self._api.member_name(room, user_id) or user_id
