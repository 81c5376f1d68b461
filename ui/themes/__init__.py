"""The Themes page: ``ThemesPage`` lists the open questions many people ask, one row per
theme with how many ask, newest first; choosing one asks the window to open its group."""

from ui.themes.page import ThemesPage

__all__ = ["ThemesPage"]
