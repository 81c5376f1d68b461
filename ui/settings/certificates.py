"""Extra CA certificate files: the PEM bundles Fireside trusts besides the system's store
(for an organisation's own certificate authority or TLS inspection)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.networks.connection import ca_file_problem

FILTER = "Certificates (*.pem *.crt *.cer);;All files (*)"


class CaFiles(QWidget):
    """A short list of paths with Add… (a file picker) and Remove (or the Delete key)."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.list = QListWidget()
        self.list.setAccessibleName("Extra CA certificate files")
        self.list.setMaximumHeight(96)
        self.add = QPushButton("&Add…")
        self.remove = QPushButton("Re&move")
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error.hide()
        buttons = QVBoxLayout()
        buttons.addWidget(self.add)
        buttons.addWidget(self.remove)
        buttons.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(self.list, 1)
        row.addLayout(buttons)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.error)
        self.add.clicked.connect(self.pick)
        self.remove.clicked.connect(self.remove_selected)
        delete = QShortcut(QKeySequence.StandardKey.Delete, self.list)
        delete.setContext(Qt.ShortcutContext.WidgetShortcut)
        delete.activated.connect(self.remove_selected)
        self.list.currentRowChanged.connect(self._selection_changed)
        self._selection_changed()

    def files(self) -> tuple[str, ...]:
        return tuple(self.list.item(row).text() for row in range(self.list.count()))

    def set_files(self, files: tuple[str, ...]) -> None:
        self.list.clear()
        self.list.addItems(list(files))
        self._selection_changed()

    def pick(self) -> QFileDialog:
        """Open the file picker (without blocking the event loop); chosen files are added."""
        picker = QFileDialog(self, "Add CA certificate files", "", FILTER)
        picker.setFileMode(QFileDialog.FileMode.ExistingFiles)
        picker.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        picker.filesSelected.connect(self.add_files)
        picker.open()
        return picker

    def add_files(self, paths: list[str]) -> None:
        """Add each usable file not listed yet; say why any other was not added."""
        problems = []
        for path in paths:
            problem = ca_file_problem(path)
            if problem is not None:
                problems.append(f"Not added: {problem}.")
            elif path not in self.files():
                self.list.addItem(path)
                self.list.setCurrentRow(self.list.count() - 1)
        self.error.setText("\n".join(problems))
        self.error.setVisible(bool(problems))
        self.list.setFocus()
        self.changed.emit()

    def remove_selected(self) -> None:
        row = self.list.currentRow()
        if row < 0 or not self.remove.isEnabled():
            return
        self.list.takeItem(row)
        self.error.hide()
        self._selection_changed()
        self.changed.emit()

    def _selection_changed(self) -> None:
        self.remove.setEnabled(self.list.currentRow() >= 0 and self.list.isEnabled())
