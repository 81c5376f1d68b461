"""Whether a comment is written in English, for the English-only sentence encoder
(``app.text.minilm``): ``py3langid`` (Adrien Barbaresi's maintained port of langid.py,
BSD-3-Clause; its model is in its wheel), told to choose among the languages the
multilingual encoder reads (``LANGUAGES``). Left free to choose among all of its 97, it
called 6 English questions of the labelled sets Nigerian Pidgin ("Is the Helix 5 GA date
still October?"); among these, 2 of their 978 comments were misread, both "+1".

It also tells a comment in a language the multilingual encoder was not trained on
(:attr:`Reading.UNKNOWN`): there its vectors say little, and two Norwegian questions about
different things ("Kan vi søke på stillinger i Aurelia?", "Får vi ansattbilletter hos
Aurelia nå?") had a cosine over 0.8, so "same question" ticks no such row at the start. The
identifier chooses among ``LANGUAGES`` and ``OTHER_LANGUAGES`` (those written at work that
it tells apart well; with all of its languages, 35 of 2,180 English comments of the
labelled sets read as Nigerian Pidgin, Afrikaans, Latin...): over the ten labelled sets, 12
of 3,439 comments in the encoder's languages read as another, most of three words or fewer
("Bonus timing?"), and all 18 in Norwegian and Swedish as theirs.
"""

from __future__ import annotations

import enum
import functools
from typing import Any

#: The languages of Google's multilingual Universal Sentence Encoder v3 (``app.text.encoder``).
LANGUAGES = (
    "ar", "de", "en", "es", "fr", "it", "ja", "ko", "nl", "pl", "pt", "ru", "th", "tr", "zh",
)  # fmt: skip
#: Languages people write at work that the multilingual encoder was not trained on.
OTHER_LANGUAGES = (
    "az", "be", "bg", "bn", "bs", "ca", "cs", "cy", "da", "el", "et", "eu", "fa", "fi", "gu",
    "he", "hi", "hr", "hu", "hy", "id", "is", "ka", "kk", "km", "kn", "lo", "lt", "lv", "mk",
    "ml", "mn", "mr", "ms", "my", "ne", "nn", "no", "pa", "ro", "si", "sk", "sl", "sq", "sr",
    "sv", "sw", "ta", "te", "tl", "uk", "ur", "uz", "vi",
)  # fmt: skip


class Reading(enum.Enum):
    """Which of the encoders read a comment's language."""

    ENGLISH = "english"  # both: the multilingual and the English one
    MULTILINGUAL = "multilingual"  # another of the multilingual encoder's languages
    UNKNOWN = "unknown"  # a language the multilingual encoder was not trained on


@functools.cache
def _identifier() -> Any:  # py3langid has no type hints
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_modelpath(MODEL_DIR / MODEL_FILE)
    identifier.set_languages([*LANGUAGES, *OTHER_LANGUAGES])
    return identifier


def reading(text: str) -> Reading:
    """How ``text`` is read: English when it reads as English more than as any other of
    ``LANGUAGES`` (as before ``OTHER_LANGUAGES`` were told: "Bonus timing?" may read as
    Lithuanian); else unknown when it reads as one of ``OTHER_LANGUAGES`` more than as any
    of ``LANGUAGES``."""
    ranked = [language for language, _ in _identifier().rank(text)]
    if next(language for language in ranked if language in LANGUAGES) == "en":
        return Reading.ENGLISH
    return Reading.UNKNOWN if ranked[0] not in LANGUAGES else Reading.MULTILINGUAL
