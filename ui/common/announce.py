"""Telling assistive technology what just happened: "Marked 1 comment done. u undoes it."
reaches a screen reader as an announcement (Qt 6.8's ``QAccessibleAnnouncementEvent``:
AT-SPI's Announcement on Linux, UI Automation's notification on Windows, an NSAccessibility
announcement on macOS), not only as text painted in the status bar.

``announce(source, text)`` posts one; whoever paints a result (the status bar, the
editor's status line, a dialog's outcome line) calls it with the same words. Polite
announcements wait for the screen reader to finish what it is saying; assertive ones
(something failed) interrupt it. ``announcements()`` is a Qt object whose ``said`` signal
repeats every announcement, for whoever wants to follow them (the tests do).
"""

from __future__ import annotations

import enum
import html
import re

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication, QLabel, QWidget

_TAG = re.compile(r"<[^>]+>")
_BREAK = re.compile(r"<br\s*/?>|</p>", re.IGNORECASE)


class Politeness(enum.Enum):
    """How an announcement waits for the screen reader (QAccessible's names)."""

    POLITE = "Polite"
    ASSERTIVE = "Assertive"


class Announcements(QObject):
    """Repeats every announcement: ``said(text, assertive)``."""

    said = Signal(str, bool)


def announcements() -> Announcements:
    """The application's announcements (one per QApplication, owned by it)."""
    app = QApplication.instance()
    found = app.findChild(Announcements, "fireside-announcements") if app else None
    if found is None:
        found = Announcements(app)
        found.setObjectName("fireside-announcements")
    return found


def plain(text: str) -> str:
    """``text`` without markup and runs of white space: what is said aloud."""
    spaced = _BREAK.sub(" ", text)
    return " ".join(html.unescape(_TAG.sub("", spaced)).split())


def announce(source: QWidget, text: str, politeness: Politeness = Politeness.POLITE) -> None:
    """Say ``text`` (plain or rich) to assistive technology, from ``source``'s place in
    the window. Qt drops it when no assistive technology listens."""
    # QtGui's accessibility classes load with the first announcement: creating their
    # Python enums (eight, with a hundred roles, events and states) cost the way to the
    # first paint ~2 ms.
    from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent

    words = plain(text)
    if not words:
        return
    event = QAccessibleAnnouncementEvent(source, words)
    event.setPoliteness(QAccessible.AnnouncementPoliteness[politeness.value])
    QAccessible.updateAccessibility(event)
    announcements().said.emit(words, politeness is Politeness.ASSERTIVE)


def tell(label: QLabel, text: str, politeness: Politeness = Politeness.POLITE) -> None:
    """Show ``text`` in ``label`` and announce it: one call for a result that is both
    painted and said. The announcement waits for the next turn of the event loop, so a
    label shown in the same call is in the accessibility tree by then."""
    label.setText(text)
    QTimer.singleShot(0, label, lambda: announce(label, text, politeness))
