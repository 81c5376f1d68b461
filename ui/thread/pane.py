"""The detail pane: the thread around the current comment, loaded off the UI thread.

``show_comment(id)`` asks the core for the chain and the replies; a late answer for a
comment that is no longer current is dropped. ``reload()`` (the inbox changed) reads again
but re-renders only when the thread did change: a sync page that brings nothing new to
this thread costs no layout on the UI thread. Links open only through
``browser.confirm_and_open``; hovering one shows its real address via ``message``. The
header names the network the thread is on, with the same chip as the inbox row.

The header gives way as the pane narrows, never showing half a word: first the
"Conversation" heading goes, then the buttons show only their icons (their names and
tooltips stay), then the network chip drops the account's name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QUrl, Signal
from PySide6.QtGui import QAction, QPalette, QResizeEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolButton, QVBoxLayout, QWidget

from app.domain import Thread
from ui import operations, theme
from ui.common.chips import Chip, chip_style
from ui.common.compact import CompactRow
from ui.common.first_paint import FirstPaint
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
        self.heading = QLabel("Conversation")
        self.heading.setObjectName("hint")
        self.network = QLabel()
        self.network.setObjectName("networkChip")
        self.network.hide()
        self._chip: Chip | None = None  # the network's chip, in full
        self.open_post = QToolButton()
        self.open_post.setText("Open post")
        self.open_post.setAccessibleName("Open post")
        self.open_post.setIcon(theme.icon("link"))
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
        #: The buttons for the comment shown: words while there is room, icons when not.
        self.buttons = CompactRow()
        self.buttons.add(self.open_post)
        header = QHBoxLayout()
        header.addWidget(self.heading)
        header.addWidget(self.network)
        header.addStretch(1)
        header.addWidget(self.buttons)
        self._header = header
        #: Buttons for commands on the comment shown (``add_tool``), in the Tab order.
        self.tools: list[QToolButton] = []
        self._column = layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 10, 12, 8)
        layout.addLayout(header)
        layout.addWidget(self.browser, 1)
        self.provenance = ProvenanceLine(core)
        layout.addWidget(self.provenance)
        self.clear()
        #: The comment's thread is read once the pane has painted: a read out on the
        #: reading thread before then held up the window's first paint (thread
        #: hand-overs, the GIL) by 20-30 ms on a busy machine.
        self._painted = FirstPaint(self)
        self._painted.painted.connect(self._first_painted)

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
        self._chip = None
        self.open_post.hide()
        self.network.hide()
        self._fit_header()
        self.browser.setHtml(EMPTY)

    def resizeEvent(self, event: QResizeEvent) -> None:  # Qt override
        super().resizeEvent(event)
        self._fit_header()

    def _fit_header(self) -> None:
        """What of the header shows whole at the pane's width: the heading only beside
        the buttons' words, the account's name in the chip only beside their icons."""
        margins = self._column.contentsMargins()
        room = self.width() - margins.left() - margins.right()
        gap = max(self._header.spacing(), 0)
        chip = self._chip
        if chip is not None:
            label = self.network
            frame = label.sizeHint().width() - label.fontMetrics().horizontalAdvance(label.text())
            whole = label.fontMetrics().horizontalAdvance(chip.text) + frame + gap
            fits = whole + self.buttons.minimumSizeHint().width() <= room
            label.setText((chip if fits else chip.shortened()).text)
        network = self.network.sizeHint().width() + gap if chip is not None else 0
        wanted = self.heading.sizeHint().width() + gap + network + self.buttons.sizeHint().width()
        self.heading.setVisible(wanted <= room)
        self.buttons.refit()

    def add_tool(self, action: QAction, text: str) -> QToolButton:
        """A button in the header for a command on the comment shown (its author's page)."""
        button = QToolButton()
        button.setDefaultAction(action)
        button.setText(text)
        button.setAccessibleName(text)
        self.buttons.add(button, len(self.tools))
        self.tools.append(button)
        return button

    def show_comment(self, comment_id: int | None) -> None:
        if comment_id is None:
            self.clear()
            return
        if comment_id == self._wanted:
            return
        self._wanted = comment_id
        if not self._painted.done:
            return  # read once the pane has painted (``_first_painted``)
        operations.run(
            self,
            self._core.inbox.thread(comment_id),
            on_done=lambda thread: self._render(comment_id, thread),
        )

    def _first_painted(self) -> None:
        if self._wanted is not None:
            self.reload()

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
        self.open_post.setToolTip(f"Open the post in your browser: {self._post_url}")
        chip = self._chip = row_chip(comment)
        style = chip_style(chip.hue, self.palette().color(QPalette.ColorRole.Window))
        if self.network.styleSheet() != style:  # each change re-polishes it (every j)
            self.network.setStyleSheet(style)
        self.network.setToolTip(f"On {where(comment)}")
        self.network.setAccessibleName(f"Network: {where(comment)}")
        self.network.show()
        self._fit_header()
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
