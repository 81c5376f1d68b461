"""A learned map of the sentence vectors for ranking "same question" (``app.text.grouping``).

The encoders (``app.text.encoder``) place two questions close when they share a topic;
what a person wants from G is the questions that one answer would serve. Two linear maps,
one for the multilingual vectors and one for the English ones, each started at the
identity and moved from it by what the labelled sets teach (``bench.adapter_training``:
questions of one group pulled together, the rest of their set, hard negatives on the same
topic among them, pushed apart), say which directions of the encoders' spaces tell one
question from another.

They apply where G ranks its shortlist, never to what the store keeps nor to the marks: a
row starts ticked by the multilingual cosine exactly as before, so precision of the ticked
rows and unique comments ticked do not move. Only the order of the rows does.

The maps are kept as their difference from the identity, in float16, with their English
scale and a digest of what they were learnt from (``resources/question_adapter.npz``,
made by ``python -m bench.adapter_training``, which also says what each labelled set
gains when it was left out of the training).
"""

from __future__ import annotations

import functools
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

import msgspec
import numpy as np
import numpy.typing as npt

from app.text.encoder import ENGLISH, MULTILINGUAL, Vectors, english_rows

FILE = "question_adapter.npz"
Matrix = npt.NDArray[np.float32]


class AdapterMissing(RuntimeError):
    """The adapter's file is missing or damaged (a broken install)."""


class EnglishScale(msgspec.Struct, frozen=True):
    """How English cosines are put on the multilingual ones' scale before they are mixed
    (``app.text.grouping.blended``): times ``factor``, plus ``shift``. It matches the two
    cosines' mean and spread over the benchmark store's questions."""

    factor: float
    shift: float


class Adapter(msgspec.Struct, frozen=True, eq=False):
    """The two maps (a row times its map, at the length it had), read-only (one shared
    copy ranks every group), and the scale of English cosines between vectors they
    mapped; compared by identity, as arrays have no single truth."""

    multilingual: Matrix
    english: Matrix
    english_scale: EnglishScale

    def __post_init__(self) -> None:
        self.multilingual.setflags(write=False)
        self.english.setflags(write=False)

    def apply(self, rows: Vectors) -> Vectors:
        """``rows`` (an encoder's rows: both vectors and the ``READ`` column) mapped: each
        vector times its map, at the length it had (unit, as the store keeps it to within
        its rounding); a comment without an English vector keeps zeros there."""
        out = rows.copy()
        out[:, MULTILINGUAL] = self.multilingual_of(rows)
        has = english_rows(rows)
        if has.any():
            english = out[:, ENGLISH]  # a view: writing it writes ``out``
            english[has] = _mapped(rows[has][:, ENGLISH], self.english)
        return out

    def multilingual_of(self, rows: Vectors) -> Vectors:
        """The multilingual vectors of ``rows`` (an encoder's rows), mapped."""
        return _mapped(rows[:, MULTILINGUAL], self.multilingual)

    def save(self, path: str, trained_from: str) -> None:
        """Write the maps as their difference from the identity, in float16, the English
        scale, and ``trained_from`` (a digest of what they were learnt from)."""
        np.savez_compressed(
            path,
            multilingual=_difference(self.multilingual),
            english=_difference(self.english),
            english_scale=np.array([self.english_scale.factor, self.english_scale.shift]),
            trained_from=np.array(trained_from),
        )

    @classmethod
    def identity(cls, english_scale: EnglishScale) -> Adapter:
        """The adapter that changes nothing (the ranking as it was before one was learnt),
        with the encoders' own ``english_scale``."""
        return cls.from_differences(
            np.zeros((width(MULTILINGUAL),) * 2, np.float16),
            np.zeros((width(ENGLISH),) * 2, np.float16),
            english_scale,
        )

    @classmethod
    def from_differences(
        cls,
        multilingual: npt.NDArray[np.floating],
        english: npt.NDArray[np.floating],
        english_scale: EnglishScale,
    ) -> Adapter:
        """The maps from their differences from the identity (as ``save`` keeps them),
        checked for the encoders' widths."""
        maps = []
        for difference, part in ((multilingual, MULTILINGUAL), (english, ENGLISH)):
            if difference.shape != (width(part),) * 2:
                raise ValueError(f"a map of shape {difference.shape}, not {(width(part),) * 2}")
            maps.append(difference.astype(np.float32) + np.eye(width(part), dtype=np.float32))
        return cls(maps[0], maps[1], english_scale)


@functools.cache
def shipped() -> Adapter:
    """The adapter the package ships (read once)."""
    return read(resources.files("resources") / FILE)


def read(place: Traversable | Path) -> Adapter:
    """The adapter kept at ``place`` (as :meth:`Adapter.save` writes it)."""
    try:
        with place.open("rb") as file, np.load(file) as kept:
            scale = np.asarray(kept["english_scale"], np.float64)
            if scale.shape != (2,):
                raise ValueError(f"an English scale of shape {scale.shape}, not (2,)")
            found = Adapter.from_differences(
                kept["multilingual"], kept["english"], EnglishScale(*map(float, scale))
            )
        if not all(np.isfinite(m).all() for m in (found.multilingual, found.english, scale)):
            raise ValueError("a map or the scale holds a number that is not finite")
        return found
    except Exception as error:  # whatever a damaged file raises: zlib, pickle, npy headers
        raise AdapterMissing(
            f"the ranking's adapter ({place}) could not be read ({error}); reinstall Fireside"
        ) from error


def width(part: slice) -> int:
    return int(part.stop) - int(part.start)


def _mapped(rows: Matrix, matrix: Matrix) -> Matrix:
    mapped = rows @ matrix
    lengths = np.linalg.norm(rows, axis=1, keepdims=True)
    return mapped * lengths / np.maximum(np.linalg.norm(mapped, axis=1, keepdims=True), 1e-9)


def _difference(matrix: Matrix) -> Matrix:
    return (matrix - np.eye(len(matrix), dtype=np.float32)).astype(np.float16)
