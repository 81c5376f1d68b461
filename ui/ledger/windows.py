"""The ledger's windows as the main window uses them: a person's page (from a comment or
from a person), the people waiting longest, the coverage scorecard, and the weekly
report's export (a save dialog, then ``ReportExport``). Pages stay open side by side,
one per person; asking again for an open one brings it to the front. The windows'
modules (Qt Charts among them) load when first asked for, not on the way to the inbox."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QObject, QStandardPaths, Signal
from PySide6.QtWidgets import QFileDialog, QWidget

from ui.common.announce import Politeness

if TYPE_CHECKING:
    from collections.abc import Awaitable

    from app.core import Core
    from ui.bridge import CoreBridge
    from ui.ledger.person_page import PersonPage
    from ui.ledger.report import ReportExport
    from ui.ledger.scorecard import ScorecardDialog
    from ui.ledger.waiting import WaitingDialog

#: Weeks the weekly report covers when exported from the File menu.
REPORT_WEEKS = 8


class PeopleWindows(QObject):
    said = Signal(str, object)  # a sentence for the status bar, its Politeness

    def __init__(self, core: Core, bridge: CoreBridge, window: QWidget) -> None:
        super().__init__(window)
        self._core = core
        self._bridge = bridge
        self._window = window
        self.pages: list[PersonPage] = []
        self.waiting: WaitingDialog | None = None
        self.scorecard: ScorecardDialog | None = None
        self.export: ReportExport | None = None

    def open_person_of(self, comment_id: int) -> PersonPage:
        """The page of whoever wrote ``comment_id``."""
        from ui.ledger.person_page import PersonPage

        return self._page(PersonPage(self._core, comment_id=comment_id, parent=self._window))

    def open_person(self, person_id: int) -> PersonPage:
        for page in self._live_pages():
            if page.person_id == person_id and page.isVisible():
                page.raise_()
                page.activateWindow()
                return page
        from ui.ledger.person_page import PersonPage

        return self._page(PersonPage(self._core, person_id=person_id, parent=self._window))

    def _page(self, page: PersonPage) -> PersonPage:
        self.pages = [*self._live_pages(), page]
        page.show()
        return page

    def _live_pages(self) -> list[PersonPage]:
        return [p for p in self.pages if shiboken6.isValid(p)]

    def show_waiting(self) -> WaitingDialog:
        if self.waiting is None or not shiboken6.isValid(self.waiting):
            from ui.ledger.waiting import WaitingDialog

            self.waiting = WaitingDialog(self._core, self._bridge, self.open_person, self._window)
        else:
            self.waiting.refresh()
        self.waiting.show()
        self.waiting.raise_()
        self.waiting.list.setFocus()
        return self.waiting

    def show_scorecard(self) -> ScorecardDialog:
        if self.scorecard is None or not shiboken6.isValid(self.scorecard):
            from ui.ledger.scorecard import ScorecardDialog

            self.scorecard = ScorecardDialog(self._core, self.open_person, self._window)
            self.scorecard.exportAsked.connect(self.ask_export)
        else:
            self.scorecard.refresh()
        self.scorecard.show()
        self.scorecard.raise_()
        return self.scorecard

    def ask_export(self, weeks: int = REPORT_WEEKS) -> QFileDialog:
        """File > Export weekly report…: where to save it, then the export."""
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        dialog = QFileDialog(self._window, "Export weekly report", folder, "PDF (*.pdf)")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setDefaultSuffix("pdf")
        dialog.selectFile("Fireside weekly report.pdf")
        dialog.fileSelected.connect(lambda chosen: self.export_to(Path(chosen), weeks))
        dialog.open()
        return dialog

    def export_to(self, path: Path, weeks: int = REPORT_WEEKS) -> ReportExport:
        from ui.ledger.report import ReportExport

        self.export = ReportExport(self._core, path, weeks, self._window)
        self.export.finished.connect(lambda text: self.said.emit(text, Politeness.POLITE))
        self.export.failed.connect(lambda text: self.said.emit(text, Politeness.ASSERTIVE))
        return self.export

    def flush(self) -> Awaitable[None] | None:
        """The notes of every page, saved (None: no page was opened)."""
        pages = self._live_pages()
        if not pages:
            return None
        from ui.ledger.person_page import settled

        return settled(pages)
