"""The app as a person starts it: a subprocess, timed to the first painted inbox, with its
peak memory; and the bare PySide6 window (``bench.bare_window``) it is compared with,
started the same way, the two alternating (``measure_starts``).

The real window runs ``python -m app --data-dir DIR`` under ``QT_QPA_PLATFORM=offscreen``
with ``FIRESIDE_BENCH_EXIT_AFTER_PAINT=1``; ``ui/bench_hook.py`` prints one line when the
inbox list first paints with rows, and quits. Start-up time is measured here, from just
before the process is spawned to that line (interpreter start, imports, opening the store,
building the window, the first paint). Peak RSS is the app process's own, which the hook
prints as the process exits (``ui.bench_hook``: the kernel's figure for the process that
waits for it, ``wait4``, is the larger of the app and any child it reaped, such as the
encoder's worker, and counts this process's memory the app was forked with); on Windows,
psutil's peak working set of the app process, watched. Its children (the encoder's
worker, made after the first paint) are watched from the first paint until the app ends,
for their own peaks (``_watch``). Its output and errors are read as they come
(``_Drained``), so however much it prints it never waits on the bench.
"""

from __future__ import annotations

import compileall
import contextlib
import os
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import psutil

from ui.bench_hook import ENV as HOOK_ENV
from ui.bench_hook import MARKER, PEAK_MARKER, peak_rss

REPO = Path(__file__).resolve().parent.parent


@dataclass
class AppRun:
    """One start of the app: seconds to the first painted inbox, the peak RSS of the
    process and of its largest child (the encoder's worker), what ran."""

    start_s: float | None
    peak_rss_mb: float | None
    command: str
    note: str = ""
    children_peak_rss_mb: float | None = None


def app_command(data_dir: Path) -> list[str]:
    """The app as the ``fireside`` command starts it (``ui/main.py`` installs the hook)."""
    return [sys.executable, "-m", "app", "--data-dir", str(data_dir)]


def drop_os_caches() -> None:
    """Empty Linux's page cache (root only) so the next start reads the store from disk,
    as after a reboot. Other processes on the machine get slower for a moment."""
    os.sync()
    Path("/proc/sys/vm/drop_caches").write_text("1\n", encoding="ascii")


def _environment(data_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "QT_QPA_PLATFORM": "offscreen",
            HOOK_ENV: "1",
            "FIRESIDE_HOME": str(data_dir),
            "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")])),
        }
    )
    return env


def _peak(proc: psutil.Process) -> float:
    """A running process's peak RSS so far, in bytes: Linux's high-water mark, Windows'
    peak working set; elsewhere its RSS now (a peak only as often as it is looked at)."""
    high = peak_rss(proc.pid)
    if high is not None:
        return float(high)
    info = proc.memory_info()
    return float(getattr(info, "peak_wset", info.rss))


def _watch(pid: int, stop: threading.Event, peaks: dict[int, float]) -> None:
    """Now and every 10 ms until ``stop`` or the process ends: the peak RSS so far
    (bytes) of process ``pid`` and of every process under it, by pid."""
    try:
        top = psutil.Process(pid)
        while True:
            for proc in (top, *top.children(recursive=True)):
                with contextlib.suppress(psutil.Error, OSError):
                    peaks[proc.pid] = max(peaks.get(proc.pid, 0.0), _peak(proc))
            if stop.wait(0.01):
                return
    except psutil.Error:
        return


def _reap(proc: subprocess.Popen, timeout: float) -> None:
    """Wait for the child to end, killing it after ``timeout``."""
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def _reported_peak(output: str) -> float | None:
    """The process's peak RSS in bytes from the line the hook prints at exit
    (``ui.bench_hook``); None when it printed none."""
    for line in output.splitlines():
        if line.startswith(PEAK_MARKER):
            return float(line.removeprefix(PEAK_MARKER).strip().removeprefix("self="))
    return None


def start_app(data_dir: Path, timeout: float = 60.0) -> AppRun:
    """Start the app once on ``data_dir``; None values mean it never painted."""
    return _run_until_painted(app_command(data_dir), _environment(data_dir), timeout)


def start_bare(timeout: float = 60.0) -> AppRun:
    """Start the bare window once (``bench.bare_window``), in the app's environment."""
    command = [sys.executable, "-m", "bench.bare_window"]
    return _run_until_painted(command, _environment(REPO / ".bench-cache"), timeout)


