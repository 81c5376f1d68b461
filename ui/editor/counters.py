"""Length counters under the editor, one per target: "1,234 / 20,000 · Sandbox".

A counter turns amber near the network's limit and red, with how much is over, past it.
"""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from ui import theme
from ui.common.colours import Ink

NEAR = 0.9

#: White on this red reads at 6.5:1, in every scheme.
OVER_BACKGROUND = "#b42318"


def style(level: str) -> str:
    """The counter's look at ``level`` ("ok", "near", "over") in the scheme in use."""
    if level == "near":
        return f"color:{theme.ink(Ink.WARNING).name()};font-weight:600"
    if level == "over":
        return (
            f"color:#ffffff;background:{OVER_BACKGROUND};border-radius:4px;padding:1px 6px;"
            "font-weight:600"
        )
    return "color:palette(placeholder-text)"


class LengthCounters(QWidget):
    """A row of labels; ``show_counts`` replaces them (targets change rarely, text often)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(16)
        self._layout.addStretch(1)
        self.labels: list[QLabel] = []

    def show_counts(self, targets: list[tuple[str, int, int]]) -> None:
        """``targets``: (name, limit, the text's length as that network counts it) per
        network the draft goes to."""
        while len(self.labels) < len(targets):
            label = QLabel()
            self._layout.insertWidget(len(self.labels), label)
            self.labels.append(label)
        while len(self.labels) > len(targets):
            self.labels.pop().deleteLater()
        for label, (name, limit, length) in zip(self.labels, targets, strict=True):
            level = "over" if length > limit else "near" if length >= NEAR * limit else "ok"
            text = f"{length:,} / {limit:,} · {name}"
            if level == "over":
                text += f" · {length - limit:,} over"
            label.setText(text)
            label.setProperty("level", level)
            label.setStyleSheet(style(level))
            label.setToolTip(f"{name} allows {limit:,} characters in a post.")
