"""The "Set VIP tier" popup: every tier in words, highest first, the current one checked;
digits pick one (3 executive team ... 0 not a VIP)."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Signal
from PySide6.QtGui import QActionGroup
from PySide6.QtWidgets import QMenu

from app.domain import VIP_TIER_TITLES, VipTier


def tier_label(tier: VipTier) -> str:
    """ "&3  Executive team": the digit is the menu's key for it."""
    return f"&{int(tier)}  {VIP_TIER_TITLES[tier]}"


class TierMenu(QMenu):
    chosen = Signal(object)  # the VipTier picked

    def open_at(self, pos: QPoint, current: VipTier) -> None:
        self.clear()
        group = QActionGroup(self)
        for tier in sorted(VipTier, reverse=True):
            action = self.addAction(tier_label(tier))
            action.setCheckable(True)
            action.setChecked(tier == current)
            group.addAction(action)
            action.triggered.connect(lambda _=False, t=tier: self.chosen.emit(t))
        self.popup(pos)
        self.setActiveAction(self.actions()[0])  # the keyboard is in the menu at once
