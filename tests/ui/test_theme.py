"""The colour scheme follows the system: dark or light, and high contrast when the system
asks for more contrast (Qt 6.10+ reports it) or ``FIRESIDE_CONTRAST`` says so; the style
sheet's headings follow the application's font."""

from __future__ import annotations

import pytest
import shiboken6
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QIcon, QImage, QPainter, QPalette
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QListWidget, QProxyStyle, QStyle

from ui import theme
from ui.common import colours
from ui.common.colours import Ink, Scheme
from ui.common.contrast import TEXT, ratio

pytestmark = pytest.mark.ui


@pytest.fixture
def app(themed: QApplication) -> QApplication:
    return themed


@pytest.mark.parametrize(
    ("setting", "system", "expected"),
    [
        ("high", Qt.ColorScheme.Light, Scheme.HIGH_CONTRAST_LIGHT),
        ("more", Qt.ColorScheme.Dark, Scheme.HIGH_CONTRAST_DARK),
        ("normal", Qt.ColorScheme.Dark, Scheme.DARK),
        ("", Qt.ColorScheme.Light, Scheme.LIGHT),  # the test system asks for no more contrast
    ],
)
def test_the_scheme_follows_the_system_and_the_override(
    app, monkeypatch, setting, system, expected
):
    monkeypatch.setenv(theme.CONTRAST_ENV, setting)
    assert theme.apply(app, system) is expected
    assert theme.scheme() is expected
    window = app.palette().color(QPalette.ColorRole.Window).name()
    assert window == colours.PALETTES[expected][QPalette.ColorRole.Window]
    assert f"border-color: {colours.INKS[Ink.FOCUS][expected]}" in app.styleSheet()


def test_without_an_override_qt_is_asked(app, monkeypatch):
    monkeypatch.delenv(theme.CONTRAST_ENV, raising=False)
    hints = app.styleHints()
    if not hasattr(hints, "accessibility"):
        pytest.skip("this Qt (before 6.10) cannot report the system's contrast preference")
    wanted = hints.accessibility().contrastPreference() == Qt.ContrastPreference.HighContrast
    assert theme.system_wants_high_contrast(app) is wanted


def test_titles_are_sized_from_the_font():
    font = QFont()
    font.setPointSizeF(20)  # a system font at 200%
    assert theme.title_points(font) == 29.0
    font = QFont()
    font.setPixelSize(32)
    assert theme.title_points(font) == pytest.approx(24 * theme.TITLE_SCALE, abs=0.1)


def test_icons_and_check_boxes_grow_with_the_text(qapp):
    style = theme.IconsFollowText()
    metric = QStyle.PixelMetric
    usual, doubled = QFont(), QFont()
    usual.setPointSizeF(9)
    doubled.setPointSizeF(18)
    style.follow(usual)
    icon, box = (
        style.pixelMetric(metric.PM_SmallIconSize),
        style.pixelMetric(metric.PM_IndicatorWidth),
    )
    style.follow(doubled)
    assert style.pixelMetric(metric.PM_SmallIconSize) >= 1.6 * icon
    assert style.pixelMetric(metric.PM_IndicatorWidth) >= 1.4 * box
    assert style.pixelMetric(metric.PM_ScrollBarExtent) == QProxyStyle("Fusion").pixelMetric(
        metric.PM_ScrollBarExtent
    )


def test_a_new_application_font_resizes_the_icons_and_the_titles(app: QApplication, qtbot) -> None:
    theme.apply(app, Qt.ColorScheme.Light)
    watcher = theme._FontWatcher(app)  # what apply() makes when it follows the system
    style = theme._Applied.style
    assert style is not None
    usual = QFont(app.font())
    larger = QFont(usual)
    larger.setPointSizeF(usual.pointSizeF() * 2)
    try:
        app.setFont(larger)
        qtbot.waitUntil(lambda: style.icon_px == QFontMetrics(larger).height())
        assert f"font-size: {theme.title_points(larger)}pt" in app.styleSheet()
    finally:
        shiboken6.delete(watcher)
        app.setFont(usual)


@pytest.mark.parametrize("scheme", [Qt.ColorScheme.Light, Qt.ColorScheme.Dark])
def test_dialog_buttons_are_words_without_fusions_black_pictures(app: QApplication, scheme):
    """Fusion's stock pictures on Close, Save, Cancel... are black in both schemes (Close's
    cross was lost on dark grey) and came on some buttons of a dialog only. Offscreen Qt
    asks for no pictures, X11's platform theme does: under ``QT_QPA_PLATFORM=xcb
    xvfb-run`` this fails without the style sheet's rule."""
    theme.apply(app, scheme)
    box = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Close
        | QDialogButtonBox.StandardButton.Save
        | QDialogButtonBox.StandardButton.Cancel
    )
    hint = QStyle.StyleHint.SH_DialogButtonBox_ButtonsHaveIcons
    assert app.style().styleHint(hint, None, box) == 0
    box.addButton("Restore", QDialogButtonBox.ButtonRole.AcceptRole)
    assert [b.icon().isNull() for b in box.buttons()] == [True] * 4
    box.deleteLater()


@pytest.mark.parametrize(
    ("setting", "system"),
    [
        ("normal", Qt.ColorScheme.Light),
        ("normal", Qt.ColorScheme.Dark),
        ("high", Qt.ColorScheme.Light),
        ("high", Qt.ColorScheme.Dark),
    ],
)
def test_a_focused_lists_selected_row_reads_as_fusion_draws_it(
    app: QApplication, qtbot, monkeypatch, setting, system
):
    """Fusion draws a focused list's selection as a gradient lighter than the palette's
    Highlight: white text on the light scheme's was 4.1:1 where drawn lightest (4.3 on
    dark), under WCAG's 4.5."""
    monkeypatch.setenv(theme.CONTRAST_ENV, setting)
    theme.apply(app, system)
    shown = QListWidget()
    qtbot.addWidget(shown)
    shown.addItems(["A selected row", "another"])
    shown.resize(300, 120)
    shown.show()
    shown.setCurrentRow(0)
    shown.setFocus()
    qtbot.waitUntil(shown.hasFocus)
    image = shown.viewport().grab().toImage()
    row = shown.visualItemRect(shown.item(0))
    text = shown.palette().color(QPalette.ColorRole.HighlightedText)
    drawn = {
        image.pixelColor(x, y).rgb()
        for x in range(row.right() - row.width() // 3, row.right())  # right of the words
        for y in range(row.top(), row.bottom() + 1)
    }
    assert min(ratio(text, QColor.fromRgb(rgb)) for rgb in drawn) >= TEXT


@pytest.mark.parametrize("ratio", [1.0, 2.0])
def test_a_painted_icon_is_drawn_at_the_devices_pixel_ratio(qapp, ratio: float) -> None:
    """An icon painted at 200% is rendered with twice the pixels, not scaled up from 100%
    (the engine reads the scale from the painter's transform)."""
    engine = theme._SvgIconEngine((theme._RESOURCES / "icons" / "search.svg").read_text())
    asked: list[float] = []
    rendered = engine.scaledPixmap

    def record(size, mode, state, scale):
        asked.append(scale)
        return rendered(size, mode, state, scale)

    engine.scaledPixmap = record  # type: ignore[method-assign]
    image = QImage(40, 40, QImage.Format.Format_ARGB32_Premultiplied)
    image.setDevicePixelRatio(ratio)
    painter = QPainter(image)
    try:
        engine.paint(painter, QRect(0, 0, 16, 16), QIcon.Mode.Normal, QIcon.State.Off)
    finally:
        painter.end()
    assert asked == [ratio]
