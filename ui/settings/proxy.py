"""How Fireside reaches the internet: the system's proxy settings, none, or one proxy URL."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QGridLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QWidget,
)

from app.networks.connection import proxy_problem

PLACEHOLDER = "http://proxy.example.com:3128"


class ProxyChoice(QWidget):
    """Three radio buttons (arrow keys move between them) and the URL of a manual proxy."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.system = QRadioButton("Use the &system's proxy settings")
        self.system.setToolTip(
            "The proxy of your operating system, or the HTTPS_PROXY and NO_PROXY variables."
        )
        self.none = QRadioButton("&No proxy: connect directly")
        self.manual = QRadioButton("&Use this proxy:")
        self.url = QLineEdit()
        self.url.setPlaceholderText(PLACEHOLDER)
        self.url.setAccessibleName("Proxy URL")
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        self.error.hide()
        self._buttons = QButtonGroup(self)
        for button in (self.system, self.none, self.manual):
            self._buttons.addButton(button)
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.system, 0, 0, 1, 2)
        layout.addWidget(self.none, 1, 0, 1, 2)
        layout.addWidget(self.manual, 2, 0)
        layout.addWidget(self.url, 2, 1)
        layout.addWidget(self.error, 3, 1)
        layout.setColumnStretch(1, 1)
        self._buttons.buttonToggled.connect(self._toggled)
        self.url.textChanged.connect(self._edited)

    def set_value(self, proxy: str) -> None:
        button = {"system": self.system, "none": self.none}.get(proxy, self.manual)
        button.setChecked(True)
        self.url.setText("" if button is not self.manual else proxy)
        self._toggled()

    def value(self) -> str:
        if self.system.isChecked():
            return "system"
        if self.none.isChecked():
            return "none"
        return self.url.text().strip()

    def problem(self) -> str | None:
        """What is wrong with the manual URL (shown under it), or None."""
        if not self.manual.isChecked():
            return None
        url = self.value()
        if not url:
            return f"Type the proxy's address, like {PLACEHOLDER}."
        if proxy_problem(url) is None:
            return None
        return f"{url!r} is not a proxy address: type it in full, like {PLACEHOLDER}."

    def show_problem(self) -> bool:
        """Show the manual URL's problem, if any; True when there is one."""
        problem = self.problem()
        self.error.setText(problem or "")
        self.error.setVisible(problem is not None)
        return problem is not None

    def _toggled(self) -> None:
        self.url.setEnabled(self.manual.isChecked() and self.isEnabled())
        self.error.hide()
        self.changed.emit()

    def _edited(self) -> None:
        self.error.hide()
        self.changed.emit()
