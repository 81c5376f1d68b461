"""A keyboard-friendly read-only table view, as the app's tables share it (a person's
comments, the people waiting longest, the deleted drafts): whole rows chosen, rows with
room around their words, one column taking the room left."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView


def table_view(
    model: QAbstractItemModel, name: str, stretch: int, view: QTableView | None = None
) -> QTableView:
    """A keyboard-friendly table (``view``, or a new one): whole rows selected, column
    ``stretch`` takes the room."""
    view = view or QTableView()
    view.setModel(model)
    view.setAccessibleName(name)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setWordWrap(False)
    view.setAlternatingRowColors(True)
    view.setTabKeyNavigation(False)
    view.verticalHeader().hide()
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return view
