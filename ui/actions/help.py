"""The '?' sheet: every key from the registry, grouped by where it works."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QVBoxLayout

from ui.actions.registry import Command, Registry

COLUMNS = 3


def _balanced(
    scopes: list[tuple[str, list[Command]]],
    count: int,
) -> list[list[tuple[str, list[Command]]]]:
    """Scopes in order, split into at most ``count`` columns of similar height."""
    target = sum(len(cmds) + 2 for _, cmds in scopes) / count
    columns: list[list[tuple[str, list[Command]]]] = [[]]
    height = 0
    for scope in scopes:
        if columns[-1] and height >= target and len(columns) < count:
            columns.append([])
            height = 0
        columns[-1].append(scope)
        height += len(scope[1]) + 2
    return columns


def _scope_html(scope: str, commands: list[Command]) -> str:
    rows = "".join(
        f"<tr><td align='right' style='padding:3px 12px 3px 0'><b>"
        f"{html.escape(c.key_text)}</b></td><td style='padding:3px 0'>{html.escape(c.label)}"
        "</td></tr>"
        for c in commands
    )
    return f"<h3 style='margin-bottom:6px'>{html.escape(scope)}</h3><table>{rows}</table>"


class HelpDialog(QDialog):
    def __init__(self, registry: Registry, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        scopes: dict[str, list[Command]] = {}
        for command in registry:
            scopes.setdefault(command.scope, []).append(command)
        columns = QHBoxLayout()
        columns.setSpacing(36)
        for column in _balanced(list(scopes.items()), COLUMNS):
            label = QLabel("".join(_scope_html(scope, cmds) for scope, cmds in column))
            label.setTextFormat(Qt.TextFormat.RichText)
            label.setAlignment(Qt.AlignmentFlag.AlignTop)
            columns.addWidget(label)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 16)
        layout.addLayout(columns)
        layout.addWidget(buttons)
