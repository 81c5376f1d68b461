"""The Themes page: the open questions many people ask, one row per theme."""

from ui.themes.page import ThemesPage

__all__ = ["ThemesPage"]
