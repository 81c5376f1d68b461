"""Posts and drafts that match a search, in a compact section above the comment results:

    Posts (2) · Drafts (1)
    [post]  Quarterly town hall: questions welcome
    [draft] Town hall follow-up

Enter (or a click) on a post narrows the inbox to that post; on a draft it opens the
draft in the editor. The core's ``Inbox.search`` finds comments, posts and drafts in one
read off the UI thread.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain import TitleHit
from ui import theme

#: At most this many posts and this many drafts are listed; "20+" says there are more.
HITS = 20
#: Rows in sight before the section scrolls: the comment results stay the main thing.
ROWS_SHOWN = 4
KIND_ROLE = Qt.ItemDataRole.UserRole + 1  # ("post" | "draft", id, title)


def _count(rows: Sequence[TitleHit]) -> str:
    return f"{HITS}+" if len(rows) > HITS else str(len(rows))


class SearchHits(QWidget):
    postChosen = Signal(int, str)  # post id, title
    draftChosen = Signal(int)  # draft id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.heading = QLabel()
        self.heading.setObjectName("hint")
        self.list = QListWidget()
        self.list.setObjectName("searchHits")
        self.list.setAccessibleName("Matching posts and drafts")
        self.list.setAccessibleDescription("Enter shows a post's comments or opens a draft.")
        self.list.setFrameShape(QFrame.Shape.NoFrame)
        self.list.setUniformItemSizes(True)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.itemClicked.connect(self._chosen)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.heading)
        layout.addWidget(self.list)
        self.hide()

    def show_hits(self, posts: Sequence[TitleHit], drafts: Sequence[TitleHit]) -> None:
        self.list.clear()
        for kind, rows in (("post", posts[:HITS]), ("draft", drafts[:HITS])):
            for row in rows:
                title = row.title or f"Untitled {kind}"
                item = QListWidgetItem(theme.icon(kind), f"{kind.title()}:  {title}")
                item.setData(KIND_ROLE, (kind, row.id, title))
                item.setToolTip(
                    "Enter shows this post's comments"
                    if kind == "post"
                    else "Enter opens this draft in the editor"
                )
                self.list.addItem(item)
        self.heading.setText(f"Posts ({_count(posts)}) · Drafts ({_count(drafts)})")
        self.heading.setToolTip("k from the first comment moves up here; Enter opens")
        shown = min(self.list.count(), ROWS_SHOWN)
        if shown:
            self.list.setFixedHeight(
                self.list.sizeHintForRow(0) * shown + 2 * self.list.frameWidth() + 4
            )
            self.list.setCurrentRow(0)
        self.setVisible(shown > 0)

    def clear(self) -> None:
        self.list.clear()
        self.hide()

    def count(self) -> int:
        return self.list.count()

    def titles(self) -> list[str]:
        return [self.list.item(i).text() for i in range(self.list.count())]

    def step(self, step: int) -> bool:
        """j/k inside the hits; False when that would leave them (the caller moves on)."""
        row = self.list.currentRow() + step
        if not 0 <= row < self.list.count():
            return False
        self.list.setCurrentRow(row)
        return True

    def activate(self) -> None:
        item = self.list.currentItem()
        if item is not None:
            self._chosen(item)

    def _chosen(self, item: QListWidgetItem) -> None:
        kind, item_id, title = item.data(KIND_ROLE)
        if kind == "post":
            self.postChosen.emit(item_id, title)
        else:
            self.draftChosen.emit(item_id)
