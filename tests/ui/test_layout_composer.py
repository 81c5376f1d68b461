"""The reply composer at the window's minimum size, at the usual and at 200% text: every
button shows whole (none squeezed below its own size, none past the composer's edge, none
over the text or the preview): its rows wrap instead, and the rows above the preview
scroll when even that leaves no room, with Queue and Keep as draft always in sight.

The window's minimum grows with the text (``ui.common.screen``); the test screen is
smaller than that at 200%, so the window is given the minimum it asks for on a screen
with room (1920 x 1080 has)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QRect, QSize
from PySide6.QtWidgets import QApplication, QPushButton

from app.domain.library import PastAnswer
from ui.main_window import MINIMUM_HEIGHT, MINIMUM_WIDTH

pytestmark = pytest.mark.ui


@pytest.fixture(params=[1.0, 2.0], ids=["100%", "200%"])
def text_scale(request, qapp) -> Iterator[float]:
    font = QApplication.font()
    scaled = QApplication.font()
    scaled.setPointSizeF(font.pointSizeF() * request.param)
    QApplication.setFont(scaled)
    try:
        yield request.param
    finally:
        QApplication.setFont(font)


def test_at_the_minimum_size_no_composer_button_is_cut(text_scale, window, qtbot):
    if text_scale > 1:
        wanted = QSize(round(MINIMUM_WIDTH * text_scale), round(MINIMUM_HEIGHT * text_scale))
        window.setMinimumSize(wanted.boundedTo(QSize(1920, 1080)))
    window.resize(window.minimumSize())
    qtbot.waitUntil(lambda: window.size() == window.minimumSize())
    qtbot.keyClick(window.inbox.list, "r")
    composer = window.inbox.composer
    qtbot.waitUntil(lambda: composer.isVisible() and composer.preview_title.text() != "")
    earlier = PastAnswer(  # an earlier answer offered: its line and button must fit too
        1,
        "When do the new office days start?" * 4,
        "Hi {first_name}, in May.",
        "2026-03-03T14:05:00Z",
        "Ana Lima",
        "sandbox",
        "Where we are going",
    )
    composer.past.offer(earlier)
    column = composer.past.parentWidget()
    qtbot.waitUntil(  # laid out again around it
        lambda: (
            composer.past.button.isVisible()
            and column.height() >= column.heightForWidth(column.width())
        )
    )
    buttons = composer.findChildren(QPushButton)
    names = {b.text() for b in buttons}
    assert {composer.remove_button.text(), composer.edit_button.text()} <= names
    assert sum("{" in name for name in names) == 3  # the three insert buttons
    inside = composer.contentsRect()
    neighbours = (composer.template, composer.preview, composer.preview_title)
    for button in buttons:
        assert button.isVisible(), button.text()
        assert button.width() >= button.sizeHint().width(), button.text()
        assert button.height() >= button.sizeHint().height(), button.text()
        where = QRect(button.mapTo(composer, button.rect().topLeft()), button.size())
        assert inside.left() <= where.left() and where.right() <= inside.right(), button.text()
        for neighbour in neighbours:
            if neighbour.parentWidget() is button.parentWidget():
                assert not button.geometry().intersects(neighbour.geometry()), button.text()
    for button in (composer.close_button, composer.queue_button):  # never scrolled away
        where = QRect(button.mapTo(composer, button.rect().topLeft()), button.size())
        assert inside.contains(where), button.text()
    assert composer.preview.height() >= composer.preview.minimumSizeHint().height()
    title = composer.preview_title
    assert title.height() >= title.heightForWidth(title.width()), title.text()
