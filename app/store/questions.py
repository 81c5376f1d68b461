"""Finding open comments that ask the same question in other words ("ask once, answer many").

``app.text.similarity`` compares question sentences and weighs words by their rarity in the
whole store. The counts come from FTS5's vocabulary, word by word as words turn up, and are
kept until the store grows by a tenth. :func:`ranked_matches` ranks the open questions by their
sentence vectors and these word scores together, with a confidence for each. Everything
here runs on the store's reading thread.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from app.domain.grouping import QuestionMatch, Theme
from app.store import comments, vectors
from app.store.sql import Database
from app.store.vector_cache import OpenQuestionVectors
from app.text import encoder, grouping, similarity
from app.text.adapter import shipped


def _vocabulary_counts(db: Database, words: Iterable[str]) -> list[tuple[str, int]]:
    db.execute(
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.comments_fts_vocab "
        "USING fts5vocab(main, 'comments_fts', 'row')"
    )
    words = list(words)
    found: list[tuple[str, int]] = []
    for at in range(0, len(words), 500):
        chunk = words[at : at + 500]
        found += db.execute(
            "SELECT term, doc FROM temp.comments_fts_vocab WHERE term IN "
            f"({','.join('?' * len(chunk))})",
            chunk,
        ).fetchall()
    return found


class QuestionMatcher:
    """Keeps the word-rarity counts and the open questions' vectors between calls; one per
    open store."""

    def __init__(self) -> None:
        self.vectors = OpenQuestionVectors()
        self._themes: tuple[int, list[Theme]] | None = None
        self._counted_up_to = 0
        self._frequencies: similarity.DocFrequencies | None = None

    def _current(self, db: Database) -> similarity.DocFrequencies:
        newest = db.execute("SELECT max(id) FROM comments").fetchone()[0] or 0
        fresh = self._counted_up_to <= newest <= self._counted_up_to * 1.1 + 100
        if self._frequencies is None or not fresh:
            docs = db.execute("SELECT count(*) FROM comments").fetchone()[0]
            self._frequencies = similarity.DocFrequencies.from_vocabulary(
                _vocabulary_counts(db, similarity.LEXICON_WORDS), docs
            )
            self._counted_up_to = newest
        return self._frequencies

    def themes(self, db: Database) -> list[Theme]:
        """The open questions' themes (``vectors.themes``), read again only after a write."""
        version = db.execute("PRAGMA data_version").fetchone()[0]
        if self._themes is None or self._themes[0] != version:
            self._themes = (version, vectors.themes(db))
        return self._themes[1]

    def frequencies(self, db: Database, texts: list[str]) -> similarity.DocFrequencies:
        """Word rarity over the whole store, knowing every word of ``texts``."""
        freq = self._current(db)
        self._learn(db, freq, texts)
        return freq

    def _learn(self, db: Database, freq: similarity.DocFrequencies, texts: Iterable[str]) -> None:
        if missing := freq.unknown_words(texts):
            freq.learn(missing, _vocabulary_counts(db, missing))


def ranked_matches(
    db: Database, matcher: QuestionMatcher, seeds: Sequence[tuple[int, encoder.Vectors]]
) -> list[list[QuestionMatch]]:
    """For each ``(comment_id, its vector)`` of ``seeds``, the open questions ranked
    against it, best first, each with its confidence (``app.text.grouping``); the
    similarities of all of them with every open question come from one product each."""
    if not seeds:
        return []
    ids, pool = matcher.vectors.read(db)
    found = grouping.seed_similarities(pool, np.stack([seed for _, seed in seeds]))
    mapped = grouping.MappedPool(pool, shipped())
    ranked: list[list[QuestionMatch]] = []
    for at, (comment_id, seed) in enumerate(seeds):
        target = comments.get_comment(db, comment_id)
        if target is None:
            ranked.append([])
            continue

        def word_scores(shortlist: list[int], asked: str = target.body_text) -> dict[int, float]:
            texts = _texts(db, shortlist)
            freq = matcher.frequencies(db, [asked, *texts.values()])
            return similarity.scores(asked, texts, freq)

        ranked.append(
            grouping.match(
                ids,
                pool,
                seed,
                comment_id,
                word_scores,
                precomputed=grouping.Similarities(found.multilingual[:, at], found.blended[:, at]),
                mapped=mapped,
            )
        )
    return ranked


def _texts(db: Database, ids: list[int]) -> dict[int, str]:
    if not ids:
        return {}
    found = dict(
        db.execute(
            f"SELECT id, body_text FROM comments WHERE id IN ({','.join('?' * len(ids))})", ids
        ).fetchall()
    )
    return {i: found[i] for i in ids if i in found}
