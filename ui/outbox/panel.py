"""The outbox view: everything written and not yet sent (or, on request, sent), each item's
state and, in plain words, why it waits or failed; edit or cancel an item before it leaves,
retry a failure or send a held reply anyway.

Keys while the list has the keyboard: R retry / send anyway, E edit, Delete cancel. While
editing: Ctrl+S saves the text, Escape discards the edit. The list refreshes itself on
``bridge.outboxChanged``; every change goes through ``core.outbox.act``.
"""

from __future__ import annotations

import html
from collections.abc import Callable

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.core import Core
from app.domain import EDITABLE, OutboxAction, OutboxItem, OutboxState
from app.text import plural
from ui import theme
from ui.bridge import CoreBridge
from ui.common import focus
from ui.common.announce import announce
from ui.operations import run
from ui.outbox.commands import registry
from ui.outbox.model import OutboxModel, describe
from ui.spelling import attach_spell_check
from ui.workspace import ProvenanceLine

RETRYABLE = (OutboxState.FAILED, OutboxState.HELD)
REFRESH_MS = 100
EMPTY = (
    "Nothing is waiting to go out. Replies and posts you queue wait here, "
    "even offline, until they are sent."
)
#: State, What, To, Network, Tries; Why takes the rest.
COLUMN_WIDTHS = (90, 280, 130, 100, 50)


