"""``Core.grouping`` against the real sandbox and the real sentence encoder: questions get
vectors after a sync, G's ranked matches of a seeded cluster put the cluster first and
tick only what asks the same, an edit makes a vector again, and Themes count the open
questions by theme, newest first."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from fixtures.store_data import ingest, open_store, remote, statements_of

from app import events as ev
from app.bootstrap import open_core
from app.core.grouping import BATCH
from app.domain import TriageState
from app.domain.grouping import MatchConfidence
from app.store import vectors
from app.text import encoder, grouping
from app.text.adapter import shipped


@pytest.fixture
async def core(tmp_path, sandbox_server):
    opened = await open_core(
        tmp_path / "data", sandbox_url=sandbox_server.url, sandbox_token=sandbox_server.token
    )
    reports = await opened.engine.sync_all()
    assert [r.error for r in reports] == [None]
    await opened.grouping.catch_up()
    yield opened
    await opened.close()


async def _local_ids(core, remote_ids):
    found = await _open_ids(core)
    return [found[r] for r in remote_ids if r in found]


async def _open_ids(core) -> dict[str, int]:
    rows = await core.store.read(
        lambda db: db.execute(
            "SELECT remote_id, id FROM comments WHERE is_mine = 0 AND deleted = 0 "
            "AND triage_state = 'open' AND answered = 0 AND is_question = 1"
        ).fetchall()
    )
    return dict(rows)


async def test_a_sync_gives_every_question_a_vector(core):
    done, total = await core.store.read(vectors.progress)
    assert total > 0 and done == total
    assert await core.store.read(vectors.pending, 10) == []


async def test_matches_rank_the_cluster_first_and_tick_only_its_askers(core, sandbox_server):
    ranked_in, ticked, wrong = [], 0, 0
    for remotes in sandbox_server.question_clusters().values():
        askers = await _local_ids(core, remotes)
        if len(askers) < 3:
            continue
        seed, others = askers[0], set(askers[1:])
        matches = await core.grouping.matches(seed)
        assert seed not in [m.comment_id for m in matches]
        assert [m.score for m in matches] == sorted((m.score for m in matches), reverse=True)
        first = {m.comment_id for m in matches[:20]}
        ranked_in.append(len(first & others) / min(len(others), 20))
        chosen = [m.comment_id for m in matches if m.confidence is MatchConfidence.VERY_LIKELY]
        ticked += len(chosen)
        wrong += sum(1 for i in chosen if i not in others)
    assert ranked_in and sum(ranked_in) / len(ranked_in) >= 0.6
    assert wrong <= ticked * 0.1


async def test_matches_ranked_by_ticked_questions_leave_them_out_and_fuse(core, sandbox_server):
    clusters = [
        askers
        for remotes in sandbox_server.question_clusters().values()
        if len(askers := await _local_ids(core, remotes)) >= 3
    ]
    seed, ticked = clusters[0][0], clusters[1][0]  # ticked: another cluster's question
    alone = await core.grouping.matches(seed)
    again = await core.grouping.matches(seed, [ticked])
    ids = [m.comment_id for m in again]
    assert seed not in ids and ticked not in ids
    assert [m.score for m in again] == sorted((m.score for m in again), reverse=True)
    of_ticked = set(clusters[1][1:])  # ranked by the ticked one, its cluster comes first
    first = set(ids[: len(of_ticked)])
    assert len(first & of_ticked) > len({m.comment_id for m in alone[: len(of_ticked)]} & of_ticked)
    by_ticked = {m.comment_id: m.score for m in await core.grouping.matches(ticked)}
    by_seed = {m.comment_id: m.score for m in alone}
    for match in again:
        assert match.score == max(
            by_seed.get(match.comment_id, -9), by_ticked.get(match.comment_id, -9)
        )


async def test_an_edited_question_gets_a_new_vector(core, sandbox_server):
    remotes = [r for rs in sandbox_server.question_clusters().values() for r in rs]
    open_ids = await _open_ids(core)
    remote = next(r for r in remotes if r in open_ids)
    local = open_ids[remote]
    before = (await core.store.read(vectors.stored_or_text, [local]))[local]
    kept = core.grouping._matcher.vectors  # the open questions' vectors G ranks, in memory
    assert _row_of(await core.store.read(kept.read), local) == before
    sandbox_server.simulate_edit(remote, "<p>Will the car park close for the summer?</p>")
    assert [r.error for r in await core.engine.sync_all()] == [None]
    await core.grouping.catch_up()
    after = (await core.store.read(vectors.stored_or_text, [local]))[local]
    assert isinstance(before, bytes) and isinstance(after, bytes) and after != before
    # G ranks by the new one, though the open questions are the same as before the edit
    assert _row_of(await core.store.read(kept.read), local) == after


def _row_of(kept: tuple[list[int], encoder.Vectors], comment_id: int) -> bytes:
    ids, rows = kept
    return encoder.to_bytes(rows[ids.index(comment_id)])


async def test_themes_count_open_questions_newest_first(core):
    themes = await core.grouping.themes()
    assert themes, "the sandbox seeds clusters of the same question"
    assert [t.newest_at for t in themes] == sorted((t.newest_at for t in themes), reverse=True)
    for theme in themes:
        assert theme.comments >= 2 and 1 <= theme.people <= theme.comments
        assert theme.label and len(theme.label) <= 90


async def test_a_comment_that_is_gone_has_no_matches(core):
    assert await core.grouping.matches(10**9) == []


def test_weights_that_differ_from_the_measured_ones_are_refused(monkeypatch):
    monkeypatch.setitem(encoder.WEIGHTS, "sp.model", "0" * 64)
    with pytest.raises(encoder.ModelMismatch, match="reinstall"):
        encoder.check_weights()


async def test_a_question_marked_done_leaves_the_groups_it_was_in(core):
    seed = next(iter((await _open_ids(core)).values()))
    first = await core.grouping.matches(seed)
    themes_before = await core.grouping.themes()
    gone = first[0].comment_id
    await core.inbox.set_triage([gone], TriageState.DONE)
    assert gone not in [m.comment_id for m in await core.grouping.matches(seed)]
    counted = sum(t.comments for t in await core.grouping.themes())
    assert counted <= sum(t.comments for t in themes_before)


async def test_a_store_without_vectors_is_backfilled_with_progress(core):
    await core.store.run(lambda db: db.execute("DELETE FROM comment_vectors"))
    heard: list[ev.QuestionsIndexed] = []
    stop = core.events.subscribe(
        lambda e: heard.append(e) if isinstance(e, ev.QuestionsIndexed) else None
    )
    try:
        await core.grouping.catch_up()
    finally:
        stop()
    done, total = await core.store.read(vectors.progress)
    assert done == total > BATCH
    assert len(heard) >= total // BATCH
    assert [e.done for e in heard] == sorted(e.done for e in heard)
    assert heard[-1] == ev.QuestionsIndexed(total, total)


#: In a fresh interpreter: which thread imports numpy when the grouping is first used.
FIRST_USE = textwrap.dedent(
    """
    import asyncio, sys, threading
    from pathlib import Path

    importers = []

    def heard(event, args):
        if event == "import" and args[0].partition(".")[0] == "numpy":
            importers.append(threading.current_thread() is threading.main_thread())

    sys.addaudithook(heard)
    from app.bootstrap import open_core

    async def main():
        core = await open_core(Path(sys.argv[1]), start_sandbox=False)
        try:
            await core.grouping.themes()
            await core.grouping.progress()
            await core.grouping.matches(1)
        finally:
            await core.close()

    assert "numpy" not in sys.modules  # the store was upgraded already: nothing loaded it
    asyncio.run(main())
    print("numpy" in sys.modules, set(importers))
    """
)


async def test_the_first_use_imports_numpy_on_a_worker_thread_not_the_loops(tmp_path) -> None:
    """numpy takes over 100 ms to import: on the event loop's thread (the window's) the
    first Themes, or the sidebar's count of them, would stall the window that long."""
    made = await open_core(tmp_path / "data", start_sandbox=False)  # a store of this version
    await made.close()
    done = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-c", FIRST_USE, str(tmp_path / "data")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "True {False}"


