"""``python -m bench``: generate (or reuse) the big store, measure, print targets and results.

One store (``--comments``/``--posts``), or with ``--scale`` the 200,000- and the
1,000,000-comment stores side by side, with how each measure grew against the store.
Measured on each: the app's start against a bare PySide6 window (alternating runs) and
its peak memory; views, search and triage in the store; the window's worst event-loop
stall while opening views, moving, triaging and typing; a first sync of 100,000 comments
from the sandbox and a re-sync; a batch of 500 personalised replies sent at the
sandbox's rate limit; the coverage scorecard (read, and its window painted), the people
waiting longest and a person's page.
The machine's load is printed before and after. ``--grouping``
measures only "same question" and Themes (bench/grouping_quality.py, grouping_speed.py).
``--labelled FILE`` measures what ships on a labelled set from outside the repository,
in the format of ``tests/grouping_eval``, as the held-back sets are measured (and
nothing else, with or without ``--grouping``).

Exit code 0 when every target passes, 1 when one is missed; 2 when a ``--labelled`` file
cannot be read (before anything is measured).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

from app.config import database_path
from app.store import Store, migrations
from bench import app_process, generate, ledger_measure, measure, report, ui_measure
from bench.generate import Spec
from bench.report import Line

SCALE = (Spec(200_000, 2_000), Spec(1_000_000, 5_000))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--comments", type=int, default=Spec.comments)
    parser.add_argument("--posts", type=int, default=Spec.posts)
    parser.add_argument("--scale", action="store_true", help="200k and 1M side by side")
    parser.add_argument("--starts", type=int, default=5, help="starts of each to time (median)")
    parser.add_argument("--rebuild", action="store_true", help="ignore the cached store")
    parser.add_argument("--no-app", action="store_true", help="skip starting the app")
    parser.add_argument(
        "--start-only",
        action="store_true",
        help="only the start against the bare window, and its peak memory",
    )
    parser.add_argument("--no-window", action="store_true", help="skip the window, sync, send")
    parser.add_argument(
        "--no-network",
        action="store_true",
        help="in the window, only the UI stalls: skip the sync and the send",
    )
    parser.add_argument("--sync-comments", type=int, default=100_000, metavar="N")
    parser.add_argument("--replies", type=int, default=500, metavar="N")
    parser.add_argument(
        "--send-limit",
        default="50/2.5",
        metavar="CAPACITY/SECONDS",
        help="the sandbox's limit while sending (default 50/2.5: 20 a second, burst 50; "
        "its own default is 50/10)",
    )
    parser.add_argument(
        "--grouping",
        action="store_true",
        help='only "same question" and Themes: quality on the labelled set, speed on the store',
    )
    parser.add_argument(
        "--labelled",
        action="append",
        type=Path,
        metavar="FILE",
        help='only "same question" on a labelled file in the format of '
        "tests/grouping_eval/*.tsv (group, language, text; tab-separated), measured as the "
        "held-back sets are; may be given more than once",
    )
    parser.add_argument(
        "--drop-caches",
        action="store_true",
        help="Linux, as root: empty the OS page cache before each start "
        "(a start after a reboot; slows other processes briefly)",
    )
    return parser


def load() -> str:
    try:
        return "load average " + ", ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "load average unknown"


def _start_lines(data_dir: Path, spec: Spec, runs: int, drop_caches: bool) -> list[Line]:
    starts = app_process.measure_starts(data_dir, runs, drop_caches)
    peaks = [r.peak_rss_mb for r in starts.app if r.peak_rss_mb is not None]
    children = [r.children_peak_rss_mb for r in starts.app if r.children_peak_rss_mb is not None]
    cold = " (OS cache dropped)" if drop_caches else ""
    notes = "; ".join(sorted({r.note for r in starts.app + starts.bare if r.note}))
    key = "start-1m" if spec.comments >= 1_000_000 else "start"
    return [
        Line(
            f"start: app to its first painted inbox{cold}",
            starts.app_s,
            "s",
            note=notes,
            details=[(f"run {i + 1}", r.start_s or float("nan")) for i, r in enumerate(starts.app)],
        ),
        Line(
            f"start: bare PySide6 window to its first paint{cold}",
            starts.bare_s,
            "s",
            details=[
                (f"run {i + 1}", r.start_s or float("nan")) for i, r in enumerate(starts.bare)
            ],
        ),
        Line("start: app / bare window (medians)", starts.ratio, "x", key),
        Line("peak RSS of the app process", max(peaks) if peaks else None, "MB", "rss"),
        Line(
            "peak RSS of its largest child (the encoder's worker)",
            max(children) if children else None,
            "MB",
        ),
    ]


def _store_lines(store: Store) -> list[Line]:
    t = measure.measure_store(store)
    views = [
        (k.split(":", 1)[1], t.median(k))
        for k in t.samples
        if k.startswith("view:") and k != "view:any"
    ]
    searches = [(k.split(":", 1)[1], t.median(k)) for k in t.samples if k.startswith("search:")]
    lines = [
        Line(
            "open a view: count + first page (worst)",
            max(v for _, v in views),
            "ms",
            "view",
            details=views,
        ),
        Line("view_counts: every view", t.median("view_counts (all views, one pass)"), "ms"),
        Line(
            "next item: chain + replies (Inbox.thread)",
            t.median("next:chain+replies"),
            "ms",
            "next",
        ),
        Line(f"search: median of {len(searches)} queries", t.median("search"), "ms"),
        Line(
            "search: slowest query (median of its runs)",
            max(v for _, v in searches),
            "ms",
            "search",
            details=sorted(searches, key=lambda s: -s[1])[:5],
        ),
        Line("triage: set_state on one comment (1 txn)", t.median("triage"), "ms", "triage"),
    ]
    ui = ui_measure.measure_ui(store, measure.next_item_ids(store, 60))
    if ui.note:
        return [*lines, Line("next item: Qt model and thread pane", None, "ms", note=ui.note)]
    return [
        *lines,
        Line(
            "next item: model data() for the next row",
            ui.timings.median("model:data"),
            "ms",
            "next",
            f"max {max(ui.timings.samples['model:data']):.2f} ms; fetchMore on the UI thread "
            f"max {max(ui.timings.samples['model:fetchMore']):.2f} ms (read off it)",
        ),
        Line("next item: thread pane render + setHtml", ui.timings.median("render"), "ms", "next"),
    ]


def _measure(spec: Spec, args: argparse.Namespace) -> list[Line]:
    cached = generate.cached_store(spec, rebuild=args.rebuild)
    source = cached.path
    how = "cached"
    if cached.built_s is not None:
        how = f"generated in {cached.built_s:.1f} s"
    elif cached.migrated_s is not None:
        how = f"migrated from schema v{cached.migrated_from} in {cached.migrated_s:.1f} s"
    print(f"\n{spec.comments:,} comments on {spec.posts:,} posts, schema v{migrations.LATEST}")
    print(f"store: {source} ({source.stat().st_size / 2**20:,.0f} MB, {how}); {load()}")
    with tempfile.TemporaryDirectory(prefix="fireside-bench-") as tmp:
        data_dir = Path(tmp) / "data"
        data_dir.mkdir()
        shutil.copyfile(source, database_path(data_dir))
        lines = [] if args.no_app else _start_lines(data_dir, spec, args.starts, args.drop_caches)
        if args.start_only:
            return lines
        store = Store(database_path(data_dir))
        try:
            lines += _store_lines(store)
            lines += ledger_measure.measure(store, measure.next_item_ids(store, 20))
        finally:
            store.close()
        if not args.no_window:
            from bench import session_lines

            lines += session_lines.measure(data_dir, Path(tmp), args)
    return lines


def _grouping(spec: Spec) -> int:
    from app.text.encoder import Encoder
    from bench import grouping_quality, grouping_speed, question_reading

    print(f"Fireside benchmark, grouping; {load()}; {os.cpu_count()} CPUs")
    encoder = Encoder()
    table = question_reading.lines() + grouping_quality.lines(encoder)
    table += grouping_speed.lines(spec, encoder)
    print(f"\n{load()} at the end")
    print(report.render(table))
    passed = report.all_passed(table)
    print("all targets met" if passed else "some targets missed")
    return 0 if passed else 1


def _outside(paths: list[Path]) -> int:
    from app.text.encoder import Encoder
    from bench import grouping_quality
    from bench.grouping_eval import MalformedSet, read

    try:
        sets = [(path, read(path, grouping_quality.OUTSIDE_FIRST_ID)) for path in paths]
    except MalformedSet as error:
        print(f"cannot measure: {error}", file=sys.stderr)
        return 2
    print(f"Fireside benchmark, labelled files; {load()}; {os.cpu_count()} CPUs")
    encoder = Encoder()
    table = [
        line
        for path, comments in sets
        for line in grouping_quality.outside_lines(path.name, comments, encoder)
    ]
    print(report.render(table))
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.labelled:
        return _outside(args.labelled)
    if args.grouping:
        return _grouping(Spec(comments=args.comments, posts=args.posts))
    specs = SCALE if args.scale else (Spec(comments=args.comments, posts=args.posts),)
    print(f"Fireside benchmark; {load()}; {os.cpu_count()} CPUs")
    app_process.compile_sources()  # as installed: the app's modules byte-compiled
    tables = [_measure(spec, args) for spec in specs]
    print(f"\n{load()} at the end")
    if len(tables) == 1:
        print(report.render(tables[0]))
        passed = report.all_passed(tables[0])
        print("all targets met" if passed else "some targets missed")
        return 0 if passed else 1
    names = [f"{spec.comments // 1000:,}k" for spec in specs]
    ratio = specs[-1].comments / specs[0].comments
    for name, table in zip(names, tables, strict=True):
        print(f"\n--- {name} ---\n{report.render(table)}")
    print(f"\n--- side by side ---\n{report.render_scales(names, tables, ratio)}")
    return 0 if report.scales_passed(tables, ratio) else 1


if __name__ == "__main__":
    sys.exit(main())
