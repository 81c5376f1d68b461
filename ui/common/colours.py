"""Every colour Fireside paints with, per colour scheme: the Qt palette of each scheme and
the few colours with a meaning of their own (a problem, a warning, done, waiting, the
keyboard's focus ring).

Four schemes: light and dark follow the system's colour scheme; their high-contrast
variants follow the system's contrast preference (``ui.theme`` decides which is in use).
Each colour is chosen to meet WCAG 2.1 AA on the backgrounds it is used on (4.5:1 for
text, 3:1 for field borders and focus rings); the high-contrast schemes aim for 7:1.
``tests/ui/test_contrast.py`` measures every pair, in every scheme.
"""

from __future__ import annotations

import enum

from PySide6.QtGui import QColor, QPalette

Role = QPalette.ColorRole


class Scheme(enum.Enum):
    LIGHT = "light"
    DARK = "dark"
    HIGH_CONTRAST_LIGHT = "high-contrast light"
    HIGH_CONTRAST_DARK = "high-contrast dark"

    @property
    def dark(self) -> bool:
        return self in (Scheme.DARK, Scheme.HIGH_CONTRAST_DARK)

    @property
    def high_contrast(self) -> bool:
        return self in (Scheme.HIGH_CONTRAST_LIGHT, Scheme.HIGH_CONTRAST_DARK)

    @staticmethod
    def of(dark: bool, high_contrast: bool) -> Scheme:
        if high_contrast:
            return Scheme.HIGH_CONTRAST_DARK if dark else Scheme.HIGH_CONTRAST_LIGHT
        return Scheme.DARK if dark else Scheme.LIGHT


class Ink(enum.Enum):
    """Colours that say something, on the window's and the lists' backgrounds."""

    PROBLEM = "problem"  # failed, too long, cannot: errors in words
    WARNING = "warning"  # near a limit, held, will not survive the trip
    OK = "ok"  # connected, sent
    PENDING = "pending"  # being checked
    FOCUS = "focus"  # the ring around whatever has the keyboard


_S = Scheme
#: role -> colour, per scheme.
PALETTES: dict[Scheme, dict[QPalette.ColorRole, str]] = {
    _S.LIGHT: {
        Role.Window: "#f4f4f6",
        Role.WindowText: "#1c1c1f",
        Role.Base: "#ffffff",
        Role.AlternateBase: "#f0f1f4",
        Role.Text: "#1c1c1f",
        Role.PlaceholderText: "#5e5e67",
        Role.Button: "#ececf0",
        Role.ButtonText: "#1c1c1f",
        Role.Highlight: "#2463c8",
        Role.HighlightedText: "#ffffff",
        Role.Link: "#1f62c8",
        Role.LinkVisited: "#6a4bc4",
        Role.ToolTipBase: "#fffef4",
        Role.ToolTipText: "#1c1c1f",
        Role.Light: "#ffffff",
        Role.Midlight: "#e3e3e8",
        Role.Mid: "#767680",
        Role.Dark: "#a0a0a8",
        Role.Shadow: "#6e6e76",
    },
    _S.DARK: {
        Role.Window: "#1d1e21",
        Role.WindowText: "#e6e6e9",
        Role.Base: "#25262a",
        Role.AlternateBase: "#2b2c31",
        Role.Text: "#e6e6e9",
        Role.PlaceholderText: "#a2a3ab",
        Role.Button: "#2e2f34",
        Role.ButtonText: "#e6e6e9",
        Role.Highlight: "#2a64c8",
        Role.HighlightedText: "#ffffff",
        Role.Link: "#79a8ff",
        Role.LinkVisited: "#b49bff",
        Role.ToolTipBase: "#34353b",
        Role.ToolTipText: "#e6e6e9",
        Role.Light: "#3a3b41",
        Role.Midlight: "#33343a",
        Role.Mid: "#80818a",
        Role.Dark: "#141517",
        Role.Shadow: "#000000",
    },
    _S.HIGH_CONTRAST_LIGHT: {
        Role.Window: "#ffffff",
        Role.WindowText: "#000000",
        Role.Base: "#ffffff",
        Role.AlternateBase: "#f0f0f0",
        Role.Text: "#000000",
        Role.PlaceholderText: "#333333",
        Role.Button: "#ffffff",
        Role.ButtonText: "#000000",
        Role.Highlight: "#00307a",
        Role.HighlightedText: "#ffffff",
        Role.Link: "#0000b8",
        Role.LinkVisited: "#4b0082",
        Role.ToolTipBase: "#ffffff",
        Role.ToolTipText: "#000000",
        Role.Light: "#ffffff",
        Role.Midlight: "#f0f0f0",
        Role.Mid: "#000000",
        Role.Dark: "#000000",
        Role.Shadow: "#000000",
    },
    _S.HIGH_CONTRAST_DARK: {
        Role.Window: "#000000",
        Role.WindowText: "#ffffff",
        Role.Base: "#000000",
        Role.AlternateBase: "#1a1a1a",
        Role.Text: "#ffffff",
        Role.PlaceholderText: "#d6d6d6",
        Role.Button: "#000000",
        Role.ButtonText: "#ffffff",
        Role.Highlight: "#1aebff",
        Role.HighlightedText: "#000000",
        Role.Link: "#ffff00",
        Role.LinkVisited: "#e0b3ff",
        Role.ToolTipBase: "#000000",
        Role.ToolTipText: "#ffffff",
        Role.Light: "#1a1a1a",
        Role.Midlight: "#1a1a1a",
        Role.Mid: "#ffffff",
        Role.Dark: "#ffffff",
        Role.Shadow: "#ffffff",
    },
}