def test_themes_are_read_from_indexes_alone(tmp_path) -> None:
    """Not from the comments' rows nor the vectors' (each ~1.5 KB): the first Themes of a
    session read them all, 410-940 ms from a cold disk on the bench's 200k store."""
    store = open_store(tmp_path)
    try:
        db = store.reader()
        ran = statements_of(db, lambda: vectors.themes(db))
        (sql,) = [s for s in ran if "question_themes" in s]
        plan = [row[3] for row in db.execute(f"EXPLAIN QUERY PLAN {sql}")]
        reads = [step for step in plan if step.startswith(("SCAN", "SEARCH"))]
        assert "SCAN c USING COVERING INDEX ix_open_question_askers" in reads, plan
        assert any("v USING COVERING INDEX ix_comment_vectors_themes" in s for s in reads), plan
        assert all("COVERING INDEX" in s or "PRIMARY KEY" in s for s in reads), plan
    finally:
        store.close()


async def test_a_group_reads_its_seed_and_ticked_vectors_at_once(core, monkeypatch):
    """M's seed and ticked questions: one read for all their vectors (each in a read of
    its own took a trip to the reading thread apiece); a ticked one that is gone is
    left out."""
    seed, *ticked = list((await _open_ids(core)).values())[:4]
    await core.grouping.matches(seed)  # loaded
    reads: list[object] = []
    read = core.store.read

    async def counted(fn, *args):
        reads.append(fn)
        return await read(fn, *args)

    monkeypatch.setattr(core.store, "read", counted)
    found = await core.grouping.matches(seed, [*ticked, 10**9])
    assert found and seed not in {m.comment_id for m in found}
    assert reads.count(vectors.stored_or_text) == 1


