"""Import a thread by hand: paste a comment thread copied from a page (or drop a saved page
or an export), see what Fireside read, untick what is not a comment, import.

The preview is read again a moment after every change to the text or to "Your name
there" (which marks the person's own comments); reading happens off the event loop in
``core.bridge``. Nothing is stored until Import; the text stays in the box whatever goes
wrong, so nothing typed or pasted is lost.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from msgspec.structs import replace
from PySide6.QtCore import QMimeData, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.bridge import BridgeImport, ImportResult, ParsedComment, ParsedThread
from app.errors import FiresideError
from app.text import plural
from ui.actions import Registry, speak_button
from ui.byhand.commands import BYHAND_COMMANDS
from ui.common import focus, screen
from ui.common.announce import Politeness, tell
from ui.operations import run, show_error

if TYPE_CHECKING:
    from app.core import Core

READ_DELAY_MS = 300
_COLUMNS = ("Import", "Name", "Headline or handle", "When", "Comment")


class PasteBox(QPlainTextEdit):
    """The paste box; a file dropped on it is read as an export, not pasted as a path."""

    fileDropped = Signal(Path)

    def canInsertFromMimeData(self, source: QMimeData) -> bool:
        return source.hasUrls() or super().canInsertFromMimeData(source)

    def insertFromMimeData(self, source: QMimeData) -> None:
        local = [u.toLocalFile() for u in source.urls() if u.isLocalFile()]
        if local:
            self.fileDropped.emit(Path(local[0]))
        else:
            super().insertFromMimeData(source)


class ImportThreadDialog(QDialog):
    imported = Signal(str)  # what happened, in a sentence for the status bar

    def __init__(self, core: Core, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._core = core
        self._thread: ParsedThread | None = None
        self._file: Path | None = None
        self._registry = Registry(BYHAND_COMMANDS)
        self.setWindowTitle("Import a thread by hand")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        screen.fit(self, 900, 720)

        self.site = QComboBox()
        self.site.setEditable(True)
        self.site.addItems(core.bridge.site_names)
        self.site.setAccessibleName("Site")
        self.post_url = QLineEdit()
        self.post_url.setPlaceholderText(
            "https://www.linkedin.com/posts/… (copied from the browser)"
        )
        self.post_url.setAccessibleName("Post address")
        self.post_title = QLineEdit()
        self.post_title.setPlaceholderText("What the post was about (shown in the sidebar)")
        self.post_title.setAccessibleName("Post title")
        self.me = QLineEdit()
        self.me.setPlaceholderText("Your name or @handle there: your own comments are marked")
        self.me.setAccessibleName("Your name there")
        self.paste = PasteBox()
        self.paste.setPlaceholderText(
            "Select the comments on the page, copy them (Ctrl+C) and paste them here "
            "(Ctrl+V). Or drop a saved page or an export: "
            + ", ".join(core.bridge.file_suffixes)
            + ". Fireside never sends anything to this site: you paste your replies there."
        )
        self.paste.setAccessibleName("Pasted thread")
        focus.tab_leaves(self.paste)
        self.notes = QLabel()
        self.notes.setWordWrap(True)
        self.notes.setObjectName("error")
        self.table = QTableWidget(0, len(_COLUMNS))
        self.table.setHorizontalHeaderLabels(_COLUMNS)
        self.table.setAccessibleName("Comments Fireside read")
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.open_button = QPushButton()
        self.import_button = QPushButton()
        self.import_button.setDefault(True)
        self.import_button.setEnabled(False)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setAutoDefault(False)
        self.cancel_button.clicked.connect(self.reject)
        self._bind()

        self._timer = QTimer(self, singleShot=True, interval=READ_DELAY_MS)
        self._timer.timeout.connect(self.read_again)
        self.paste.textChanged.connect(self._text_changed)
        self.me.textChanged.connect(self._timer.start)
        self.paste.fileDropped.connect(self.read_file)
        self.table.itemChanged.connect(self._update_button)
        self.post_url.textChanged.connect(self._update_button)
        self._layout()
        self.paste.setFocus()

    def _bind(self) -> None:
        for name, button, handler in (
            ("import.open_file", self.open_button, self.choose_file),
            ("import.confirm", self.import_button, self.confirm),
        ):
            command = self._registry.command(name)
            action = self._registry.bind(self, name, handler)
            button.setText(f"{command.label}   {command.key_text}")
            speak_button(button, command.label, command)
            button.setAutoDefault(name == "import.confirm")
            button.clicked.connect(action.trigger)

    def _layout(self) -> None:
        form = QFormLayout()
        form.addRow("&Site:", self.site)
        form.addRow("Post &address:", self.post_url)
        form.addRow("Post &title:", self.post_title)
        form.addRow("Your &name there:", self.me)
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.import_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 14)
        layout.addLayout(form)
        layout.addWidget(self.paste, 2)
        layout.addWidget(self.notes)
        layout.addWidget(self.table, 3)
        layout.addLayout(buttons)

    # --- reading ------------------------------------------------------------------------
    def _text_changed(self) -> None:
        self._file = None  # typing or pasting replaces a dropped file
        self._timer.start()

    def choose_file(self) -> None:
        chooser = QFileDialog(self, "Open a saved page or export")
        patterns = " ".join(f"*{suffix}" for suffix in self._core.bridge.file_suffixes)
        chooser.setNameFilter(f"Threads ({patterns})")
        chooser.setFileMode(QFileDialog.FileMode.ExistingFile)
        chooser.fileSelected.connect(lambda name: self.read_file(Path(name)))
        chooser.open()  # not exec(): the event loop (and any sync) goes on

    def read_file(self, path: Path) -> None:
        self._file = path
        self.read_again()

    def read_again(self) -> None:
        self._timer.stop()
        me = self.me.text()
        if self._file is not None:
            job = self._core.bridge.read_file(self._file, me)
        elif self.paste.toPlainText().strip():
            job = self._core.bridge.read_text(self.paste.toPlainText(), me)
        else:
            self._show(None, "")
            return
        source = (self._file, self.paste.toPlainText(), me)

        def show(thread: ParsedThread) -> None:
            if source == (self._file, self.paste.toPlainText(), self.me.text()):
                self._show(thread, " ".join(thread.notes))

        def failed(exc: BaseException) -> None:
            if not isinstance(exc, FiresideError):
                show_error(self, exc)
            elif source == (self._file, self.paste.toPlainText(), self.me.text()):
                self._show(None, str(exc))

        run(self, job, on_done=show, on_error=failed)

    def _show(self, thread: ParsedThread | None, notes: str) -> None:
        self._thread = thread
        if self._file is not None and thread is not None:
            notes = f"Read from {self._file.name}. {notes}".strip()
        if notes:
            tell(self.notes, notes, Politeness.POLITE)
        else:
            self.notes.setText("")
        self.table.blockSignals(True)
        comments = thread.comments if thread else ()
        self.table.setRowCount(len(comments))
        for row, comment in enumerate(comments):
            tick = QTableWidgetItem("Yours" if comment.is_mine else "")
            tick.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
            tick.setCheckState(Qt.CheckState.Checked)
            cells = (
                tick,
                QTableWidgetItem(comment.author),
                QTableWidgetItem(
                    comment.headline or (f"@{comment.handle}" if comment.handle else "")
                ),
                QTableWidgetItem(comment.time_text),
                QTableWidgetItem(comment.text.replace("\n", " ")),
            )
            for column, cell in enumerate(cells):
                self.table.setItem(row, column, cell)
        self.table.resizeColumnsToContents()
        self.table.blockSignals(False)
        self._update_button()

    def ticked(self) -> ParsedThread | None:
        """The preview's comments the person kept; a reply to a left-out one answers the post."""
        if self._thread is None:
            return None
        keep = [
            n
            for n in range(self.table.rowCount())
            if (item := self.table.item(n, 0)) and item.checkState() == Qt.CheckState.Checked
        ]
        index = {old: new for new, old in enumerate(keep)}
        comments = tuple(_reindexed(self._thread.comments[n], index) for n in keep)
        return ParsedThread(comments, self._thread.notes)

    def _update_button(self) -> None:
        thread = self.ticked()
        n = len(thread.comments) if thread else 0
        label = f"Import {plural.count(n, 'comment', 'comments')}" if n else "Import"
        key = self._registry.command("import.confirm").key_text
        self.import_button.setText(f"{label}   {key}")
        self.import_button.setEnabled(bool(n) and bool(self.post_url.text().strip()))

    # --- importing ----------------------------------------------------------------------
    def confirm(self) -> None:
        thread = self.ticked()
        if not thread or not thread.comments:
            tell(self.notes, "Paste a thread first: there is nothing to import yet.")
            return
        if not self.post_url.text().strip():
            tell(self.notes, "Give the post's address, so each reply can open it.")
            self.post_url.setFocus()
            return
        request = BridgeImport(
            self.site.currentText(),
            self.post_url.text(),
            self.post_title.text(),
            self.me.text(),
            thread,
        )
        self.import_button.setEnabled(False)

        def done(result: ImportResult) -> None:
            sentence = f"Imported {plural.count(result.added, 'new comment', 'new comments')}"
            if result.already_there:
                sentence += f" ({result.already_there:,} already there)"
            self.imported.emit(f"{sentence}. " + " ".join(result.skipped))
            self.accept()

        def failed(exc: BaseException) -> None:
            self._update_button()
            if isinstance(exc, FiresideError):
                tell(self.notes, str(exc), Politeness.ASSERTIVE)
            else:
                show_error(self, exc)

        run(self, self._core.bridge.import_thread(request), on_done=done, on_error=failed)


def _beside_name(comment: ParsedComment) -> str:
    return comment.headline or (f"@{comment.handle}" if comment.handle else "")


def _reindexed(comment: ParsedComment, index: dict[int, int]) -> ParsedComment:
    parent = None if comment.reply_to is None else index.get(comment.reply_to)
    return replace(comment, reply_to=parent)
