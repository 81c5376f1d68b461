"""Targets from issue 16, and the tables ``python -m bench`` prints: one scale (value,
target, PASS/MISS), or several side by side with how each measure grew against the store
(``--scale``: a measure that grows faster than the store is a MISS too)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Target:
    """``limit`` in ``unit``: the value may not exceed it (``at_least``: may not fall below)."""

    limit: float
    unit: str
    at_least: bool = False

    def met(self, value: float) -> bool:
        return value >= self.limit if self.at_least else value <= self.limit

    def __str__(self) -> str:
        return f"{'≥' if self.at_least else '≤'} {self.limit:g}{self.unit and ' ' + self.unit}"


#: name -> target. The issue's (start, view, search, rss, stall, send) and the earlier ones.
TARGETS: dict[str, Target] = {
    "start": Target(2.5, "x"),  # the app's start against the bare window's, up to 200k
    "start-1m": Target(3.0, "x"),  # ... at a million comments
    "view": Target(50.0, "ms"),
    "next": Target(16.0, "ms"),
    "search": Target(20.0, "ms"),
    "triage": Target(50.0, "ms"),  # proposed by the first benchmark: it runs off the loop
    "scorecard": Target(300.0, "ms"),  # issue 14: the scorecard opens in under 300 ms
    "rss": Target(250.0, "MB"),
    "stall": Target(16.0, "ms"),  # one frame: nothing on the UI thread longer
    "share": Target(90.0, "%", at_least=True),  # of the network's rate limit
    "none": Target(0.0, ""),  # 429s caused by pacing, duplicates
}
#: Below these a value is noise, and so is how it grew.
NOISE = {"ms": 1.0, "s": 0.05, "MB": 20.0, "x": 0.5}


@dataclass
class Line:
    """One measured number; ``target`` None means informational (no PASS/MISS)."""

    label: str
    value: float | None
    unit: str
    target: str | None = None
    note: str = ""
    details: list[tuple[str, float]] = field(default_factory=list)

    @property
    def verdict(self) -> str:
        if self.target is None:
            return ""
        if self.value is None:
            return "MISS"
        return "PASS" if TARGETS[self.target].met(self.value) else "MISS"


def number(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "x":
        return f"{value:.2f}x"
    text = f"{value:,.2f}" if abs(value) < 100 else f"{value:,.0f}"
    return f"{text} {unit}".rstrip()


def render(lines: list[Line]) -> str:
    """A fixed-width table, details indented under their line."""
    width = max(len(line.label) for line in lines) + 2 if lines else 20
    out = [f"{'measurement':<{width}}{'value':>12}  {'target':<10}{'result':<6}"]
    for line in lines:
        target = str(TARGETS[line.target]) if line.target else ""
        out.append(
            f"{line.label:<{width}}{number(line.value, line.unit):>12}  {target:<10}"
            f"{line.verdict:<6}{'  ' + line.note if line.note else ''}".rstrip()
        )
        out.extend(
            f"    {name:<{width - 4}}{number(value, line.unit):>12}" for name, value in line.details
        )
    return "\n".join(out)


def growth(small: Line, large: Line, size_ratio: float) -> tuple[str, bool]:
    """How the measure grew from the small store to the large one, and whether that is
    faster than the store grew (never, for a value within the noise)."""
    a, b = small.value, large.value
    if a is None or b is None:
        return "—", False
    if max(abs(a), abs(b)) < NOISE.get(small.unit, 0.0) or a <= 0:
        return "(noise)" if b > 0 or a > 0 else "—", False
    ratio = b / a
    return f"{ratio:.2f}x", ratio > size_ratio


def render_scales(names: list[str], tables: list[list[Line]], size_ratio: float) -> str:
    """Each measure at every scale side by side, growth from the first to the last."""
    width = max(len(line.label) for table in tables for line in table) + 2
    head = "".join(f"{name:>12}" for name in names)
    out = [
        f"{'measurement':<{width}}{head}  {'growth':>8}  target (store {size_ratio:g}x)",
        "-" * (width + 12 * len(names) + 40),
    ]
    by_label = [{line.label: line for line in table} for table in tables]
    missed = False
    for line in tables[0]:
        same = [found.get(line.label) for found in by_label]
        cells = "".join(f"{number(s.value if s else None, line.unit):>12}" for s in same)
        grew, faster = growth(line, same[-1], size_ratio) if same[-1] else ("—", False)
        verdicts = [s.verdict for s in same if s is not None and s.verdict]
        target = " / ".join(dict.fromkeys(str(TARGETS[s.target]) for s in same if s and s.target))
        result = "/".join(verdicts) + (" GROWS FASTER THAN THE STORE" if faster else "")
        missed |= faster or "MISS" in verdicts
        out.append(f"{line.label:<{width}}{cells}  {grew:>8}  {target:<20}{result}".rstrip())
    out.append("all targets met" if not missed else "some targets missed")
    return "\n".join(out)


def all_passed(lines: list[Line]) -> bool:
    return all(line.verdict != "MISS" for line in lines)


def scales_passed(tables: list[list[Line]], size_ratio: float) -> bool:
    if not all(all_passed(table) for table in tables):
        return False
    last = {line.label: line for line in tables[-1]}
    return not any(
        growth(line, last[line.label], size_ratio)[1] for line in tables[0] if line.label in last
    )
