"""Look and feel: the colour scheme that follows the system (light or dark, and high
contrast when the system asks for more contrast), the small style sheet in
``resources/style.qss`` (visible keyboard focus, headings sized from the system's font),
and the SVG icons tinted to match.

The schemes' colours live in ``ui.common.colours``. High contrast follows the system's
contrast preference where Qt reports it (``QStyleHints.accessibility()``, Qt 6.10 and
later: Windows' high-contrast themes, GNOME's and KDE's "high contrast" settings through
the desktop portal); ``FIRESIDE_CONTRAST=high`` (or ``normal``) overrides it, and is the
way to ask for it where Qt cannot tell. A change of the system's scheme, contrast or font
restyles the running app.

Icons are drawn by an icon engine at paint time from the current palette, so a switch
between schemes re-tints every icon without rebuilding any widget; they are vector
all the way down, so they stay sharp on HiDPI screens. Each rendering is kept per size,
scale and ink colour: parsing the SVG on every paint made a sidebar repaint cost ~10 ms.
"""

from __future__ import annotations

import math
import os
from functools import cache
from pathlib import Path
from string import Template

from PySide6.QtCore import QByteArray, QEvent, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QGuiApplication,
    QIcon,
    QIconEngine,
    QPainter,
    QPalette,
    QPen,
    QPixmap,
)
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import (
    QApplication,
    QProxyStyle,
    QStyle,
    QStyleOption,
    QStyleOptionComplex,
    QWidget,
)

import resources
from ui.common import colours
from ui.common.colours import Ink, Scheme
from ui.common.contrast import ENHANCED, TEXT, quieter

#: Where the data files are: next to the package's module, in a checkout, an install or a
#: PyInstaller bundle alike (importlib.resources cost the first paint 10 ms to import).
_RESOURCES = Path(resources.__file__).parent
#: ``high`` (or ``more``) asks for the high-contrast scheme, ``normal`` for the usual one,
#: whatever the system says.
CONTRAST_ENV = "FIRESIDE_CONTRAST"
#: Page titles and the draft's title, relative to the system's font size.
TITLE_SCALE = 1.45
_FOLLOWING = "fireside-follows-system"


def is_dark(palette: QPalette | None = None) -> bool:
    palette = palette or QGuiApplication.palette()
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def scheme() -> Scheme:
    """The scheme in use (what ``apply`` chose last)."""
    return colours.current()


def ink(kind: Ink) -> QColor:
    """A colour with a meaning (a problem, a warning...) in the scheme in use."""
    return colours.ink(kind)


def system_wants_high_contrast(app: QGuiApplication) -> bool:
    """``FIRESIDE_CONTRAST`` if set, else the system's contrast preference (Qt 6.10+;
    older Qt cannot tell, and the answer is no)."""
    forced = os.environ.get(CONTRAST_ENV, "").strip().lower()
    if forced in ("high", "more", "1", "on", "yes"):
        return True
    if forced in ("normal", "0", "off", "no"):
        return False
    accessibility = getattr(app.styleHints(), "accessibility", None)
    if accessibility is None:
        return False
    return bool(accessibility().contrastPreference() == Qt.ContrastPreference.HighContrast)


def palette_for(chosen: Scheme) -> QPalette:
    return colours.palette_for(chosen)


def mix(a: QColor, b: QColor, share_of_b: float) -> QColor:
    def channel(x: int, y: int) -> int:
        return round(x * (1 - share_of_b) + y * share_of_b)

    return QColor(
        channel(a.red(), b.red()), channel(a.green(), b.green()), channel(a.blue(), b.blue())
    )


@cache
def _quiet(text: int, background: int, target: float) -> QColor:
    return quieter(QColor.fromRgba(text), QColor.fromRgba(background), target)


def quiet_text(text: QColor, background: QColor) -> QColor:
    """Secondary text (details, times): ``text`` mixed into ``background`` as far as it
    can go while it still reads as text there: 4.5:1, or 7:1 in high contrast."""
    target = ENHANCED if colours.current().high_contrast else TEXT
    return QColor(_quiet(text.rgba(), background.rgba(), target))


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


def title_points(font: QFont) -> float:
    """The size of page titles for the application's ``font``."""
    size = font.pointSizeF()
    if size <= 0:  # a font set in pixels: points at the usual 96 dpi
        size = font.pixelSize() * 72 / 96
    return round(size * TITLE_SCALE, 1)


def style_sheet(chosen: Scheme, font: QFont) -> str:
    """``resources/style.qss`` with the scheme's colours and the font's sizes filled in."""
    template = Template((_RESOURCES / "style.qss").read_text(encoding="utf-8"))
    return template.substitute(
        focus=colours.ink(Ink.FOCUS, chosen).name(),
        problem=colours.ink(Ink.PROBLEM, chosen).name(),
        warning=colours.ink(Ink.WARNING, chosen).name(),
        title_pt=title_points(font),
    )


