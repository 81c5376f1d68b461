"""File > Snippets…: the saved replies. Pick one to change it, New to write another,
Delete to remove one; the text takes the batch reply's variables ({first_name}, {name},
{question}) and is checked when saved. A snippet that cannot be saved says why under the
text and keeps every word typed.

In a workspace the other laptop's snippets arrive with each sync (``snippetsChanged``):
the list is read again and the snippet open here follows a change or delete made there,
unless words were typed into it here: they stay, and Save keeps them as a new snippet
(the other laptop's change stays too).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.library import Snippet
from app.errors import FiresideError
from ui.batch.text import ReplyText
from ui.common import screen
from ui.operations import run, show_error

if TYPE_CHECKING:
    from app.core import Core
    from ui.bridge import CoreBridge

ID_ROLE = Qt.ItemDataRole.UserRole + 1


class SnippetsDialog(QDialog):
    def __init__(self, core: Core, bridge: CoreBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Snippets")
        self.setObjectName("snippetsDialog")
        screen.fit(self, 720, 460)
        self._core = core
        self._editing: int | None = None  # the snippet shown, None for a new one
        self._loaded: tuple[str, str] | None = None  # its name and text when shown or saved
        self.list = QListWidget()  # a handful of snippets, read whole
        self.list.setAccessibleName("Snippets")
        self.list.setSpacing(2)
        self.list.currentItemChanged.connect(lambda item, _old: self._show(item))
        self.name = QLineEdit()
        self.name.setAccessibleName("Snippet name")
        self.name.setPlaceholderText("Name (what you type to find it)")
        self.body = ReplyText("", "Snippet text")
        self.body.setPlaceholderText("The reply; {first_name}, {name} and {question} work here.")
        self.problem = QLabel()
        self.problem.setObjectName("error")
        self.problem.setWordWrap(True)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        editor = QVBoxLayout()
        for text, field in (("N&ame", self.name), ("&Text", self.body)):
            label = QLabel(text)
            label.setBuddy(field)
            editor.addWidget(label)
            editor.addWidget(field, 1 if field is self.body else 0)
        editor.addWidget(self.problem)
        editor.addLayout(self._buttons())
        panes = QHBoxLayout()
        panes.addWidget(self.list, 2)
        panes.addLayout(editor, 3)
        hint = QLabel(
            "Saved replies (in a workspace, shared with the other laptop). In a reply, Ctrl+; "
            "inserts one: type a few letters of its name or text to find it."
        )
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addLayout(panes, 1)
        layout.addWidget(close)
        self.reload()
        self.new()
        bridge.snippetsChanged.connect(self._changed)

    def _buttons(self) -> QHBoxLayout:
        self.new_button = QPushButton("&New")
        self.new_button.clicked.connect(self.new)
        self.save_button = QPushButton("&Save")
        self.save_button.clicked.connect(self.save)
        self.delete_button = QPushButton("&Delete")
        self.delete_button.clicked.connect(self.delete)
        buttons = QHBoxLayout()
        for button in (self.new_button, self.save_button, self.delete_button):
            button.setAutoDefault(False)
            buttons.addWidget(button)
        buttons.addStretch(1)
        return buttons

    def reload(
        self, select: int | None = None, then: Callable[[list[Snippet]], None] | None = None
    ) -> None:
        def show(snippets: list[Snippet]) -> None:
            chosen = self._editing if select is None else select
            self.list.blockSignals(True)
            self.list.clear()
            for snippet in snippets:
                item = QListWidgetItem(snippet.name)
                item.setData(ID_ROLE, snippet)
                self.list.addItem(item)
                if snippet.id == chosen:
                    self.list.setCurrentItem(item)
            self.list.blockSignals(False)
            self.delete_button.setEnabled(self._editing is not None)
            if then is not None:
                then(snippets)

        run(self, self._core.snippets.all(), on_done=show)

    def _changed(self, from_workspace: bool) -> None:
        """Snippets changed: saved here, or brought by a sync from the other laptop (then
        the snippet open here follows, see the module doc)."""
        self.reload(then=self._follow if from_workspace else None)

    def _follow(self, snippets: list[Snippet]) -> None:
        if self._editing is None:
            return
        now = next((s for s in snippets if s.id == self._editing), None)
        if now is not None and (now.name, now.body) == self._loaded:
            return
        if self._loaded != (self.name.text(), self.body.toPlainText()):
            self._detach("deleted" if now is None else "changed")
        elif now is None:
            name = self.name.text()
            self.new()
            self.problem.setText(f"“{name}” was deleted on another device.")
        else:
            self._load(now)
            self.problem.setText("Changed on another device.")

    def _detach(self, what: str) -> None:
        """The snippet open here was changed or deleted on another device while words were
        typed into it here: they stay, and Save keeps them as a snippet of their own."""
        self._editing = None
        self._loaded = None
        self.list.setCurrentRow(-1)
        self.delete_button.setEnabled(False)
        self.problem.setText(
            f"This snippet was {what} on another device while you edited it: Save keeps "
            "your text as a new snippet."
        )

    def _show(self, item: QListWidgetItem | None) -> None:
        if item is None:
            return
        self._load(item.data(ID_ROLE))
        self.problem.clear()

    def _load(self, snippet: Snippet) -> None:
        self._editing = snippet.id
        self.name.setText(snippet.name)
        self.body.setPlainText(snippet.body)
        self._loaded = (snippet.name, snippet.body)
        self.delete_button.setEnabled(True)

    def new(self) -> None:
        self._editing = None
        self._loaded = None
        self.list.setCurrentRow(-1)
        self.name.clear()
        self.body.clear()
        self.problem.clear()
        self.delete_button.setEnabled(False)
        self.name.setFocus()

    def save(self) -> None:
        typed = (self.name.text(), self.body.toPlainText())

        def saved(snippet_id: int) -> None:
            self._editing = snippet_id
            self._loaded = typed
            self.problem.setText("Saved.")
            self.reload(select=snippet_id)

        def failed(exc: BaseException) -> None:
            if isinstance(exc, FiresideError):
                self.problem.setText(str(exc))  # the words stay as typed
            else:
                show_error(self, exc)

        job = self._core.snippets.save(self._editing, self.name.text(), self.body.toPlainText())
        run(self, job, on_done=saved, on_error=failed)

    def delete(self) -> None:
        if self._editing is None:
            return
        name = self.name.text()

        def deleted(_: None) -> None:
            self.new()
            self.problem.setText(f"Deleted “{name}”.")
            self.reload()

        run(self, self._core.snippets.delete(self._editing), on_done=deleted)
