"""The lines under the editor that say what of the draft will not reach a target as it is
written: a title where the network has none, formatting where it takes plain text, the
draft's pictures where it takes none, and pictures linked from the web, which no target
gets (``ui.editor.targets.notes`` and ``image_note``).

Finding the Markdown features means parsing the draft, which takes a while on a long one:
it runs off the event loop a short while after typing stops, and a stale answer never
replaces a newer one. The features found last are kept for the publish dialog.
"""

from __future__ import annotations

import asyncio

import shiboken6
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel, QWidget

from ui.editor.targets import Target, image_note, markdown_features, notes
from ui.operations import run

DELAY_MS = 300


class TargetNotes(QLabel):
    """``check(title, body, targets)`` after every change; hidden while all is well."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setAccessibleName("What will not reach every target")
        self.setObjectName("warning")  # the scheme's warning colour (resources/style.qss)
        self.hide()
        self._wanted: tuple[str, str, list[Target]] = ("", "", [])
        self._parsed: tuple[str, frozenset[str]] = ("", frozenset())
        self._generation = 0
        self._timer = QTimer(self, singleShot=True, interval=DELAY_MS)
        self._timer.timeout.connect(self._check)

    def check(self, title: str, body: str, targets: list[Target], *, now: bool = False) -> None:
        self._wanted = (title, body, targets)
        if now:
            self._timer.stop()
            self._check()
        else:
            self._timer.start()

    async def features(self, body: str) -> frozenset[str]:
        """The Markdown features of ``body``; parsed off the event loop unless known."""
        known, found = self._parsed
        if known == body:
            return found
        found = await asyncio.to_thread(markdown_features, body)
        self._parsed = (body, found)
        return found

    def _check(self) -> None:
        self._generation += 1
        generation = self._generation
        title, body, targets = self._wanted
        run(
            self,
            self.features(body),
            on_done=lambda found: self._show(generation, title, targets, found),
        )

    def _show(
        self, generation: int, title: str, targets: list[Target], found: frozenset[str]
    ) -> None:
        # A parse can finish after the editor closed and deleted this label.
        if not shiboken6.isValid(self) or generation != self._generation:
            return
        lines = [line for target in targets for line in notes(title, found, target)]
        if targets and image_note(found):
            lines.append(image_note(found))
        self.setText("\n".join(lines))
        self.setVisible(bool(lines))
