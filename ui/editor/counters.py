"""Length counters under the editor, one per target: "1,234 / 20,000 · Sandbox".

A counter turns amber near the network's limit and red, with how much is over, past it.
"""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

NEAR = 0.9

STYLES = {
    "ok": "color:palette(placeholder-text)",
    "near": "color:#b26a00;font-weight:600",
    "over": "color:#ffffff;background:#b42318;border-radius:4px;padding:1px 6px;font-weight:600",
}


class LengthCounters(QWidget):
    """A row of labels; ``show_counts`` replaces them (targets change rarely, text often)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(16)
        self._layout.addStretch(1)
        self.labels: list[QLabel] = []

    def show_counts(self, length: int, targets: list[tuple[str, int]]) -> None:
        """``targets``: (name, limit) per network the draft goes to."""
        while len(self.labels) < len(targets):
            label = QLabel()
            self._layout.insertWidget(len(self.labels), label)
            self.labels.append(label)
        while len(self.labels) > len(targets):
            self.labels.pop().deleteLater()
        for label, (name, limit) in zip(self.labels, targets, strict=True):
            level = "over" if length > limit else "near" if length >= NEAR * limit else "ok"
            text = f"{length:,} / {limit:,} · {name}"
            if level == "over":
                text += f" · {length - limit:,} over"
            label.setText(text)
            label.setProperty("level", level)
            label.setStyleSheet(STYLES[level])
            label.setToolTip(f"{name} allows {limit:,} characters in a post.")
