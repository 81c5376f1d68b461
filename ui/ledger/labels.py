"""How the scorecard names its groups (a week by its Monday, "29 Apr"; a network by its
short label, "Blog"; tiers and posts by their own titles), and its four charts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import msgspec
from PySide6.QtCharts import QChart

from app.domain.ledger import Coverage, Scorecard
from ui.common.networks import network_label
from ui.ledger.charts import coverage_chart


def week_label(monday: str) -> str:
    """A week by its Monday's local date ("2024-04-29"), as "29 Apr"."""
    day = date.fromisoformat(monday)
    return f"{day.day} {day:%b}"


def network_labels(groups: Sequence[Coverage]) -> list[str]:
    return [network_label(g.label) for g in groups]


class ChartTab(msgspec.Struct, frozen=True):
    """One of the scorecard's charts: its title, groups and their names."""

    title: str
    groups: Sequence[Coverage]
    labels: list[str]
    over_time: bool = False

    def chart(self, title: str | None = None) -> QChart:
        return coverage_chart(
            title or self.title, self.groups, self.labels, over_time=self.over_time
        )


def chart_tabs(card: Scorecard) -> list[ChartTab]:
    """The scorecard's charts, in order: by week, network, tier and post."""
    return [
        ChartTab("By week", card.by_week, [week_label(c.label) for c in card.by_week], True),
        ChartTab("By network", card.by_network, network_labels(card.by_network)),
        ChartTab("By tier", card.by_tier, [c.label for c in card.by_tier]),
        ChartTab("By post", card.by_post, [c.label for c in card.by_post]),
    ]
