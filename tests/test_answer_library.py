"""The answer library finds "the same question" as G does (``Answers.suggest`` over
``Grouping.matches``): against the real sandbox and encoder, an earlier answer is offered
for a comment G would tick beside the answered question, and never for one G only ranks
(likely, possible) or for another question; and on the labelled set, the rule it keeps
("very likely" only) offers answers to the same question, where "likely" would not."""

from __future__ import annotations

import pytest
from fixtures.cores import synced_with_sandbox

from app.core.answers import TRIED
from app.domain.grouping import MatchConfidence
from app.store import vectors
from app.text.encoder import Encoder
from bench.grouping_eval import Half, load
from bench.grouping_quality import METHODS, SHIPPED

VERY, LIKELY = MatchConfidence.VERY_LIKELY, MatchConfidence.LIKELY


@pytest.fixture
async def core(tmp_path, sandbox_server):
    """The sandbox synced, every question with its vector."""
    async with synced_with_sandbox(
        tmp_path / "data", sandbox_server.url, sandbox_server.token
    ) as opened:
        await opened.grouping.catch_up()
        yield opened


async def _open_ids(core) -> dict[str, int]:
    """Remote id -> local id of the open questions."""
    rows = await core.store.read(
        lambda db: db.execute(
            f"SELECT c.remote_id, c.id FROM comments c WHERE {vectors.OPEN_QUESTION}"
        ).fetchall()
    )
    return dict(rows)


async def test_an_answer_is_offered_only_where_g_would_tick(core, sandbox_server) -> None:
    open_ids = await _open_ids(core)
    clusters = [
        [open_ids[r] for r in remotes if r in open_ids]
        for remotes in sandbox_server.question_clusters().values()
    ]
    for askers in clusters:
        matches = await core.grouping.matches(askers[0])
        ticked = [m.comment_id for m in matches if m.confidence is VERY]
        unticked = [m.comment_id for m in matches if m.confidence is not VERY]
        if ticked and unticked:
            break
    else:
        raise AssertionError("no sandbox question has both ticked and unticked matches")
    seed = askers[0]
    elsewhere = next(c[0] for c in clusters if c and c[0] not in {seed, *ticked, *unticked})
    answer = "Hi {first_name}, the plan is on the intranet."
    await core.replies.queue([seed], answer)

    for comment_id in ticked:
        past = await core.answers.suggest(comment_id)
        assert past is not None and (past.comment_id, past.answer) == (seed, answer)
    for comment_id in [*unticked, elsewhere]:
        assert await core.answers.suggest(comment_id) is None


async def test_only_the_newest_answers_are_tried(core, sandbox_server) -> None:
    """The look-up stays short: an answer behind ``TRIED`` newer ones is not reached."""
    open_ids = await _open_ids(core)
    for remotes in sandbox_server.question_clusters().values():
        askers = [open_ids[r] for r in remotes if r in open_ids]
        if askers:
            matches = await core.grouping.matches(askers[0])
            if ticked := [m.comment_id for m in matches if m.confidence is VERY]:
                break
    await core.replies.queue([askers[0]], "The first answer.")
    assert await core.answers.suggest(ticked[0]) is not None
    others = [i for i in open_ids.values() if i not in {askers[0], *ticked}]
    for n, other in enumerate(others[:TRIED]):
        await core.replies.queue([other], f"Another answer, number {n}.")

    assert await core.answers.suggest(ticked[0]) is None


def test_offered_answers_ask_the_same_question_on_the_labelled_set() -> None:
    """Each comment of a half as the answered question, the rest open: the rows an answer
    would be offered for ("very likely") ask the same. Measured: very likely 4/4 (tuning),
    6/6 (test); likely 44/62 and 82/135, which is why "likely" is not offered."""
    encoder = Encoder()
    for half in (Half.TUNING, Half.TEST):  # the held-back sets offer none: 0/0
        comments = load(half)
        by_id = {c.id: c for c in comments}
        rank = METHODS[SHIPPED](comments, encoder)
        right = {VERY: 0, LIKELY: 0}
        offered = {VERY: 0, LIKELY: 0}
        for seed in comments:
            for match in rank(seed):
                if match.confidence in offered:
                    offered[match.confidence] += 1
                    same = not seed.unique and by_id[match.comment_id].group == seed.group
                    right[match.confidence] += same
        very, likely = f"{right[VERY]}/{offered[VERY]}", f"{right[LIKELY]}/{offered[LIKELY]}"
        print(f"\n{half}: very likely {very}, likely {likely}")
        assert offered[VERY] > 0 and right[VERY] / offered[VERY] >= 0.95
