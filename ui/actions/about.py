"""About Fireside: its version, the versions of Python and Qt it runs on, and every
bundled library with its licence and licence notice (read from the installed
distributions by ``app.licences``, off the event loop: it reads some forty packages'
metadata); "About Qt" opens Qt's own notice.
"""

from __future__ import annotations

import asyncio
import platform

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt, qVersion
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.licences import Library, bundled_libraries, version
from ui.common import screen
from ui.operations import run


def runtime_line() -> str:
    return f"Python {platform.python_version()} · Qt {qVersion()} · PySide6 {pyside_version}"


class AboutDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("About Fireside")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        screen.fit(self, 720, 560)
        title = QLabel(f"Fireside {version()}")
        title.setObjectName("pageTitle")
        runtime = QLabel(runtime_line())
        runtime.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        intro = QLabel("Fireside is built on these libraries. Choose one to read its licence.")
        intro.setWordWrap(True)
        self.libraries = QListWidget()
        self.libraries.setAccessibleName("Bundled libraries")
        self.notice = QPlainTextEdit(readOnly=True)
        self.notice.setAccessibleName("Licence notice")
        # Licence files break their own lines: wrapping them again leaves ragged halves.
        self.notice.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.libraries.addItem("Reading the libraries…")
        self._shown: list[Library] = []
        self.libraries.currentRowChanged.connect(self._show)
        split = QSplitter()
        split.addWidget(self.libraries)
        split.addWidget(self.notice)
        split.setSizes([320, 400])
        split.setChildrenCollapsible(False)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        about_qt = buttons.addButton("About &Qt", QDialogButtonBox.ButtonRole.HelpRole)
        about_qt.clicked.connect(QApplication.aboutQt)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(runtime)
        layout.addWidget(intro)
        layout.addWidget(split, 1)
        layout.addWidget(buttons)
        self.libraries.setFocus()
        run(self, asyncio.to_thread(bundled_libraries), on_done=self._list)

    def _list(self, libraries: tuple[Library, ...]) -> None:
        self._shown = list(libraries)
        self.libraries.clear()
        for library in self._shown:
            self.libraries.addItem(
                QListWidgetItem(f"{library.name} {library.version} — {library.licence}")
            )
        if self._shown:
            self.libraries.setCurrentRow(0)

    def _show(self, row: int) -> None:
        if 0 <= row < len(self._shown):
            library = self._shown[row]
            home = f"\n{library.homepage}" if library.homepage else ""
            self.notice.setPlainText(
                f"{library.name} {library.version}\nLicence: {library.licence}{home}\n\n"
                f"{library.notice}"
            )
