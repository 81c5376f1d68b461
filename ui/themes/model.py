"""The Themes list: one row per theme, "34 people ask: How many days…?", with how many
comments and when the newest came, in words for screen readers as on screen."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt

from app.domain.grouping import Theme
from app.text import plural, timefmt

THEME_ROLE = Qt.ItemDataRole.UserRole + 1
Index = QModelIndex | QPersistentModelIndex


def headline(theme: Theme) -> str:
    """ "34 people ask: How many days a week…?" """
    asks = "asks" if theme.people == 1 else "ask"
    return f"{plural.count(theme.people, 'person', 'people')} {asks}: {theme.label}"


def details(theme: Theme) -> str:
    """ "Newest 3 min ago", or "40 open comments · newest 3 min ago" when some of the
    people asked more than once (one comment each needs no second count)."""
    newest = f"newest {timefmt.ago(theme.newest_at)}"
    if theme.comments == theme.people:
        return newest[0].upper() + newest[1:]
    return f"{plural.count(theme.comments, 'open comment')} · {newest}"


class ThemesModel(QAbstractListModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._themes: list[Theme] = []

    def set_themes(self, themes: list[Theme]) -> None:
        self.beginResetModel()
        self._themes = list(themes)
        self.endResetModel()

    def theme_at(self, row: int) -> Theme | None:
        return self._themes[row] if 0 <= row < len(self._themes) else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._themes)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        theme = self.theme_at(index.row()) if index.isValid() else None
        if theme is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{headline(theme)}\n{details(theme)}"
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{headline(theme)} {details(theme).replace(' · ', '. ')}."
        if role == Qt.ItemDataRole.ToolTipRole:
            return "Enter opens everyone asking this"
        if role == THEME_ROLE:
            return theme
        return None
