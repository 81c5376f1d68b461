"""Spelling: which words of a text are misspelt, what to suggest instead, and the person's
own dictionary of words that are right although no dictionary knows them.

pyenchant over the dictionaries installed on the machine (hunspell on Linux; those the
installers carry on Windows and macOS, see app/text/bundled_enchant.py); it works offline.
Words the person adds go to one personal word list shared by every language (a plain-text
file in the data dir, one word a line, written by enchant). Without Enchant's C library
or any dictionary installed, :meth:`Spelling.checker` answers None (logged once) and the
text is simply not checked.

Loading a dictionary or suggesting words can take tens of milliseconds: front ends run
that through :meth:`Spelling.in_background`, on one thread of its own.
"""

from __future__ import annotations

import locale
import logging
import os
import re
import sys
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import msgspec

from app.text.bundled_enchant import use_bundled_enchant

if TYPE_CHECKING:
    import enchant

log = logging.getLogger(__name__)
#: Offered when the system's locale has no dictionary installed.
FALLBACK_LANGUAGE = "en_US"
MAX_SUGGESTIONS = 7
PERSONAL_WORDS_FILE = "dictionary.txt"
T = TypeVar("T")


class Word(msgspec.Struct, frozen=True):
    """A word of a text, where it starts (characters from the start of the text)."""

    text: str
    start: int

    @property
    def end(self) -> int:
        return self.start + len(self.text)


#: Spans no dictionary should judge, blanked (same length) before the text is split into
#: words: {variables} of a reply template, the target of a Markdown link or image, web
#: addresses and e-mail addresses.
_NOT_PROSE = re.compile(
    r"\{[^{}\s]*\}|\]\([^)\s]*\)|\b(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+\.[\w.-]+"
)
#: A word: letters, with apostrophes inside ("don't", and "it\\u2019s" with a curly one).
_WORD = re.compile(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)*")
#: Names written with capitals inside (GitHub, iPhone) and acronyms (KPI) are not judged.
_PLAIN_CASE = re.compile(r"[A-Z]?[^\W\d_A-Z]+(?:['\u2019][^\W\d_A-Z]+)*")


def words(text: str) -> tuple[Word, ...]:
    """The words a spell checker should look at: links, e-mail addresses, names with
    capitals inside, acronyms, {variables} and Markdown link targets are left out.

    A regular expression, not Enchant's tokenizer: this runs on the event loop at every
    keystroke, where loading Enchant's C library must not happen."""
    blanked = _NOT_PROSE.sub(lambda m: " " * len(m.group()), text)
    return tuple(
        Word(m.group(), m.start())
        for m in _WORD.finditer(blanked)
        if _PLAIN_CASE.fullmatch(m.group())
    )


def _frozen_root() -> Path | None:
    """Where a frozen (PyInstaller) Fireside keeps its files; None when run from source."""
    root = getattr(sys, "_MEIPASS", None) if getattr(sys, "frozen", False) else None
    return Path(root) if root else None


class Checker:
    """One language's dictionary with the person's own words."""

    def __init__(self, language: str, dictionary: enchant.Dict, spelling: Spelling) -> None:
        self.language = language
        self._dictionary = dictionary
        self._spelling = spelling

    def is_correct(self, word: str) -> bool:
        straight = word.replace("\u2019", "'")
        return self._dictionary.check(straight) or self._spelling.is_personal(straight)

    def misspelt(self, text: str) -> tuple[Word, ...]:
        """The words of ``text`` this language does not know, in order."""
        return tuple(w for w in words(text) if not self.is_correct(w.text))

    def suggestions(self, word: str) -> tuple[str, ...]:
        """What the person may have meant, most likely first."""
        return tuple(self._dictionary.suggest(word)[:MAX_SUGGESTIONS])

    def add(self, word: str) -> None:
        """Keep ``word`` as right, in every language, from now on."""
        self._spelling.add_personal(word.replace("\u2019", "'"))


class Spelling:
    """The installed languages and the personal dictionary at ``personal_words`` (a file;
    None keeps added words for this run only, as tests and a read-only data dir need)."""

    def __init__(self, personal_words: Path | None) -> None:
        self._personal_words = personal_words
        self._lock = threading.RLock()
        self._session: set[str] = set()
        self._opened: tuple[enchant.Broker, enchant.Dict | None] | None = None
        self._checkers: dict[str, Checker] = {}
        self._missing_logged = False
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="spelling")

    def in_background(self, job: Callable[[], T]) -> Future[T]:
        """Run ``job`` on the one spelling thread (loading a dictionary or suggesting
        words can take tens of milliseconds: never on an event loop)."""
        return self._worker.submit(job)

    def close(self) -> None:
        self._worker.shutdown(wait=False, cancel_futures=True)

    def _open(self) -> tuple[enchant.Broker, enchant.Dict | None]:
        """Enchant and the personal word list, loaded on first use (the command line
        never needs them)."""
        with self._lock:
            if self._opened is None:
                # a frozen macOS app carries its own Enchant: say where, before the import
                use_bundled_enchant(os.environ, _frozen_root())
                import enchant  # raises ImportError without the Enchant C library

                broker = enchant.Broker()
                personal = None
                if self._personal_words is not None:
                    self._personal_words.parent.mkdir(parents=True, exist_ok=True)
                    self._personal_words.touch(exist_ok=True)
                    personal = broker.request_pwl_dict(str(self._personal_words))
                self._opened = broker, personal
            return self._opened

    def available(self) -> bool:
        """Enchant could be loaded (False, logged once, when its C library is missing)."""
        try:
            self._open()
        except ImportError as exc:
            if not self._missing_logged:
                self._missing_logged = True
                log.warning("spell checking is off: %s", exc)
            return False
        return True

    def languages(self) -> tuple[str, ...]:
        """The language tags with a dictionary installed ("en_GB", "en_US", ...)."""
        if not self.available():
            return ()
        broker, _personal = self._open()
        return tuple(sorted(set(broker.list_languages())))

    def default_language(self) -> str | None:
        """The system's language when it has a dictionary, else US English, else any."""
        installed = self.languages()
        system = locale.getlocale()[0] or ""
        for wanted in (system, system.split("_")[0], FALLBACK_LANGUAGE):
            if wanted in installed:
                return wanted
        return installed[0] if installed else None

    def checker(self, language: str | None) -> Checker | None:
        """The checker for ``language`` (the default language for None); None when no
        dictionary for it is installed."""
        if not self.available():
            return None
        broker, _personal = self._open()
        tag = language or self.default_language()
        if tag is None or not broker.dict_exists(tag):
            return None
        with self._lock:
            if tag not in self._checkers:
                self._checkers[tag] = Checker(tag, broker.request_dict(tag), self)
            return self._checkers[tag]

    def is_personal(self, word: str) -> bool:
        _broker, personal = self._open()
        with self._lock:
            if word in self._session:
                return True
            return personal is not None and personal.check(word)

    def add_personal(self, word: str) -> None:
        _broker, personal = self._open()
        with self._lock:
            if personal is None:
                self._session.add(word)
            else:
                personal.add(word)
