"""Whether a comment is written in English, for the English-only sentence encoder
(``app.text.minilm``): ``py3langid`` (Adrien Barbaresi's maintained port of langid.py,
BSD-3-Clause; its model is in its wheel), told to choose among the languages the
multilingual encoder reads (``LANGUAGES``). Left free to choose among all of its 97, it
called 6 English questions of the labelled sets Nigerian Pidgin ("Is the Helix 5 GA date
still October?"); among these, 2 of their 978 comments were misread, both "+1".

It also tells a comment in a language the multilingual encoder was not trained on
(:attr:`Reading.known`): there its vectors say little, and two Norwegian questions about
different things ("Kan vi søke på stillinger i Aurelia?", "Får vi ansattbilletter hos
Aurelia nå?") had a cosine over 0.8, so "same question" ticks no such row at the start. The
identifier chooses among ``LANGUAGES`` and ``OTHER_LANGUAGES`` (those written at work that
it tells apart well; with all of its languages, 35 of 2,180 English comments of the
labelled sets read as Nigerian Pidgin, Afrikaans, Latin...): over the ten labelled sets, 12
of 3,439 comments in the encoder's languages read as another, most of three words or fewer
("Bonus timing?"), and all 18 in Norwegian and Swedish as theirs. Short Russian can read
as Ukrainian or Bulgarian ("Спасибо за новости!"); Macedonian, Serbian, Belarusian, Kazakh
and Mongolian are left out for that. A comment misread so only never starts ticked.
"""

from __future__ import annotations

import functools
from typing import Any

import msgspec

#: The languages of Google's multilingual Universal Sentence Encoder v3 (``app.text.encoder``).
LANGUAGES = (
    "ar", "de", "en", "es", "fr", "it", "ja", "ko", "nl", "pl", "pt", "ru", "th", "tr", "zh",
)  # fmt: skip
#: Languages people write at work that the multilingual encoder was not trained on.
OTHER_LANGUAGES = (
    "az", "bg", "bn", "bs", "ca", "cs", "cy", "da", "el", "et", "eu", "fa", "fi", "gu", "he",
    "hi", "hr", "hu", "hy", "id", "is", "ka", "km", "kn", "lo", "lt", "lv", "ml", "mr", "ms",
    "my", "ne", "nn", "no", "pa", "ro", "si", "sk", "sl", "sq", "sv", "sw", "ta", "te", "tl",
    "uk", "ur", "uz", "vi",
)  # fmt: skip


#: Words in a text too short for its language to be told from English's (:func:`reading`).
TERSE_WORDS = 4


class Reading(msgspec.Struct, frozen=True):
    """How the encoders read a comment's language."""

    #: It reads as English more than as any other of ``LANGUAGES``: the English encoder
    #: reads it too.
    english: bool
    #: It reads as one of ``LANGUAGES`` more than as any of ``OTHER_LANGUAGES``: the
    #: multilingual encoder was trained on its language.
    known: bool


@functools.cache
def _identifier() -> Any:  # py3langid has no type hints
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_modelpath(MODEL_DIR / MODEL_FILE)
    identifier.set_languages([*LANGUAGES, *OTHER_LANGUAGES])
    return identifier


def reading(text: str) -> Reading:
    """How ``text`` is read (:class:`Reading`). A text of ``TERSE_WORDS`` or fewer that is
    English more than any other of ``LANGUAGES`` counts as known however it reads among
    all ("Bonus timing?" reads as Lithuanian, "list pls" as Estonian): so few words say
    little about a language, and terse questions are asked again and again."""
    best = _identifier().classify(text)[0]
    if best in LANGUAGES:
        return Reading(english=best == "en", known=True)
    ranked = (language for language, _ in _identifier().rank(text))
    english = next(x for x in ranked if x in LANGUAGES) == "en"
    return Reading(english, known=english and len(text.split()) <= TERSE_WORDS)


def unload() -> None:
    """Let the identifier's model go (some 120 MB): after reading languages once outside
    the encoder's process (``app.store.migrations``)."""
    _identifier.cache_clear()