def test_a_batch_of_vectors_joins_the_stored_themes_or_starts_its_own(tmp_path) -> None:
    """``vectors.save``: each question joins the theme it is close to, stored before or
    started in the same batch; a theme started keeps its question's vector as the shipped
    adapter maps it and is named by it; a question edited while its vector was made is
    left for later and starts nothing."""
    store = open_store(tmp_path)
    try:
        store.run_sync(ingest, [remote(n, body=f"<p>Question {n}, is it?</p>") for n in range(5)])
        asked = sorted(store.run_sync(vectors.pending, 10), key=lambda p: p.comment_id)
        rows = np.zeros((5, encoder.WIDTH), np.float32)
        rows[:, encoder.MULTILINGUAL] = encoder.unit_rows(
            np.random.default_rng(5).standard_normal((5, encoder.DIMENSIONS))
        )
        rows[:, encoder.READ] = 1.0
        rows[[1, 3]] = rows[[0, 2]]  # 1 asks as 0 does (same batch), 3 as 2 (stored before)
        assert store.run_sync(vectors.save, asked[:3], rows[:3]) == 3
        edited = vectors.Pending(asked[4].comment_id, "What it said before?")
        assert store.run_sync(vectors.save, [asked[3], edited], rows[3:]) == 1
        db = store.reader()
        found = db.execute(
            "SELECT v.comment_id, t.id, t.label, t.vector FROM comment_vectors v "
            "JOIN question_themes t ON t.id = v.theme_id ORDER BY v.seq"
        ).fetchall()
        assert [c for c, *_ in found] == [p.comment_id for p in asked[:4]]
        themes = [t for _, t, *_ in found]
        assert themes[0] == themes[1] != themes[2] == themes[3]
        assert db.execute("SELECT count(*) FROM question_themes").fetchone()[0] == 2
        for n in (0, 2):
            _, _, label, centre = found[n]
            mapped = shipped().apply(rows[n : n + 1])[0, encoder.MULTILINGUAL]
            assert bytes(centre) == encoder.to_bytes(mapped)
            assert label == grouping.label(asked[n].text)
    finally:
        store.close()
