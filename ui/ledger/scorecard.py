"""The coverage scorecard: the share of questions answered and the median time to answer,
by week, network, tier and post, as charts, and who is waiting longest; over the last 4
to 26 weeks. Read through the core off the UI thread; the charts follow the light or
dark scheme as it changes, and fit a 1024x640 window (one chart per tab)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCharts import QChartView
from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.ledger import Scorecard, WaitingPerson
from ui import theme
from ui.common import screen
from ui.common.busy import busy_bar
from ui.ledger.charts import chart_view, restyle
from ui.ledger.labels import chart_tabs
from ui.ledger.report import headline
from ui.ledger.table import TextTable
from ui.ledger.waiting import HEADERS, people_table, waiting_rows
from ui.operations import run

if TYPE_CHECKING:
    from app.core import Core

#: (label, weeks) the period can be.
PERIODS = (("Last 4 weeks", 4), ("Last 8 weeks", 8), ("Last 12 weeks", 12), ("Last 26 weeks", 26))
DEFAULT_WEEKS = 8


class ScorecardDialog(QDialog):
    """The scorecard; ``loaded`` says when a reading is on screen."""

    loaded = Signal()
    exportAsked = Signal(int)  # the weeks shown: export the weekly report over them

    def __init__(
        self, core: Core, open_person: Callable[[int], object], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Coverage scorecard – Fireside")
        self._core = core
        self.card: Scorecard | None = None
        self.views: list[QChartView] = []
        title = QLabel("Coverage scorecard")
        title.setObjectName("pageTitle")
        self.period = QComboBox()
        self.period.setAccessibleName("Period")
        for label, weeks in PERIODS:
            self.period.addItem(label, weeks)
        self.period.setCurrentIndex([w for _, w in PERIODS].index(DEFAULT_WEEKS))
        self.period.currentIndexChanged.connect(lambda _: self.refresh())
        self.export = QPushButton("&Export weekly report…")
        self.export.clicked.connect(lambda: self.exportAsked.emit(self.weeks))
        self.summary = QLabel("Reading…")
        self.summary.setWordWrap(True)
        self.busy = busy_bar()
        self.tabs = QTabWidget()
        self.people: TextTable[WaitingPerson] = TextTable(HEADERS)
        self.waiting = people_table(self.people, open_person)
        header = QHBoxLayout()
        header.addWidget(title)
        header.addStretch(1)
        header.addWidget(self.period)
        header.addWidget(self.export)
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.summary)
        layout.addWidget(self.busy)
        layout.addWidget(self.tabs, 1)
        screen.fit(self, 1000, 620)
        self.refresh()

    @property
    def weeks(self) -> int:
        return int(self.period.currentData())

    def refresh(self) -> None:
        self.busy.show()
        run(self, self._core.ledger.scorecard(self.weeks), on_done=self.show_card)

    def show_card(self, card: Scorecard) -> None:
        self.busy.hide()
        self.card = card
        this_week = card.by_week[-1] if card.by_week else card.total
        self.summary.setText(
            f"{headline('This week', this_week)} {headline(self.period.currentText(), card.total)}"
        )
        current = max(0, self.tabs.currentIndex())
        self.tabs.clear()
        for old in self.views:
            old.deleteLater()
        self.views = []
        for tab in chart_tabs(card):
            view = chart_view(tab.chart(f"Questions answered, {tab.title.lower()}"))
            self.views.append(view)
            self.tabs.addTab(view, tab.title)
        self.people.show(waiting_rows(card.waiting))
        self.tabs.addTab(self.waiting, "Waiting longest")
        self.tabs.setCurrentIndex(current)
        self._restyle()
        self.loaded.emit()

    def _restyle(self) -> None:
        for view in self.views:
            restyle(view.chart(), theme.scheme(), self.font())

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.FontChange):
            self._restyle()
        super().changeEvent(event)
