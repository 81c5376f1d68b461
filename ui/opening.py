"""A word while the store opens slowly, before the window exists.

Opening is quick (a fraction of a second on a million comments) except after an update
or an unclean stop: the whole file is checked first, an upgrade copies it as a backup and
then migrates it: this build's upgrade of the bench's million-comment store took 3.6 s
with the file in the disk cache (check 0.9 s, copy 1.2 s, upgrade 1.5 s), longer from a
cold disk. With no window meanwhile the start looks hung, so :class:`OpeningNotice` shows
a small busy dialog saying which step runs, once opening has taken ``SHOW_AFTER_MS``.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QProgressDialog

from app.domain.states import OpeningStep

#: Opening quicker than this says nothing.
SHOW_AFTER_MS = 600

WORDS = {
    OpeningStep.CHECKING: "Checking your data before opening it…",
    OpeningStep.BACKING_UP: "Keeping a copy of your data before upgrading it for this version…",
    OpeningStep.UPGRADING: (
        "Upgrading your data for this version of Fireside. This happens once; with a "
        "large inbox it can take a minute."
    ),
}
OPENING = "Opening your inbox…"


class OpeningNotice(QObject):
    """Shows which step of opening runs, once opening is slow; ``report`` may be called
    from any thread (it is the store's), ``close`` when the store is open or failed."""

    _stepped = Signal(object)

    def __init__(self, show_after_ms: int = SHOW_AFTER_MS) -> None:
        super().__init__()
        self.step: OpeningStep | None = None
        self.dialog: QProgressDialog | None = None
        self._stepped.connect(self._on_step, Qt.ConnectionType.QueuedConnection)
        self._timer = QTimer(self, singleShot=True, interval=show_after_ms)
        self._timer.timeout.connect(self._show)
        self._timer.start()

    def report(self, step: OpeningStep) -> None:
        self._stepped.emit(step)

    @property
    def words(self) -> str:
        return OPENING if self.step is None else WORDS[self.step]

    @Slot(object)
    def _on_step(self, step: OpeningStep) -> None:
        self.step = step
        if self.dialog is not None:
            self.dialog.setLabelText(self.words)

    @Slot()
    def _show(self) -> None:
        dialog = QProgressDialog(self.words, "", 0, 0)  # no maximum: a busy indicator
        dialog.setWindowTitle("Fireside")
        dialog.setCancelButton(None)  # a half-upgraded store is not to be walked away from
        dialog.setMinimumDuration(0)
        dialog.setMinimumWidth(dialog.fontMetrics().averageCharWidth() * 60)
        dialog.show()
        self.dialog = dialog

    def close(self) -> None:
        self._timer.stop()
        if self.dialog is not None:
            self.dialog.close()
            self.dialog.deleteLater()
            self.dialog = None
