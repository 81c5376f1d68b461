"""How the window names and colours a network wherever an item shows where it is from:
inbox rows, the thread pane, batch previews, the publish dialog, the sidebar's posts.

One chip per item: the network's short label ("Blog", "Matrix"), and the account's name
after it when the person has more than one account on that network. Presentation only:
what a network can do comes from its ``Capabilities``.
"""

from __future__ import annotations

from functools import cache
from typing import Protocol

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPixmap

from app.domain import InboxRow
from ui.common.chips import Chip

#: network -> (label, hue)
NETWORKS: dict[str, tuple[str, str]] = {
    "sandbox": ("Sandbox", "#8a6d3b"),
    "wordpress": ("Blog", "#21759b"),
    "yammer": ("Viva Engage", "#3d6fd1"),
    "teams": ("Teams", "#5b5fc7"),
    "slack": ("Slack", "#7c3a85"),
    "linkedin": ("LinkedIn", "#0a66c2"),
    "x": ("X", "#555555"),
    "matrix": ("Matrix", "#0a8a6a"),
    "mastodon": ("Mastodon", "#6364ff"),
}
UNKNOWN_HUE = "#777777"
#: The letter on a network's icon: 3:1 or more on every hue above (an icon, not text).
ICON_LETTER = "#ffffff"
#: An account name in a chip is cut to this many characters (the row has other things
#: to say); the full name is in the tooltips.
ACCOUNT_CHARS = 22


def network_label(network: str) -> str:
    return NETWORKS.get(network, (network.title(), UNKNOWN_HUE))[0]


def network_chip(network: str, account_name: str = "", shared: bool = False) -> Chip:
    """The network's chip; with the account's name when ``shared`` (the person has more
    than one account on this network)."""
    label, hue = NETWORKS.get(network, (network.title(), UNKNOWN_HUE))
    if shared and account_name:
        name = account_name.strip()
        if len(name) > ACCOUNT_CHARS:
            name = name[: ACCOUNT_CHARS - 1].rstrip() + "…"
        return Chip(f"{label} · {name}", hue, label)
    return Chip(label, hue)


class Placed(Protocol):
    """Anything that says where it is from: a comment, an outbox item."""

    @property
    def network(self) -> str: ...

    @property
    def account_name(self) -> str: ...


def row_chip(row: InboxRow) -> Chip:
    """The chip of a comment row."""
    return network_chip(row.network, row.account_name, row.network_shared)


def where(row: Placed) -> str:
    """Network and account in words, for tooltips and screen readers."""
    label = network_label(row.network)
    account = row.account_name
    return f"{label} · {account}" if account and account != label else label


@cache
def network_icon(network: str) -> QIcon:
    """A small rounded square in the network's hue with its label's first letter: how the
    sidebar marks which network each post is on."""
    label, hue = NETWORKS.get(network, (network.title(), UNKNOWN_HUE))
    icon = QIcon()
    for size in (16, 32, 48):
        pixmap = QPixmap(size, size)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(hue))
        painter.drawRoundedRect(QRectF(0, 0, size, size), size * 0.25, size * 0.25)
        font = QFont()
        font.setPixelSize(round(size * 0.62))
        font.setWeight(QFont.Weight.Bold)
        painter.setFont(font)
        painter.setPen(QColor(ICON_LETTER))
        painter.drawText(QRectF(0, 0, size, size), Qt.AlignmentFlag.AlignCenter, label[:1])
        painter.end()
        icon.addPixmap(pixmap)
    return icon
