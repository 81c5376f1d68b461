"""The answer library: every question answered is remembered with its answer (by
``Replies.queue``, in the transaction that queues the replies); when the same question
comes again, on another post or network, the earlier answer is offered as a start.

"The same question" is G's: the earlier question's ranked matches among the open ones
(``Grouping.matches``, stored sentence vectors and words), and the comment must be a
match G would tick (``MatchConfidence.preselected``, "very likely"). Measured on the
labelled set (tests/grouping_eval, each comment as the answered question, the others
open): every "very likely" row asked the same question (4 of 4 on the tuning half, 6 of
6 on the test half), "likely" rows only 71% and 61%, too few for an answer offered
without looking (``tests/test_answer_library.py`` keeps that measure). The newest
answers are tried first, at most ``TRIED``, so the look-up stays short; it runs on the
store's reading thread and the encoder's process, never the window's.
"""

from __future__ import annotations

from app.core.grouping import Grouping
from app.domain.library import PastAnswer
from app.store import Store, answers

#: How many of the newest distinct answers are tried for one comment.
TRIED = 25


class Answers:
    def __init__(self, store: Store, grouping: Grouping) -> None:
        self._store = store
        self._grouping = grouping

    async def suggest(self, comment_id: int) -> PastAnswer | None:
        """The newest earlier answer to the question ``comment_id`` asks, or None."""
        for past in await self._store.read(answers.recent, TRIED):
            if past.comment_id == comment_id:
                continue
            for match in await self._grouping.matches(past.comment_id):
                if match.comment_id == comment_id:
                    if match.confidence.preselected:
                        return past
                    break
        return None
