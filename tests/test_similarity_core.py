"""``Core.same_question`` against the real sandbox: its seeded question clusters are the
ground truth for "ask once, answer many" (each cluster is one question asked in many
words, often wrapped in filler such as "Thanks for the update." or "Nobody in Sales
seems to know.")."""

from __future__ import annotations

import statistics

import pytest

from app.bootstrap import open_core
from app.core import Core
from app.sandbox import corpus


@pytest.fixture
async def core(tmp_path, sandbox_server):
    opened = await open_core(
        tmp_path / "data", sandbox_url=sandbox_server.url, sandbox_token=sandbox_server.token
    )
    reports = await opened.engine.sync_all()
    assert [r.error for r in reports] == [None]
    yield opened
    await opened.close()


async def open_questions(core: Core) -> dict[str, tuple[int, str]]:
    """remote id -> (local id, text) of the open, unanswered questions from others."""
    rows = await core.store.read(
        lambda db: db.execute(
            "SELECT remote_id, id, body_text FROM comments WHERE is_mine = 0 AND deleted = 0 "
            "AND triage_state = 'open' AND answered = 0 AND is_question = 1 ORDER BY id"
        ).fetchall()
    )
    return {remote: (local, text) for remote, local, text in rows}


async def edit(core: Core, sandbox_server, remote_ids: list[str], bodies: list[str]) -> None:
    for remote_id, body in zip(remote_ids, bodies, strict=True):
        sandbox_server.simulate_edit(remote_id, f"<p>{body}</p>")
    reports = await core.engine.sync_all()
    assert [r.error for r in reports] == [None]


async def test_open_askers_find_the_others_asking_the_same(core, sandbox_server):
    """Every open asker of every seeded cluster: most of what comes back asks the same
    question (precision), and most of the others asking it are found (recall). Measured
    0.93 and 0.73 (TF-IDF over whole comments found about 0.2); floors with a margin."""
    questions = await open_questions(core)
    cluster_of = {
        questions[remote][0]: name
        for name, remotes in sandbox_server.question_clusters().items()
        for remote in remotes
        if remote in questions
    }
    precision, recall = [], []
    for asker, name in cluster_of.items():
        found = await core.inbox.same_question(asker)
        assert found[0] == asker
        hits = set(found[1:])
        others = {i for i, c in cluster_of.items() if c == name} - {asker}
        precision.append(len(hits & others) / len(hits) if hits else 0.0)
        recall.append(len(hits & others) / len(others) if others else 1.0)
    assert len(precision) > 200
    assert statistics.mean(precision) >= 0.88
    assert statistics.mean(recall) >= 0.68


async def test_paraphrases_are_found_and_shared_filler_is_no_match(core, sandbox_server):
    """The reviewer's example: paraphrases share no word with the asker; the false friend
    shares only the filler sentence around the question."""
    remote = list(await open_questions(core))[:5]
    await edit(
        core,
        sandbox_server,
        remote,
        [
            "Be straight with us: is AI going to take our jobs? Nobody in Sales seems to know.",
            "Are we using AI to cut headcount?",
            "Thanks for the update. What does the AI push mean for my job security?",
            "<b>Where are we all going to sit on Tuesdays?</b> Nobody in Sales seems to know.",
            "Any news on the Tuesday desk plan? Nobody in Sales seems to know.",
        ],
    )
    local = await open_questions(core)
    asker, cut, security, sit, desks = (local[r][0] for r in remote)

    found = await core.inbox.same_question(asker)

    assert found[0] == asker
    assert {cut, security} <= set(found)
    assert sit not in found and desks not in found
    assert asker not in await core.inbox.same_question(sit)
    assert desks in await core.inbox.same_question(sit)


async def test_filler_around_a_question_does_not_change_what_is_found(core, sandbox_server):
    """Askers of one phrasing, bare or wrapped in filler, find the same comments."""
    questions = await open_questions(core)
    by_phrasing: dict[str, list[int]] = {}
    for name, remotes in sandbox_server.question_clusters().items():
        for remote in remotes:
            if remote in questions:
                local, text = questions[remote]
                phrasing = next(p for p in corpus.QUESTION_CLUSTERS[name][1] if p in text)
                by_phrasing.setdefault(phrasing, []).append(local)
    groups = [ids for ids in by_phrasing.values() if len(ids) > 1]
    assert len(groups) > 20
    for ids in groups:
        answers = [set(await core.inbox.same_question(i)) for i in ids]
        assert all(a == answers[0] for a in answers), ids


async def test_new_words_count_after_the_next_sync(core, sandbox_server):
    """Rarity is cached per store; words that arrive later are counted when they turn up."""
    remote = list(await open_questions(core))[:3]
    first = (await open_questions(core))[remote[0]][0]
    await core.inbox.same_question(first)  # builds the cache before the new words exist
    await edit(
        core,
        sandbox_server,
        remote,
        [
            "Is the zorbing club getting a new trampoline?",
            "When does the zorbing club reopen its trampoline?",
            "Who runs the chess ladder now?",
        ],
    )
    local = await open_questions(core)
    zorb, again, chess = (local[r][0] for r in remote)

    found = await core.inbox.same_question(zorb)

    assert found[:2] == [zorb, again]
    assert chess not in found


async def test_unknown_comments_and_comments_that_ask_nothing(core):
    assert await core.inbox.same_question(10**9) == []
    praise = await core.store.read(
        lambda db: db.execute(
            "SELECT id FROM comments WHERE body_text = 'Really appreciate the transparency here.'"
        ).fetchone()[0]
    )
    assert await core.inbox.same_question(praise) == [praise]
