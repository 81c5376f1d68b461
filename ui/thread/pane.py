"""The detail pane: the thread around the current comment, loaded off the UI thread.

``show_comment(id)`` asks the core for the chain and the replies; a late answer for a
comment that is no longer current is dropped. ``reload()`` (the inbox changed) reads again
but re-renders only when the thread did change: a sync page that brings nothing new to
this thread costs no layout on the UI thread. Links open only through
``browser.confirm_and_open``; hovering one shows its real address via ``message``. The
header names the network the thread is on, with the same chip as the inbox row.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, Qt, QUrl, Signal
from PySide6.QtGui import QAction, QPalette
from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolButton, QVBoxLayout, QWidget

from app.domain import Thread
from ui import operations, theme
from ui.common.chips import chip_style
from ui.common.networks import row_chip, where
from ui.thread.browser import SafeBrowser, confirm_and_open
from ui.thread.render import ThreadRenderer
from ui.workspace import ProvenanceLine

if TYPE_CHECKING:
    from app.core import Core

EMPTY = (
    "<p style='margin-top:40px' align='center'>Nothing selected.</p>"
    "<p align='center'>Move with j and k, open a thread with Enter, "
    "press ? for every key.</p>"
)


class ThreadPane(QWidget):
    message = Signal(str)  # a link's real address, as the mouse or Tab reaches it

    def __init__(self, core: Core, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._core = core
        self._wanted: int | None = None
        self._shown: tuple[int, Thread] | None = None  # what is rendered
        self._post_url = ""
        #: While a reply is written, the comment it answers is scrolled into sight.
        self.keep_answered_in_sight = False
        heading = QLabel("Conversation")
        heading.setObjectName("hint")
        self.network = QLabel()
        self.network.setObjectName("networkChip")
        self.network.hide()
        self.open_post = QToolButton()
        self.open_post.setText("Open post")
        self.open_post.setIcon(theme.icon("link"))
        self.open_post.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.open_post.clicked.connect(lambda: confirm_and_open(self, QUrl(self._post_url)))
        self.open_post.hide()
        self.browser = SafeBrowser()
        self.browser.setObjectName("thread")
        self.browser.setAccessibleName("Conversation")
        self.browser.setAccessibleDescription(
            "The post, the comment and its replies. Tab moves from link to link; Enter "
            "opens the focused link after showing where it goes."
        )
        self.browser.highlighted.connect(
            lambda url: self.message.emit(url.toString(QUrl.ComponentFormattingOption.FullyEncoded))
        )
        # The pane shrinks as the composer opens under it, and the text reflows: keep the
        # comment answered at the top whenever the scroll range changes.
        self.browser.verticalScrollBar().rangeChanged.connect(self._range_changed)
        header = QHBoxLayout()
        header.addWidget(heading)
        header.addWidget(self.network)
        header.addStretch(1)
        header.addWidget(self.open_post)
        self._header = header
        #: Buttons for commands on the comment shown (``add_tool``), in the Tab order.
        self.tools: list[QToolButton] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 10, 12, 8)
        layout.addLayout(header)
        layout.addWidget(self.browser, 1)
        self.provenance = ProvenanceLine(core)
        layout.addWidget(self.provenance)
        self.clear()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            self.reload(force=True)  # the page's colours come from the palette
        super().changeEvent(event)

    @property
    def comment_id(self) -> int | None:
        return self._wanted

    def clear(self) -> None:
        self._wanted = None
        self._shown = None
        self.open_post.hide()
        self.network.hide()
        self.browser.setHtml(EMPTY)

    def add_tool(self, action: QAction, text: str) -> QToolButton:
        """A button in the header for a command on the comment shown (its author's page)."""
        button = QToolButton()
        button.setDefaultAction(action)
        button.setText(text)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self._header.insertWidget(self._header.count() - 1, button)
        self.tools.append(button)
        return button

    def show_comment(self, comment_id: int | None) -> None:
        if comment_id is None:
            self.clear()
            return
        if comment_id == self._wanted:
            return
        self._wanted = comment_id
        operations.run(
            self,
            self._core.inbox.thread(comment_id),
            on_done=lambda thread: self._render(comment_id, thread),
        )

    def reload(self, force: bool = False) -> None:
        """Show the current comment again (its thread may have changed)."""
        if force:
            self._shown = None
        wanted, self._wanted = self._wanted, None
        self.show_comment(wanted)

    def _render(self, comment_id: int, thread: Thread) -> None:
        if comment_id != self._wanted:
            return
        if not thread.chain:
            self.clear()
            return
        if self._shown == (comment_id, thread):
            return  # nothing changed since it was rendered
        self._shown = (comment_id, thread)
        comment = thread.chain[-1]
        self._post_url = comment.post_url or ""
        self.open_post.setVisible(bool(self._post_url))
        self.open_post.setToolTip(self._post_url)
        chip = row_chip(comment)
        self.network.setText(chip.text)
        style = chip_style(chip.hue, self.palette().color(QPalette.ColorRole.Window))
        if self.network.styleSheet() != style:  # each change re-polishes it (every j)
            self.network.setStyleSheet(style)
        self.network.setToolTip(f"On {where(comment)}")
        self.network.setAccessibleName(f"Network: {where(comment)}")
        self.network.show()
        self.browser.setHtml(ThreadRenderer(self.palette()).page(thread.chain, thread.replies))
        self.provenance.show_for_comment(comment.account_id, comment.remote_id)
        if self.keep_answered_in_sight:
            self.show_answered()

    def _range_changed(self, _low: int, _high: int) -> None:
        if self.keep_answered_in_sight:
            self.show_answered()

    def show_answered(self) -> None:
        """Scroll the comment the thread is opened on to the top of the pane: its card is
        the chain's last table (the post above the cards has none)."""
        if self._shown is None:
            return
        cards = self.browser.document().rootFrame().childFrames()
        answered = len(self._shown[1].chain) - 1
        if answered < len(cards):
            layout = self.browser.document().documentLayout()
            top = layout.frameBoundingRect(cards[answered]).top()
            self.browser.verticalScrollBar().setValue(int(top))
