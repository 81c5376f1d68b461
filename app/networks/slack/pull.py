"""How a Slack pull finds the replies in my threads.

``conversations.history`` lists a channel's parent messages with each thread's
``reply_count`` and ``latest_reply``; a reply never appears there by itself. So each pull
reads the history of the account's channels back ``HISTORY_DAYS`` (at most
``HISTORY_PAGES`` pages), keeps my parents that have replies, and reads a thread
(``conversations.replies``) only when its ``latest_reply`` moved since the cursor saw it,
from that reply on (``oldest``): incremental. Slack reports edits and deletions in a
thread to nobody who does not listen to events, so a re-scan reads every thread whole and
marks its post complete (replies gone from it are deleted in the store): on the first
pull, when a person asks (``PullMode.RESCAN``) and every ``RESCAN_EVERY_S``.

The cursor (JSON) keeps, per thread, the ``latest_reply`` last read, and when the last
re-scan ran.
"""

from __future__ import annotations

import json

import msgspec

#: How far back the history is read for my threads, and its bounds.
HISTORY_DAYS = 30
HISTORY_PAGES = 5
THREAD_PAGES = 10
PAGE_LIMIT = 200
RESCAN_EVERY_S = 30 * 60


class Cursor(msgspec.Struct, frozen=True):
    threads: dict[str, str] = msgspec.field(default_factory=dict)
    scanned_at: float | None = None

    def encode(self) -> str:
        return json.dumps(
            {"threads": self.threads, "scanned_at": self.scanned_at}, separators=(",", ":")
        )

    @classmethod
    def decode(cls, text: str | None) -> Cursor:
        """The stored cursor; one this version cannot read starts afresh (a re-scan)."""
        try:
            data = json.loads(text or "{}")
            threads = data.get("threads") or {}
            at = data.get("scanned_at")
            return cls(
                {str(k): str(v) for k, v in threads.items()},
                float(at) if isinstance(at, int | float) else None,
            )
        except (ValueError, AttributeError, TypeError):
            return cls()
