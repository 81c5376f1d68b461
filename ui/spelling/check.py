"""Spell checking for any text box whose words are sent: ``attach_spell_check(edit,
spelling, language)`` on a QPlainTextEdit, QTextEdit or QLineEdit.

Misspelt words get a wavy red underline as you type. The dictionary is never asked on the
event loop: each word's verdict is cached, and words not seen yet go, in one batch, to the
spelling thread (``Spelling.in_background``); when the verdicts come back only the
paragraphs that were waiting are painted again. A right-click on a word, or
Ctrl+. (the ``text.spelling`` command) at the cursor, opens a menu with suggestions,
"Add to dictionary" (kept per user, in every language) and the language to check in.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from typing import Any, TypeVar

import shiboken6
from PySide6.QtCore import QObject, QPoint, Qt, Signal
from PySide6.QtGui import (
    QActionGroup,
    QInputMethodEvent,
    QSyntaxHighlighter,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextFormat,
    QTextLayout,
)
from PySide6.QtWidgets import QApplication, QLineEdit, QMenu, QPlainTextEdit, QTextEdit

from app.text.spelling import Checker, Spelling, Word, words
from ui import theme
from ui.actions import COMMANDS, Registry
from ui.common.colours import Ink

log = logging.getLogger(__name__)
T = TypeVar("T")
TextBox = QPlainTextEdit | QTextEdit | QLineEdit
#: Verdicts kept per text box before the cache starts again (a long session's vocabulary).
CACHE_LIMIT = 50_000


def misspelt_format() -> QTextCharFormat:
    fmt = QTextCharFormat()
    fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SpellCheckUnderline)
    fmt.setUnderlineColor(theme.ink(Ink.PROBLEM))  # the scheme's colour for a problem
    return fmt


class _Relay(QObject):
    """Hands finished futures from the spelling thread to the GUI thread. One for the
    application, living as long as it: the spelling thread only ever emits on an object
    that exists, and a text box gone by the time its answer arrives is skipped here."""

    finished = Signal(object)

    def __init__(self, parent: QObject | None) -> None:
        super().__init__(parent)
        self._waiting: dict[Future[Any], tuple[QObject, Callable[[Any], None]]] = {}
        # Queued even when the future is done by the time it is followed (its callback then
        # runs at once, on this thread): an answer never lands in the middle of painting.
        self.finished.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    def follow(self, owner: QObject, future: Future[T], then: Callable[[T], None]) -> None:
        self._waiting[future] = (owner, then)
        future.add_done_callback(self.finished.emit)

    def _deliver(self, future: Future[Any]) -> None:
        owner, then = self._waiting.pop(future, (None, None))
        if owner is None or then is None or not shiboken6.isValid(owner) or future.cancelled():
            return
        if (error := future.exception()) is not None:
            log.warning("spell check failed", exc_info=error)
            return
        then(future.result())


def _relay() -> _Relay:
    app = QApplication.instance()
    found = app.findChild(_Relay, "spellingRelay") if app is not None else None
    if found is None:
        found = _Relay(app)
        found.setObjectName("spellingRelay")
    return found


class SpellCheck(QObject):
    """The spell checking of one text box (its child: it goes when the box goes)."""

    #: The verdicts for a batch came back and the text was painted again.
    checked = Signal()
    #: A suggestions menu is open (the tests and screen readers follow it).
    menuShown = Signal(QMenu)
    #: The person chose another language in the menu (its owner may keep the choice).
    languageChanged = Signal(object)  # str | None

    def __init__(self, edit: TextBox, spelling: Spelling, language: str | None) -> None:
        super().__init__(edit)
        self.edit = edit
        self._spelling = spelling
        self.language = language
        self._verdicts: dict[str, bool] = {}
        self._waiting: set[str] = set()
        self._in_flight = False
        self._painter: _Underliner | _LineUnderliner
        if isinstance(edit, QLineEdit):
            self._painter = _LineUnderliner(edit, self)
        else:
            self._painter = _Underliner(edit.document(), self)
        edit.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        edit.customContextMenuRequested.connect(self._menu_at)
        Registry(COMMANDS).bind(
            edit, "text.spelling", self.menu_at_cursor, Qt.ShortcutContext.WidgetShortcut
        )

    # --- verdicts -------------------------------------------------------------------
    def verdict(self, word: str) -> bool | None:
        """True when right, False when misspelt, None while the dictionary is asked."""
        found = self._verdicts.get(word)
        if found is None:
            self._waiting.add(word)
        return found

    def misspelt(self) -> list[str]:
        """The words underlined now, in order."""
        return self._painter.underlined()

    def ask(self) -> None:
        """Send the words waiting for a verdict to the spelling thread (one batch at a
        time: what arrives meanwhile goes in the next)."""
        if self._in_flight or not self._waiting:
            return
        batch, self._waiting = sorted(self._waiting), set()
        self._in_flight = True
        spelling, language = self._spelling, self.language

        def judge() -> dict[str, bool]:
            checker = spelling.checker(language)
            if checker is None:  # no dictionary for it: nothing is marked
                return dict.fromkeys(batch, True)
            return {word: checker.is_correct(word) for word in batch}

        _relay().follow(self, spelling.in_background(judge), self._judged)

    def _judged(self, verdicts: dict[str, bool]) -> None:
        self._in_flight = False
        if len(self._verdicts) > CACHE_LIMIT:
            self._verdicts.clear()
        self._verdicts.update(verdicts)
        self._painter.repaint(set(verdicts))
        self.checked.emit()
        self.ask()

    def set_language(self, language: str | None) -> None:
        """Check in ``language`` (None: the system's) from now on: every word is judged
        again."""
        if language == self.language:
            return
        self.language = language
        self._verdicts.clear()
        self._painter.repaint(None)
        self.languageChanged.emit(language)

    # --- the suggestions menu -------------------------------------------------------
    def menu_at_cursor(self) -> None:
        rect = self.edit.cursorRect()
        if not isinstance(self.edit, QLineEdit):
            rect.translate(self.edit.viewport().pos())
        self._open_menu(self._painter.word_at_cursor(), rect.bottomLeft(), keyboard=True)

    def _menu_at(self, pos: QPoint) -> None:
        word = self._painter.word_at(pos)
        if not isinstance(self.edit, QLineEdit):
            pos = pos + self.edit.viewport().pos()
        self._open_menu(word, pos, keyboard=False)

    def _open_menu(self, word: Word | None, pos: QPoint, *, keyboard: bool) -> None:
        """Suggestions come from the spelling thread; the menu opens when they are in."""
        spelling, language = self._spelling, self.language
        misspelt = word is not None and self._verdicts.get(word.text) is False

        def suggest() -> tuple[Checker | None, tuple[str, ...], tuple[str, ...]]:
            checker = spelling.checker(language)
            found = checker.suggestions(word.text) if checker and word and misspelt else ()
            return checker, found, spelling.languages()

        def show(answer: tuple[Checker | None, tuple[str, ...], tuple[str, ...]]) -> None:
            checker, suggestions, languages = answer
            if checker is not None:
                self.language = checker.language
            menu = self._build_menu(word if misspelt else None, checker, suggestions, languages)
            self.menuShown.emit(menu)
            menu.popup(self.edit.mapToGlobal(pos))
            if keyboard and menu.actions():
                menu.setActiveAction(menu.actions()[0])

        _relay().follow(self, spelling.in_background(suggest), show)

    def _build_menu(
        self,
        word: Word | None,
        checker: Checker | None,
        suggestions: Iterable[str],
        languages: Iterable[str],
    ) -> QMenu:
        menu = QMenu(self.edit)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        if word is not None:
            offered = list(suggestions)
            for suggestion in offered:
                action = menu.addAction(suggestion)
                action.triggered.connect(lambda _=False, s=suggestion: self.replace(word, s))
            if not offered:
                menu.addAction("No suggestions").setEnabled(False)
            if checker is not None:
                add = menu.addAction(f"Add “{word.text}” to dictionary")
                add.triggered.connect(lambda: self.add_to_dictionary(word.text))
            menu.addSeparator()
        self._add_languages(menu.addMenu("Spelling language"), languages)
        standard = self._standard_menu()
        if standard is not None:
            menu.addSeparator()
            for action in standard.actions():
                action.setParent(menu)
                menu.addAction(action)
        return menu

    def _add_languages(self, menu: QMenu, languages: Iterable[str]) -> None:
        group = QActionGroup(menu)
        for tag in languages:
            action = menu.addAction(tag)
            action.setCheckable(True)
            action.setChecked(tag == self.language)
            group.addAction(action)
            action.triggered.connect(lambda _=False, t=tag: self.set_language(t))
        if not menu.actions():
            menu.addAction("No dictionary is installed").setEnabled(False)

    def _standard_menu(self) -> QMenu | None:
        """Cut, copy, paste... as the box offers them (read-only boxes offer fewer)."""
        return self.edit.createStandardContextMenu()

    def replace(self, word: Word, replacement: str) -> None:
        """Put ``replacement`` where ``word`` is (one step of the box's undo)."""
        self._painter.replace(word, replacement)

    def add_to_dictionary(self, word: str) -> None:
        self._verdicts[word] = True
        self._painter.repaint(None)

        def keep() -> None:
            checker = self._spelling.checker(self.language)
            if checker is not None:
                checker.add(word)

        _relay().follow(self, self._spelling.in_background(keep), lambda _: None)


def _word_at(text: str, index: int) -> Word | None:
    """The word of ``text`` under character ``index`` (or ending right before it)."""
    return next((w for w in words(text) if w.start <= index <= w.end), None)


class _Underliner(QSyntaxHighlighter):
    """Underlines a document's misspelt words, paragraph by paragraph, with the verdicts
    the SpellCheck has; a paragraph with words still unjudged is painted again when they
    are judged."""

    def __init__(self, document: QTextDocument, owner: SpellCheck) -> None:
        super().__init__(document)
        self._owner = owner
        self._format = misspelt_format()
        self._pending: dict[int, set[str]] = {}  # block number -> words it waits for

    def highlightBlock(self, text: str) -> None:  # Qt override
        waiting: set[str] = set()
        for word in words(text):
            verdict = self._owner.verdict(word.text)
            if verdict is False:
                self.setFormat(word.start, len(word.text), self._format)
            elif verdict is None:
                waiting.add(word.text)
        number = self.currentBlock().blockNumber()
        if waiting:
            self._pending[number] = waiting
            self._owner.ask()
        else:
            self._pending.pop(number, None)

    def repaint(self, judged: set[str] | None) -> None:
        """Paint again the paragraphs waiting for the ``judged`` words (every paragraph
        for None: a word was added, or the language changed).

        Qt reports new underlines as a change of the document, and the text box would
        say its text changed (an autosave, a preview) though no letter did: the box's
        signals are held while the underlines change."""
        edit = self._owner.edit
        held = edit.blockSignals(True)
        try:
            self._repaint(judged)
        finally:
            edit.blockSignals(held)

    def _repaint(self, judged: set[str] | None) -> None:
        document = self.document()
        if judged is None:
            self._pending.clear()
            self.rehighlight()
            return
        numbers = [n for n, wanted in self._pending.items() if wanted & judged]
        for number in numbers:
            block = document.findBlockByNumber(number)
            if block.isValid():
                self.rehighlightBlock(block)

    def underlined(self) -> list[str]:
        found = []
        for block in _blocks(self.document()):
            layout = block.layout()
            text = block.text()
            found += [
                text[r.start : r.start + r.length]
                for r in _ranges(layout)
                if r.format.underlineStyle() == QTextCharFormat.UnderlineStyle.SpellCheckUnderline
            ]
        return found

    def _edit(self) -> QPlainTextEdit | QTextEdit:
        edit = self._owner.edit
        assert not isinstance(edit, QLineEdit)
        return edit

    def word_at(self, pos: QPoint) -> Word | None:
        return self._word_of(self._edit().cursorForPosition(pos))

    def word_at_cursor(self) -> Word | None:
        return self._word_of(self._edit().textCursor())

    def _word_of(self, cursor: QTextCursor) -> Word | None:
        block = cursor.block()
        word = _word_at(block.text(), cursor.positionInBlock())
        return None if word is None else Word(word.text, block.position() + word.start)

    def replace(self, word: Word, replacement: str) -> None:
        cursor = QTextCursor(self.document())
        cursor.setPosition(word.start)
        cursor.setPosition(word.end, QTextCursor.MoveMode.KeepAnchor)
        cursor.insertText(replacement)


def _blocks(document: QTextDocument):
    block = document.firstBlock()
    while block.isValid():
        yield block
        block = block.next()


def _ranges(layout: QTextLayout | None) -> list[QTextLayout.FormatRange]:
    return [] if layout is None else list(layout.formats())


class _LineUnderliner(QObject):
    """A QLineEdit has no syntax highlighter: its misspelt words are underlined through
    the formats an input method may set (a QInputMethodEvent with no text to commit)."""

    def __init__(self, edit: QLineEdit, owner: SpellCheck) -> None:
        super().__init__(edit)
        self._edit = edit
        self._owner = owner
        self._underlined: list[Word] = []
        edit.textChanged.connect(lambda _text: self.repaint(None))
        self.repaint(None)

    def repaint(self, _judged: set[str] | None) -> None:
        text = self._edit.text()
        found = []
        for word in words(text):
            if self._owner.verdict(word.text) is False:
                found.append(word)
        self._owner.ask()
        self._underlined = found
        cursor = self._edit.cursorPosition()
        fmt = misspelt_format()
        attributes = [
            QInputMethodEvent.Attribute(
                QInputMethodEvent.AttributeType.TextFormat,
                word.start - cursor,
                len(word.text),
                QTextFormat(fmt),  # Qt casts the value to QTextFormat, not to the subclass
            )
            for word in found
        ]
        QApplication.sendEvent(self._edit, QInputMethodEvent("", attributes))

    def underlined(self) -> list[str]:
        return [word.text for word in self._underlined]

    def word_at(self, pos: QPoint) -> Word | None:
        return _word_at(self._edit.text(), self._edit.cursorPositionAt(pos))

    def word_at_cursor(self) -> Word | None:
        return _word_at(self._edit.text(), self._edit.cursorPosition())

    def replace(self, word: Word, replacement: str) -> None:
        self._edit.setSelection(word.start, len(word.text))
        self._edit.insert(replacement)


def attach_spell_check(edit: TextBox, spelling: Spelling, language: str | None) -> SpellCheck:
    """Check the spelling of ``edit`` in ``language`` (None: the system's language when a
    dictionary for it is installed)."""
    checker = SpellCheck(edit, spelling, language)
    edit.setProperty("spellCheck", True)
    return checker
