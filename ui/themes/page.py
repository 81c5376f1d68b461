"""The Themes page: the open questions clustered into themes ("34 people ask: How many
days…?"), newest first; Enter (or a double click) opens a theme's group in the inbox, as
G would from its newest question.

The themes are read through ``core.grouping.themes`` off the UI thread, again when the
inbox changes in a way that may change them or more questions get their vectors (at most
once every ``REFRESH_DELAY_MS``), and only while the page shows; until the first read
comes back the hint says it is reading, and while a backfill runs how far the
questions' vectors have come.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QAbstractItemView, QLabel, QListView, QVBoxLayout, QWidget

from app.domain.grouping import Theme
from app.errors import FiresideError
from app.text import plural
from ui.operations import run, show_error
from ui.themes.delegate import ThemeDelegate
from ui.themes.model import ThemesModel

if TYPE_CHECKING:
    from app.core import Core
    from ui.bridge import CoreBridge

REFRESH_DELAY_MS = 500
READING = "Reading the themes…"


class ThemesPage(QWidget):
    #: A theme was opened: the comment whose group shows it.
    themeChosen = Signal(int)

    def __init__(self, core: Core, bridge: CoreBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._core = core
        self._stale = True
        self._read = False  # the themes have come back once
        self._indexing = ""
        self.model = ThemesModel(self)
        title = QLabel("Themes")
        title.setObjectName("pageTitle")
        self.hint = QLabel()
        self.hint.setObjectName("hint")
        self.hint.setWordWrap(True)
        self.list = QListView()
        self.list.setModel(self.model)
        self.list.setAccessibleName("Themes: questions many people ask")
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setWordWrap(True)
        self.list.setSpacing(2)
        self.list.setItemDelegate(ThemeDelegate(self.list))
        self.list.setResizeMode(QListView.ResizeMode.Adjust)  # rows wrap again when resized
        self.list.activated.connect(lambda index: self._open(index.row()))
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.hint)
        layout.addWidget(self.list, 1)
        self._timer = QTimer(self, singleShot=True, interval=REFRESH_DELAY_MS)
        self._timer.timeout.connect(self.refresh)
        bridge.themesChanged.connect(self.schedule_refresh)
        bridge.questionsIndexed.connect(self._indexed)

    def take_focus(self) -> None:
        self.list.setFocus()

    def tab_order(self) -> tuple[QWidget, ...]:
        return (self.list,)

    def schedule_refresh(self) -> None:
        self._stale = True
        if self.isVisible() and not self._timer.isActive():
            self._timer.start()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def refresh(self) -> None:
        self._stale = False
        if not self._read:  # nothing to show meanwhile: say that it comes
            self.hint.setText(READING)
        run(self, self._core.grouping.themes(), on_done=self._show, on_error=self._failed)

    def _show(self, themes: list[Theme]) -> None:
        self._read = True
        current = self.list.currentIndex().row()
        self.model.set_themes(themes)
        if themes:
            self.list.setCurrentIndex(self.model.index(max(0, min(current, len(themes) - 1))))
        self._say(themes)

    def _failed(self, exc: BaseException) -> None:
        """A read that failed says so where the themes go (not "Reading…" for ever); the
        next change of the questions, or coming back to the page, reads again. A bug goes
        to the one error handler too, which logs it."""
        self._stale = True
        expected = isinstance(exc, FiresideError)
        reason = str(exc) if expected else "details are in the log"
        self.hint.setText(
            f"The themes could not be read ({reason}). Fireside reads them again when "
            "questions change or when you come back to this page."
        )
        if not expected:
            show_error(self, exc)

    def _say(self, themes: list[Theme]) -> None:
        found = (
            f"{plural.count(len(themes), 'theme')} among the open questions, newest first. "
            "Enter shows everyone asking."
            if themes
            else "No question is asked by more than one comment yet."
        )
        self.hint.setText(f"{found} {self._indexing}".strip())

    def _indexed(self, done: int, total: int) -> None:
        self._indexing = "" if done >= total else f"Still reading questions: {done:,} of {total:,}."
        self.schedule_refresh()

    def _open(self, row: int) -> None:
        theme = self.model.theme_at(row)
        if theme is not None:
            self.themeChosen.emit(theme.seed_id)
