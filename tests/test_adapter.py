"""The ranking's adapter (``app.text.adapter``): what it changes (the order of a group's
rows) and what it never does (the marks, a comment's missing English vector); how it is
learnt (``bench.adapter_training``); and that the file shipped is what the labelled sets
train."""

from __future__ import annotations

import hashlib
from importlib import resources

import numpy as np
import pytest

from app.domain.grouping import MatchConfidence
from app.store import migrations
from app.text import adapter, encoder, grouping
from app.text.adapter import Adapter, AdapterMissing, EnglishScale
from bench import adapter_training
from bench.adapter_training import TRAINED_ON, Batch


def _rows(count: int, seed: int, english: bool = True) -> np.ndarray:
    rng = np.random.default_rng(seed)
    rows = np.zeros((count, encoder.WIDTH), np.float32)
    rows[:, encoder.MULTILINGUAL] = rng.normal(size=(count, encoder.DIMENSIONS))
    rows[:, encoder.MULTILINGUAL] /= np.linalg.norm(rows[:, encoder.MULTILINGUAL], axis=1)[:, None]
    if english:
        part = rng.normal(size=(count, 384))
        rows[:, encoder.ENGLISH] = part / np.linalg.norm(part, axis=1)[:, None]
    rows[:, encoder.READ] = 1.0
    return rows


def _scrambled(seed: int) -> Adapter:
    rng = np.random.default_rng(seed)
    return Adapter(
        rng.normal(size=(encoder.DIMENSIONS, encoder.DIMENSIONS)).astype(np.float32),
        rng.normal(size=(384, 384)).astype(np.float32),
        EnglishScale(0.9, 0.05),
    )


def _identity() -> Adapter:
    return Adapter.identity(grouping.RAW_SCALE)


def test_the_identity_adapter_changes_no_row():
    rows = np.vstack([_rows(5, 1), _rows(3, 2, english=False)])
    rows[2, encoder.READ] = 0.0
    np.testing.assert_allclose(_identity().apply(rows), rows, atol=1e-6)


def test_a_comment_without_an_english_vector_keeps_zeros_there_and_its_read_mark():
    rows = np.vstack([_rows(2, 3), _rows(2, 4, english=False)])
    rows[3, encoder.READ] = 0.0
    mapped = _scrambled(5).apply(rows)
    assert not mapped[2:, encoder.ENGLISH].any()
    assert mapped[:, encoder.READ].tolist() == [1.0, 1.0, 1.0, 0.0]
    norms = np.linalg.norm(mapped[:, encoder.MULTILINGUAL], axis=1)
    np.testing.assert_allclose(norms, 1.0, atol=1e-5)


def test_the_adapter_moves_the_order_of_a_group_never_its_marks():
    pool = _rows(60, 6)
    seed = pool[0].copy()
    # a few rows close to the seed, some surely the same question
    part = encoder.MULTILINGUAL
    for n, mix in zip(range(1, 8), (0.95, 0.92, 0.9, 0.85, 0.8, 0.75, 0.7), strict=True):
        pool[n, part] = mix * seed[part] + (1 - mix) * pool[n, part]
        pool[n, part] /= np.linalg.norm(pool[n, part])
    ids = list(range(100, 160))

    def ranked(with_adapter: Adapter) -> list:
        mapped = grouping.MappedPool(pool, with_adapter)
        return grouping.match(ids, pool, seed, 100, lambda _: {}, mapped=mapped)

    before, after = ranked(_identity()), ranked(_scrambled(7))
    assert [m.comment_id for m in before] != [m.comment_id for m in after]
    marks = {m.comment_id: m.confidence for m in before if m.confidence.preselected}
    assert marks, "the test needs rows that start ticked"
    assert {m.comment_id: m.confidence for m in after if m.confidence.preselected} == marks
    likely = {m.comment_id for m in before if m.confidence is MatchConfidence.LIKELY}
    assert {m.comment_id for m in after if m.confidence is MatchConfidence.LIKELY} == likely


def test_training_pulls_the_askers_of_one_question_together():
    """Two questions whose vectors share a topic direction and differ in a weaker one:
    after training, each asker is closer to the other askers of its question than to the
    askers of the other, by more than before."""
    rng = np.random.default_rng(8)
    topic, asks_a, asks_b = np.eye(512)[0], np.eye(512)[1], np.eye(512)[2]
    vectors = []
    for asks in (asks_a, asks_b):
        for _ in range(6):
            row = 3 * topic + 0.6 * asks + rng.normal(scale=0.25, size=512)
            vectors.append(row / np.linalg.norm(row))
    batch = Batch(np.asarray(vectors), np.asarray([0] * 6 + [1] * 6))

    def margin(weights: np.ndarray) -> float:
        mapped = batch.vectors @ weights
        unit = mapped / np.linalg.norm(mapped, axis=1)[:, None]
        cosines = unit @ unit.T
        same = batch.labels[:, None] == batch.labels[None, :]
        np.fill_diagonal(same, False)
        other = batch.labels[:, None] != batch.labels[None, :]
        return float(cosines[same].mean() - cosines[other].mean())

    assert margin(adapter_training.fit([batch], 512)) > margin(np.eye(512)) + 0.05