#: Text of disabled controls (WCAG asks no contrast of inactive controls; still legible).
DISABLED_TEXT = {
    _S.LIGHT: "#8c8c94",
    _S.DARK: "#7d7e86",
    _S.HIGH_CONTRAST_LIGHT: "#595959",
    _S.HIGH_CONTRAST_DARK: "#a6a6a6",
}
#: A selection in a pane without the keyboard is quieter, so the focused pane stands out.
INACTIVE_HIGHLIGHT = {
    _S.LIGHT: "#d3def2",
    _S.DARK: "#2f3b52",
    _S.HIGH_CONTRAST_LIGHT: "#c7d7f2",
    _S.HIGH_CONTRAST_DARK: "#333333",
}

INKS: dict[Ink, dict[Scheme, str]] = {
    Ink.PROBLEM: {
        _S.LIGHT: "#b3261e",
        _S.DARK: "#ff8a80",
        _S.HIGH_CONTRAST_LIGHT: "#9e0000",
        _S.HIGH_CONTRAST_DARK: "#ff9e9e",
    },
    Ink.WARNING: {
        _S.LIGHT: "#8a5300",
        _S.DARK: "#f0b458",
        _S.HIGH_CONTRAST_LIGHT: "#6b3f00",
        _S.HIGH_CONTRAST_DARK: "#ffd27a",
    },
    Ink.OK: {
        _S.LIGHT: "#1e6e3a",
        _S.DARK: "#6fd08f",
        _S.HIGH_CONTRAST_LIGHT: "#005a1e",
        _S.HIGH_CONTRAST_DARK: "#8dffb0",
    },
    Ink.PENDING: {
        _S.LIGHT: "#5b3db3",
        _S.DARK: "#b9a2ff",
        _S.HIGH_CONTRAST_LIGHT: "#3d1f99",
        _S.HIGH_CONTRAST_DARK: "#d9ccff",
    },
    Ink.FOCUS: {
        _S.LIGHT: "#2b6fd6",
        _S.DARK: "#79a8ff",
        _S.HIGH_CONTRAST_LIGHT: "#0000b8",
        _S.HIGH_CONTRAST_DARK: "#ffff00",
    },
}


class _Current:
    """The scheme ``ui.theme.apply`` put in use (light until it is called)."""

    scheme = Scheme.LIGHT


def use(scheme: Scheme) -> None:
    _Current.scheme = scheme


def current() -> Scheme:
    return _Current.scheme


def ink(kind: Ink, scheme: Scheme | None = None) -> QColor:
    return QColor(INKS[kind][scheme or _Current.scheme])


def palette_for(scheme: Scheme) -> QPalette:
    palette = QPalette()
    for role, colour in PALETTES[scheme].items():
        palette.setColor(role, QColor(colour))
    for role in (Role.Text, Role.WindowText, Role.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor(DISABLED_TEXT[scheme]))
    palette.setColor(
        QPalette.ColorGroup.Inactive, Role.Highlight, QColor(INACTIVE_HIGHLIGHT[scheme])
    )
    palette.setColor(
        QPalette.ColorGroup.Inactive, Role.HighlightedText, QColor(PALETTES[scheme][Role.Text])
    )
    return palette
