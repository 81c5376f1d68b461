"""Mutation testing of the modules Fireside's promises rest on (see README, "Mutation testing").

    python -m tests.mutation                      every target in targets.py
    python -m tests.mutation --changed [--base main]   only targets whose module differs
                                                  from the merge base with ``--base``
    python -m tests.mutation app/sync/backoff.py  only these modules, in this order
    python -m tests.mutation --report             score the last results, run nothing
    python -m tests.mutation --survivors [paths]  run again only what survived last time

It runs mutmut 3 (configured in pyproject.toml, ``[tool.mutmut]``; it works in
``mutants/``) one target at a time with ``--max-children`` workers (default 2), then prints
each target's mutation score against its threshold: the mutants killed among those that
can be killed, that is all but the equivalent ones ``SURVIVORS.md`` explains (the share of
all mutants killed follows). Every surviving mutant it does not explain is printed as a
row to complete there, or better, a test to write. Exit status 1 when a target is below
its threshold or a survivor is unexplained.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import os
import re
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from tests.mutation.targets import TARGETS, Target

ROOT = Path(__file__).resolve().parents[2]
SURVIVORS = Path(__file__).with_name("SURVIVORS.md")
#: mutmut's exit codes of a mutant run: the tests failed (or hung: a timeout) or passed.
KILLED = {1, 3, 24, -24, 36, 152, 255}
SURVIVED = {0}
NO_TESTS = {5, 33}
#: A row of SURVIVORS.md: | `module.function` | `before` | `after` | why it is equivalent |
_ROW = re.compile(r"^\|\s*`([^`]+)`\s*\|\s*`(.*?)`\s*\|\s*`(.*?)`\s*\|\s*(.+?)\s*\|\s*$")


@dataclass
class Score:
    target: Target
    counts: Counter[str]
    survivors: list[str]
    equivalent: int = 0  # survivors SURVIVORS.md explains

    @property
    def checked(self) -> int:
        return self.counts["killed"] + self.counts["survived"] + self.counts["no tests"]

    @property
    def raw(self) -> float:
        """Killed among all mutants."""
        return 100.0 * self.counts["killed"] / self.checked

    @property
    def percent(self) -> float:
        """The mutation score: killed among the mutants that can be killed (all but the
        equivalent ones, which behave as the code does)."""
        killable = self.checked - self.equivalent
        return 100.0 * self.counts["killed"] / killable if killable else 100.0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    os.chdir(ROOT)
    targets = _chosen(args)
    if not targets:
        print("No mutation target changed; nothing to run.")
        return 0
    started = time.monotonic()
    if not args.report:
        _refresh_copies()
        for target in targets:
            print(f"== {target.path}", flush=True)
            began = time.monotonic()
            names = _score(target).survivors if args.survivors else target.patterns
            if names:
                _run_mutmut(names, target, args.max_children)
            print(f"   took {time.monotonic() - began:.0f} s", flush=True)
    scores = [_score(t) for t in targets]
    unexplained = _sort_survivors(scores)
    print()
    failed = not all([_print_score(score) for score in scores])
    if unexplained:
        failed = True
        print(f"\nSurvivors {SURVIVORS.name} does not explain (a test to write, or a row):")
    for target, name, (before, after) in unexplained:
        print(f"{name} ({target.path})")
        print(f"| `{_function(name)}` | `{_escaped(before)}` | `{_escaped(after)}` | |")
    if not args.report:
        print(f"\nMutation run took {time.monotonic() - started:.0f} s.")
    return 1 if failed else 0


def _sort_survivors(scores: list[Score]) -> list[tuple[Target, str, tuple[str, str]]]:
    """Count each score's survivors SURVIVORS.md explains; return the others."""
    known = _explained()
    unexplained = []
    for score in scores:
        for name in score.survivors:
            change = _change(score.target, name)
            if (_function(name), *change) in known:
                score.equivalent += 1
            else:
                unexplained.append((score.target, name, change))
    return unexplained


def _print_score(score: Score) -> bool:
    """Print one target's score; True when it reaches the target's threshold."""
    where = f"{score.target.path}{' [chosen functions]' if score.target.functions else ''}"
    if not score.checked:
        print(f"NONE   no results for {where}: run it (without --report)")
        return False
    ok = score.percent >= score.target.threshold
    counts = ", ".join(f"{n} {status}" for status, n in sorted(score.counts.items()))
    print(
        f"{'ok  ' if ok else 'LOW '} {score.percent:5.1f}% (>= {score.target.threshold:.0f}%) "
        f"{where}: {counts}; {score.equivalent} equivalent; {score.raw:.1f}% of all"
    )
    return ok


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m tests.mutation", description=__doc__)
    parser.add_argument("paths", nargs="*", help="source files to test (default: every target)")
    parser.add_argument("--changed", action="store_true", help="only modules changed vs --base")
    parser.add_argument("--base", default="main", help="the branch to compare with (main)")
    parser.add_argument("--max-children", type=int, default=2, help="mutmut workers (2)")
    parser.add_argument("--report", action="store_true", help="score the last run only")
    parser.add_argument(
        "--survivors",
        action="store_true",
        help="run only the mutants that survived the last run (after writing their tests)",
    )
    return parser


