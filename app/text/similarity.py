"""Finding comments that ask the same question in different words.

Offline and cheap, in three steps:

1. **Question sentences.** A comment is split into sentences and only the ones that ask
   something are compared ("Thanks for the update." and "Asking for my team in Leeds."
   are what people wrap questions in, not the question). A comment that asks nothing is
   compared by its sentences that say something beyond thanks and praise.
2. **Features.** Words are folded, stop words and question framing ("is it going to",
   "quick one") dropped, the rest stemmed; words and phrases in the workplace concept
   table (``app/text/lexicon.py``) become one concept feature, so "layoffs", "job cuts"
   and "is my job safe" meet.
3. **Score.** Features are weighted by rarity (inverse document frequency over the whole
   store, see :class:`DocFrequencies`); two comments score the cosine of their best
   matching pair of question sentences.

"Same question" (``app.text.grouping``) adds these scores to its sentence vectors' ranking.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

from app.text.asking import asks, sentences
from app.text.lexicon import CONCEPTS, MODIFIERS

#: The score at which the words alone once counted two questions as the same (what
#: ``python -m bench --grouping`` measures the sentence vectors against).
THRESHOLD = 0.45
#: How much a feature's rarity counts, by kind: a concept from the lexicon is the surest
#: sign of what is asked; a word outside it may be a rare turn of phrase; a modifier
#: concept ("cut", "frozen") says what happens to the subject, not what it is.
CONCEPT_WEIGHT, WORD_WEIGHT, MODIFIER_WEIGHT = 1.0, 0.6, 0.5

#: A question in this many words or fewer says what it asks only with the sentences
#: around it (:func:`asks_tersely`).
TERSE_QUESTION_WORDS = 3

_WORD = re.compile(r"[^\W_]+")
_MENTION = re.compile(r"(?<![\w.])@[^\W_]+")

#: Words that carry no topic: grammar, question framing ("is it going to", "quick one",
#: "what does this mean for"), and the thanks and praise questions come wrapped in.
STOPWORDS = frozenset(
    """a an the and or but if of to in on at for with by from as is are was were be been being
it its this that these those i you he she we they me my our your their us them him her
do does did doing done will would can could should shall may might must have has had having
not no nor so than then there here what when where why how who whom whose which just also very
really about into over any all some more most much many such own same other another each
every both either neither only even still yet now already ever again too quite rather
am im ive isn aren wasn weren don doesn didn won wouldn cannot couldn shouldn hasn haven
hadn mustn let lets
going gonna go goes get gets got getting give given make makes made making take takes taken
taking come comes coming say says saying said tell told know known knows think thought see
seen seem seems look looks
want wants need needs like likely able way ways thing things something anything everything
nothing someone anyone everyone nobody somebody anybody people person folks guys team teams
happen happens happening happened mean means meant expect expecting expected
worried worry worrying concern concerned concerns wondering wonder wondered curious
question questions ask asking asked answer quick honest honestly straight sure clear
one ones lot lots bit kind sort else whether also actually basically probably perhaps maybe
please thanks thank thx great post posts update updates appreciate appreciated love loved
agree agreed awesome nice good cheers sharing helpful helps clarity transparency
round rounds cycle cycles window
new news today week weeks month months time times day days soon later next last first
around after before during because since until while through across part given
use uses used using include includes including out up down off again too went find
hear heard help company
""".split()
)

#: Words the stemmer leaves alone (they would otherwise meet an unrelated word).
_KEEP = frozenset({"training", "news", "series", "species", "always", "during", "bonus"})


def fold(text: str) -> str:
    """Lower case without accents, as SQLite's unicode61 tokenizer sees words."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.lower().replace("\u2019", "'"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


@functools.lru_cache(maxsize=1 << 16)
def stem(word: str) -> str:
    """Strip common English endings so "bonuses", "changed" and "changing" meet their roots.

    Light and consistent rather than linguistic: both sides of a comparison, and the
    concept table, go through it. Short words keep their final e ("site" is not "sit").
    """
    if len(word) <= 3 or word in _KEEP:
        return word
    word = _without_plural(word)
    if word in _KEEP:
        return word
    for suffix in ("ing", "ed"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not word.endswith("eed"):
            word = word[: -len(suffix)]
            if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "lsz":
                return word[:-1]  # cutting -> cut
            if _SHORT_SYLLABLE.fullmatch(word):
                return word + "e"  # hiring -> hire
            break
    else:
        if word.endswith("ly") and len(word) > 5:
            word = word[:-2]
    if word.endswith("e") and len(word) > 4:
        word = word[:-1]
    return word


def _without_plural(word: str) -> str:
    """The first step of ``stem``: "bonuses" -> "bonus", "parties" and "worried" -> "party"
    and "worry", "changes" -> "change"; "class", "bonus" and "basis" stay."""
    if word.endswith(("ies", "ied")) and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "ches", "shes", "xes", "zes", "uses")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


