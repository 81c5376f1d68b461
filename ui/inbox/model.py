"""The inbox list model: a lazy Qt model over the store, never a list of everything.

In a view (Needs reply, Questions, ..., optionally narrowed to one post) it holds the rows
loaded so far. A view opens with its first page (``Inbox.page``, a short indexed read on
the UI thread's read-only connection, so a view never paints empty): as many rows as the
list asks for to fill its height (``first``, at least ``FIRST_PAGE``), not a whole
``PAGE``, since reading and cleaning each row costs the window's thread. The next keyset
pages of ``PAGE`` rows, as the list scrolls or when it shows room below its last row
(``canFetchMore``/``fetchMore``, or ``fetch_page`` with what to do once the rows are in),
are read on the store's reading thread and added when they come (``paged``): one page in
flight at a time, and one planned against rows that changed meanwhile is asked for again.
A fixed result set (a search, "same question") is given whole.

``refresh(keep)`` brings the rows up to date without touching the UI thread's connection:
it re-reads the top ``keep`` rows (what is visible, current or selected, and at least the
rows loaded up to a ``PAGE``; never everything) on the store's reading thread and applies
the difference row by row when the answer comes, so rows that left the view disappear,
new ones appear, and the selection of the others stays put. Rows loaded below ``keep``
are let go (paging brings them back). Asked again while a read is out, it reads once more
when that one returns: any number of requests cost at most one read in flight and one
queued.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

import msgspec
from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from app.core.inbox import Inbox
from app.domain import NO_FILTER, InboxFilter, InboxRow, InboxView, SortKey
from app.domain.grouping import MatchConfidence
from app.domain.narrowing import at_or_before, sort_key
from ui.inbox.match_marks import spoken
from ui.inbox.speech import row_description, row_name
from ui.operations import run, show_error

log = logging.getLogger(__name__)

#: Rows read off the UI thread at a time: each page after the first, and past what a
#: refresh keeps.
PAGE = 100
#: The fewest rows a view opens with (read on the UI thread): the list asks for more when
#: more rows fit its height, so it never shows room below a view that has more.
FIRST_PAGE = 30
ROW_ROLE = Qt.ItemDataRole.UserRole + 1  # the InboxRow (for the delegate)
ID_ROLE = Qt.ItemDataRole.UserRole + 2  # the comment id
#: In a "same question" group: (MatchConfidence or None, whether it is the asked one).
MATCH_ROLE = Qt.ItemDataRole.UserRole + 3

Index = QModelIndex | QPersistentModelIndex


class _Plan(msgspec.Struct, frozen=True):
    """What one refresh reads, and the state of the model it was planned against."""

    generation: int  # bumped by every reset: an answer for an older one is dropped
    paged: int  # bumped when paging adds rows: an answer from before is read again
    view: InboxView | None
    post_id: int | None
    narrow: InboxFilter
    ids: tuple[int, ...]  # fixed rows: re-read these
    keep: int  # view: rows kept from the top
    cut: SortKey | None  # view: key of the last row kept


async def _read_plan(inbox: Inbox, plan: _Plan) -> list[InboxRow]:
    """Read on the store's reading thread."""
    if plan.view is None:
        return await inbox.rows(list(plan.ids))
    return await inbox.top(plan.view, plan.post_id, plan.keep + PAGE, plan.narrow)