def _chosen(args: argparse.Namespace) -> list[Target]:
    targets = [t for t in TARGETS if (ROOT / t.path).exists()]
    if args.paths:
        wanted = {Path(p).as_posix() for p in args.paths}
        unknown = wanted - {t.path for t in targets}
        if unknown:
            raise SystemExit(f"Not a mutation target: {', '.join(sorted(unknown))}")
        by_path = {t.path: t for t in targets}
        targets = [by_path[p] for p in dict.fromkeys(Path(p).as_posix() for p in args.paths)]
    if args.changed:
        changed = _changed_files(args.base)
        targets = [t for t in targets if t.path in changed]
    return targets


def _changed_files(base: str) -> set[str]:
    """Files that differ between the merge base with ``base`` and the working tree."""
    merge_base = _git("merge-base", base, "HEAD").strip()
    return set(_git("diff", "--name-only", merge_base).split())


def _git(*args: str) -> str:
    done = subprocess.run(["git", *args], check=False, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"git {' '.join(args)} failed: {done.stderr.strip()}")
    return done.stdout


def _refresh_copies() -> None:
    """Drop copies in mutants/ of files that are not mutated and have changed since:
    mutmut copies them once and never again, so its runs would use stale code."""
    copies = ROOT / "mutants" / "app"
    for copy in copies.rglob("*.py") if copies.exists() else ():
        source = ROOT / copy.relative_to(ROOT / "mutants")
        if copy.with_name(copy.name + ".meta").exists():
            continue  # mutated: mutmut regenerates it when the source changes
        if not source.exists() or source.read_bytes() != copy.read_bytes():
            copy.unlink()


def _run_mutmut(names: list[str], target: Target, max_children: int) -> None:
    """mutmut on the mutants ``names`` (names or patterns) of ``target``."""
    mutmut = Path(sys.executable).with_name("mutmut")
    command = [str(mutmut), "run", "--max-children", str(max_children), *names]
    # mutmut exits non-zero on its own errors only; the scores below say how the tests did.
    # It first runs the tests without a mutant; a timing-sensitive test that failed there
    # (a loaded machine) gets one more chance before the run counts as broken.
    for _ in range(2):
        result = subprocess.run(command, check=False, capture_output=True, text=True)
        if result.returncode == 0 or "Failed to run clean test" not in result.stdout:
            break
        print("The tests failed without a mutant; running them once more.", flush=True)
    if result.returncode != 0:
        print(result.stdout[-4000:], result.stderr[-4000:], sep="\n")
        raise SystemExit(f"mutmut failed on {target.path} (exit {result.returncode})")


def _results(target: Target) -> dict[str, int | None]:
    meta = ROOT / "mutants" / f"{target.path}.meta"
    if not meta.exists():
        return {}
    codes = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
    return {
        name: code
        for name, code in codes.items()
        if any(fnmatch.fnmatchcase(name, p) for p in target.patterns)
    }


def _score(target: Target) -> Score:
    counts: Counter[str] = Counter()
    survivors = []
    for name, code in sorted(_results(target).items()):
        if code in KILLED:
            counts["killed"] += 1
        elif code in SURVIVED or code in NO_TESTS:
            counts["survived" if code in SURVIVED else "no tests"] += 1
            survivors.append(name)
        elif code is not None:
            counts[f"other ({code})"] += 1
    return Score(target, counts, survivors)


def _function(mutant: str) -> str:
    """``app.sync.backoff.xǁRateGateǁwait__mutmut_3`` -> ``app.sync.backoff.RateGate.wait``."""
    module, _, function = mutant.rpartition("__mutmut_")[0].rpartition(".")
    function = function.removeprefix("x_").removeprefix("xǁ").replace("ǁ", ".")
    return f"{module}.{function}"


def _change(target: Target, mutant: str) -> tuple[str, str]:
    """What a mutant changes, (before, after): the lines mutmut's diff of it removes and
    adds, each stripped, joined with " / "."""
    from mutmut.mutation.diff_apply import get_diff_for_mutant  # reads pyproject in ROOT

    diff = get_diff_for_mutant(mutant, path=target.path).splitlines()
    removed = [line[1:].strip() for line in diff if line[:1] == "-" and line[:3] != "---"]
    added = [line[1:].strip() for line in diff if line[:1] == "+" and line[:3] != "+++"]
    return " / ".join(removed), " / ".join(added)


def _explained() -> set[tuple[str, str, str]]:
    """(function, before, after) of each mutant SURVIVORS.md explains."""
    if not SURVIVORS.exists():
        return set()
    rows = (_ROW.match(line) for line in SURVIVORS.read_text(encoding="utf-8").splitlines())
    return {(m[1], _unescaped(m[2]), _unescaped(m[3])) for m in rows if m}


def _escaped(code: str) -> str:
    return code.replace("|", "\\|")


def _unescaped(cell: str) -> str:
    return cell.replace("\\|", "|").strip()


if __name__ == "__main__":
    sys.exit(main())
