"""Targets from the issue, and the table ``python -m bench`` prints (value, target, PASS/MISS)."""

from __future__ import annotations

from dataclasses import dataclass, field

#: name -> (limit, unit). Every measured value must stay strictly under its limit.
TARGETS: dict[str, tuple[float, str]] = {
    "start": (2.0, "s"),
    "view": (150.0, "ms"),
    "next": (16.0, "ms"),
    "search": (50.0, "ms"),
    "triage": (50.0, "ms"),  # not in the issue: proposed (it runs off the loop)
    "rss": (400.0, "MB"),
}


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
        limit = TARGETS[self.target][0]
        return "PASS" if self.value < limit else "MISS"


def _number(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    return f"{value:,.2f} {unit}" if value < 100 else f"{value:,.0f} {unit}"


def render(lines: list[Line]) -> str:
    """A fixed-width table, details indented under their line."""
    width = max(len(line.label) for line in lines) + 2 if lines else 20
    out = [f"{'measurement':<{width}}{'value':>12}  {'target':<10}{'result':<6}"]
    for line in lines:
        target = ""
        if line.target is not None:
            limit, unit = TARGETS[line.target]
            target = f"< {limit:g} {unit}"
        out.append(
            f"{line.label:<{width}}{_number(line.value, line.unit):>12}  {target:<10}"
            f"{line.verdict:<6}{'  ' + line.note if line.note else ''}".rstrip()
        )
        out.extend(
            f"    {name:<{width - 4}}{_number(value, line.unit):>12}"
            for name, value in line.details
        )
    return "\n".join(out)


def all_passed(lines: list[Line]) -> bool:
    return all(line.verdict != "MISS" for line in lines)
