"""Turning comment HTML into plain text and tagging questions and mentions."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import nh3

from app.text.question_marks import QUESTION_MARKS
from app.text.remote_text import storable_text

#: Spanish opens a question with its own mark, and sometimes leaves the closing one out.
_OPENING_MARK = "¿"
_QUESTION_START = re.compile(
    r"^(?:(?:honest|quick|genuine) question[\s,:-]+)?"
    # exclamations, not questions: "What a year!", "How proud I am of this team."
    r"(?!what an?\b|how (?:great|cool|proud|amazing|awesome|exciting|lovely|nice|good"
    r"|brilliant|fantastic|wonderful)\b|who knew\b)"
    r"(?:who|what|when|where|why|how|will|would|can|could|should|is|are|do|does|did|any)\b",
    re.IGNORECASE,
)
#: A question asked as a statement ("I'd love to know whether the freeze ends").
_ASKS_INDIRECTLY = re.compile(
    r"\b(?:wonder(?:ing)?\s+(?:if|whether)|(?:(?:like|love) to know|any idea|anyone know)\s+"
    r"(?:if|whether|what|when|where|why|how|who))\b",
    re.IGNORECASE,
)
#: Japanese polite questions end in か after a polite or explanatory form ("ありますか",
#: "なくなるのでしょうか"); "そうですか" is "I see".
_JAPANESE_ASKING = re.compile(r"(?:です|ます|ません|でしょう|ました|でした|の)か$")
#: Hangul syllables are numbered by initial, vowel and final; finals ㄹ and ㅂ (of 28).
_HANGUL_FIRST, _HANGUL_COUNT, _FINALS = 0xAC00, 11172, 28
_FINAL_L, _FINAL_B = 8, 17
_SENTENCE_ENDS = re.compile(r"[.!\n。！]")
_SPACE = re.compile(r"\s+")
#: Elements whose content is not text a person wrote (nh3 drops it the same way).
_NOT_TEXT = frozenset({"script", "style"})
#: Up to this many tags nh3 is fast; beyond, its time grows with the cube of the nesting
#: depth (4,000 nested quotes: 0.2 s; 50,000: minutes on the database thread).
_NH3_TAGS = 1_000
#: Elements that end a word: their text must not run into the next element's.
_BREAKS = frozenset(
    {"p", "br", "li", "div", "tr", "td", "th", "blockquote", "pre", "hr", "table", "ul", "ol"}
    | {"h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "header", "footer"}
)


class _TextOf(HTMLParser):
    """Collects the text of an HTML fragment with many tags. HTMLParser is a tokenizer that
    builds no tree, so its time grows linearly with the input whatever the nesting."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0  # depth inside script, style...

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in _NOT_TEXT:
            self.hidden += 1
        elif tag in _BREAKS:
            self.parts.append(" ")

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        if tag in _BREAKS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _NOT_TEXT:
            self.hidden = max(0, self.hidden - 1)
        elif tag in _BREAKS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def html_to_text(body_html: str) -> str:
    """Plain text of a comment: tags dropped (by nh3, or by a tokenizer when there are too
    many for nh3), script and style content too, entities decoded (``&#0;`` and lone
    surrogates included: the result is ``storable_text``)."""
    body = storable_text(body_html)
    if body.count("<") <= _NH3_TAGS:
        spaced = re.sub(r"<(/p|br\s*/?|/li|/div)>", " ", body, flags=re.IGNORECASE)
        text = html.unescape(nh3.clean(spaced, tags=set()))
    else:
        parser = _TextOf()
        parser.feed(body)
        parser.close()
        text = "".join(parser.parts)
    return _SPACE.sub(" ", storable_text(text)).strip()


def is_question(text: str) -> bool:
    """A comment asks something when it has a question mark (in any script), or a sentence
    of it opens like a question, asks indirectly, or ends as a question does without a
    mark (:func:`ends_asking`)."""
    if not QUESTION_MARKS.isdisjoint(text) or _OPENING_MARK in text:
        return True
    for sentence in _SENTENCE_ENDS.split(text):
        said = sentence.strip()
        if said and (
            _QUESTION_START.match(said) or _ASKS_INDIRECTLY.search(said) or ends_asking(said)
        ):
            return True
    return False


def ends_asking(sentence: str) -> bool:
    """Whether a sentence (without its final stop) ends as a question does without a
    question mark: Japanese polite -か, Chinese 吗 (嗎), Korean formal -ㅂ니까 ("있습니까")
    and -ㄹ까요 ("할까요"; not "-니까요", "because")."""
    if _JAPANESE_ASKING.search(sentence) and sentence != "そうですか":
        return True
    return sentence.endswith(("吗", "嗎")) or any(
        sentence.endswith(ending)
        and _hangul_final(sentence[-len(ending) - 1 : -len(ending)]) == final
        for ending, final in (("니까", _FINAL_B), ("까요", _FINAL_L))
    )


def _hangul_final(syllable: str) -> int | None:
    """The final consonant's number of a Hangul syllable (0: none), None for anything else."""
    if len(syllable) != 1 or not 0 <= ord(syllable) - _HANGUL_FIRST < _HANGUL_COUNT:
        return None
    return (ord(syllable) - _HANGUL_FIRST) % _FINALS


def mentions(text: str, name: str) -> bool:
    """True when the text @-mentions the person by first name or full name."""
    if not name.strip():
        return False
    first = re.escape(name.split(maxsplit=1)[0])
    full = re.escape(name)
    return re.search(rf"(?<![\w.])@(?:{full}|{first})\b", text, re.IGNORECASE) is not None
