"""The snooze popup: later today, tomorrow 08:00, next Monday 08:00, or a date and time you
pick.

Choices are computed in local time and handed on as UTC ISO strings (what the store keeps).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import QDateTime, QPoint, Qt, QTime, Signal
from PySide6.QtWidgets import QDateTimeEdit, QDialog, QDialogButtonBox, QLabel, QMenu, QVBoxLayout

from app.timeutil import iso, now

MORNING_HOUR = 8


def snooze_choices(at: datetime) -> list[tuple[str, datetime]]:
    """(label, moment) for the quick choices, relative to ``at``: each says its day and
    time, and no two are the same moment (on a Sunday, next Monday is the one after
    tomorrow's)."""
    local = at.astimezone()
    later = (local + timedelta(hours=3)).replace(second=0, microsecond=0)
    later += timedelta(minutes=-later.minute % 15)
    morning = (local + timedelta(days=1)).replace(
        hour=MORNING_HOUR, minute=0, second=0, microsecond=0
    )
    days_to_monday = 7 - local.weekday()
    if days_to_monday == 1:  # tomorrow is Monday: "next Monday" is a week later
        days_to_monday += 7
    monday = (local + timedelta(days=days_to_monday)).replace(
        hour=MORNING_HOUR, minute=0, second=0, microsecond=0
    )
    later_label = "&Later today" if later.date() == local.date() else "&Later (in 3 hours)"
    return [
        (f"{later_label} {later:%H:%M}", later),
        (f"&Tomorrow {morning:%H:%M}\t{_day(morning)}", morning),
        (f"&Next Monday {monday:%H:%M}\t{_day(monday)}", monday),
    ]


def _day(moment: datetime) -> str:
    return f"{moment:%a} {moment.day} {moment:%b}"


class SnoozeMenu(QMenu):
    """One menu per page, rebuilt each time it opens so the times are fresh."""

    chosen = Signal(str)  # the UTC ISO time to wake up

    def open_at(self, pos: QPoint, at: datetime | None = None) -> None:
        self.clear()
        for label, moment in snooze_choices(at or now()):
            action = self.addAction(label)
            action.triggered.connect(lambda _=False, m=moment: self.chosen.emit(iso(m)))
        self.addSeparator()
        self.addAction("&Pick date and time…").triggered.connect(self._pick)
        self.popup(pos)
        self.setActiveAction(self.actions()[0])  # the keyboard is in the menu at once

    def _pick(self) -> None:
        dialog = PickTimeDialog(self.parentWidget())
        dialog.accepted.connect(lambda: self.chosen.emit(dialog.moment()))
        dialog.open()


class PickTimeDialog(QDialog):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Snooze until")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        start = QDateTime.currentDateTime().addDays(1)
        start.setTime(QTime(MORNING_HOUR, 0))
        self.edit = QDateTimeEdit(start)
        self.edit.setCalendarPopup(True)
        self.edit.setMinimumDateTime(QDateTime.currentDateTime())
        self.edit.setDisplayFormat("ddd d MMM yyyy  HH:mm")
        self.edit.setAccessibleName("Snooze until")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        label = QLabel("&Bring these comments back to Needs reply at:")
        label.setBuddy(self.edit)
        layout.addWidget(label)
        layout.addWidget(self.edit)
        layout.addWidget(buttons)

    def moment(self) -> str:
        chosen = self.edit.dateTime().toPython()  # typed as object; a QDateTime gives a datetime
        assert isinstance(chosen, datetime)
        return iso(chosen.astimezone())
