"""The note under a setting that policy controls: a lock and the reason, or where a
recommended default came from."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from app.settings import Setting
from ui import theme

ICON_SIZE = QSize(16, 16)


class SourceNote(QWidget):
    """ "🔒 Set by your organisation (…)." for a locked setting (or "🔒 At least 30: set
    by …" for one policy bounds); "Recommended by your organisation (…)." for a default
    from policy; hidden otherwise."""

    def __init__(self, setting: Setting, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.icon = QLabel()
        self.icon.setPixmap(theme.icon("lock").pixmap(ICON_SIZE))
        self.icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.text = QLabel()
        self.text.setObjectName("hint")
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.icon)
        layout.addWidget(self.text, 1)
        bound = setting.locked or setting.minimum_reason
        if bound:
            self.text.setText(bound)
        elif setting.source.startswith("recommended"):
            self.icon.hide()
            self.text.setText(
                f"{setting.source[0].upper()}{setting.source[1:]}; you may change it."
            )
        else:
            self.hide()
