"""File > Import VIP list…: choose the comms team's CSV, see what it would do (how many
people it finds and changes, who keeps a tier set by hand, which rows found nobody, which
lines were refused and why), then apply it. Nothing changes before Apply; File > Undo the
last VIP list import takes it back.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain import VIP_TIER_TITLES
from app.domain.vip_lists import VipImportDone, VipImportPreview
from app.errors import FiresideError
from app.text import plural
from ui.operations import run, show_error

if TYPE_CHECKING:
    from app.core import Core

#: Lines of each list shown in the preview (the counts say how many there are in all).
SHOWN = 200
HELP = (
    "A CSV file whose first line names its columns: email or name, network (blank for "
    "every network) and tier (top, senior, key or none)."
)


def summary(preview: VipImportPreview) -> str:
    """The preview in one sentence, counts first."""
    changing = len(preview.to_change)
    parts = [
        f"{plural.count(len(preview.matched), 'person', 'people')} found",
        f"{changing:,} will change",
    ]
    kept = sum(m.kept_by_hand for m in preview.matched)
    if kept:
        parts.append(f"{kept:,} keep the tier set by hand")
    parts.append(f"{plural.count(len(preview.unmatched), 'row')} found nobody")
    if preview.problems:
        parts.append(f"{plural.count(len(preview.problems), 'line')} refused")
    return f"{preview.file_name} ({preview.encoding}): " + ", ".join(parts) + "."


def match_lines(preview: VipImportPreview) -> list[str]:
    lines = []
    for m in preview.matched[:SHOWN]:
        new = VIP_TIER_TITLES[m.tier_new]
        if m.kept_by_hand:
            change = f"keeps {VIP_TIER_TITLES[m.tier_now]} (set by hand)"
        elif m.tier_now == m.tier_new:
            change = f"already {new}"
        else:
            change = f"{VIP_TIER_TITLES[m.tier_now]} → {new}"
        lines.append(f"Line {m.line}: {m.name} ({m.network}) — {change}")
    return lines


def problem_lines(preview: VipImportPreview) -> list[str]:
    found_nobody = [f"Line {r.line}: {r.who} — found nobody" for r in preview.unmatched]
    refused = [f"Line {p.line}: refused — {p.message}" for p in preview.problems]
    return sorted(found_nobody + refused, key=lambda t: int(t.split(":")[0][5:]))[:SHOWN]


class VipImportDialog(QDialog):
    #: A sentence for the status bar once the list is applied.
    applied = Signal(str)

    def __init__(self, core: Core, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import VIP list")
        self.setObjectName("vipImportDialog")
        self._core = core
        self.preview: VipImportPreview | None = None
        self.help = QLabel(HELP)
        self.help.setWordWrap(True)
        self.choose = QPushButton("&Choose file…")
        self.choose.clicked.connect(self.choose_file)
        self.summary = QLabel("No file chosen yet.")
        self.summary.setWordWrap(True)
        self.summary.setObjectName("vipImportSummary")
        self.matches = QListWidget()
        self.matches.setAccessibleName("People the list finds")
        self.problems = QListWidget()
        self.problems.setAccessibleName("Rows that found nobody or were refused")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.apply_button = self.buttons.addButton("&Apply", QDialogButtonBox.ButtonRole.AcceptRole)
        self.apply_button.setEnabled(False)
        self.apply_button.clicked.connect(self.apply)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.help)
        layout.addWidget(self.choose)
        layout.addWidget(self.summary)
        layout.addWidget(QLabel("Found:"))
        layout.addWidget(self.matches, 2)
        layout.addWidget(QLabel("Not applied:"))
        layout.addWidget(self.problems, 1)
        layout.addWidget(self.buttons)
        self.resize(640, 520)

    def choose_file(self) -> None:
        chooser = QFileDialog(self, "Choose a VIP list")
        chooser.setNameFilter("CSV files (*.csv *.txt);;Every file (*)")
        chooser.setFileMode(QFileDialog.FileMode.ExistingFile)
        chooser.fileSelected.connect(lambda name: self.read_file(Path(name)))
        chooser.open()  # not exec(): the event loop (and any sync) goes on

    def read_file(self, path: Path) -> None:
        self.apply_button.setEnabled(False)
        self.summary.setText(f"Reading {path.name}…")

        def failed(exc: BaseException) -> None:
            self.preview = None
            self.matches.clear()
            self.problems.clear()
            if isinstance(exc, FiresideError):  # the file is no VIP list: say why, here
                self.summary.setText(str(exc))
            else:
                self.summary.setText("The file could not be read.")
                show_error(self, exc)

        run(self, self._core.vips.preview_list(path), on_done=self.show_preview, on_error=failed)

    def show_preview(self, preview: VipImportPreview) -> None:
        self.preview = preview
        self.summary.setText(summary(preview))
        self.matches.clear()
        self.matches.addItems(match_lines(preview))
        self.problems.clear()
        self.problems.addItems(problem_lines(preview))
        self.apply_button.setEnabled(bool(preview.to_change))

    def apply(self) -> None:
        preview = self.preview
        if preview is None or not preview.to_change:
            return
        self.apply_button.setEnabled(False)

        def done(result: VipImportDone) -> None:
            self.applied.emit(
                f"VIP list {preview.file_name} applied: "
                f"{plural.count(result.changed, 'person', 'people')} changed. "
                "File > Undo the last VIP list import takes it back."
            )
            self.accept()

        run(self, self._core.vips.apply_list(preview), on_done=done)


def undo_last_list(core: Core, parent: QWidget, say: Callable[[str], None]) -> None:
    """File > Undo the last VIP list import: put the tiers back, and say so."""

    def said(undone: tuple[str, int] | None) -> None:
        if undone is None:
            say("No VIP list to undo.")
            return
        name, count = undone
        say(f"Undid the VIP list {name}: {plural.count(count, 'person', 'people')} put back.")

    run(parent, core.vips.undo_last_list(), on_done=said)
