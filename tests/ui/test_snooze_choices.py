"""The snooze menu: every quick choice says its own day and time, no two are the same
moment on any day of the week, and the keyboard is in the menu as soon as it opens."""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from ui.inbox.snooze import SnoozeMenu, snooze_choices


def test_choices_are_distinct_every_day_of_the_week():
    monday = datetime(2026, 12, 7, 10, 30).astimezone()
    for day in range(7):
        at = monday + timedelta(days=day)
        choices = snooze_choices(at)
        labels = [label.replace("&", "").split("\t")[0] for label, _ in choices]
        moments = [moment for _, moment in choices]
        assert len(set(moments)) == len(moments), at
        assert len(set(labels)) == len(labels), at
        assert labels[1] == "Tomorrow 08:00" and labels[2] == "Next Monday 08:00"
        assert moments[2].weekday() == 0 and moments[2] > moments[1]


def test_on_a_sunday_next_monday_is_the_one_after_tomorrow():
    sunday = datetime(2026, 12, 6, 20, 0).astimezone()
    _, tomorrow = snooze_choices(sunday)[1]
    _, monday = snooze_choices(sunday)[2]
    assert tomorrow.weekday() == 0 and monday == tomorrow + timedelta(days=7)


def test_the_menu_has_the_keyboard_when_it_opens(qtbot):
    menu = SnoozeMenu()
    chosen = []
    menu.chosen.connect(chosen.append)
    menu.open_at(menu.pos())
    qtbot.waitUntil(menu.isVisible)
    assert QApplication.activePopupWidget() is menu
    assert menu.activeAction() is menu.actions()[0]
    qtbot.keyClick(menu, Qt.Key.Key_Down)
    qtbot.keyClick(menu, Qt.Key.Key_Return)
    assert len(chosen) == 1
    menu.deleteLater()
