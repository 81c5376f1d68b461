"""Whether a comment is written in English, for the English-only sentence encoder
(``app.text.minilm``): ``py3langid`` (Adrien Barbaresi's maintained port of langid.py,
BSD-3-Clause; its model is in its wheel), told to choose among the languages the
multilingual encoder reads (``LANGUAGES``). Left free to choose among all of its 97, it
called 6 English questions of the labelled sets Nigerian Pidgin ("Is the Helix 5 GA date
still October?"); among these, 2 of their 978 comments were misread, both "+1".
"""

from __future__ import annotations

import functools
from typing import Any

#: The languages of Google's multilingual Universal Sentence Encoder v3 (``app.text.encoder``).
LANGUAGES = (
    "ar", "de", "en", "es", "fr", "it", "ja", "ko", "nl", "pl", "pt", "ru", "th", "tr", "zh",
)  # fmt: skip


@functools.cache
def _identifier() -> Any:  # py3langid has no type hints
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_modelpath(MODEL_DIR / MODEL_FILE)
    identifier.set_languages(list(LANGUAGES))
    return identifier


def is_english(text: str) -> bool:
    """Whether ``text`` reads as English more than as any other of ``LANGUAGES``."""
    return bool(_identifier().classify(text)[0] == "en")
