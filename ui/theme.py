"""Look and feel: a light or dark palette that follows the system, the small style sheet in
``resources/style.qss`` (visible keyboard focus), and the SVG icons tinted to match.

Icons are drawn by an icon engine at paint time from the current palette, so a switch
between light and dark re-tints every icon without rebuilding any widget; they are vector
all the way down, so they stay sharp on HiDPI screens. Each rendering is kept per size,
scale and ink colour: parsing the SVG on every paint made a sidebar repaint cost ~10 ms.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from PySide6.QtCore import QByteArray, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QIconEngine, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QApplication, QWidget

import resources

#: Where the data files are: next to the package's module, in a checkout, an install or a
#: PyInstaller bundle alike (importlib.resources cost the first paint 10 ms to import).
_RESOURCES = Path(resources.__file__).parent

#: role -> (light, dark)
_COLORS: dict[QPalette.ColorRole, tuple[str, str]] = {
    QPalette.ColorRole.Window: ("#f4f4f6", "#1d1e21"),
    QPalette.ColorRole.WindowText: ("#1c1c1f", "#e6e6e9"),
    QPalette.ColorRole.Base: ("#ffffff", "#25262a"),
    QPalette.ColorRole.AlternateBase: ("#f0f1f4", "#2b2c31"),
    QPalette.ColorRole.Text: ("#1c1c1f", "#e6e6e9"),
    QPalette.ColorRole.PlaceholderText: ("#8a8a92", "#8b8c94"),
    QPalette.ColorRole.Button: ("#ececf0", "#2e2f34"),
    QPalette.ColorRole.ButtonText: ("#1c1c1f", "#e6e6e9"),
    QPalette.ColorRole.Highlight: ("#2b6fd6", "#3b7ee8"),
    QPalette.ColorRole.HighlightedText: ("#ffffff", "#ffffff"),
    QPalette.ColorRole.Link: ("#1f62c8", "#79a8ff"),
    QPalette.ColorRole.LinkVisited: ("#6a4bc4", "#b49bff"),
    QPalette.ColorRole.ToolTipBase: ("#fffef4", "#34353b"),
    QPalette.ColorRole.ToolTipText: ("#1c1c1f", "#e6e6e9"),
    QPalette.ColorRole.Light: ("#ffffff", "#3a3b41"),
    QPalette.ColorRole.Midlight: ("#e3e3e8", "#33343a"),
    QPalette.ColorRole.Mid: ("#c9c9d1", "#45464d"),
    QPalette.ColorRole.Dark: ("#a0a0a8", "#141517"),
    QPalette.ColorRole.Shadow: ("#6e6e76", "#000000"),
}
_DISABLED_TEXT = ("#a4a4ac", "#6b6c73")
#: A selection in a pane without the keyboard is quieter, so the focused pane stands out.
_INACTIVE_HIGHLIGHT = ("#d3def2", "#2f3b52")


def is_dark(palette: QPalette | None = None) -> bool:
    palette = palette or QGuiApplication.palette()
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def palette_for(dark: bool) -> QPalette:
    palette = QPalette()
    for role, pair in _COLORS.items():
        palette.setColor(role, QColor(pair[dark]))
    for role in (
        QPalette.ColorRole.Text,
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.ButtonText,
    ):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor(_DISABLED_TEXT[dark]))
    palette.setColor(
        QPalette.ColorGroup.Inactive,
        QPalette.ColorRole.Highlight,
        QColor(_INACTIVE_HIGHLIGHT[dark]),
    )
    palette.setColor(
        QPalette.ColorGroup.Inactive,
        QPalette.ColorRole.HighlightedText,
        QColor(_COLORS[QPalette.ColorRole.Text][dark]),
    )
    return palette


def mix(a: QColor, b: QColor, share_of_b: float) -> QColor:
    def channel(x: int, y: int) -> int:
        return round(x * (1 - share_of_b) + y * share_of_b)

    return QColor(
        channel(a.red(), b.red()), channel(a.green(), b.green()), channel(a.blue(), b.blue())
    )


def quiet_selection(widget: QWidget) -> None:
    """A tinted (not solid) selection with ordinary text, for navigation lists."""
    app_palette = QGuiApplication.palette()
    base = app_palette.color(QPalette.ColorRole.Base)
    accent = app_palette.color(QPalette.ColorRole.Highlight)
    palette = widget.palette()
    for group, share in ((QPalette.ColorGroup.Active, 0.3), (QPalette.ColorGroup.Inactive, 0.15)):
        palette.setColor(group, QPalette.ColorRole.Highlight, mix(base, accent, share))
        palette.setColor(
            group, QPalette.ColorRole.HighlightedText, app_palette.color(QPalette.ColorRole.Text)
        )
    if palette != widget.palette():  # setting it again would signal another change
        widget.setPalette(palette)


def apply(app: QApplication, scheme: Qt.ColorScheme | None = None) -> None:
    """Style the application for ``scheme`` (the system's, by default) and keep following it."""
    hints = app.styleHints()
    chosen = hints.colorScheme() if scheme is None else scheme
    app.setStyle("Fusion")
    app.setPalette(palette_for(chosen == Qt.ColorScheme.Dark))
    app.setStyleSheet((_RESOURCES / "style.qss").read_text(encoding="utf-8"))
    if scheme is None and not app.property("fireside-follows-scheme"):
        app.setProperty("fireside-follows-scheme", True)
        hints.colorSchemeChanged.connect(lambda s: apply(app, s))


#: Renderings kept per icon (sizes x scales x ink colours in use); more clears them.
_KEPT_PER_ICON = 32


class _SvgIconEngine(QIconEngine):
    """Renders one SVG with ``currentColor`` replaced by the palette colour for the mode,
    once per size, scale and colour."""

    def __init__(self, svg: str) -> None:
        super().__init__()
        self._svg = svg
        self._rendered: dict[tuple[int, int, float, str], QPixmap] = {}

    def _color(self, mode: QIcon.Mode) -> QColor:
        """Ink for the mode; selections are tinted (``quiet_selection``), so no white ink."""
        palette = QGuiApplication.palette()
        if mode == QIcon.Mode.Disabled:
            return palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText)
        return palette.color(QPalette.ColorRole.ButtonText)

    def paint(self, painter: QPainter, rect, mode: QIcon.Mode, state: QIcon.State) -> None:
        device = painter.device()
        scale = device.devicePixelRatioF() if device is not None else 1.0
        painter.drawPixmap(rect, self.scaledPixmap(rect.size(), mode, state, scale))

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        return self.scaledPixmap(size, mode, state, 1.0)

    def scaledPixmap(
        self, size: QSize, mode: QIcon.Mode, state: QIcon.State, scale: float
    ) -> QPixmap:
        ink = self._color(mode).name()
        key = (size.width(), size.height(), scale, ink)
        pixmap = self._rendered.get(key)
        if pixmap is None:
            if len(self._rendered) >= _KEPT_PER_ICON:
                self._rendered.clear()
            pixmap = self._rendered[key] = self._render(size, scale, ink)
        return pixmap

    def _render(self, size: QSize, scale: float, ink: str) -> QPixmap:
        pixmap = QPixmap(size * scale)
        pixmap.setDevicePixelRatio(scale)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        svg = self._svg.replace("currentColor", ink)
        QSvgRenderer(QByteArray(svg.encode())).render(
            painter, QRectF(0, 0, size.width(), size.height())
        )
        painter.end()
        return pixmap

    def clone(self) -> QIconEngine:
        return _SvgIconEngine(self._svg)


def app_icon() -> QIcon:
    """Fireside's own (full colour) icon, for windows and the task bar."""
    return QIcon(str(_RESOURCES / "fireside.svg"))


@cache
def icon(name: str) -> QIcon:
    """The icon ``resources/icons/<name>.svg``, tinted for the current theme."""
    svg = (_RESOURCES / "icons" / f"{name}.svg").read_text(encoding="utf-8")
    return QIcon(_SvgIconEngine(svg))
