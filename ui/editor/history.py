"""The version history of one draft: versions newest first, a unified diff against the
current text, and a Restore button.

The dialog only presents; the editor panel loads the versions and performs the restore
(which first keeps the current text as a version, so a restore can itself be undone).
"""

from __future__ import annotations

import asyncio
import html

import shiboken6
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontDatabase, QPalette
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.domain import DraftVersion
from app.text.diff import diff
from app.text.timefmt import exact
from ui.common import screen
from ui.editor.labels import version_reason
from ui.operations import run

#: Added and removed lines carry their own background, so they read in every scheme.
LINE_STYLES = {
    "+": "background:#e3f6e8;color:#14532d",
    "-": "background:#fde8e8;color:#8a1c1c",
}


def diff_html(version: DraftVersion, title: str, body: str, quiet: str = "#5e5e67") -> str:
    """The change from ``version`` to the current text, as coloured preformatted lines;
    ``quiet`` is the colour of the notes and the hunk headers (the palette's placeholder
    colour, which reads on the palette's base)."""
    styles = {**LINE_STYLES, "@": f"color:{quiet}"}
    lines = []
    if version.title != title:
        lines.append(f"-Title: {version.title}")
        lines.append(f"+Title: {title}")
    lines += [line for line in diff(version.body, body) if not line.startswith(("--- ", "+++ "))]
    if not lines:
        return f"<p style='color:{quiet}'>This version is the same as the current text.</p>"
    rows = [
        f"<div style='{styles.get(line[:1], '')}'>{html.escape(line) or '&nbsp;'}</div>"
        for line in lines
    ]
    return (
        f"<p style='color:{quiet}'>Lines starting with − are in this version only; "
        "lines starting with + are in the current text only.</p>"
        f"<pre style='white-space:pre-wrap'>{''.join(rows)}</pre>"
    )


class HistoryDialog(QDialog):
    """Pick a version, see what differs from the current text, restore it."""

    restoreRequested = Signal(int)  # version id

    def __init__(
        self, versions: list[DraftVersion], title: str, body: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Version history")
        screen.fit(self, 920, 560)
        self._title, self._body = title, body
        self._quiet = self.palette().color(QPalette.ColorRole.PlaceholderText).name()

        self.versions = QListWidget()
        self.versions.setAccessibleName("Versions")
        self.versions.setStyleSheet("QListWidget::item { padding: 6px 4px; }")
        for version in versions:
            item = QListWidgetItem(
                f"{exact(version.created_at)}\n{version_reason(version.reason)}"
                f" · {len(version.body):,} characters"
            )
            item.setData(Qt.ItemDataRole.UserRole, version)
            self.versions.addItem(item)
        self.versions.currentItemChanged.connect(self._show_diff)

        self.diff_view = QTextBrowser()
        self.diff_view.setAccessibleName("Changes")
        self.diff_view.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.diff_view.setOpenLinks(False)

        splitter = QSplitter()
        splitter.addWidget(self.versions)
        splitter.addWidget(self.diff_view)
        splitter.setSizes([280, 640])
        splitter.setChildrenCollapsible(False)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.restore_button = buttons.addButton(
            "&Restore this version", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.restore_button.setDefault(True)
        self.restore_button.clicked.connect(self._restore)
        buttons.rejected.connect(self.reject)

        hint = QLabel("Restoring keeps the current text as a version too, so nothing is lost.")
        hint.setObjectName("hint")
        bottom = QHBoxLayout()
        bottom.addWidget(hint, 1)
        bottom.addWidget(buttons)

        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addLayout(bottom)

        if versions:
            self.versions.setCurrentRow(0)
        else:
            self.restore_button.setEnabled(False)
            self.diff_view.setHtml(
                f"<p style='color:{self._quiet}'>No versions yet. Fireside keeps "
                "one every few minutes while you write, and one whenever "
                "you press Ctrl+S.</p>"
            )
        self.versions.setFocus()

    def _show_diff(self, item: QListWidgetItem | None) -> None:
        """Diff off the event loop (long drafts); show it if that version is still chosen."""
        if item is None:
            return
        version = item.data(Qt.ItemDataRole.UserRole)
        run(
            self,
            asyncio.to_thread(diff_html, version, self._title, self._body, self._quiet),
            on_done=lambda html: self._diff_ready(version.id, html),
        )

    def _diff_ready(self, version_id: int, html_text: str) -> None:
        item = self.versions.currentItem() if shiboken6.isValid(self) else None
        if item is not None and item.data(Qt.ItemDataRole.UserRole).id == version_id:
            self.diff_view.setHtml(html_text)

    def _restore(self) -> None:
        item = self.versions.currentItem()
        if item is not None:
            self.restoreRequested.emit(item.data(Qt.ItemDataRole.UserRole).id)
            self.accept()