class InboxModel(QAbstractListModel):
    #: A refresh's answer is about to be applied (rows may move, come and go).
    aboutToApply = Signal()
    #: A refresh's answer has been applied (or found unneeded): the rows are current.
    refreshed = Signal()
    #: A page asked for by ``fetchMore`` has been added (it may have been the last).
    paged = Signal()

    def __init__(self, inbox: Inbox, parent=None) -> None:
        super().__init__(parent)
        self._inbox = inbox
        self._rows: list[InboxRow] = []
        self._marks: dict[int, MatchConfidence] = {}
        self._seed: int | None = None
        self._view: InboxView | None = InboxView.NEEDS_REPLY
        self._post_id: int | None = None
        self._narrow = NO_FILTER
        self._exhausted = True
        self._changing = False
        self._generation = 0
        self._paged = 0
        self._busy = False  # a refresh read is out
        self._again = False  # and another was asked for meanwhile
        self._keep = PAGE
        self._waiting: list[Callable[[], None]] = []
        #: The next page being read: (generation, key of the row it follows), or None.
        self._fetching: tuple[int, SortKey | None] | None = None
        self._after_page: list[Callable[[], None]] = []  # to run once its rows are in

    # --- what is shown ------------------------------------------------------------------
    @property
    def view(self) -> InboxView | None:
        """The view shown, or None while showing a fixed result set."""
        return self._view

    @property
    def post_id(self) -> int | None:
        return self._post_id

    @property
    def generation(self) -> int:
        """Changes whenever the model is reset (another view, post or result set)."""
        return self._generation

    @property
    def narrow(self) -> InboxFilter:
        """The filters and order the view is shown with."""
        return self._narrow

    def show_view(
        self,
        view: InboxView,
        post_id: int | None = None,
        narrow: InboxFilter = NO_FILTER,
        *,
        first: int = FIRST_PAGE,
    ) -> None:
        """Show a view from its top ``first`` rows, read now; the rest page in later."""
        rows = self._inbox.page(view, post_id, None, first, narrow)
        self._narrow = narrow
        self._reset(view, post_id, rows, exhausted=len(rows) < first)

    def show_rows(
        self,
        rows: list[InboxRow],
        marks: Mapping[int, MatchConfidence] | None = None,
        seed: int | None = None,
    ) -> None:
        """A fixed result set (search, same question): all rows, no paging; a group's rows
        carry their confidence (``marks``) and the comment it was opened from (``seed``)."""
        self._reset(None, None, list(rows), exhausted=True)
        self._marks, self._seed = dict(marks or {}), seed

    @property
    def seed(self) -> int | None:
        """The comment the group shown was opened from; None when no group shows."""
        return self._seed

    @property
    def marks(self) -> Mapping[int, MatchConfidence]:
        """The confidence marks of the group shown (empty when no group shows)."""
        return self._marks

    def _reset(
        self, view: InboxView | None, post_id: int | None, rows: list[InboxRow], *, exhausted: bool
    ) -> None:
        self._changing = True
        try:
            self.beginResetModel()
            self._generation += 1
            self._view, self._post_id = view, post_id
            self._marks, self._seed = {}, None
            self._rows = rows
            self._exhausted = exhausted
            self._fetching, self._after_page = None, []  # a page out is for the old rows
            self.endResetModel()
        finally:
            self._changing = False

    def _key(self, row: InboxRow) -> SortKey:
        return sort_key(row, self._narrow.order_in(self._view))

    def last_key(self) -> SortKey | None:
        return self._key(self._rows[-1]) if self._rows else None

    # --- refreshing off the UI thread ---------------------------------------------------
    @property
    def refreshing(self) -> bool:
        return self._busy

    def refresh(self, keep: int | None = None, then: Callable[[], None] | None = None) -> None:
        """Re-read the top ``keep`` rows (default: what is loaded) on the reading thread,
        and at least the rows loaded up to a ``PAGE``: the read takes a page past them
        anyway, and rows just below the list stay for the keys about to reach them.
        ``then()`` runs once the rows are current."""
        self._keep = max(PAGE, keep if keep is not None else len(self._rows))
        if then is not None:
            self._waiting.append(then)
        if self._busy:
            self._again = True
            return
        self._start()

    def _start(self) -> None:
        keep = min(self._keep, len(self._rows)) if self._view is not None else 0
        plan = _Plan(
            self._generation,
            self._paged,
            self._view,
            self._post_id,
            self._narrow,
            tuple(r.id for r in self._rows) if self._view is None else (),
            keep,
            self._key(self._rows[keep - 1]) if keep else None,
        )
        self._busy, self._again = True, False
        run(
            self,
            _read_plan(self._inbox, plan),
            on_done=lambda fresh: self._answered(plan, fresh),
            on_error=self._failed,
        )

    def _answered(self, plan: _Plan, fresh: list[InboxRow]) -> None:
        if plan.generation == self._generation:
            if plan.paged != self._paged:
                self._again = True  # rows were paged in meanwhile: read them too
                self._keep = max(self._keep, len(self._rows))
            else:
                self.aboutToApply.emit()
                self._apply_plan(plan, fresh)
        self._finish()

    def _failed(self, exc: BaseException) -> None:
        show_error(None, exc)
        self._finish()

    def _finish(self) -> None:
        self._busy = False
        if self._again:
            self._start()
            return
        waiting, self._waiting = self._waiting, []
        self.refreshed.emit()
        for then in waiting:
            then()

    def _apply_plan(self, plan: _Plan, fresh: list[InboxRow]) -> None:
        if plan.view is not None:
            limit = plan.keep + PAGE
            self._exhausted = len(fresh) < limit
            if not self._exhausted and plan.cut is not None:  # the window that was kept
                order = plan.narrow.order_in(plan.view)
                fresh = [r for r in fresh if at_or_before(sort_key(r, order), plan.cut, order)]
        self._changing = True
        try:
            self._apply(fresh)
        finally:
            self._changing = False

    # --- reading rows -------------------------------------------------------------------
    def row_id(self, row: int) -> int:
        return self._rows[row].id

    def row_of(self, comment_id: int) -> int | None:
        return next((i for i, r in enumerate(self._rows) if r.id == comment_id), None)

    def ids(self) -> list[int]:
        return [r.id for r in self._rows]

    # --- QAbstractListModel -------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{row.author_name}: {row.snippet}"
        if role == Qt.ItemDataRole.AccessibleTextRole:
            mark = spoken(self._marks.get(row.id), row.id == self._seed)
            return f"{mark} {row_name(row)}" if mark else row_name(row)
        if role == MATCH_ROLE:
            return (self._marks.get(row.id), row.id == self._seed)
        if role == Qt.ItemDataRole.AccessibleDescriptionRole:
            return row_description(row)
        if role == ROW_ROLE:
            return row
        if role == ID_ROLE:
            return row.id
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
        )

    def canFetchMore(self, parent: Index) -> bool:
        return (
            not parent.isValid()
            and self._view is not None
            and not self._exhausted
            and not self._changing
        )

    def fetchMore(self, parent: Index) -> None:
        """Ask for the next page (``fetch_page``). Never while rows are changing: a
        listener of the change signals that asks for more meanwhile gets nothing."""
        if not parent.isValid():
            self.fetch_page()

    def fetch_page(self, then: Callable[[], None] | None = None) -> bool:
        """Read the next page on the store's reading thread (unless it is being read
        already); ``then()`` runs once its rows are in. False if there is none to read."""
        if not self.canFetchMore(QModelIndex()):
            return False
        if then is not None:
            self._after_page.append(then)
        if self._fetching is None:
            self._read_page()
        return True

    def _read_page(self) -> None:
        assert self._view is not None  # canFetchMore: a view, not fixed rows
        plan = self._fetching = (self._generation, self.last_key())
        run(
            self,
            self._inbox.page_after(self._view, self._post_id, plan[1], PAGE, self._narrow),
            on_done=lambda page: self._page_read(plan, page),
            on_error=lambda exc: self._page_failed(plan, exc),
        )

    def _page_read(self, plan: tuple[int, SortKey | None], page: list[InboxRow]) -> None:
        if self._fetching is not plan:
            return  # another view or result set is shown by now
        self._fetching = None
        if plan[1] != self.last_key():  # a refresh changed the rows meanwhile
            if not self.fetch_page():
                self._after_page = []
            return
        self._exhausted = len(page) < PAGE
        if page:
            self._paged += 1
            self._changing = True
            try:
                self.beginInsertRows(
                    QModelIndex(), len(self._rows), len(self._rows) + len(page) - 1
                )
                self._rows.extend(page)
                self.endInsertRows()
            finally:
                self._changing = False
        waiting, self._after_page = self._after_page, []
        self.paged.emit()
        for then in waiting:
            then()

    def _page_failed(self, plan: tuple[int, SortKey | None], exc: BaseException) -> None:
        if self._fetching is plan:
            self._fetching, self._after_page = None, []
            show_error(None, exc)

    # --- applying a fresh read ----------------------------------------------------------
    def _apply(self, fresh: list[InboxRow]) -> None:
        keep = {r.id for r in fresh}
        end = len(self._rows) - 1
        while end >= 0:  # remove runs of rows that left, from the bottom up
            if self._rows[end].id in keep:
                end -= 1
                continue
            start = end
            while start > 0 and self._rows[start - 1].id not in keep:
                start -= 1
            self.beginRemoveRows(QModelIndex(), start, end)
            del self._rows[start : end + 1]
            self.endRemoveRows()
            end = start - 1
        old = {r.id for r in self._rows}
        if [r.id for r in self._rows] != [r.id for r in fresh if r.id in old]:
            self.beginResetModel()  # the order changed: nothing to keep
            self._generation += 1
            self._rows = fresh
            self.endResetModel()
            return
        changed: list[int] = []
        pos = 0
        while pos < len(fresh):  # insert runs of new rows where they belong
            if fresh[pos].id in old:
                if self._rows[pos] != fresh[pos]:
                    self._rows[pos] = fresh[pos]
                    changed.append(pos)
                pos += 1
                continue
            stop = pos
            while stop < len(fresh) and fresh[stop].id not in old:
                stop += 1
            self.beginInsertRows(QModelIndex(), pos, stop - 1)
            self._rows[pos:pos] = fresh[pos:stop]
            self.endInsertRows()
            pos = stop
        if changed:  # only rows whose content changed are repainted
            self.dataChanged.emit(self.index(changed[0]), self.index(changed[-1]))