_SHORT_SYLLABLE = re.compile(r"[^aeiou][aeiou][^aeiouwxy]")


# --- the concept table, compiled -----------------------------------------------------------

CONCEPT_MARK = "~"
#: Small words allowed between the words of a lexicon phrase ("cut our headcount").
_PHRASE_GAP = 2


def _build_lexicon() -> tuple[dict[str, str], dict[str, list[tuple[tuple[str, ...], str]]]]:
    singles: dict[str, str] = {}
    phrases: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for concept, entries in CONCEPTS.items():
        for entry in entries:
            stems = tuple(stem(w) for w in words(entry))
            if len(stems) == 1:
                singles.setdefault(stems[0], CONCEPT_MARK + concept)
            elif stems:
                phrases.setdefault(stems[0], []).append((stems, CONCEPT_MARK + concept))
    for options in phrases.values():
        options.sort(key=lambda option: -len(option[0]))
    return singles, phrases


_SINGLES, _PHRASES = _build_lexicon()
_KIND_WEIGHT = {
    CONCEPT_MARK + c: MODIFIER_WEIGHT if c in MODIFIERS else CONCEPT_WEIGHT for c in CONCEPTS
}


def _match_phrase(tokens: list[str], stems: list[str], start: int) -> tuple[str, int] | None:
    """The concept of the longest lexicon phrase at ``start``, and where it ends."""
    for phrase, concept in _PHRASES.get(stems[start], ()):
        at = start + 1
        for part in phrase[1:]:
            gap = 0
            while (
                at < len(stems)
                and stems[at] != part
                and tokens[at] in STOPWORDS
                and gap < _PHRASE_GAP
            ):
                at += 1
                gap += 1
            if at >= len(stems) or stems[at] != part:
                break
            at += 1
        else:
            return concept, at
    return None


@functools.lru_cache(maxsize=1 << 16)
def feature_of_word(word: str) -> str | None:
    """The feature one word stands for on its own (a concept or its stem), or None."""
    if word in STOPWORDS:
        return None
    root = stem(word)
    if root in _SINGLES:
        return _SINGLES[root]
    return root if len(word) > 2 else None


def features(sentence: str) -> frozenset[str]:
    """What a sentence is about: concept ids (``~name``) and stems of the other words.

    @-mentions say whom it is asked of, not what, and are left out.
    """
    sentence = without_mentions(sentence)
    tokens = words(sentence)
    stems = [stem(t) for t in tokens]
    found: set[str] = set()
    i = 0
    while i < len(tokens):
        if stems[i] in _PHRASES and (phrase := _match_phrase(tokens, stems, i)):
            found.add(phrase[0])
            i = phrase[1]
            continue
        feature = feature_of_word(tokens[i])
        if feature is not None:
            found.add(feature)
        i += 1
    return frozenset(found)


def without_mentions(text: str) -> str:
    """``text`` without its @-mentions (whom it is addressed to, not what it says)."""
    return _MENTION.sub(" ", text) if "@" in text else text


def asked_sentences(text: str) -> list[str]:
    """The sentences of ``text`` that ask something."""
    return [s for s in sentences(text) if asks(s)]


def asks_tersely(text: str) -> bool:
    """Whether ``text`` asks something in at most ``TERSE_QUESTION_WORDS`` words ("True?",
    "Is that right?"): such a question is about the sentences around it."""
    return is_terse(asked_sentences(text))


def is_terse(asked: Sequence[str]) -> bool:
    """Whether the question sentences ``asked`` (of one text) say at most
    ``TERSE_QUESTION_WORDS`` words between them (and are not none)."""
    return (
        bool(asked) and sum(len(words(without_mentions(s))) for s in asked) <= TERSE_QUESTION_WORDS
    )


def question_features(text: str) -> list[frozenset[str]]:
    """Features of each sentence that asks something; with no question, of each sentence
    that says more than thanks or praise."""
    parts = [(s, features(s)) for s in sentences(text)]
    asked = [f for s, f in parts if f and asks(s)]
    return asked or [f for _, f in parts if f]


@functools.lru_cache(maxsize=1 << 13)
def asked_features(text: str) -> tuple[frozenset[str], ...]:
    """Features of each sentence that asks something (none for a comment that asks nothing).

    Cached: the same open questions are candidates for one question after another.
    """
    return tuple(f for f in (features(s) for s in sentences(text) if asks(s)) if f)