def apply(app: QApplication, colour_scheme: Qt.ColorScheme | None = None) -> Scheme:
    """Style the application for ``colour_scheme`` (the system's, by default) and, by
    default, keep following the system's scheme, contrast and font."""
    hints = app.styleHints()
    dark = (hints.colorScheme() if colour_scheme is None else colour_scheme) == (
        Qt.ColorScheme.Dark
    )
    chosen = Scheme.of(dark, system_wants_high_contrast(app))
    colours.use(chosen)
    _quiet.cache_clear()
    _Applied.style = style = IconsFollowText(colours.ink(Ink.FOCUS, chosen))
    style.follow(app.font())
    app.setStyle(style)
    app.setPalette(colours.palette_for(chosen))
    app.setStyleSheet(style_sheet(chosen, app.font()))
    if colour_scheme is None and not app.property(_FOLLOWING):
        app.setProperty(_FOLLOWING, True)
        _follow(app)
    return chosen


def _follow(app: QApplication) -> None:
    """Restyle when the system changes its colour scheme, contrast or font."""
    app.styleHints().colorSchemeChanged.connect(lambda _: apply(app))
    accessibility = getattr(app.styleHints(), "accessibility", None)
    if accessibility is not None:
        accessibility().contrastPreferenceChanged.connect(lambda _: apply(app))
    _Applied.font_watcher = _FontWatcher(app)


class IconsFollowText(QProxyStyle):
    """Fusion, with icons as tall as the text beside them, and check boxes and radio
    buttons most of that: when the system's text is at 200%, they grow with it. Drop-down
    lists and spin boxes with the keyboard get the same 2 px ring in the scheme's focus
    colour as every other control (Fusion draws none on a drop-down list, and a faint
    one, under 3:1, on a spin box). (Dialog buttons are words only by the style sheet's
    ``dialogbuttonbox-buttons-have-icons``, not by a ``styleHint`` here: Qt asked that
    some 3,500 times before the first paint, each a call into Python.)"""

    ICONS = (
        QStyle.PixelMetric.PM_SmallIconSize,
        QStyle.PixelMetric.PM_ButtonIconSize,
        QStyle.PixelMetric.PM_ToolBarIconSize,
        QStyle.PixelMetric.PM_ListViewIconSize,
    )
    INDICATORS = (
        QStyle.PixelMetric.PM_IndicatorWidth,
        QStyle.PixelMetric.PM_IndicatorHeight,
        QStyle.PixelMetric.PM_ExclusiveIndicatorWidth,
        QStyle.PixelMetric.PM_ExclusiveIndicatorHeight,
    )

    RINGED = (QStyle.ComplexControl.CC_ComboBox, QStyle.ComplexControl.CC_SpinBox)

    def __init__(self, focus: QColor | None = None) -> None:
        super().__init__("Fusion")
        self.icon_px = 0
        self.focus = QColor(focus or colours.ink(Ink.FOCUS))

    def follow(self, font: QFont) -> None:
        self.icon_px = QFontMetrics(font).height()

    def pixelMetric(  # Qt override
        self,
        metric: QStyle.PixelMetric,
        option: QStyleOption | None = None,
        widget: QWidget | None = None,
    ) -> int:
        size = super().pixelMetric(metric, option, widget)
        if metric in self.ICONS:
            return max(size, self.icon_px)
        if metric in self.INDICATORS:
            return max(size, round(self.icon_px * 0.8))
        return size

    def drawComplexControl(  # Qt override
        self,
        control: QStyle.ComplexControl,
        option: QStyleOptionComplex,
        painter: QPainter,
        widget: QWidget | None = None,
    ) -> None:
        super().drawComplexControl(control, option, painter, widget)
        if control in self.RINGED and option.state & QStyle.StateFlag.State_HasFocus:
            painter.save()
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(QPen(self.focus, 2))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(QRectF(option.rect).adjusted(1, 1, -1, -1), 4, 4)
            painter.restore()


class _FontWatcher(QWidget):
    """Re-applies the style sheet (its title sizes) and the icons' size when the
    application's font changes: the system's font size, read by Qt from the desktop.

    A window that is never shown: QApplication sends ``ApplicationFontChange`` to every
    window, and so this hears it among its own few events. (An event filter on the
    application would see every event of every object in the process, each a call into
    Python, from before the first paint on.)"""

    def __init__(self, app: QApplication) -> None:
        super().__init__()
        self._app = app
        app.aboutToQuit.connect(self.deleteLater)

    def event(self, event: QEvent) -> bool:  # Qt override
        if event.type() == QEvent.Type.ApplicationFontChange:
            if _Applied.style is not None:  # app.style() is the style sheet's, around it
                _Applied.style.follow(self._app.font())
            self._app.setStyleSheet(style_sheet(colours.current(), self._app.font()))
        return super().event(event)


class _Applied:
    """What ``apply`` keeps: the style it set last (the application owns it) and, once it
    follows the system, the font watcher (nothing else holds it)."""

    style: IconsFollowText | None = None
    font_watcher: _FontWatcher | None = None


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
        # Device pixels per unit, from the painter's transform: ``painter.device()`` makes
        # PySide find the Python class of a widget Qt made itself (a line edit's icon
        # button), which walks every widget class the first time (~15 ms of the start).
        to_device = painter.deviceTransform()
        scale = math.hypot(to_device.m11(), to_device.m12()) or 1.0
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


def mark_problem(widget: QWidget, problem: bool) -> None:
    """Show ``widget``'s text in the scheme's problem colour (or not): the style sheet
    colours ``[problem="true"]``; it is re-applied only when the mark changes."""
    if bool(widget.property("problem")) != problem:
        widget.setProperty("problem", problem)
        widget.style().unpolish(widget)
        widget.style().polish(widget)
