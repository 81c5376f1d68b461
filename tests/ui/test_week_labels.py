"""The week chart's percentages stay clear of the median line's dots: on the computed
places (every bar height against a dot at every height), on the chart as the report lays
it out, and on the report's page rendered back from the PDF."""

from __future__ import annotations

import gc
from datetime import UTC, datetime
from pathlib import Path

import msgspec
import pytest
from PySide6.QtCore import QPointF, QRectF, QSize, QSizeF
from PySide6.QtGui import QColor, QFont, QImage
from PySide6.QtPdf import QPdfDocument
from PySide6.QtWidgets import QGraphicsScene

from app.domain.ledger import Coverage, Scorecard
from ui.common import colours
from ui.common.colours import Ink, Scheme
from ui.ledger.bar_labels import BarLabels, Obstacles, place_label
from ui.ledger.charts import MARKER_RADIUS, restyle
from ui.ledger.labels import chart_tabs
from ui.ledger.report import render_report

pytestmark = pytest.mark.ui

#: Eight weeks as the sandbox's store had them when "36%" sat under the last week's dot:
#: (Monday, asked, answered, median hours).
WEEKS = [
    ("2026-10-12", 12, 3, 16.5),
    ("2026-10-19", 12, 5, 11.0),
    ("2026-10-26", 19, 10, 10.0),
    ("2026-11-02", 20, 8, 9.0),
    ("2026-11-09", 14, 4, 23.0),
    ("2026-11-16", 13, 3, 10.3),
    ("2026-11-23", 17, 4, 17.3),
    ("2026-11-30", 22, 8, 11.4),
]
#: A label's size and a week's column on the report's chart, in its pixels.
LABEL = QSizeF(30, 14)
COLUMN = 110.0
PLOT = QRectF(0, 0, 8 * COLUMN, 250)
#: The report's page as a PDF reader shows it (A4 at 150 dpi), in pixels per point.
PAGE_PIXELS = QSize(1240, 1754)


def _card() -> Scorecard:
    weeks = tuple(Coverage(day, asked, done, hours * 3600) for day, asked, done, hours in WEEKS)
    total = Coverage("", 129, 45, 11 * 3600.0)
    return Scorecard(
        since="2026-10-12T00:00:00Z",
        until="2026-12-07T00:00:00Z",
        total=total,
        by_week=weeks,
        by_network=(Coverage("sandbox", 129, 45, 11 * 3600.0),),
        by_tier=(),
        by_post=(),
        waiting=(),
    )


def _clear_of(spot: QRectF, dots: list[QPointF], radius: float) -> bool:
    """No dot's disc reaches into ``spot``."""
    for dot in dots:
        dx = max(spot.left() - dot.x(), 0.0, dot.x() - spot.right())
        dy = max(spot.top() - dot.y(), 0.0, dot.y() - spot.bottom())
        if dx * dx + dy * dy < radius * radius:
            return False
    return True


def test_a_label_never_lands_on_a_dot_whatever_the_heights(qapp) -> None:
    """The bar of the middle week at every height, the line's dot of that week at every
    height, its neighbours' dots level with it: the label keeps off every dot, stays in
    its column, above its bar, and on the plot."""
    centre = COLUMN * 3.5
    for bar_top in range(int(PLOT.top()) + 20, int(PLOT.bottom()) + 1, 5):
        for dot_y in range(int(PLOT.top()), int(PLOT.bottom()) + 1, 3):
            dots = [QPointF(centre + step * COLUMN, dot_y) for step in (-1, 0, 1)]
            top = QPointF(centre, bar_top)
            spot = place_label(top, LABEL, COLUMN, PLOT, Obstacles(dots, MARKER_RADIUS, 2.5))
            assert _clear_of(spot, dots, MARKER_RADIUS), (bar_top, dot_y, spot)
            assert spot.bottom() <= bar_top and spot.top() >= PLOT.top(), (bar_top, dot_y)
            assert abs(spot.center().x() - centre) + spot.width() / 2 <= COLUMN / 2


def test_an_unhindered_label_sits_just_above_its_bar(qapp) -> None:
    top = QPointF(COLUMN / 2, 200)
    far = Obstacles([QPointF(COLUMN / 2, 20)], MARKER_RADIUS, 2.5)
    spot = place_label(top, LABEL, COLUMN, PLOT, far)
    assert spot.center().x() == top.x()
    assert 0 < top.y() - spot.bottom() <= 3


