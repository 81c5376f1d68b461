"""The answer library: every question answered is remembered with its answer (by
``Replies.queue``, in the transaction that queues the replies); when the same question
comes again, on another post or network, the earlier answer is offered as a start.

"The same question" is ``Inbox.same_question``, whatever scorer it uses: an earlier
answered question whose group of open look-alikes holds the new comment. The newest
answers are tried first, at most ``TRIED`` of them, each over its newest ``LOOK_ALIKES``
candidates, so the look-up stays short.
"""

from __future__ import annotations

from app.core.inbox import Inbox
from app.domain.library import PastAnswer
from app.store import Store, answers

#: How many of the newest distinct answers are tried for one comment.
TRIED = 25
#: Open look-alikes read per answered question (newest first: the question asked again is
#: among the newest), so one suggestion costs at most TRIED short look-ups.
LOOK_ALIKES = 300


class Answers:
    def __init__(self, store: Store, inbox: Inbox) -> None:
        self._store = store
        self._inbox = inbox

    async def suggest(self, comment_id: int) -> PastAnswer | None:
        """The newest earlier answer to the question ``comment_id`` asks, or None."""
        for past in await self._store.read(answers.recent, TRIED):
            if past.comment_id == comment_id:
                continue
            group = await self._inbox.same_question(past.comment_id, LOOK_ALIKES)
            if comment_id in group[1:]:
                return past
        return None