@pytest.mark.parametrize(
    "damage",
    ["empty", "truncated", "flipped bytes", "wrong shape", "no scale", "scale of one", "nan"],
)
def test_a_damaged_adapter_says_to_reinstall(tmp_path, damage):
    whole = tmp_path / "whole.npz"
    _scrambled(9).save(str(whole), "digest")
    damaged = tmp_path / "damaged.npz"
    content = whole.read_bytes()
    if damage == "empty":
        damaged.write_bytes(b"")
    elif damage == "truncated":
        damaged.write_bytes(content[:1000])
    elif damage == "flipped bytes":  # inside the compressed maps: zlib's own error
        middle = len(content) // 2
        damaged.write_bytes(
            content[:middle]
            + bytes(b ^ 0xFF for b in content[middle : middle + 64])
            + content[middle + 64 :]
        )
    else:
        with np.load(whole) as kept:
            parts = dict(kept)
        if damage == "wrong shape":
            parts["english"] = parts["english"][:100, :100]
        elif damage == "no scale":
            del parts["english_scale"]
        elif damage == "scale of one":
            parts["english_scale"] = np.array(0.9)
        else:
            parts["multilingual"][3, 4] = np.nan
        np.savez(damaged, **parts)
    assert adapter.read(whole).english_scale == EnglishScale(0.9, 0.05)
    with pytest.raises(AdapterMissing, match="reinstall Fireside"):
        adapter.read(damaged)


def test_the_shipped_maps_cannot_be_changed_by_a_caller():
    with pytest.raises(ValueError, match="read-only"):
        adapter.shipped().multilingual[0, 0] = 2.0


def test_a_missing_adapter_says_to_reinstall(monkeypatch):
    monkeypatch.setattr(adapter, "FILE", "not-there.npz")
    adapter.shipped.cache_clear()
    try:
        with pytest.raises(AdapterMissing, match="reinstall Fireside"):
            adapter.shipped()
    finally:
        adapter.shipped.cache_clear()


def test_the_shipped_adapter_was_learnt_from_the_sets_and_settings_of_today():
    """``resources/question_adapter.npz`` is made by ``python -m bench.adapter_training``:
    a change to a trained-on set's labelled lines or to the training's settings must make
    it again (the digest it keeps says what it was learnt from)."""
    with (resources.files("resources") / adapter.FILE).open("rb") as file, np.load(file) as kept:
        assert str(kept["trained_from"]) == adapter_training.inputs_digest()


def test_the_stored_themes_are_made_again_when_what_makes_them_changes():
    """Themes are kept by their vectors as the shipped adapter's multilingual map makes
    them, joined at ``THEME_COSINE``: a store upgraded to this schema made them again with
    this map and threshold, once for each change of them."""
    made_by = hashlib.sha256(
        adapter.shipped().multilingual.tobytes() + repr(grouping.THEME_COSINE).encode()
    ).hexdigest()
    remakes = migrations.MIGRATIONS.count(migrations._themes_of_mapped_vectors)
    assert remakes == len(migrations.THEMES_MADE_BY)
    assert migrations.THEMES_MADE_BY[-1] == made_by, (
        "themes are made by another map or threshold now: append _themes_of_mapped_vectors "
        f"to MIGRATIONS once more and {made_by!r} to THEMES_MADE_BY"
    )


def test_the_shipped_adapter_is_what_the_labelled_sets_train():
    """Trained again here, the maps differ from the shipped ones by rounding only: their
    difference is a small part of how far they moved from the identity (on another
    machine, a flipped rounding of a stored vector moves a few weights by about 1e-3), and
    the English scale is measured the same way. The raw vectors' scale, measured so,
    is the one ``app.text.grouping`` ranks the shortlist with."""
    model = encoder.Encoder()
    calibration = adapter_training.calibration_rows(model)
    sets = [adapter_training.encode(half, model) for half in TRAINED_ON]
    fresh, kept = adapter_training.train(sets, calibration), adapter.shipped()
    for made, shipped in ((fresh.multilingual, kept.multilingual), (fresh.english, kept.english)):
        moved = np.linalg.norm(shipped - np.eye(len(shipped)))
        assert moved > 1.0
        assert np.linalg.norm(made - shipped) < 0.02 * moved
    assert fresh.english_scale.factor == pytest.approx(kept.english_scale.factor, abs=0.005)
    assert fresh.english_scale.shift == pytest.approx(kept.english_scale.shift, abs=0.005)
    raw = adapter_training.english_scale(calibration)
    assert raw.factor == pytest.approx(grouping.ENGLISH_SCALE, abs=0.005)
    assert raw.shift == pytest.approx(grouping.ENGLISH_SHIFT, abs=0.005)


def test_a_mapped_pool_maps_each_row_once_and_as_the_adapter_does(monkeypatch):
    pool = _rows(30, 10)
    mapping = _scrambled(11)
    expected = {(3, 1, 3, 7): mapping.apply(pool[[3, 1, 3, 7]])}
    expected[7, 1, 20] = mapping.apply(pool[[7, 1, 20]])
    calls = []
    original = Adapter.apply

    def counting(self: Adapter, rows: np.ndarray) -> np.ndarray:
        calls.append(len(rows))
        return original(self, rows)

    monkeypatch.setattr(Adapter, "apply", counting)
    mapped = grouping.MappedPool(pool, mapping)
    for indices, rows in expected.items():
        np.testing.assert_allclose(mapped.rows(list(indices)), rows, atol=1e-6)
    assert calls == [3, 1]
    assert mapped.rows([]).shape == (0, encoder.WIDTH)
