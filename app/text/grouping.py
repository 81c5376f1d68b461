"""How "same question" ranks comments and how sure it is, and how Themes names a group.

Chosen on the tuning half of the labelled set (``tests/grouping_eval``, scored by
``python -m bench --grouping``): comments are ranked by the cosine of their sentence
vectors (``app.text.encoder``) plus half the word-overlap score of ``app.text.similarity``
(the two together put more of the askers in the first 20 rows than either alone). The
confidence marks use the vectors alone, since shared topic words are what make different
questions look alike:

- very likely (ticked at the start): cosine at least ``VERY_LIKELY_COSINE`` and the seed
  is the candidate's nearest open question (ties within ``TIE`` count); on the tuning
  half every such row asked the same (0.75 let one wrong row in of five, 0.8 left half
  of the right ones out);
- likely: cosine at least ``LIKELY_COSINE`` (about three in four ask the same);
- possible: the rest of the rows shown, for a person to look through.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from app.domain.grouping import MatchConfidence, QuestionMatch
from app.text import similarity
from app.text.encoder import Vectors

WORD_WEIGHT = 0.5
VERY_LIKELY_COSINE = 0.78
LIKELY_COSINE = 0.6
#: How much closer another question may be to a candidate than the seed is, for the seed
#: still to count as its nearest (vectors kept in bytes differ by about 0.005).
TIE = 0.02
#: Rows shown however unsure (recall is measured within them), and at most in all.
SHOWN, MOST_SHOWN = 20, 200
#: Open questions join a theme when this close to the question that started it.
THEME_COSINE = 0.7
LABEL_LENGTH = 90


def shortlist(cosines: Mapping[int, float]) -> list[int]:
    """The ``MOST_SHOWN`` candidates closest by vector: only these are scored by words too."""
    return sorted(cosines, key=cosines.__getitem__, reverse=True)[:MOST_SHOWN]


def needs_closest(cosines: Mapping[int, float]) -> list[int]:
    """Candidates close enough to be "very likely" if the seed is their nearest question."""
    return [i for i, c in cosines.items() if c >= VERY_LIKELY_COSINE]


def rank(
    cosines: Mapping[int, float],
    word_scores: Mapping[int, float],
    closest_of: Mapping[int, float],
) -> list[QuestionMatch]:
    """Matches best first: the :func:`shortlist` of candidates, scored and marked.

    ``closest_of`` maps a candidate to its highest cosine with any other open question
    (:func:`closest`): it is "very likely" only if the seed is that close (within
    ``TIE``, so that several comments in the same words all qualify); candidates missing
    from it are never "very likely". At least
    ``SHOWN`` rows come back (when there are that many), then only likely ones.
    """
    scored = sorted(
        ((cosines[i] + WORD_WEIGHT * word_scores.get(i, 0.0), i) for i in shortlist(cosines)),
        reverse=True,
    )
    found: list[QuestionMatch] = []
    for score, comment_id in scored:
        cosine = cosines[comment_id]
        if cosine >= VERY_LIKELY_COSINE and cosine >= closest_of.get(comment_id, 2.0) - TIE:
            confidence = MatchConfidence.VERY_LIKELY
        elif cosine >= LIKELY_COSINE:
            confidence = MatchConfidence.LIKELY
        elif len(found) < SHOWN:
            confidence = MatchConfidence.POSSIBLE
        else:
            continue
        found.append(QuestionMatch(comment_id, round(score, 4), confidence))
    return found


def closest(
    vectors: Vectors, pool: Vectors, pool_ids: Sequence[int], own: Sequence[int]
) -> list[float]:
    """For each row of ``vectors`` (comment ``own[i]``), its highest cosine to a row of
    ``pool`` other than itself (-1 when the pool holds nothing else)."""
    if not len(pool_ids):
        return [-1.0] * len(own)
    sims = vectors @ pool.T
    ids = np.asarray(pool_ids)
    sims[ids[None, :] == np.asarray(own)[:, None]] = -1.0
    return [float(best) for best in sims.max(axis=1)]


def label(text: str) -> str:
    """A theme's name: the first question of the comment that started it, cut to
    ``LABEL_LENGTH`` characters at a word."""
    asked = [s for s in similarity.sentences(text) if "?" in s] or [text]
    words = " ".join(asked[0].split())
    if len(words) <= LABEL_LENGTH:
        return words
    return words[: LABEL_LENGTH - 1].rsplit(" ", 1)[0] + "…"
