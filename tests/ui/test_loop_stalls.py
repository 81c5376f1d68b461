"""The Qt event loop keeps turning while a full sync pulls and stores the sandbox's
comments: a heartbeat timer records the longest gap between its ticks."""

from __future__ import annotations

from heartbeat import MAX_STALL_MS


def test_full_sync_never_stalls_the_event_loop(core, wait_for, qtbot, heartbeat):
    beat = heartbeat
    beat.timer.start()
    qtbot.waitUntil(lambda: beat.ticks > 5)
    beat.restart()
    reports = wait_for(core.engine.sync_all(), timeout=60_000)
    beat.timer.stop()

    assert reports[0].error is None and reports[0].fetched > 2000
    print(beat.report("during a full sync"))
    assert beat.worst * 1000 < MAX_STALL_MS
