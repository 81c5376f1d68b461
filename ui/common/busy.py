"""The thin bar that says "working on it" under a form while a core call runs."""

from __future__ import annotations

from PySide6.QtWidgets import QProgressBar


def busy_bar() -> QProgressBar:
    """An indeterminate, text-free bar, six pixels high, hidden until shown."""
    bar = QProgressBar()
    bar.setRange(0, 0)
    bar.setTextVisible(False)
    bar.setFixedHeight(6)
    bar.hide()
    return bar
