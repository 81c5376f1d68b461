"""Making the questions' sentence vectors (a backfill of a whole synced store) keeps the
Qt event loop turning: the encoder runs in a worker process, the store's threads save
the vectors. A heartbeat timer records the longest gap between its ticks."""

from __future__ import annotations

import pytest
from heartbeat import MAX_STALL_MS

from app.store import vectors

pytestmark = pytest.mark.ui


def test_a_backfill_of_question_vectors_never_stalls_the_loop(
    synced_core, wait_for, qtbot, heartbeat
):
    wait_for(synced_core.store.run(lambda db: db.execute("DELETE FROM comment_vectors")))
    beat = heartbeat
    beat.timer.start()
    qtbot.waitUntil(lambda: beat.ticks > 5)
    beat.restart()
    wait_for(synced_core.grouping.catch_up(), timeout=180_000)
    beat.timer.stop()

    done, total = wait_for(synced_core.store.read(vectors.progress))
    assert done == total > 100
    print(beat.report("while every question got its vector"))
    assert beat.worst * 1000 < MAX_STALL_MS
