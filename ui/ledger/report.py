"""The weekly report for the executive: one A4 page, drawn by Qt into a PDF (QPdfWriter,
no browser): the week's and the period's headline numbers, the scorecard's charts (by
week, network, tier and post) and the people waiting longest. Always in the light
scheme: it is printed and read on paper.

``render_report`` paints the PDF into memory on the UI thread (charts are Qt widgets'
graphics); ``ReportExport`` reads the scorecard through the core, renders, and has the
core write the file off the UI thread, showing progress when it takes long and a plain
sentence when the file cannot be written.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QBuffer, QIODevice, QMarginsF, QObject, QRectF, Qt, Signal
from PySide6.QtGui import QFont, QPageLayout, QPageSize, QPainter, QPdfWriter
from PySide6.QtWidgets import QGraphicsScene, QProgressDialog, QWidget

from app.domain.ledger import Coverage, Scorecard, WaitingPerson
from app.text import plural, timefmt
from ui.common.colours import Scheme
from ui.ledger.charts import restyle
from ui.ledger.labels import ChartTab, chart_tabs
from ui.operations import run, show_error

if TYPE_CHECKING:
    from app.core import Core

TITLE = "Weekly coverage report"
#: Logical units per inch of the page: the screen's, so the charts' text keeps its size.
DPI = 96
MARGIN_MM = 14
#: Charts are laid out this much larger than their place on the page, then drawn into
#: it: their text comes out at about 7 points, so names fit beside the bars.
CHART_SCALE = 1.35
#: People the report lists as waiting longest.
WAITING_LINES = 8
#: A chart of lying bars, in the page's logical units (``DPI``): room for its title and
#: value axis, and for each bar's row.
BARS_FRAME = 46
BAR_ROW = 19


def headline(label: str, coverage: Coverage) -> str:
    if not coverage.asked:
        return f"{label}: no questions."
    return (
        f"{label}: {coverage.share:.0%} of {plural.count(coverage.asked, 'question')} "
        f"answered; median time to answer {timefmt.duration(coverage.median_seconds)}."
    )


def subtitle(card: Scorecard) -> str:
    """The report's weeks, on the person's calendar: "Week of 29 Apr 2024 · the last 8
    weeks from 11 Mar 2024"."""
    first, last = (date.fromisoformat(week.label) for week in (card.by_week[0], card.by_week[-1]))
    return (
        f"Week of {last.day} {last:%b %Y} · the last "
        f"{plural.count(len(card.by_week), 'week')} from {first.day} {first:%b %Y}"
    )


def waiting_line(person: WaitingPerson) -> str:
    """ "Sam Lee: waiting since …, 6 comments (1 question)"; no "(0 questions)"."""
    asked = f" ({plural.count(person.questions, 'question')})" if person.questions else ""
    return (
        f"{person.name}: waiting since {timefmt.exact(person.oldest_at)}, "
        f"{plural.count(person.waiting, 'comment')}{asked}"
    )


def render_report(card: Scorecard, made_at: datetime) -> bytes:
    """The one-page PDF of a scorecard, as bytes."""
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setTitle(TITLE)
    writer.setCreator("Fireside")
    writer.setResolution(DPI)
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Portrait,
            QMarginsF(MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM),
            QPageLayout.Unit.Millimeter,
        )
    )
    painter = QPainter(writer)
    try:
        _paint(painter, card, made_at, writer.width())
    finally:
        painter.end()
    buffer.close()
    return bytes(buffer.data().data())


def _paint(painter: QPainter, card: Scorecard, made_at: datetime, width: int) -> None:
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    body = QFont()
    body.setPointSizeF(9)
    title = QFont(body)
    title.setPointSizeF(18)
    title.setBold(True)
    y = 0.0
    y = _text(painter, title, TITLE, y, width)
    y = _text(painter, body, f"{subtitle(card)} · made {made_at.day} {made_at:%b %Y}", y, width)
    y += 6
    this_week = card.by_week[-1] if card.by_week else card.total
    y = _text(painter, body, headline("This week", this_week), y, width)
    y = _text(painter, body, headline(f"The {len(card.by_week)} weeks", card.total), y, width)
    y += 8
    by_week, by_network, by_tier, by_post = chart_tabs(card)
    y = _chart(painter, body, QRectF(0, y, width, 190), by_week)
    # One chart a row, as tall as its bars: side by side, Qt Charts cut the names short
    # ("Executive team (1 asked, …") to fit half a page.
    for bars in (by_network, by_tier, by_post):
        y = _chart(painter, body, QRectF(0, y, width, bars_height(len(bars.groups))), bars)
    y += 6
    bold = QFont(body)
    bold.setBold(True)
    y = _text(painter, bold, "Waiting longest", y, width)
    lines = [waiting_line(p) for p in card.waiting[:WAITING_LINES]] or ["Nobody is waiting."]
    for line in lines:
        y = _text(painter, body, line, y, width)


def bars_height(bars: int) -> float:
    """The height of a chart of lying bars, in the page's logical units: its title and
    axis, and a row for each bar (at least three, so one bar is not a slab)."""
    return BARS_FRAME + BAR_ROW * max(bars, 3)


def _text(painter: QPainter, font: QFont, text: str, y: float, width: int) -> float:
    """Draw a line (wrapped if long) at ``y``; returns the ``y`` below it."""
    painter.setFont(font)
    area = QRectF(0, y, width, 1000)
    used = painter.boundingRect(area, Qt.TextFlag.TextWordWrap, text)
    painter.drawText(area, Qt.TextFlag.TextWordWrap, text)
    return y + used.height() + 2


def _chart(painter: QPainter, font: QFont, target: QRectF, tab: ChartTab) -> float:
    """Draw one chart into ``target``; returns the ``y`` below it."""
    chart = tab.chart()
    restyle(chart, Scheme.LIGHT, font)
    scene = QGraphicsScene()
    scene.addItem(chart)
    width, height = target.width() * CHART_SCALE, target.height() * CHART_SCALE
    chart.resize(width, height)
    scene.setSceneRect(0, 0, width, height)
    scene.render(painter, target, scene.sceneRect())
    scene.removeItem(chart)
    return target.bottom() + 6


class ReportExport(QObject):
    """One export: read the scorecard, render the page, write the file."""

    finished = Signal(str)  # what happened, in a sentence
    failed = Signal(str)  # why the file was not written

    def __init__(self, core: Core, path: Path, weeks: int, parent: QWidget) -> None:
        super().__init__(parent)
        self._core = core
        self._path = path
        self._owner = parent
        self.progress = QProgressDialog("Reading the scorecard…", "", 0, 3, parent)
        self.progress.setWindowTitle("Export weekly report")
        self.progress.setCancelButton(None)
        self.progress.setMinimumDuration(400)  # shown only when the export is slow
        self.progress.setValue(0)
        run(self, core.ledger.scorecard(weeks), on_done=self._render, on_error=self._fail)

    def _render(self, card: Scorecard) -> None:
        self.progress.setLabelText("Drawing the page…")
        self.progress.setValue(1)
        pdf = render_report(card, datetime.now().astimezone())
        self.progress.setLabelText(f"Saving {self._path.name}…")
        self.progress.setValue(2)
        run(self, self._core.ledger.save_report(self._path, pdf), on_done=self._saved,
            on_error=self._fail)  # fmt: skip

    def _saved(self, _: None) -> None:
        self.progress.setValue(3)
        self.progress.close()
        self.finished.emit(f"Saved the weekly report as {self._path}.")

    def _fail(self, exc: BaseException) -> None:
        self.progress.close()
        show_error(self._owner, exc)
        self.failed.emit(str(exc))