def compile_sources() -> None:
    """Byte-compile app/ and ui/ (and bench/) into their __pycache__, as pip installs do."""
    for package in ("app", "ui", "bench"):
        compileall.compile_dir(REPO / package, quiet=1)


@dataclass
class Starts:
    """Alternating starts of the app and of the bare window."""

    app: list[AppRun] = field(default_factory=list)
    bare: list[AppRun] = field(default_factory=list)

    @staticmethod
    def _median(runs: list[AppRun]) -> float | None:
        times = [r.start_s for r in runs if r.start_s is not None]
        return statistics.median(times) if len(times) == len(runs) and times else None

    @property
    def app_s(self) -> float | None:
        return self._median(self.app)

    @property
    def bare_s(self) -> float | None:
        return self._median(self.bare)

    @property
    def ratio(self) -> float | None:
        app, bare = self.app_s, self.bare_s
        return None if app is None or not bare else app / bare


def measure_starts(data_dir: Path, runs: int, drop_caches: bool = False) -> Starts:
    """``runs`` starts of each, alternating (bare, app, bare, app...), so a machine that
    gets busier or quieter meanwhile weighs on both alike."""
    starts = Starts()
    for _ in range(runs):
        for which in ("bare", "app"):
            if drop_caches:
                drop_os_caches()
            if which == "bare":
                starts.bare.append(start_bare())
            else:
                starts.app.append(start_app(data_dir))
    return starts


class _Drained:
    """One pipe of the app, read to its end on a thread of its own so that the app never
    blocks on a full pipe (64 KB on Linux), however much it prints before or after its
    first paint: the lines, and when the first line starting with ``marker`` came
    (seconds after ``started``). ``settled`` is set then, or when the pipe ends."""

    def __init__(self, pipe: IO[str], started: float, marker: str | None = None) -> None:
        self.lines: list[str] = []
        self.marked_s: float | None = None
        self.settled = threading.Event()
        self._thread = threading.Thread(
            target=self._read, args=(pipe, started, marker), daemon=True
        )
        self._thread.start()

    def _read(self, pipe: IO[str], started: float, marker: str | None) -> None:
        try:
            for line in pipe:
                if marker is not None and self.marked_s is None and line.startswith(marker):
                    self.marked_s = time.perf_counter() - started
                    self.settled.set()
                self.lines.append(line)
        finally:
            self.settled.set()

    def text(self, timeout: float) -> str:
        """All it printed, once the pipe ends (waiting at most ``timeout``: a child the
        app left running may hold the pipe open), else what came so far."""
        self._thread.join(timeout)
        return "".join(self.lines)


def _run_until_painted(command: list[str], env: dict[str, str], timeout: float) -> AppRun:
    peaks: dict[int, float] = {}
    stop = threading.Event()
    started = time.perf_counter()
    with subprocess.Popen(
        command,
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as proc:
        assert proc.stdout is not None and proc.stderr is not None  # both piped
        output = _Drained(proc.stdout, started, MARKER)
        errors = _Drained(proc.stderr, started)
        watcher = threading.Thread(target=_watch, args=(proc.pid, stop, peaks))
        if sys.platform == "win32":  # the app's own peak: watched from the start
            watcher.start()
        if not output.settled.wait(timeout):
            proc.kill()
        painted = output.marked_s
        if sys.platform != "win32":  # the children: watched from the first paint on
            watcher.start()
        _reap(proc, 15.0)
        stop.set()
        watcher.join()
        own = _reported_peak(output.text(15.0))
        if own is None and sys.platform == "win32":
            own = peaks.get(proc.pid)
        children = max((v for p, v in peaks.items() if p != proc.pid), default=None)
        said = errors.text(15.0)
    note = (
        ""
        if painted is not None
        else f"never painted (exit {proc.returncode}): {said.strip()[-600:]}"
    )
    if painted is not None and proc.returncode not in (0, None):
        how = (
            f"signal {-proc.returncode}" if proc.returncode < 0 else f"exit code {proc.returncode}"
        )
        note = f"painted; the process then ended with {how}"
    return AppRun(painted, _mb(own), " ".join(command[1:]), note, _mb(children))


def _mb(size: float | None) -> float | None:
    return None if size is None else size / 2**20
