"""The week chart's percentage labels, placed clear of the median line's markers.

Qt Charts puts a bar's label just above the bar's top, where the line of the median time
to answer may have a marker: "36%" sat under the dot of its own week. ``place_label``
takes, for each label, the first spot of: above its bar; between its bar and the marker
over it; above that marker; beside the marker (left, then right), each within the bar's
own column and above the bar. A spot the line merely passes through is taken only when
no spot is clear of it too; a spot on a marker never, unless the column is narrower than
the label (many weeks on a small chart), where the label stays above its bar.

``BarLabels`` draws the labels on the chart from its geometry at paint time, so they
follow every resize and the report's page alike. A week in which nothing was asked has no
label: "0%" there read as none of its questions answered.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence

from PySide6.QtCharts import QAbstractBarSeries, QChart, QLineSeries
from PySide6.QtCore import QPointF, QRectF, QSizeF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPainterPathStroker
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

#: Room between a label and the bar, marker or line beside it.
GAP = 2.0
#: Drawn over the bars and the line.
ON_TOP = 10


class Obstacles:
    """What a label must not cover: the line's markers (never) and the line (if it can)."""

    def __init__(self, points: Sequence[QPointF], radius: float, line_width: float) -> None:
        self.points = list(points)
        self.radius = radius
        self.markers = QPainterPath()
        for point in self.points:
            self.markers.addEllipse(point, radius + GAP / 2, radius + GAP / 2)
        polyline = QPainterPath()
        if self.points:
            polyline.moveTo(self.points[0])
            for point in self.points[1:]:
                polyline.lineTo(point)
        stroker = QPainterPathStroker()
        stroker.setWidth(line_width + GAP)
        self.line = stroker.createStroke(polyline)

    def on_marker(self, spot: QRectF) -> bool:
        return self.markers.intersects(spot)

    def on_line(self, spot: QRectF) -> bool:
        return self.line.intersects(spot)


def place_label(
    top: QPointF, size: QSizeF, column: float, plot: QRectF, around: Obstacles
) -> QRectF:
    """Where the label of the bar whose top's centre is ``top`` goes: a rectangle of
    ``size`` within the bar's ``column`` (its width) and ``plot``, above the bar."""
    spots = list(_spots(top, size, column, plot, around))
    fitting = [spot for spot in spots if _fits(spot, top, column, plot)]
    clear = [spot for spot in fitting if not around.on_marker(spot)]
    untouched = [spot for spot in clear if not around.on_line(spot)]
    return (untouched or clear or spots)[0]


def _spots(
    top: QPointF, size: QSizeF, column: float, plot: QRectF, around: Obstacles
) -> Iterator[QRectF]:
    width, height = size.width(), size.height()

    def standing_on(centre_x: float, bottom: float) -> QRectF:
        return QRectF(centre_x - width / 2, bottom - height, width, height)

    above_bar = top.y() - GAP
    yield standing_on(top.x(), above_bar)
    radius = around.radius + GAP
    for marker in (p for p in around.points if abs(p.x() - top.x()) < column / 2):
        yield standing_on(top.x(), marker.y() + radius + height)  # under it, over the bar
        yield standing_on(top.x(), marker.y() - radius)
        beside = radius + width / 2
        level = max(min(above_bar, marker.y() + height / 2), plot.top() + height)
        yield standing_on(marker.x() - beside, level)
        yield standing_on(marker.x() + beside, level)


def _fits(spot: QRectF, top: QPointF, column: float, plot: QRectF) -> bool:
    return (
        spot.top() >= plot.top()
        and spot.bottom() <= top.y() - GAP + 0.01
        and spot.left() >= top.x() - column / 2
        and spot.right() <= top.x() + column / 2
    )


class BarLabels(QGraphicsItem):
    """The percentage over each upright bar of the chart's bar series, clear of the
    markers of its line series; none over the bars at ``unasked`` (indexes of groups in
    which nothing was asked)."""

    def __init__(self, chart: QChart, unasked: Collection[int] = ()) -> None:
        super().__init__(chart)
        self.unasked = frozenset(unasked)
        self.font = QFont()
        self.ink = QColor(Qt.GlobalColor.black)
        self.setZValue(ON_TOP)
        chart.plotAreaChanged.connect(self._moved)

    # The chart and its series are found through the chart each time, never kept here: a
    # reference from this item (the chart's child) back to its chart made a cycle that
    # only the garbage collector could free, and a chart freed by it (the weekly report's,
    # which Python owns) deleted this item while the collector was freeing it too: a crash.
    @property
    def _chart(self) -> QChart:
        chart = self.parentItem()
        assert isinstance(chart, QChart)
        return chart

    @property
    def _bars(self) -> QAbstractBarSeries:
        return next(s for s in self._chart.series() if isinstance(s, QAbstractBarSeries))

    @property
    def _line(self) -> QLineSeries:
        return next(s for s in self._chart.series() if isinstance(s, QLineSeries))

    def restyle(self, font: QFont, ink: QColor) -> None:
        self.prepareGeometryChange()
        self.font, self.ink = QFont(font), QColor(ink)
        self.update()

    def _moved(self, _plot: QRectF) -> None:
        self.prepareGeometryChange()
        self.update()

    def obstacles(self) -> Obstacles:
        """The line's markers and path where the chart draws them now."""
        points = [self._chart.mapToPosition(p, self._line) for p in self._line.points()]
        radius = max(self._line.markerSize(), self._line.pen().widthF() / 2)
        return Obstacles(points, radius, self._line.pen().widthF())

    def places(self) -> list[tuple[str, QRectF]]:
        """Each bar's label and where it goes, in the chart's coordinates."""
        shares = self._bars.barSets()[0]
        plot = self._chart.plotArea()
        column = plot.width() / max(shares.count(), 1)
        around = self.obstacles()
        metrics = QFontMetricsF(self.font)
        placed = []
        for index in (i for i in range(shares.count()) if i not in self.unasked):
            text = f"{shares.at(index):.0f}%"
            top = self._chart.mapToPosition(QPointF(index, shares.at(index)), self._bars)
            size = QSizeF(metrics.horizontalAdvance(text), metrics.height())
            placed.append((text, place_label(top, size, column, plot, around)))
        return placed

    def boundingRect(self) -> QRectF:  # Qt override
        return self._chart.rect()

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:  # Qt override
        painter.setFont(self.font)
        painter.setPen(self.ink)
        for text, spot in self.places():
            painter.drawText(spot, Qt.AlignmentFlag.AlignCenter, text)
