"""The Settings dialog (Ctrl+,): proxy, extra CA certificates, sync interval.

Each setting shows the value in use. One that policy enforces is disabled, with a lock and
the reason ("Set by your organisation (…source…)."); one that policy only recommends says
so and stays editable. Problems with the policy or the settings file are listed, so the
user can pass them to IT. Save writes only what the user changed (a setting left as shown
keeps following policy's recommendation) to the settings file. Fireside builds its network
connections and sync timer when it starts, so the dialog says plainly that changes take
effect after a restart rather than pretending they already have.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

import app.policy
from app import settings
from app.errors import FiresideError
from app.policy.schema import MAX_SYNC_MINUTES, MAX_UNDO_SEND_SECONDS, MIN_SYNC_MINUTES
from app.settings import UserSettings
from ui.operations import show_error
from ui.settings.certificates import CaFiles
from ui.settings.lock import SourceNote
from ui.settings.proxy import ProxyChoice

if TYPE_CHECKING:
    from app.core import Core
    from app.policy import Policy
    from ui.bridge import CoreBridge

RESTART = "Fireside uses changed settings the next time it starts: quit and open it again."


class SettingsDialog(QDialog):
    """Settings the user may change, and those IT set. ``core`` and ``bridge`` keep the
    signature every window dialog has; ``policy`` and ``path`` default to the policy in
    force and the user's settings file (tests pass their own)."""

    def __init__(
        self,
        core: Core | None,
        bridge: CoreBridge | None,
        parent: QWidget | None = None,
        *,
        policy: Policy | None = None,
        path: Path | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.setMinimumWidth(560)
        self._policy = app.policy.load() if policy is None else policy
        self._path = path or settings.settings_path()
        self._stored, file_problems = settings.read(self._path)
        self._shown = settings.effective(self._policy, self._path)
        ca_files = self._shown.extra_ca_files
        self._initial = UserSettings(
            self._shown.proxy.value,
            # The user's own list as stored, files gone missing included, so they can be
            # seen and removed; policy's list when it enforces or recommends one.
            self._stored.extra_ca_files
            if self._stored.extra_ca_files is not None and not ca_files.locked
            else tuple(ca_files.value),
            self._shown.sync_interval_minutes.value,
            self._shown.undo_send_seconds.value,
        )

        self.proxy = ProxyChoice()
        self.ca_files = CaFiles()
        self.minutes = QSpinBox()
        self.minutes.setRange(MIN_SYNC_MINUTES, MAX_SYNC_MINUTES)
        self.minutes.setSuffix(" min")
        self.minutes.setAccessibleName("Minutes between syncs")
        self.undo_seconds = QSpinBox()
        least = self._shown.undo_send_seconds.minimum or 0
        self.undo_seconds.setRange(least, MAX_UNDO_SEND_SECONDS)
        self.undo_seconds.setSuffix(" s")
        if least == 0:  # Qt shows this text at the least value
            self.undo_seconds.setSpecialValueText("off (send at once)")
        self.undo_seconds.setAccessibleName("Seconds to undo a send")
        self.problems = self._problem_list(
            [*self._policy.errors, *file_problems, *self._shown.problems]
        )
        self.restart = QLabel(RESTART)
        self.restart.setObjectName("hint")
        self.restart.setWordWrap(True)
        self.restart.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)

        self._column = layout = QVBoxLayout(self)
        layout.addWidget(self._connection_group())
        layout.addWidget(self._sync_group())
        if self.problems is not None:
            layout.addWidget(self.problems)
        layout.addWidget(self.restart)
        layout.addWidget(self.buttons)
        self._show(self._initial)
        for signal in (
            self.proxy.changed,
            self.ca_files.changed,
            self.minutes.valueChanged,
            self.undo_seconds.valueChanged,
        ):
            signal.connect(self._changed)
        self._fit()

    # --- building -----------------------------------------------------------------------
    def _connection_group(self) -> QGroupBox:
        proxy_label = QLabel("Proxy:")
        proxy_label.setBuddy(self.proxy.system)
        ca_label = QLabel("Extra CA\ncertificates:")
        ca_label.setBuddy(self.ca_files.list)
        help_text = QLabel(
            "PEM files from your IT department, trusted besides the system's certificates."
        )
        help_text.setObjectName("hint")
        help_text.setWordWrap(True)
        return _group(
            "Connection",
            (proxy_label, self.proxy),
            (None, self._note(self._shown.proxy, self.proxy)),
            (ca_label, self.ca_files),
            (None, help_text),
            (None, self._note(self._shown.extra_ca_files, self.ca_files)),
        )

    def _sync_group(self) -> QGroupBox:
        label = QLabel("Sync &every:")
        label.setBuddy(self.minutes)
        row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(self.minutes)
        line.addWidget(QLabel("(new comments are also fetched when you press F5)"), 1)
        undo_label = QLabel("&Undo send:")
        undo_label.setBuddy(self.undo_seconds)
        undo_row = QWidget()
        undo_line = QHBoxLayout(undo_row)
        undo_line.setContentsMargins(0, 0, 0, 0)
        undo_line.addWidget(self.undo_seconds)
        undo_line.addWidget(
            QLabel("replies and posts wait this long, so you can take them back"), 1
        )
        return _group(
            "Sync",
            (label, row),
            (None, self._note(self._shown.sync_interval_minutes, self.minutes)),
            (undo_label, undo_row),
            (None, self._note(self._shown.undo_send_seconds, self.undo_seconds)),
        )

    def _note(self, setting: settings.Setting, field: QWidget) -> SourceNote:
        """The lock or recommendation note; a locked field is disabled and says why."""
        note = SourceNote(setting)
        if setting.locked:
            field.setEnabled(False)
            field.setToolTip(setting.locked)
            field.setAccessibleDescription(setting.locked)
        return note

    def _problem_list(self, problems: list[str]) -> QGroupBox | None:
        if not problems:
            return None
        group = QGroupBox("Problems with your organisation's or your settings")
        text = QLabel("\n".join(f"• {p}" for p in problems))
        text.setObjectName("error")
        text.setWordWrap(True)
        text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        hint = QLabel("The rest applies. Send these lines to your IT help desk.")
        hint.setObjectName("hint")
        layout = QVBoxLayout(group)
        layout.addWidget(text)
        layout.addWidget(hint)
        return group

    # --- values -------------------------------------------------------------------------
    def _show(self, values: UserSettings) -> None:
        self.proxy.set_value(values.proxy or "system")
        self.ca_files.set_files(values.extra_ca_files or ())
        self.minutes.setValue(values.sync_interval_minutes or settings.DEFAULT_SYNC_MINUTES)
        self.undo_seconds.setValue(
            settings.DEFAULT_UNDO_SEND_SECONDS
            if values.undo_send_seconds is None
            else values.undo_send_seconds
        )

    def current(self) -> UserSettings:
        """What the widgets show now."""
        return UserSettings(
            self.proxy.value(),
            self.ca_files.files(),
            self.minutes.value(),
            self.undo_seconds.value(),
        )

    def to_store(self) -> UserSettings:
        """What the file should hold: the user's changes, the rest as it was stored."""
        now, shown, stored = self.current(), self._initial, self._stored
        return UserSettings(
            *(
                getattr(now, name)
                if getattr(now, name) != getattr(shown, name)
                else getattr(stored, name)
                for name in settings.FIELDS
            )
        )

    def _changed(self) -> None:
        self.restart.setVisible(self.current() != self._initial)
        self._fit()

    def _fit(self) -> None:
        """Grow to what the contents need now. Qt's minimum size ignores that wrapped text
        needs more height, so without this the fields above a long note get squashed."""
        self._column.activate()
        height = self.sizeHint().height()
        self.setMinimumHeight(height)
        if self.height() < height:
            self.resize(self.width(), height)

    def save(self) -> None:
        if self.proxy.show_problem():
            self._fit()
            self.proxy.url.setFocus()
            return
        try:
            settings.write(self._path, self.to_store())
        except OSError as exc:
            show_error(
                self,
                FiresideError(
                    f"Your settings could not be saved to {self._path} "
                    f"({exc.strerror or exc}); nothing was changed."
                ),
            )
            return
        self.accept()


def _group(title: str, *rows: tuple[QLabel | None, QWidget]) -> QGroupBox:
    """A titled box of (label, field) rows: labels on the left, at the top of their row."""
    group = QGroupBox(title)
    grid = QGridLayout(group)
    grid.setColumnStretch(1, 1)
    for number, (label, field) in enumerate(rows):
        if label is not None:
            grid.addWidget(label, number, 0, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(field, number, 1)
    return group
