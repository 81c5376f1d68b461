"""Paints one inbox row in two calm lines:

    Author Name · Their title · Post title                      [Network]  3 h
    The first words of the comment, elided at the edge…      [Question] [Snoozed]

The network chip names the account too ("Blog · Corporate blog") when the person has
more than one account on that network (``ui.common.networks``).

with a focus ring on the current row whenever the list has the keyboard. The quieter
details are the row's text colour mixed into the row's background only as far as they
stay readable there (4.5:1), selected or not; chips are worked out for that background too.

As the row narrows, the comment keeps room for its first words and the author's name
stays whole: the chips give way first (their short forms, then "+2" for the last ones),
and the author's title and post go when only a few letters of them would show. The
row's tooltip then names every chip in full; its accessible text always does.

Each painted row is kept as a pixmap, keyed by everything that shows in it (its fields,
its relative time, size, state, palette, font): a repaint after new rows arrive or the
selection moves draws the rows already seen with one call each, instead of some thirty
text and shape calls. New rows are drawn in full only for ``PAINT_BUDGET_MS`` per paint
(a sync can bring a screenful at once); the rest get their two lines of text now and
their full look in the next frame or two, so painting never holds up the event loop.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Iterator

from PySide6.QtCore import QEvent, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QHelpEvent, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolTip,
)

from app.domain import InboxRow, TriageState, VipTier
from app.text import timefmt
from ui import theme
from ui.common import fonts
from ui.common.chips import CHIP_GAP, Chip, chip_font, chip_width, fit_chips, paint_chips
from ui.common.colours import Ink
from ui.common.fill import fill
from ui.common.networks import row_chip
from ui.inbox.match_marks import mark_chips
from ui.inbox.model import MATCH_ROLE, ROW_ROLE, Index
from ui.inbox.row_colours import RowColours, row_colours
from ui.inbox.speech import status_chips

PAD_X, PAD_Y, LINE_GAP = 14, 9, 5
MIN_WIDTH = 320
#: Memory for the painted rows kept (a row at 700 x 62 is ~170 KB, 4x that at 2x scale).
CACHE_BYTES = 24 * 1024 * 1024
#: Time one paint may spend drawing new rows in full; at least one row is always drawn.
PAINT_BUDGET_MS = 2.0
#: Drawn once, off to the side, so their glyphs are ready before the first rows come.
WARM_GLYPHS = (
    "".join(chr(c) for c in range(0x20, 0x7F)) + "·…—–‘’“”•★éèêëáàâäíìîïóòôöúùûüñçßøåæÉÁÖÜÑ€£@#"
)
#: A row's relative time ("4 min") is worked out again after this long.
WHEN_FRESH_S = 20.0
#: What a row shows; a change in any of them paints it afresh.
PAINTED_FIELDS = (
    "author_name",
    "author_title",
    "post_title",
    "network",
    "account_name",
    "network_shared",
    "snippet",
    "triage_state",
    "snoozed_until",
    "answered",
    "is_question",
    "edited_at",
    "reply_draft",
    "author_tier",
)
#: Before a VIP's name (the tier is said in words in the row's first chip).
STAR = "★"
#: On a narrow row the comment keeps room for this many characters; the chips give way.
SNIPPET_CHARS = 20
#: The author's title and the post's show only when this many of their characters fit.
REST_CHARS = 4


class InboxDelegate(QStyledItemDelegate):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._painted: OrderedDict[tuple, QPixmap] = OrderedDict()
        self._deadline = 0.0
        self._drawn = 0  # rows drawn in full during this paint
        self._frame: tuple = ()  # what every row of this paint shares, for the keys
        self._when: dict[str, tuple[str, float]] = {}  # created_at -> (text, worked out at)
        #: Where rows were left with their quick look in this paint: paint them again soon.
        self.deferred: list[QRect] = []

    def start_paint(self, font: QFont) -> None:
        """The view calls this before each paint: a new budget for drawing new rows."""
        now = time.perf_counter()
        self._deadline = now + PAINT_BUDGET_MS / 1000
        self._drawn = 0
        self.deferred = []
        self._frame = (font.key(), theme.scheme())
        if len(self._when) > 4096:
            self._when.clear()

    def forget_times(self) -> None:
        """Work out every row's times again at its next paint (the zone or the day changed): its
        own, and a snooze's in its chips, which the painted rows' keys do not hold."""
        self._when.clear()
        self._painted.clear()

    def _relative(self, stamp: str) -> str:
        now = time.monotonic()
        known = self._when.get(stamp)
        if known is None or now - known[1] > WHEN_FRESH_S:
            known = self._when[stamp] = (timefmt.relative(stamp), now)
        return known[0]

    @staticmethod
    def warm_up(option: QStyleOptionViewItem) -> Iterator[None]:
        """Do once, a slice per step, what the first rows would otherwise pay for in one
        paint (in the middle of a sync): load the fonts (tens of ms the first time), draw
        their common glyphs, and paint sample rows in each state off screen."""
        canvas = QPixmap(8, 8)
        for each in (option.font, fonts.bold(option.font), chip_font(option.font)):
            QFontMetrics(each).height()
            yield
            for start in range(0, len(WARM_GLYPHS), 48):
                painter = QPainter(canvas)
                painter.setFont(each)
                painter.drawText(0, 8, WARM_GLYPHS[start : start + 48])
                painter.end()
                yield
        stamp = timefmt.now().isoformat()
        sample = InboxRow(
            id=0,
            created_at=stamp,
            triage_state=TriageState.SNOOZED,
            snoozed_until=stamp,
            is_question=True,
            answered=False,
            edited_at=stamp,
            snippet="Words",
            author_name="Sample",
            author_title="Title",
            author_department="",
            post_title="Post",
            network="",
            account_name="",
            network_shared=False,
            reply_draft=True,
            author_tier=VipTier.KEY,
        )
        row = QPixmap(max(option.rect.width(), MIN_WIDTH), max(option.rect.height(), 40))
        for selected, focused in ((False, False), (True, True), (True, False)):
            painter = QPainter(row)
            _paint(
                painter, option, sample, [], "now", selected=selected, focused=focused, ring=focused
            )
            _paint_quick(painter, option, sample, selected, focused)
            painter.end()
            yield

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        height = (
            2 * PAD_Y
            + LINE_GAP
            + QFontMetrics(fonts.bold(option.font)).height()
            + option.fontMetrics.height()
        )
        return QSize(MIN_WIDTH, height)  # a list row always spans the viewport's width

    def helpEvent(
        self,
        event: QHelpEvent,
        view: QAbstractItemView,
        option: QStyleOptionViewItem,
        index: Index,
    ) -> bool:  # Qt override
        """A row that shows chips short or leaves some out names them all in its tooltip."""
        row = index.data(ROW_ROLE)
        if event.type() == QEvent.Type.ToolTip and row is not None:
            marks = mark_chips(*(index.data(MATCH_ROLE) or (None, False)))
            tip = chips_tooltip(option, row, marks, self._relative(row.created_at))
            if tip:
                QToolTip.showText(event.globalPos(), tip, view, option.rect)
                return True
        return super().helpEvent(event, view, option, index)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        row = index.data(ROW_ROLE)
        if row is None:
            return
        chips = mark_chips(*(index.data(MATCH_ROLE) or (None, False)))
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        focused = option.widget is not None and option.widget.hasFocus()
        ring = bool(option.state & QStyle.StateFlag.State_HasFocus) and focused
        hover = bool(option.state & QStyle.StateFlag.State_MouseOver)
        when = self._relative(row.created_at)
        device = painter.device()
        scale = device.devicePixelRatioF() if device is not None else 1.0
        size = option.rect.size()
        key = (
            row.id,
            tuple(getattr(row, f) for f in PAINTED_FIELDS),
            tuple(chip.text for chip in chips),
            when,
            size.width(),
            size.height(),
            selected,
            selected and focused,
            ring,
            hover,
            option.palette.cacheKey(),
            option.palette.currentColorGroup(),
            scale,
            self._frame,
        )
        pixmap = self._painted.get(key)
        if pixmap is not None:
            self._painted.move_to_end(key)
        elif self._drawn and time.perf_counter() > self._deadline:
            _paint_quick(painter, option, row, selected, focused)
            self.deferred.append(QRect(option.rect))
            return
        else:
            pixmap = self._paint_row(
                option, row, chips, when, scale, selected=selected, focused=focused, ring=ring
            )
            self._keep(key, pixmap, size, scale)
            self._drawn += 1
        painter.drawPixmap(option.rect.topLeft(), pixmap)

    def _keep(self, key: tuple, pixmap: QPixmap, size: QSize, scale: float) -> None:
        self._painted[key] = pixmap
        kept = max(32, CACHE_BYTES // max(1, int(size.width() * size.height() * 4 * scale**2)))
        while len(self._painted) > kept:
            self._painted.popitem(last=False)

    def _paint_row(
        self,
        option: QStyleOptionViewItem,
        row: InboxRow,
        marks: list[Chip],
        when: str,
        scale: float,
        *,
        selected: bool,
        focused: bool,
        ring: bool,
    ) -> QPixmap:
        size = option.rect.size()
        pixmap = QPixmap(size * scale)
        pixmap.setDevicePixelRatio(scale)
        pixmap.fill(option.palette.color(QPalette.ColorRole.Base))
        local = QStyleOptionViewItem(option)
        local.rect = QRect(0, 0, size.width(), size.height())
        painter = QPainter(pixmap)
        try:
            _paint(painter, local, row, marks, when, selected=selected, focused=focused, ring=ring)
        finally:
            painter.end()
        return pixmap


def _paint_quick(
    painter: QPainter, option: QStyleOptionViewItem, row: InboxRow, selected: bool, focused: bool
) -> None:
    """A row's look for a frame or two, at a tenth of the cost: its selection and name
    (the list has painted the background already)."""
    look = row_colours(option.palette, selected=selected, solid=selected and focused, hover=False)
    if selected:
        _background(painter, option, look)
    painter.setPen(look.text)
    painter.setFont(option.font)
    painter.drawText(
        option.rect.left() + PAD_X,
        option.rect.top() + PAD_Y + option.fontMetrics.ascent(),
        row.author_name,
    )


def _paint(
    painter: QPainter,
    option: QStyleOptionViewItem,
    row: InboxRow,
    marks: list[Chip],
    when: str,
    *,
    selected: bool,
    focused: bool,
    ring: bool,
) -> None:
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    palette = option.palette
    rect = option.rect
    hover = bool(option.state & QStyle.StateFlag.State_MouseOver)
    look = row_colours(palette, selected=selected, solid=selected and focused, hover=hover)
    _background(painter, option, look)
    text, dim, back, outline = look.text, look.quiet, look.background, look.outline
    quiet = row.triage_state is not TriageState.OPEN or row.answered

    bold, small = fonts.bold(option.font), chip_font(option.font)
    whole_name = _name_width(option, row)
    network, states = fitted_chips(option, row, marks, when, whole_name)
    top = rect.top() + PAD_Y
    first = QRect(rect.left() + PAD_X, top, rect.width() - 2 * PAD_X, QFontMetrics(bold).height())
    right = _right_text(painter, first, when, option.font, dim)
    right = paint_chips(
        painter,
        first,
        right - CHIP_GAP * 2,
        [network],
        font=small,
        background=back,
        outline=outline,
    )
    painter.setFont(bold)
    painter.setPen(dim if quiet else text)
    name = _name(row)
    name_width = min(whole_name, right - first.left() - CHIP_GAP)
    _text(painter, QRect(first.left(), top, name_width, first.height()), name)
    rest = " · ".join(p for p in (row.author_title, row.post_title) if p)
    painter.setFont(option.font)
    painter.setPen(dim)
    room = right - first.left() - name_width - CHIP_GAP
    if rest and room >= painter.fontMetrics().horizontalAdvance(f"  ·  {rest[:REST_CHARS]}…"):
        _text(painter, QRect(first.left() + name_width, top, room, first.height()), f"  ·  {rest}")

    second = QRect(
        first.left(), first.bottom() + 1 + LINE_GAP, first.width(), option.fontMetrics.height()
    )
    right = paint_chips(
        painter, second, second.right(), states, font=small, background=back, outline=outline
    )
    painter.setFont(option.font)
    painter.setPen(dim if quiet else text)
    _text(
        painter,
        QRect(second.left(), second.top(), right - second.left() - CHIP_GAP, second.height()),
        row.snippet,
    )

    if ring:
        _focus_ring(painter, rect, palette, selected)


def _name(row: InboxRow) -> str:
    return f"{STAR} {row.author_name}" if row.author_tier else row.author_name


def _name_width(option: QStyleOptionViewItem, row: InboxRow) -> int:
    return QFontMetrics(fonts.bold(option.font)).horizontalAdvance(_name(row)) + 2


def fitted_chips(
    option: QStyleOptionViewItem, row: InboxRow, marks: list[Chip], when: str, name_width: int
) -> tuple[Chip, list[Chip]]:
    """The row's chips as they fit its width: the network's after the whole name
    (``name_width`` pixels) on the first line (else in its short form), the states' after
    the comment's first ``SNIPPET_CHARS`` characters on the second (``fit_chips``: short
    forms, then "+N")."""
    small = QFontMetrics(chip_font(option.font))
    width = option.rect.width() - 2 * PAD_X
    when_width = QFontMetrics(option.font).horizontalAdvance(when)
    network = row_chip(row)
    if chip_width(small, network) > width - when_width - 3 * CHIP_GAP - name_width:
        network = network.shortened()
    snippet = " ".join(row.snippet.split())
    kept = snippet if len(snippet) <= SNIPPET_CHARS else f"{snippet[:SNIPPET_CHARS]}…"
    room = width - QFontMetrics(option.font).horizontalAdvance(kept) - CHIP_GAP
    return network, fit_chips(small, [*marks, *status_chips(row)], room)


def chips_tooltip(option: QStyleOptionViewItem, row: InboxRow, marks: list[Chip], when: str) -> str:
    """Every chip's full words when the row shows some of them shortened or left out
    ("" when they all show whole)."""
    whole = [row_chip(row), *marks, *status_chips(row)]
    network, states = fitted_chips(option, row, marks, when, _name_width(option, row))
    if [network, *states] == whole:
        return ""
    return " · ".join(chip.text for chip in whole)


def _background(painter: QPainter, option: QStyleOptionViewItem, look: RowColours) -> None:
    """Fill the row's background (the list has painted Base) and draw its rule."""
    palette, rect = option.palette, option.rect
    if look.fill is not None:
        fill(painter, rect, look.fill)
    line = QColor(palette.color(QPalette.ColorRole.Mid))
    line.setAlphaF(0.5)
    painter.setPen(line)
    painter.drawLine(rect.left() + PAD_X, rect.bottom(), rect.right() - PAD_X, rect.bottom())


def _text(painter: QPainter, rect: QRect, text: str) -> None:
    if rect.width() <= 0:
        return
    elided = painter.fontMetrics().elidedText(
        " ".join(text.split()), Qt.TextElideMode.ElideRight, rect.width()
    )
    painter.drawText(rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, elided)


def _right_text(painter: QPainter, line: QRect, text: str, font: QFont, color: QColor) -> int:
    """Draw ``text`` flush right on the line; return the x where it starts."""
    painter.setFont(font)
    painter.setPen(color)
    width = painter.fontMetrics().horizontalAdvance(text)
    painter.drawText(
        QRect(line.right() - width, line.top(), width, line.height()),
        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
        text,
    )
    return line.right() - width


def _focus_ring(painter: QPainter, rect: QRect, palette: QPalette, selected: bool) -> None:
    """The keyboard's ring: the selection's text colour on a selected row, else the
    scheme's focus colour (3:1 or more on the list either way)."""
    colour = palette.color(QPalette.ColorRole.HighlightedText) if selected else theme.ink(Ink.FOCUS)
    pen = painter.pen()
    pen.setColor(colour)
    pen.setWidthF(2)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawRoundedRect(QRectF(rect).adjusted(2, 2, -2, -2), 5, 5)