# --- rarity --------------------------------------------------------------------------------


class DocFrequencies:
    """In how many of ``docs`` comments each feature occurs: rare features weigh more.

    Built from the texts themselves (:meth:`from_texts`, for small sets) or from word
    counts of the whole store (:meth:`from_vocabulary`, e.g. SQLite's ``fts5vocab``), and
    then taught words as they turn up (:meth:`unknown_words`, :meth:`learn`), so a caller
    asks the store only about the words it meets.
    """

    def __init__(self, docs: int, counts: Mapping[str, int] | None = None) -> None:
        self.docs = docs
        self.counts: Counter[str] = Counter(counts or {})
        self._known: set[str] = set()
        self._weights: dict[str, float] = {}

    def weight(self, feature: str) -> float:
        weight = self._weights.get(feature)
        if weight is None:
            seen = min(self.counts.get(feature, 0), self.docs)
            idf = max(math.log((self.docs + 1) / (seen + 0.5)), 0.05)
            weight = self._weights[feature] = idf * _KIND_WEIGHT.get(feature, WORD_WEIGHT)
        return weight

    @classmethod
    def from_texts(cls, texts: Iterable[str]) -> DocFrequencies:
        counts: Counter[str] = Counter()
        n = 0
        for text in texts:
            n += 1
            counts.update(set().union(*(features(s) for s in sentences(text))))
        return cls(n, counts)

    @classmethod
    def from_vocabulary(cls, vocabulary: Iterable[tuple[str, int]], docs: int) -> DocFrequencies:
        """From (word, comments containing it) for at least :data:`LEXICON_WORDS`.

        A feature's count is the sum over its words (an upper bound: "layoffs" and
        "redundancies" may share a comment); a lexicon phrase adds the count of its
        rarest word (an upper bound too).
        """
        freq = cls(docs)
        rows = list(vocabulary)
        freq.learn(LEXICON_WORDS, rows)
        by_stem: Counter[str] = Counter()
        for word, seen in rows:
            by_stem[stem(word)] += seen
        for options in _PHRASES.values():
            for phrase, concept in options:
                parts = [by_stem.get(part, 0) for part in phrase if part not in STOPWORDS]
                freq.counts[concept] += min(parts, default=0)
        return freq

    def unknown_words(self, texts: Iterable[str]) -> list[str]:
        """Words of ``texts`` this table has no count for yet (stop words never count)."""
        found = {w for text in texts for w in words(text)}
        return sorted(w for w in found - self._known if feature_of_word(w) is not None)

    def learn(self, asked: Iterable[str], vocabulary: Iterable[tuple[str, int]]) -> None:
        """Take the counts of the ``asked`` words; those not in ``vocabulary`` occur nowhere."""
        fresh = set(asked) - self._known
        self._known |= fresh
        self._weights.clear()
        for word, seen in vocabulary:
            feature = feature_of_word(word)
            if word in fresh and feature is not None:
                self.counts[feature] += seen


#: The words of the concept table that :meth:`DocFrequencies.from_vocabulary` needs counts
#: of (stop words in phrases never decide a phrase's count, and are costly to count).
LEXICON_WORDS = tuple(
    sorted({w for entries in CONCEPTS.values() for e in entries for w in words(e)} - STOPWORDS)
)


# --- scoring -------------------------------------------------------------------------------


def _vector(bag: frozenset[str], freq: DocFrequencies) -> tuple[dict[str, float], float]:
    vec = {f: freq.weight(f) for f in bag}
    return vec, math.sqrt(sum(w * w for w in vec.values()))


def scores(
    target: str, candidates: Mapping[int, str], frequencies: DocFrequencies | None = None
) -> dict[int, float]:
    """Each candidate's score against ``target`` (0 to 1; candidates sharing nothing: 0),
    the cosine of their best matching pair of question sentences.

    ``frequencies`` should describe the whole store; without it every word is taken as
    equally rare (rarity counted over a handful of candidates would say little).
    """
    asked = question_features(target)
    if not asked:
        return {}
    freq = frequencies or DocFrequencies(0)
    targets = [_vector(bag, freq) for bag in asked]
    found: dict[int, float] = {}
    for cid, text in candidates.items():
        best = 0.0
        for bag in asked_features(text):
            vec, norm = _vector(bag, freq)
            for t_vec, t_norm in targets:
                dot = sum(w * t_vec[f] for f, w in vec.items() if f in t_vec)
                if dot:
                    best = max(best, dot / (norm * t_norm))
        found[cid] = best
    return found
