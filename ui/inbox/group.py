"""A "same question" group as the inbox shows it: the comment it was opened from, then the
open questions ranked against it with their confidence; the asked one and the very
likely ones start ticked.

Read through ``core.grouping.matches`` (ranked, typed) and ``core.inbox.rows`` off the UI
thread; the page shows it with ``InboxPage.show_group``.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import TYPE_CHECKING

import msgspec

from app.domain import InboxRow
from app.domain.grouping import MOST_CONFIRMED, MatchConfidence, ranking_order

if TYPE_CHECKING:
    from app.core import Core


class Group(msgspec.Struct, frozen=True):
    seed: int
    rows: list[InboxRow]
    marks: Mapping[int, MatchConfidence]
    ticked: frozenset[int]
    #: (questions with a vector, questions in all) when the group was read.
    progress: tuple[int, int] = (0, 0)
    #: How many ticked rows besides the seed it was ranked again by ("more like the
    #: ticked"), of those shown, or 0.
    ranked_by: int = 0

    @property
    def message(self) -> str:
        """What the status bar says when the group opens: short, so it shows whole in a
        1280-pixel window ("4 of 20 ticked as very likely the same · x or Space ticks ·
        r replies")."""
        done, total = self.progress
        still = (
            f" · still reading questions ({done:,} of {total:,}), some may be missing"
            if done < total
            else ""
        )
        return self._found() + still

    def _found(self) -> str:
        others = sum(row.id != self.seed for row in self.rows)  # the seed may be gone
        if others <= 0:
            return "Nobody else is asking this."
        ticked = len(self.ticked - {self.seed})  # the person may have unticked the seed
        if self.ranked_by:
            used = min(self.ranked_by, MOST_CONFIRMED)
            by = f"{used:,} of the" if used < self.ranked_by else "the"
            below = others - self.ranked_by
            found = f"Ranked again by {by} {self.ranked_by:,} ticked · " + (
                f"{below:,} more below" if below else "nobody else below"
            )
            if ticked > self.ranked_by:
                found += f", {ticked - self.ranked_by:,} very likely the same and ticked"
        elif ticked:
            found = f"{ticked:,} of {others:,} ticked as very likely the same"
        else:
            found = f"{others:,} ranked, none sure enough to tick"
        return f"{found} · x or Space ticks · r replies"


async def read_group(
    core: Core, comment_id: int, confirmed: Sequence[int] = (), seen: Collection[int] = ()
) -> Group:
    """The group of ``comment_id``, the very likely rows ticked. With ``confirmed`` (rows
    a person ticked, the seed among them if it still is), those next and still ticked,
    the rest ranked by them too; rows the person has ``seen`` stay as they left them (a
    very likely one left unticked is not ticked again, nor the seed once unticked)."""
    others = [i for i in confirmed if i != comment_id]
    matches = await core.grouping.matches(comment_id, ranking_order(others))
    rows = await core.inbox.rows([comment_id, *others, *(m.comment_id for m in matches)])
    marks = {m.comment_id: m.confidence for m in matches}
    shown = {r.id for r in rows}
    sure = {i for i, c in marks.items() if c.preselected}
    ticked = ({comment_id, *sure} - set(seen)) | set(confirmed)
    progress = await core.grouping.progress()
    ranked_by = len(shown.intersection(others))
    return Group(comment_id, rows, marks, frozenset(ticked & shown), progress, ranked_by)
