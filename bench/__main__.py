"""``python -m bench``: generate (or reuse) the big store, measure, print targets and results.

Exit code 0 when every target passes, 1 when one is missed.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from app.config import database_path
from app.store import Store, migrations
from bench import app_process, generate, measure, report, ui_measure
from bench.report import Line


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--comments", type=int, default=generate.Spec.comments)
    parser.add_argument("--posts", type=int, default=generate.Spec.posts)
    parser.add_argument("--starts", type=int, default=3, help="app starts to time (median)")
    parser.add_argument("--rebuild", action="store_true", help="ignore the cached store")
    parser.add_argument("--no-app", action="store_true", help="skip starting the app")
    parser.add_argument(
        "--drop-caches",
        action="store_true",
        help="Linux, as root: empty the OS page cache before each start "
        "(a start after a reboot; slows other processes briefly)",
    )
    return parser


def _app_lines(data_dir: Path, starts: int, drop_caches: bool) -> list[Line]:
    mode = app_process.launch_mode()
    runs = []
    for _ in range(starts):
        if drop_caches:
            app_process.drop_os_caches()
        runs.append(app_process.start_app(data_dir, mode))
    times = [r.start_s for r in runs if r.start_s is not None]
    peaks = [r.peak_rss_mb for r in runs if r.peak_rss_mb is not None]
    what = {
        "app": "",
        "launcher": " (hook via bench.launch_app)",
        "core": " (core only: no ui/main.py yet)",
    }[mode]
    what += " (OS cache dropped)" if drop_caches else ""
    notes = "; ".join(sorted({r.note for r in runs if r.note}))
    return [
        Line(
            f"cold start to first painted inbox{what}",
            statistics.median(times) if len(times) == len(runs) else None,
            "s",
            "start",
            notes,
            [(f"run {i + 1}", r.start_s or float("nan")) for i, r in enumerate(runs)],
        ),
        Line(f"peak RSS of the app process{what}", max(peaks) if peaks else None, "MB", "rss"),
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
            "open a view: count + first page (worst view)",
            max(v for _, v in views),
            "ms",
            "view",
            details=views,
        ),
        Line(
            "view_counts: every view, one query",
            t.median("view_counts (all views, one pass)"),
            "ms",
        ),
        Line("next item: comment + thread chain (store)", t.median("next:chain"), "ms", "next"),
        Line(
            "next item: chain + replies (Inbox.thread)",
            t.median("next:chain+replies"),
            "ms",
            "next",
        ),
        Line(
            f"search: median over {len(searches)} queries",
            t.median("search"),
            "ms",
            "search",
            details=sorted(searches, key=lambda s: -s[1])[:5],
        ),
        Line(
            "search: slowest query (median of its runs)",
            max(v for _, v in searches),
            "ms",
            "search",
        ),
        Line(
            "triage: set_state on one comment (1 txn)",
            t.median("triage"),
            "ms",
            "triage",
            "target proposed; not in the issue",
        ),
        Line("undo of that triage action", t.median("undo"), "ms"),
    ]
    ui = ui_measure.measure_ui(store, measure.next_item_ids(store, 60))
    if ui.note:
        lines.append(Line("next item: Qt model and thread pane", None, "ms", note=ui.note))
    else:
        lines += [
            Line(
                "next item: model data() for the next row",
                ui.timings.median("model:data"),
                "ms",
                "next",
                "max " + f"{max(ui.timings.samples['model:data']):.2f} ms (a fetchMore page)",
            ),
            Line(
                "next item: thread pane render + setHtml", ui.timings.median("render"), "ms", "next"
            ),
        ]
    return lines


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    spec = generate.Spec(comments=args.comments, posts=args.posts)
    source, built = generate.cached_store(spec, rebuild=args.rebuild)
    print(
        f"Fireside benchmark: {spec.comments:,} comments on {spec.posts:,} posts, "
        f"schema v{migrations.LATEST}"
    )
    print(
        f"store: {source} ({source.stat().st_size / 2**20:,.0f} MB, "
        + (f"generated in {built:.1f} s)" if built is not None else "cached)")
    )
    with tempfile.TemporaryDirectory(prefix="fireside-bench-") as tmp:
        data_dir = Path(tmp)
        shutil.copyfile(source, database_path(data_dir))
        lines = [] if args.no_app else _app_lines(data_dir, args.starts, args.drop_caches)
        store = Store(database_path(data_dir))
        try:
            lines += _store_lines(store)
        finally:
            store.close()
    print(report.render(lines))
    passed = report.all_passed(lines)
    print("all targets met" if passed else "some targets missed")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