class OutboxPanel(QWidget):
    """The outbox list with a detail pane for the selected item."""

    def __init__(self, core: Core, bridge: CoreBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._core = core
        self._editing: int | None = None  # id of the item whose text is being edited
        self.model = OutboxModel(self)

        self.summary = QLabel()
        self.summary.setObjectName("hint")
        self.show_sent = QCheckBox("Show sent and cancelled")
        self.show_sent.toggled.connect(self.refresh)
        title = QLabel("Outbox")
        title.setObjectName("pageTitle")
        header = QHBoxLayout()
        header.addWidget(title)
        header.addWidget(self.summary, 1)
        header.addWidget(self.show_sent)

        self._list_pages = QStackedWidget()
        self._list_pages.addWidget(self._build_table())
        empty = QLabel(EMPTY)
        empty.setObjectName("hint")
        empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        empty.setWordWrap(True)
        self._list_pages.addWidget(empty)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self._list_pages)
        self._detail = self._build_detail()
        splitter.addWidget(self._detail)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([320, 240])

        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(splitter, 1)

        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(REFRESH_MS)
        self._refresh_timer.timeout.connect(self.refresh)
        bridge.outboxChanged.connect(self._refresh_timer.start)
        self._show_selected()
        self.refresh()

    # --- building -------------------------------------------------------------------
    def _build_table(self) -> QTableView:
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Outbox items")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setShowGrid(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in enumerate(COLUMN_WIDTHS):
            self.table.setColumnWidth(column, width)
        self.table.selectionModel().currentRowChanged.connect(self._show_selected)
        self.model.modelReset.connect(self._show_selected)
        context = Qt.ShortcutContext.WidgetShortcut
        registry.bind(self.table, "outbox.retry", self.retry_selected, context)
        registry.bind(self.table, "outbox.edit", self.edit_selected, context)
        registry.bind(self.table, "outbox.cancel", self.cancel_selected, context)
        return self.table

    def _build_detail(self) -> QWidget:
        detail = QWidget()
        self.reason = QLabel(wordWrap=True)
        self.reason.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.reason.setAccessibleName("Why")
        self.provenance = ProvenanceLine(self._core)
        self.body = QPlainTextEdit(readOnly=True)
        self.body.setAccessibleName("Text")
        focus.tab_leaves(self.body)
        self.spelling = attach_spell_check(self.body, self._core.spelling, None)
        registry.bind(
            self.body, "outbox.save_edit", self.save_edit, Qt.ShortcutContext.WidgetShortcut
        )
        registry.bind(
            self.body, "outbox.discard_edit", self.discard_edit, Qt.ShortcutContext.WidgetShortcut
        )

        self.retry_button = self._button("Retry", "outbox.retry", self.retry_selected)
        self.edit_button = self._button("Edit", "outbox.edit", self.edit_selected)
        self.save_button = self._button("Save text", "outbox.save_edit", self.save_edit)
        self.discard_button = self._button("Discard edit", "outbox.discard_edit", self.discard_edit)
        self.cancel_button = self._button("Cancel it", "outbox.cancel", self.cancel_selected)
        buttons = QHBoxLayout()
        for button in (self.retry_button, self.edit_button, self.save_button, self.discard_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)

        layout = QVBoxLayout(detail)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.reason)
        layout.addWidget(self.provenance)
        layout.addWidget(self.body, 1)
        layout.addLayout(buttons)
        return detail

    def _button(self, text: str, command: str, handler: Callable[[], None]) -> QPushButton:
        button = QPushButton(text)
        keys = registry.command(command).key_text
        button.setToolTip(f"{registry.command(command).label} ({keys})")
        button.clicked.connect(handler)
        return button

    def take_focus(self) -> None:
        """Coming to the outbox puts the keyboard in the list, or, with nothing to list,
        on the one control there is."""
        (self.table if self.model.rowCount() else self.show_sent).setFocus()

    def tab_order(self) -> list[QWidget]:
        """Where Tab goes in the outbox: the filter, the list, the text, the buttons."""
        buttons = (self.retry_button, self.edit_button, self.save_button, self.discard_button)
        return [self.show_sent, self.table, self.body, *buttons, self.cancel_button]

    # --- showing --------------------------------------------------------------------
    def refresh(self) -> None:
        """Reload the items from the core (also runs on every outboxChanged)."""
        run(self, self._core.outbox.items(self.show_sent.isChecked()), on_done=self._show_items)

    def _show_items(self, items: list[OutboxItem]) -> None:
        selected = self._selected()
        row = self.table.currentIndex().row()
        self.model.set_items(items)
        self._list_pages.setCurrentIndex(0 if items else 1)
        self._detail.setVisible(bool(items))
        self.show_sent.setAccessibleDescription("" if items else EMPTY)
        needs_you = sum(self.model.reason(r).needs_you for r in range(len(items)))
        waiting = sum(i.state in ("queued", "sending", "unknown") for i in items)
        self.summary.setText(
            " · ".join(
                part
                for part in (
                    plural.count(needs_you, "needs you", "need you") if needs_you else "",
                    f"{waiting} on the way" if waiting else "",
                )
                if part
            )
        )
        again = self.model.row_of(selected.id) if selected else None
        if again is None and items:
            again = min(max(row, 0), self.model.rowCount() - 1)
        if again is not None:
            self.table.selectionModel().setCurrentIndex(
                self.model.index(again, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )

    def _selected(self) -> OutboxItem | None:
        index = self.table.currentIndex()
        return self.model.item(index.row()) if index.isValid() else None

    def _show_selected(self) -> None:
        item = self._selected()
        if self._editing is not None and (item is None or item.id == self._editing):
            if item is not None:
                self._show_buttons(item)  # a refresh: keep the text being edited
            return
        self._editing = None
        self.body.setReadOnly(True)
        if item is None:
            self.reason.setText("")
            self.body.setPlainText("")
        else:
            reason = self.model.reason(self.table.currentIndex().row())
            theme.mark_problem(self.reason, reason.needs_you)
            self.reason.setText(
                f"<b>{html.escape(reason.headline)}</b> {html.escape(reason.advice)}"
            )
            self.body.setPlainText(item.body or "")
        self.provenance.show_for_outbox(item.batch_id if item else None)
        self._show_buttons(item)

    def _show_buttons(self, item: OutboxItem | None) -> None:
        state = OutboxState(item.state) if item else None
        editing = self._editing is not None
        self.retry_button.setText("Send anyway" if state is OutboxState.HELD else "Retry")
        self.retry_button.setEnabled(state in RETRYABLE and not editing)
        self.edit_button.setVisible(not editing)
        self.edit_button.setEnabled(state in EDITABLE)
        self.save_button.setVisible(editing)
        self.discard_button.setVisible(editing)
        self.cancel_button.setEnabled(state in EDITABLE and not editing)

    # --- actions --------------------------------------------------------------------
    def _act(self, action: OutboxAction, item_id: int, done: str) -> None:
        """Do ``action``; once done, tell screen readers ``done`` (the list changes
        where the keyboard is not looking)."""
        run(self, self._core.outbox.act(action, item_id), on_done=lambda _: announce(self, done))

    def retry_selected(self) -> None:
        item = self._selected()
        if item is not None and item.state in RETRYABLE and self._editing is None:
            self._act(OutboxAction.RETRY, item.id, f"Sending {describe(item)} again.")

    def edit_selected(self) -> None:
        item = self._selected()
        if item is None or item.state not in EDITABLE:
            return
        self._editing = item.id
        self.body.setReadOnly(False)
        self.body.setFocus()
        self._show_buttons(item)

    def save_edit(self) -> None:
        if self._editing is not None:
            item_id, body = self._editing, self.body.toPlainText()
            run(
                self,
                self._core.outbox.act(OutboxAction.EDIT, item_id, body),
                on_done=lambda _: self._edit_saved(),
            )

    def _edit_saved(self) -> None:
        self._stop_editing()
        announce(self, "Saved the new text.")

    def discard_edit(self) -> None:
        self._stop_editing()
        self._show_selected()

    def _stop_editing(self) -> None:
        """Leave edit mode; the text shown stays until the refresh brings the stored one."""
        self._editing = None
        self.body.setReadOnly(True)
        self._show_buttons(self._selected())
        self.table.setFocus()

    def cancel_selected(self) -> None:
        item = self._selected()
        if item is None or item.state not in EDITABLE or self._editing is not None:
            return
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Cancel it?",
            f"Cancel {describe(item)}? It will not be sent.",
            parent=self,
        )
        keep = box.addButton("Keep it", QMessageBox.ButtonRole.RejectRole)
        drop = box.addButton("Cancel it", QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(keep)
        box.setEscapeButton(keep)

        def answered(_: int) -> None:
            if box.clickedButton() is drop:
                self._act(OutboxAction.CANCEL, item.id, f"Cancelled {describe(item)}.")

        box.finished.connect(answered)
        box.finished.connect(box.deleteLater)
        box.open()
