"""A learned map of the sentence vectors for ranking "same question" (``app.text.grouping``).

The encoders (``app.text.encoder``) place two questions close when they share a topic;
what a person wants from G is the questions that one answer would serve. Two linear maps,
one for the multilingual vectors and one for the English ones, each started at the
identity and moved towards it by what the labelled sets teach (``bench.adapter_training``:
questions of one group pulled together, the rest of their set, hard negatives on the same
topic among them, pushed apart), say which directions of the encoders' spaces tell one
question from another.

They apply where G ranks its shortlist, never to what the store keeps nor to the marks: a
row starts ticked by the multilingual cosine exactly as before, so precision of the ticked
rows and unique comments ticked do not move. Only the order of the rows does.

The maps are kept as their difference from the identity, in float16
(``resources/question_adapter.npz``, made by ``python -m bench.adapter_training``, which
also says what each held-back set gains when it was left out of the training).
"""

from __future__ import annotations

import functools
from importlib import resources

import msgspec
import numpy as np
import numpy.typing as npt

from app.text.encoder import ENGLISH, MULTILINGUAL, Vectors

FILE = "question_adapter.npz"
Matrix = npt.NDArray[np.float32]


class AdapterMissing(RuntimeError):
    """The adapter's file is not where the package keeps it (a broken install)."""


class Adapter(msgspec.Struct, frozen=True):
    """The two maps (a row times its map, at the length it had)."""

    multilingual: Matrix
    english: Matrix

    def apply(self, rows: Vectors) -> Vectors:
        """``rows`` (an encoder's rows: both vectors and the ``READ`` column) mapped: each
        vector times its map, at the length it had (unit, as the store keeps it to within
        its rounding); a comment without an English vector keeps zeros there."""
        out = rows.copy()
        out[:, MULTILINGUAL] = _mapped(rows[:, MULTILINGUAL], self.multilingual)
        english = rows[:, ENGLISH]
        has = np.einsum("ij,ij->i", english, english) > 0.25
        if has.any():
            part = out[:, ENGLISH]
            part[has] = _mapped(english[has], self.english)
            out[:, ENGLISH] = part
        return out

    def save(self, path: str) -> None:
        """Write the maps as their difference from the identity, in float16."""
        np.savez_compressed(
            path,
            multilingual=_difference(self.multilingual),
            english=_difference(self.english),
        )

    @classmethod
    def identity(cls) -> Adapter:
        """The adapter that changes nothing (the ranking as it was before one was learnt)."""
        return cls.from_differences(
            np.zeros((width(MULTILINGUAL),) * 2, np.float16),
            np.zeros((width(ENGLISH),) * 2, np.float16),
        )

    @classmethod
    def from_differences(cls, multilingual: Matrix, english: Matrix) -> Adapter:
        return cls(_from_difference(multilingual), _from_difference(english))


@functools.cache
def shipped() -> Adapter:
    """The adapter the package ships (read once)."""
    place = resources.files("resources") / FILE
    try:
        with place.open("rb") as file, np.load(file) as kept:
            return Adapter.from_differences(kept["multilingual"], kept["english"])
    except (OSError, KeyError, ValueError) as error:
        raise AdapterMissing(
            f"the ranking's adapter ({FILE}) could not be read ({error}); reinstall Fireside"
        ) from error


def width(part: slice) -> int:
    return int(part.stop) - int(part.start)


def _mapped(rows: Matrix, matrix: Matrix) -> Matrix:
    mapped = rows @ matrix
    lengths = np.linalg.norm(rows, axis=1, keepdims=True)
    return (
        mapped * lengths / np.maximum(np.linalg.norm(mapped, axis=1, keepdims=True), 1e-9)
    ).astype(np.float32)


def _difference(matrix: Matrix) -> Matrix:
    return (matrix - np.eye(len(matrix), dtype=np.float32)).astype(np.float16)


def _from_difference(difference: Matrix) -> Matrix:
    return (difference.astype(np.float32) + np.eye(len(difference), dtype=np.float32)).astype(
        np.float32
    )
