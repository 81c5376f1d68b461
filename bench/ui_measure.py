"""The Qt side of "next item", in this process under the offscreen platform.

Measures what happens after the store has answered: the inbox model's ``data()`` for the
next row (and ``fetchMore``'s part on the UI thread when the loaded rows run out: the page
itself is read on the store's reading thread) and the thread pane's work
(rendering the chain and replies to HTML and putting it in the browser). Imports the
colleague's ``ui`` code lazily; if it is missing or changed shape, returns a note instead.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from app.domain import InboxView
from app.store import Store, comments
from bench import qt
from bench.measure import Timings, timed


@dataclass
class UiResult:
    timings: Timings = field(default_factory=Timings)
    note: str = ""


def _application():
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    return QApplication.instance() or QApplication([])


def _walk_model(store: Store, out: Timings, rows: int) -> None:
    from app.core.inbox import Inbox
    from app.events import Events
    from ui.inbox.model import InboxModel

    model = InboxModel(Inbox(store, Events()))
    model.show_view(InboxView.NEEDS_REPLY)
    qt.run(_walk(model, out, rows))


async def _walk(model, out: Timings, rows: int) -> None:
    """``data()`` row after row; past the loaded rows, ``fetchMore`` (its UI-thread part:
    the page is read on the store's reading thread) and a wait for the rows."""
    from PySide6.QtCore import QModelIndex, Qt

    from ui.inbox.model import ROW_ROLE

    def data(row: int) -> None:
        index = model.index(row)
        model.data(index, ROW_ROLE)
        model.data(index, Qt.ItemDataRole.DisplayRole)

    for row in range(rows):
        if row >= model.rowCount():
            out.add("model:fetchMore", timed(lambda: model.fetchMore(QModelIndex())))
            await qt.until(lambda r=row: r < model.rowCount(), what="the next page")
        out.add("model:data", timed(lambda r=row: data(r)))


def _render_threads(store: Store, ids: list[int], out: Timings) -> None:
    from ui.thread.browser import SafeBrowser
    from ui.thread.render import ThreadRenderer

    browser = SafeBrowser()
    browser.resize(700, 900)
    renderer = ThreadRenderer(browser.palette())
    db = store.reader()
    for cid in ids:
        shown = comments.thread(db, cid)
        out.add(
            "render",
            timed(lambda t=shown: browser.setHtml(renderer.page(t.chain, t.replies))),
        )


def measure_ui(store: Store, ids: list[int], rows: int = 250) -> UiResult:
    """Model data() per next row (crossing page boundaries) and thread rendering."""
    result = UiResult()
    try:
        _application()
        _walk_model(store, result.timings, rows)
        _render_threads(store, ids, result.timings)
    except (ImportError, AttributeError, TypeError) as exc:
        result.note = f"ui measurements skipped ({type(exc).__name__}: {exc})"
    return result