def test_the_report_chart_keeps_every_percentage_off_the_dots(qapp) -> None:
    chart = chart_tabs(_card())[0].chart()
    font = QFont()
    font.setPointSizeF(9)
    restyle(chart, Scheme.LIGHT, font)
    scene = QGraphicsScene()
    scene.addItem(chart)
    chart.resize(1000, 260)  # the report's chart, as it lays it out before drawing
    scene.setSceneRect(0, 0, 1000, 260)
    qapp.processEvents()
    (labels,) = [item for item in chart.childItems() if isinstance(item, BarLabels)]
    places = labels.places()
    assert [text for text, _ in places] == ["25%", "42%", "53%", "40%", "29%", "23%", "24%", "36%"]
    dots = labels.obstacles().points
    assert len(dots) == len(WEEKS)
    for text, spot in places:
        assert _clear_of(spot, dots, MARKER_RADIUS), text
    scene.removeItem(chart)


def test_a_week_in_which_nothing_was_asked_has_no_percentage(qapp) -> None:
    """This week, before anyone asked: its bar reads nothing, not "0%" (none answered)."""
    card = _card()
    quiet = msgspec.structs.replace(
        card, by_week=(*card.by_week[1:], Coverage("2026-12-07", 0, 0, None))
    )
    chart = chart_tabs(quiet)[0].chart()
    scene = QGraphicsScene()
    scene.addItem(chart)
    chart.resize(1000, 260)
    qapp.processEvents()
    (labels,) = [item for item in chart.childItems() if isinstance(item, BarLabels)]
    assert [text for text, _ in labels.places()] == [
        "42%", "53%", "40%", "29%", "23%", "24%", "36%"
    ]  # fmt: skip
    scene.removeItem(chart)


def test_the_printed_page_shows_no_line_inside_a_percentage(qapp, tmp_path: Path) -> None:
    """The page rendered back from the PDF: where each week's percentage is written, no
    pixel has the line's colour (neither a dot nor, on these weeks, the line itself)."""
    path = tmp_path / "weekly.pdf"
    path.write_bytes(render_report(_card(), datetime(2026, 12, 6, tzinfo=UTC)))
    document = QPdfDocument()
    assert document.load(str(path)) == QPdfDocument.Error.None_
    page = document.render(0, PAGE_PIXELS)
    scale = PAGE_PIXELS.width() / document.pagePointSize(0).width()
    line = colours.ink(Ink.PENDING, Scheme.LIGHT)
    title, first_week, last_week = (
        _boxes(document, words)[0] for words in ("By week", "12 Oct (12)", "30 Nov (22)")
    )
    plot = QRectF(first_week.left(), title.bottom(), 0, 0)
    plot.setBottomRight(QPointF(last_week.right(), first_week.top()))
    found = 0
    for _, asked, done, _hours in WEEKS:
        label = f"{round(100 * done / asked)}%"
        (box,) = [box for box in _boxes(document, label) if plot.contains(box)]
        pixels = QRectF(box.topLeft() * scale, box.bottomRight() * scale).toRect()
        assert not _has_colour(page, pixels.adjusted(1, 1, -1, -1), line), label
        found += 1
    assert found == len(WEEKS)
    document.close()


def _boxes(document: QPdfDocument, words: str) -> list[QRectF]:
    """Where ``words`` are written on the first page, in points, each time."""
    text = document.getAllText(0).text()
    found, at = [], text.find(words)
    while at >= 0:
        found.append(document.getSelectionAtIndex(0, at, len(words)).boundingRectangle())
        at = text.find(words, at + 1)
    return found


def _has_colour(image: QImage, area, colour: QColor, within: int = 40) -> bool:
    for y in range(area.top(), area.bottom() + 1):
        for x in range(area.left(), area.right() + 1):
            pixel = image.pixelColor(x, y)
            if (
                abs(pixel.red() - colour.red()) < within
                and abs(pixel.green() - colour.green()) < within
                and abs(pixel.blue() - colour.blue()) < within
            ):
                return True
    return False


def test_the_report_leaves_no_chart_for_the_garbage_collector():
    """A chart object in a reference cycle is freed by the collector whenever it runs, and
    freeing a chart deletes its labels item mid-collection: the suite crashed so, once."""
    made = datetime(2026, 12, 6, tzinfo=UTC)
    render_report(_card(), made)
    gc.collect()
    debug = gc.get_debug()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        render_report(_card(), made)
        gc.collect()
        kinds = sorted({type(found).__name__ for found in gc.garbage})
    finally:
        gc.set_debug(debug)
        gc.garbage.clear()
    assert not [kind for kind in kinds if kind.startswith("Q") or kind == "BarLabels"], kinds
