"""The measurements made in the window (``window_stalls.Session``) on a store's copy: the
worst event-loop stall per activity, then a sync from the sandbox and a send to it, in
that order (the sync adds the sandbox's comments the send answers). ``--no-network``
stops after the stalls."""

from __future__ import annotations

import argparse
from pathlib import Path

from bench import network_measure, qt, window_stalls
from bench.report import Line
from bench.sandbox_proc import SandboxProcess, cached_state


def measure(data_dir: Path, workdir: Path, args: argparse.Namespace) -> list[Line]:
    """Every window measurement; with ``--no-network`` only the UI stalls (no sandbox)."""
    capacity, _, window_s = args.send_limit.partition("/")
    sandbox = None if args.no_network else SandboxProcess(cached_state(args.sync_comments), workdir)
    try:
        return qt.run(_session(data_dir, sandbox, args, int(capacity), float(window_s)))
    finally:
        if sandbox is not None:
            sandbox.stop()
        qt.close()


async def _session(
    data_dir: Path,
    sandbox: SandboxProcess | None,
    args: argparse.Namespace,
    capacity: int,
    window: float,
) -> list[Line]:
    session = await window_stalls.open_session(data_dir)
    try:
        stalls = await window_stalls.activity_stalls(session)
        lines = [stall_line(f"UI stall: {activity}", ms) for activity, ms in stalls.items()]
        if sandbox is None:
            return lines
        counter = await network_measure.connect_sandbox(session, sandbox)
        first, again = await network_measure.sync_twice(session, sandbox, counter)
        lines += _sync_lines(first, again)
        sent = await network_measure.send_batch(session, sandbox, args.replies, capacity, window)
        lines += _send_lines(sent)
    finally:
        await window_stalls.close_session(session)
    return lines


def stall_line(label: str, stall: tuple[float, float], target: str | None = "stall") -> Line:
    """The heartbeat's worst stall, with the UI thread's most work in one gap beside it.
    The issue sets one frame for opening views, moving, triaging and typing; during a
    sync or a send the stall is printed (the UI tests bound it at 50 ms)."""
    worst, work = stall
    return Line(label, worst, "ms", target, f"UI-thread work at most {work:.1f} ms")


def _sync_lines(first: network_measure.SyncRun, again: network_measure.SyncRun) -> list[Line]:
    def facts(run: network_measure.SyncRun) -> str:
        megabytes = run.received / 2**20
        note = f"{run.fetched:,} comments, {run.requests:,} requests, {megabytes:,.1f} MB"
        return note + (f"; ERROR: {run.error}" if run.error else "")

    return [
        Line("sync: first, every sandbox comment", first.seconds, "s", note=facts(first)),
        stall_line("sync: worst UI stall meanwhile", first.stall, None),
        Line("sync: again, nothing new", again.seconds, "s", note=facts(again)),
        stall_line("sync: worst UI stall meanwhile (again)", again.stall, None),
    ]


def _send_lines(run: network_measure.SendRun) -> list[Line]:
    limit = f"limit {run.limit_rps:g}/s, burst {run.burst}"
    return [
        Line(
            f"send: {run.replies} personalised replies, achieved/limit",
            100 * run.share,
            "%",
            "share",
            f"{run.achieved_rps:.1f}/s against {limit}; {run.sent} sent in {run.seconds:.1f} s; "
            f"{run.requests / max(run.replies, 1):.2f} requests a reply",
        ),
        Line("send: 429s (refused by the network)", run.refused, "", "none"),
        Line("send: duplicate replies", run.duplicates, "", "none"),
        stall_line("send: worst UI stall meanwhile", run.stall, None),
    ]
