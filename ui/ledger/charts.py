"""The scorecard's charts (Qt Charts): for each group of questions (weeks, networks,
tiers, posts) a bar of the share answered, labelled with its percentage. Over the weeks
a line adds the median time to answer, on an axis of its own (the bars' labels keep
clear of its dots: ``ui.ledger.bar_labels``), and each week's name says how many
questions it holds ("29 Apr (48)"); a network's, tier's or post's name says its count
and median ("Teams (48 asked, 3 h)").

Colours come from the scheme in use: the chart's background and text are the palette's
base and text, the bars the "done" ink, the line the "pending" ink, the grid the
palette's mid tone. Each of these meets WCAG's 3:1 for graphics (and text 4.5:1) on the
chart's background in every scheme (``tests/ui/test_ledger.py`` measures them); a
change of scheme restyles the charts on screen (``restyle``).
"""

from __future__ import annotations

from collections.abc import Sequence

import msgspec
from PySide6.QtCharts import (
    QAbstractBarSeries,
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QLineSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, QPointF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPen

from app.domain.ledger import Coverage
from app.text import timefmt
from ui.common import colours
from ui.common.colours import Ink, Scheme
from ui.ledger.bar_labels import BarLabels

Role = colours.Role
#: A category label longer than this is shortened with "…" (post titles).
LABEL_CHARS = 26
#: The share axis ends past 100%, so a full bar's label fits beyond it.
SHARE_AXIS_END = 118
#: The median line's dots, in pixels from their centre.
MARKER_RADIUS = 4.0
SHARE_NAME = "Answered (%)"
MEDIAN_NAME = "Median time to answer (h)"


class ChartColours(msgspec.Struct, frozen=True):
    """What a chart is painted with in one scheme."""

    background: QColor
    text: QColor
    grid: QColor
    bars: QColor
    line: QColor

    @classmethod
    def of(cls, scheme: Scheme) -> ChartColours:
        palette = colours.palette_for(scheme)
        return cls(
            background=palette.color(Role.Base),
            text=palette.color(Role.Text),
            grid=palette.color(Role.Mid),
            bars=colours.ink(Ink.OK, scheme),
            line=colours.ink(Ink.PENDING, scheme),
        )


def short(label: str, limit: int = LABEL_CHARS) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def coverage_chart(
    title: str, groups: Sequence[Coverage], labels: Sequence[str], *, over_time: bool = False
) -> QChart:
    """One chart of the share answered per group. Over time (weeks): upright bars and the
    median time's line on an axis of its own, each week named with its count. Otherwise
    (networks, tiers, posts): lying bars, each named with its count and median time."""
    chart = QChart()
    chart.setTitle(title)
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    chart.setMargins(QMargins(4, 4, 4, 4))
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    if not over_time:  # lying bars are laid out bottom up: the first group goes on top
        groups, labels = groups[::-1], labels[::-1]
    shares = QBarSet(SHARE_NAME)
    shares.append([round(100 * g.share) for g in groups])
    bars = QBarSeries() if over_time else QHorizontalBarSeries()
    bars.append(shares)
    bars.setLabelsVisible(not over_time)  # over time, BarLabels keeps them off the line
    bars.setLabelsFormat("@value%")
    bars.setLabelsPosition(QAbstractBarSeries.LabelsPosition.LabelsOutsideEnd)
    chart.addSeries(bars)
    categories = QBarCategoryAxis()
    share_axis = QValueAxis()
    share_axis.setRange(0, SHARE_AXIS_END)  # room past a full bar for its label
    share_axis.setTickType(QValueAxis.TickType.TicksDynamic)
    share_axis.setTickAnchor(0)
    share_axis.setTickInterval(25)
    share_axis.setLabelFormat("%d%%")
    if not over_time:
        categories.append(category_names(labels, groups))
        chart.addAxis(categories, Qt.AlignmentFlag.AlignLeft)
        chart.addAxis(share_axis, Qt.AlignmentFlag.AlignBottom)
        bars.attachAxis(categories)
        bars.attachAxis(share_axis)
        chart.legend().hide()
        return chart
    categories.append([f"{label} ({g.asked:,})" for label, g in zip(labels, groups, strict=True)])
    chart.addAxis(categories, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(share_axis, Qt.AlignmentFlag.AlignLeft)
    bars.attachAxis(categories)
    bars.attachAxis(share_axis)
    _median_line(chart, groups, categories)
    BarLabels(chart, unasked=[n for n, g in enumerate(groups) if not g.asked])
    return chart


def _median_line(chart: QChart, groups: Sequence[Coverage], weeks: QBarCategoryAxis) -> None:
    """Adds the line of each week's median time to answer, on an hours axis at the right."""
    medians = QLineSeries()
    medians.setName(MEDIAN_NAME)
    medians.setPointsVisible(True)
    medians.setMarkerSize(MARKER_RADIUS)
    for index, group in enumerate(groups):
        if group.median_seconds is not None:
            medians.append(QPointF(index, group.median_seconds / 3600))
    chart.addSeries(medians)
    hours_axis = QValueAxis()
    top = max((p.y() for p in medians.points()), default=1.0)
    hours_axis.setRange(0, max(1.0, top * 1.1))
    hours_axis.applyNiceNumbers()
    hours_axis.setLabelFormat("%.0f h" if top >= 5 else "%.1f h")
    hours_axis.setGridLineVisible(False)
    chart.addAxis(hours_axis, Qt.AlignmentFlag.AlignRight)
    medians.attachAxis(weeks)
    medians.attachAxis(hours_axis)


def distinct_names(labels: Sequence[str], limit: int = LABEL_CHARS) -> list[str]:
    """Each label cut to ``limit`` characters, or to more where the cut would give two
    groups one name ("Update from the leadersh…" for May's post and June's): Qt Charts
    draws a single bar for categories of the same name."""
    longest = max(map(len, labels), default=0)
    for width in range(limit, longest + 1):
        names = [short(label, width) for label in labels]
        if len(set(names)) == len(names):
            return names
    return list(labels)


def category_names(labels: Sequence[str], groups: Sequence[Coverage]) -> list[str]:
    """The groups' names on lying bars: "Executive team (12 asked, 3 h)"."""
    return [
        f"{name} ({group.asked:,} asked{_median(group)})"
        for name, group in zip(distinct_names(labels), groups, strict=True)
    ]


def _median(group: Coverage) -> str:
    return "" if group.median_seconds is None else f", {timefmt.duration(group.median_seconds)}"


def restyle(chart: QChart, scheme: Scheme, font: QFont) -> ChartColours:
    """Paint a chart in a scheme's colours with the app's font; returns the colours."""
    ink = ChartColours.of(scheme)
    chart.setTheme(
        QChart.ChartTheme.ChartThemeDark if scheme.dark else QChart.ChartTheme.ChartThemeLight
    )
    chart.setBackgroundBrush(QBrush(ink.background))
    chart.setPlotAreaBackgroundVisible(False)
    title = QFont(font)
    title.setBold(True)
    chart.setTitleFont(title)
    chart.setTitleBrush(QBrush(ink.text))
    chart.legend().setLabelColor(ink.text)
    chart.legend().setFont(font)
    for axis in chart.axes():
        axis.setLabelsBrush(QBrush(ink.text))
        axis.setLabelsFont(font)
        axis.setGridLineColor(ink.grid)
        axis.setLinePenColor(ink.grid)
    for series in chart.series():
        if isinstance(series, QAbstractBarSeries):
            for bar_set in series.barSets():
                bar_set.setColor(ink.bars)
                bar_set.setBorderColor(ink.bars)
                bar_set.setLabelColor(ink.text)
                bar_set.setLabelFont(font)
        elif isinstance(series, QLineSeries):
            series.setPen(QPen(ink.line, 2.5))
            series.setColor(ink.line)
    for item in chart.childItems():
        if isinstance(item, BarLabels):
            item.restyle(font, ink.text)
    return ink


def chart_view(chart: QChart) -> QChartView:
    view = QChartView(chart)
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.setAccessibleName(chart.title())
    return view
