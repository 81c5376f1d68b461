"""How "same question" ranks comments and how sure it is, and how Themes names a group.

Chosen on the tuning half of the labelled set (``tests/grouping_eval``, scored by
``python -m bench --grouping``): comments are ranked by the cosine of their sentence
vectors (``app.text.encoder``) plus ``WORD_WEIGHT`` of the word-overlap score of
``app.text.similarity`` (the two together put more of the askers in the first 20 rows than
either alone), then ranked again with the seed's vector moved ``EXPANSION`` of the way
towards the best match of that first ranking (pseudo-relevance feedback: an asker phrased
unlike the seed is often phrased like another asker; on the tuning half this put 87.8% of
the askers in the first 20 rows, from 84.3%), plus ``SPREAD`` of how much of the seed's
weight reaches each candidate through the shortlist's nearest-neighbour graph
(:func:`spread`, manifold ranking: an asker reached by several askers close to one another
gains, a topic-alike close to the seed alone does not; tuning half 87.8% -> 90.1%). Both
rankings discount crowded questions (:func:`crowding`, hubness reduction as in CSLS,
Conneau et al. 2018, and Jégou et al.'s contextual dissimilarity measure, 2007): a
question close to many others of the shortlist (one question in the same words from many
people, or a generic one) is close to every seed, so a pair's similarity loses
``HUB_PENALTY`` of the mean crowding of its two questions. Tuning half, first 20 rows:
91.5% -> 93.0%, test half 86.3% -> 87.9%; among the benchmark store's questions 50.2%
-> 64.2% (tuning) and 49.1% -> 62.9% (test), partly because it lowers the store's
many-times-repeated questions, which the bench counts as wrong even where they ask the
seed's question; with each repeated store question kept once (591), 79.1% -> 80.8%.
Two comments in English are compared by an English model too (:func:`blended`,
``app.text.minilm``: the multilingual model is weak on English paraphrases), everywhere
in the ranking: first 20 rows, tuning half 92.75% -> 95.96%, test half 90.67% -> 93.70%,
the held-back sets 77.71% -> 84.02% and 77.02% -> 79.59%. The second ranking (from the
shortlist's similarities on) reads the shortlist's vectors through a learnt linear map
(``app.text.adapter``, trained on labelled sets to bring the askers of one question
together and push apart questions that only share a topic): first 20 rows, each of the
fourteen sets it first learnt from scored by a map trained without it, mean 74.95% ->
81.24% (each of them gains, 0.9-9.9 points); the test half 93.50% -> 95.86%, and
comments_holdout10, written after and never trained on, 67.11% -> 76.36%. Mixed into
2,785 of the benchmark store's questions it gained less, and on the test half lost
(72.02% -> 71.28%; comments_holdout10 57.95% -> 60.07%). With eleven more sets written
to train it and the word weight, expansion and hub penalty chosen again on its scale
(``WORD_WEIGHT``), each of the 25 left out in turn: mean 78.92% (the first fourteen
82.39%); the test half 95.66%, comments_holdout10 78.07%, comments_holdout11 82.89%
(79.94% before) and comments_holdout12 71.65% (63.04% without the adapter), neither
trained on. With the adapter then learnt at less pull towards the identity
(``bench.adapter_training.PULL``): each of the 25 left out, mean 79.80% (the first
fourteen 83.21%); the test half 96.40%, comments_holdout10 77.72%, comments_holdout11
83.89% and comments_holdout12 74.17%. The shortlist itself is chosen as before.
The confidence marks use the seed's own multilingual vector alone, as before (precision
of the ticked rows and unique ticked unchanged), since shared topic words are what make
different questions look alike:

- very likely (ticked at the start): cosine at least ``VERY_LIKELY_COSINE``, the seed
  is the candidate's nearest open question (ties within ``TIE`` count), and both are in
  languages the multilingual encoder was trained on (its ``READ`` column: on
  comments_holdout8, written after, the only wrong ticks were two Norwegian questions
  about different things at 0.82, precision 75%; on comments_holdout9, written after
  that and measured once, Finnish and Hindi ones had put precision at 42.1%: 100% with
  this rule, 8 rows ticked). Over the eight
  labelled sets then kept (the halves and six held-back sets) 0.78 ticked 119 rows, 4 of
  them wrong, all four between 0.78 and 0.80 ("Ab wann werden die Filialen geschlossen?"
  / "Welche Filialen werden geschlossen?"; a Korean "can store staff use NL Assist?" /
  "Is NL Assist going to replace jobs?"), one set's precision 86%; 0.80 ticked 81, none
  wrong (0.79: 96, 4 wrong; 0.82: 59). With the vectors read back from the bytes the store
  keeps, as the app ranks them (a cosine moves by up to 0.01), and the ninth set: 0.78
  ticks 138 rows, 7 wrong; 0.80 ticks 92, none wrong (0.79: 116, 4 wrong; 0.81: 81). The
  price: about 30% fewer right rows ticked at the start, for a person to tick. Not kept:
  for two English comments, the English model's agreement as well (it caught an English
  pair at 0.79 and, at 0.80, only left a right one unticked);
- likely: cosine at least ``LIKELY_COSINE`` (about three in four ask the same);
- possible: the rest of the rows shown, for a person to look through.

Once a person has ticked some rows, "more like the ticked" ranks the group again by the
seed and every ticked question at once (:func:`fused`): a row keeps its best score and
its surest mark against any of them. The benchmark's simulated person ticks the askers
among the first ``LOOKED_AT`` rows and asks for more: on the tuning half the first 20
rows then held 96.7% of the askers (92.96% before; the ticked questions' mean vector as
the seed gave 94.6%), on the test half 90.3% (87.85% before); with acronyms spelled out
(``app.text.encoder``) 96.7% and 93.5% (92.75% and 90.67% before).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import NamedTuple

import numpy as np
import numpy.typing as npt
import threadpoolctl

from app.domain.grouping import MatchConfidence, QuestionMatch
from app.text import similarity
from app.text.adapter import Adapter, EnglishScale, shipped
from app.text.asking import questions_among, sentences
from app.text.encoder import ENGLISH, MULTILINGUAL, READ, Vectors, english_rows

#: Word weight, expansion and hub penalty were first chosen on the tuning half with raw
#: cosines; once the second ranking read mapped vectors (``app.text.adapter``), they were
#: chosen again by leaving each of the fourteen sets the adapter then learnt from out in
#: turn (an adapter trained on the other thirteen scoring it): mean askers in the first 20
#: rows 81.24% at 0.7 / 0.5 / 0.5; word weight 0.5 81.42%, 0.3 81.52%, 0 81.30%; then at
#: 0.3, hub penalty 0.3 81.32%, 0.7 81.77%, 0.9 81.26%, expansion 0.3 81.66%, 0.7 81.48%
#: (spread 0.5 / 1.5, carry 0.7 / 0.9, neighbours 6 / 11: 81.31-81.63%); 0.3 / 0.3 / 0.7
#: together 81.90% (with neighbours 6 81.82%). Among the store's questions (holdout3,
#: holdout9, written12, left out): 64.66 / 61.39 / 54.09% -> 65.89 / 62.39 / 55.53%.
#: With the adapter learnt at pull 0.01, by five-fold cross-validation over the 25 sets
#: (mean 79.45% as they are): word weight 0.5 79.30%, hub penalty 0.9 79.17%.
#: Before, tuning half, raw cosines, by word weight with expansion 0.5: 0.3 85.2%, 0.5
#: 86.9%, 0.6 87.5%, 0.7 87.8%, 0.8 87.2%, 1.0 86.5% (without expansion 0.5 was best).
WORD_WEIGHT = 0.3
#: Weight of the first ranking's best match in the seed's vector for the second ranking
#: (see ``WORD_WEIGHT``; before, tuning half, raw cosines, word weight 0.7: 0.4 gave 87.2%,
#: 0.5 87.8%, 0.6 87.6%, 0.8 86.2%; at word weight 0.5, averaging the best two to five
#: matches gave 84.5-86.3%, the best alone 86.9%).
EXPANSION = 0.3
#: The neighbour graph of :func:`spread`: each question's ``NEIGHBOURS`` nearest, how much
#: of its weight a question passes on (``CARRY``), and the weight of what reaches a
#: candidate, scaled to 0..1, in its ranking score. Tuning half, first 20 rows: neighbours
#: 3 88.7-89.4%, 5 88.4-89.8%, 6 88.1%, 7 90.3%, 8 89.4-90.7%, 9 89.7%, 10 88.9%, 12
#: 86.0-88.5% (over carry 0.6-0.9 and weight 0.5-2); at 8: carry 0.6 89.6-90.7%, 0.8
#: 90.1-90.6%, 0.9 88.7-89.5%; without the expansion at most 89.7%. With the 2,849
#: distinct questions of the benchmark store added to the tuning half's pool as distractors
#: (G in a full store), the first 20 rows held 31.6% of the askers without the spread and
#: 48.3% with it (neighbours 5: 51.6%, 12: 43.7%); ``python -m bench --grouping`` prints
#: this measure. Not kept: word overlap added to the graph's links (weight 0.3-1.0: tuning
#: half 92.2-92.9% from 91.5%, but among the store's questions 48.5-48.9% from 49.8%).
NEIGHBOURS, CARRY, SPREAD = 8, 0.8, 1.0
#: Crowding (:func:`crowding`) is the mean cosine of a question's ``HUB_NEIGHBOURS``
#: nearest in the shortlist; a pair's similarity loses ``HUB_PENALTY`` of the two
#: crowdings' mean (0.7 since the adapter, see ``WORD_WEIGHT``; what follows was measured
#: before it, on raw cosines). Tuning half, first 20 rows (among the store's questions): without it
#: 91.5% (50.2%); neighbours 5: penalty 0.3 92.3% (61.1%), 0.5 93.1% (64.4%), 0.7 91.7%
#: (65.0%), 1.0 90.1% (59.1%); 10: 92.1% (61.4%), 93.0% (64.2%), 92.0% (65.0%), 92.5%
#: (60.0%); 20: 92.3% (61.8%), 92.4% (64.0%), 92.2% (64.7%), 91.3% (60.3%). Crowding
#: over all open questions rather than the shortlist: the same on the tuning half, 75.8%
#: among the store's, but every question's neighbours would have to be kept and updated as
#: comments arrive. Not kept, measured on the tuning half (among the store's questions):
#: the whole comment's vector as a second one, its cosine mixed half and half with the
#: question's 92.2% (61.4%), with crowding 92.4% (72.7%), the larger of the two 91.7%
#: (50.1%), for 512 more bytes and another encoding per comment (the store's repeated
#: questions differ mostly in the sentences around the question, which sets them apart
#: from the labelled ones in the whole comment's vector: a gain no real store would see);
#: the seed expanded with the mean of its best 2-5 matches 90.7-91.2% (46.7-51.1%); each
#: question sentence its own vector, the best pair counting: one comment of the tuning
#: half asks two questions (91.2%, 50.2%).
HUB_NEIGHBOURS, HUB_PENALTY = 10, 0.7
#: Two English comments are compared by both encoders (``app.text.encoder``): their
#: multilingual cosine moved ``ENGLISH_WEIGHT`` of the way to their English one, which is
#: first put on the multilingual one's scale (x ``ENGLISH_SCALE`` + ``ENGLISH_SHIFT``: over
#: the 1,999,000 pairs of 2,000 of the benchmark store's questions, the multilingual
#: cosines are 0.268 +- 0.133, the English ones 0.186 +- 0.156). First 20 rows, tuning /
#: test / held-back sets (chosen on the first three, with the weight at 0.5: 95.75 /
#: 93.91 / 83.23 / 79.52%; 1.0: 95.96 / 92.32 / 84.20 / 79.91%; without scaling, 0.7:
#: 95.00 / 92.93 / 83.89 / 79.64%). Vectors the adapter mapped (the second ranking) have
#: cosines of their own scale (0.111 +- 0.163 and 0.077 +- 0.176 over the same pairs), so
#: the adapter carries its own, measured the same way (``bench.adapter_training``: 0.930,
#: 0.039); with this scale kept instead, English pairs were lifted above the rest (each
#: trained-on set left out, mean 80.75% of askers in the first 20 rows, 81.24% with the
#: adapter's own).
ENGLISH_WEIGHT = 0.7
ENGLISH_SCALE, ENGLISH_SHIFT = 0.854, 0.109
#: The scale of the encoders' own cosines (what the shortlist is chosen by).
RAW_SCALE = EnglishScale(ENGLISH_SCALE, ENGLISH_SHIFT)
VERY_LIKELY_COSINE = 0.8
LIKELY_COSINE = 0.6
#: How much closer another question may be to a candidate than the seed is, for the seed
#: still to count as its nearest (vectors kept in bytes differ by about 0.005).
TIE = 0.02
#: Rows shown however unsure (recall is measured within them), and at most in all.
SHOWN, MOST_SHOWN = 20, 200
#: Questions join a theme when this close to the question that started it, both read by
#: :func:`theme_vectors` (as the shipped adapter maps them). Chosen by leaving each of the
#: 25 sets the adapter learns from out of its training in turn and scoring that set's
#: themes (BCubed precision and recall, means): the raw vectors at 0.6 (as before) 93.6% /
#: 38.6%; mapped, 0.45 82.2% / 48.1%, 0.5 90.0% / 44.2%, 0.55 94.9% / 40.4% (purer and more
#: complete than before). With the adapter learnt at less pull (``bench.adapter_training``), by
#: five-fold cross-validation over the 25 (each fifth themed by an adapter trained on the rest):
#: the adapter before, 0.5 90.4% / 43.8%, 0.55 95.3% / 40.1%; the new one, 0.45 87.5% / 46.2%, 0.5
#: 93.2% / 42.5%, 0.52 94.8% / 41.0%, 0.53 95.4% / 40.3%, 0.54 96.1% / 39.6%, 0.55 96.7% / 39.1%,
#: 0.6 98.7% / 36.3% (0.53: purer and more complete than before; each of the 25 left out in turn,
#: as the bench measures, at 0.55 96.5% / 39.7%). With the raw vectors, on the tuning half 0.6 had
#: found 16 themes for its 15 questions asked by several, 87% of their members asking the theme's
#: question; 0.65 found 9 (90%), 0.7 only 5.
THEME_COSINE = 0.53
#: Rows a person looks through before ticking (what the benchmark's simulated person reads).
LOOKED_AT = 5
LABEL_LENGTH = 90


def match(
    ids: Sequence[int],
    pool: Vectors,
    seed: Vectors,
    seed_id: int,
    word_scores: Callable[[list[int]], Mapping[int, float]],
    *,
    precomputed: Similarities | None = None,
    mapped: MappedPool | None = None,
) -> list[QuestionMatch]:
    """Rank the open questions ``ids`` (vectors: rows of ``pool``) against the seed
    (vector ``seed``; it may be among them): the ``MOST_SHOWN`` closest (:func:`blended`
    similarity), scored with ``word_scores`` of those and ranked again by the seed
    expanded with the first ranking's best match (:func:`expanded`) and by how much of the
    seed reaches each through their neighbours (:func:`spread`), both rankings discounting
    crowded questions (:func:`crowding`), marked by :func:`rank` from the multilingual
    cosines. ``precomputed``: :func:`seed_similarities` of the seed where the caller has
    it already (several seeds' at once are one product each); ``mapped``: the pool's rows
    as an adapter maps them, where the caller ranks several seeds (the shipped adapter's
    otherwise)."""
    _blas_on_one_thread()
    found = precomputed or seed_similarities(pool, seed[None])
    multilingual = found.multilingual.reshape(-1)
    sims = np.array(found.blended.reshape(-1), np.float32)
    own = np.flatnonzero(np.asarray(ids) == seed_id)
    sims[own] = -2.0  # never its own match
    shortlist = [n for n in top(sims, MOST_SHOWN + len(own)) if sims[n] > -2.0]
    cosines = {ids[n]: float(multilingual[n]) for n in shortlist}
    if not cosines:
        return []
    close = [n for n in shortlist if multilingual[n] >= VERY_LIKELY_COSINE]
    close = [n for n, read in zip(close, read_rows(pool[close]), strict=True) if read]
    if not read_rows(seed[None])[0]:
        close = []
    closest_of: dict[int, float] = {}
    if close:
        near = np.flatnonzero(multilingual >= reach(float(multilingual[close].min())))
        near = near[~np.isin(near, own)]
        place = {int(n): at for at, n in enumerate(near)}
        nearest = closest(np.vstack([pool[near], seed])[:, MULTILINGUAL], [place[n] for n in close])
        closest_of = {ids[n]: c for n, c in zip(close, nearest, strict=True)}
    words = word_scores(list(cosines))
    mapped = mapped or MappedPool(pool, shipped())
    mapped.check(pool)
    nodes = np.vstack([mapped.adapter.apply(seed[None]), mapped.rows(shortlist)])
    plain = blended(nodes, nodes, mapped.adapter.english_scale)
    discount = HUB_PENALTY / 2 * crowding(plain)
    links = plain - (discount[:, None] + discount[None, :])
    uncrowded = {ids[n]: float(c) for n, c in zip(shortlist, links[0, 1:], strict=True)}
    best = max(range(len(shortlist)), key=lambda at: combined(uncrowded, words, ids[shortlist[at]]))
    again = expanded(plain, best) - discount[1:] + SPREAD * spread(links)
    ordering = {ids[n]: float(c) for n, c in zip(shortlist, again, strict=True)}
    return rank(cosines, words, closest_of, ordering)


class MappedPool:
    """A pool's rows as an adapter maps them (``app.text.adapter``), each row mapped the
    first time a shortlist holds it: the shortlists of several seeds (M ranks by the seed
    and every ticked question) share most of their rows. Rows are known by their place in
    the pool, so one is made for one pool and one ranking (:meth:`check`)."""

    def __init__(self, pool: Vectors, adapter: Adapter) -> None:
        self.adapter = adapter
        self._pool = pool
        self._rows: dict[int, Vectors] = {}

    def check(self, pool: Vectors) -> None:
        """Refuse to rank ``pool`` with the rows of another."""
        if pool is not self._pool:
            raise ValueError("a MappedPool ranks only the pool it was made for")

    def rows(self, indices: Sequence[int]) -> Vectors:
        """The mapped rows of the pool's rows ``indices``, in that order."""
        if missing := [n for n in dict.fromkeys(indices) if n not in self._rows]:
            self._rows.update(zip(missing, self.adapter.apply(self._pool[missing]), strict=True))
        if not indices:
            return np.zeros((0, self._pool.shape[1]), np.float32)
        return np.stack([self._rows[n] for n in indices])


class Similarities(NamedTuple):
    """A pool's similarities to one or more seeds (a column each): the multilingual
    vectors' cosines (what the marks use) and the :func:`blended` similarities (what the
    ranking uses)."""

    multilingual: Vectors
    blended: Vectors


def seed_similarities(pool: Vectors, seeds: Vectors) -> Similarities:
    """:class:`Similarities` of the rows of ``pool`` to the rows of ``seeds`` (the
    multilingual product is made once, for both)."""
    multilingual = pool[:, MULTILINGUAL] @ seeds[:, MULTILINGUAL].T
    return Similarities(multilingual, _with_english(pool, seeds, multilingual.copy(), RAW_SCALE))


def read_rows(vectors: Vectors) -> npt.NDArray[np.bool_]:
    """Which rows are of comments in a language the multilingual encoder was trained on
    (``app.text.encoder.READ``)."""
    return vectors[:, READ] >= 0.5


def blended(a: Vectors, b: Vectors, scale: EnglishScale = RAW_SCALE) -> Vectors:
    """How alike each row of ``a`` is to each row of ``b``: the multilingual cosine, and
    for two English comments ``ENGLISH_WEIGHT`` of the way from it to the English cosine
    (put on the multilingual one's ``scale``: the encoders' own, or an adapter's for
    vectors it mapped)."""
    return _with_english(a, b, a[:, MULTILINGUAL] @ b[:, MULTILINGUAL].T, scale)


def _with_english(a: Vectors, b: Vectors, multilingual: Vectors, scale: EnglishScale) -> Vectors:
    """:func:`blended`, from the rows' ``multilingual`` cosines (changed in place)."""
    a_english, b_english = english_rows(a), english_rows(b)
    if not (a_english.any() and b_english.any()):
        return multilingual
    english = (a[a_english][:, ENGLISH] @ b[b_english][:, ENGLISH].T) * scale.factor
    rows, columns = np.ix_(np.flatnonzero(a_english), np.flatnonzero(b_english))
    both = multilingual[rows, columns]
    multilingual[rows, columns] = both + ENGLISH_WEIGHT * (english + scale.shift - both)
    return multilingual


@functools.cache
def _blas_on_one_thread() -> None:
    """Keep numpy's BLAS to one thread in this process. A group's matrices are small, and
    BLAS threads wait for work by spinning on cores the window's thread needs: on the 200k
    benchmark store (2 cores, loaded), opening a group took a median 43-118 ms wall and
    42-57 ms CPU with OpenBLAS's two threads, 15-30 ms and 11-16 ms with one (the
    encoder runs in a process of its own, unaffected)."""
    threadpoolctl.threadpool_limits(1, user_api="blas")


def expanded(similarities: Vectors, best: int) -> Vectors:
    """The candidates' similarities to the seed moved ``EXPANSION`` of the way towards
    candidate ``best`` (``similarities``: all pairs of the seed, node 0, and the
    candidates): for unit vectors, the cosines with the normalised seed + ``EXPANSION`` x
    best."""
    towards = similarities[0, 1:] + EXPANSION * similarities[best + 1, 1:]
    length = 1 + EXPANSION**2 + 2 * EXPANSION * float(similarities[0, best + 1])
    return (towards / math.sqrt(max(length, 1e-9))).astype(np.float32)


def crowding(similarities: Vectors) -> Vectors:
    """How crowded each node's neighbourhood is: the mean of its ``HUB_NEIGHBOURS``
    highest similarities to the other nodes (``similarities``: all pairs, symmetric)."""
    others = similarities.copy()
    np.fill_diagonal(others, -np.inf)
    count = min(HUB_NEIGHBOURS, len(others) - 1)
    if count < 1:
        return np.zeros(len(others), np.float32)
    nearest = -np.partition(-others, count - 1, axis=1)[:, :count]
    return nearest.mean(axis=1).astype(np.float32)


def spread(similarities: Vectors) -> Vectors:
    """How much of the seed (node 0 of ``similarities``, all pairs of the seed and the
    candidates) reaches each candidate, scaled so the most reached gets 1: each node is
    joined to its ``NEIGHBOURS`` nearest (weighted by similarity, negative ones dropped,
    made symmetric and normalised by degree), and weight starting at the seed flows along
    them, ``CARRY`` of it passed on at each step (the closed form of manifold ranking:
    (I - CARRY W)^-1 applied to the seed)."""
    sims = similarities.astype(np.float64)
    np.fill_diagonal(sims, -1.0)
    count = min(NEIGHBOURS, len(sims) - 1)
    near = np.argpartition(-sims, count - 1, axis=1)[:, :count]
    rows = np.arange(len(sims))[:, None]
    links = np.zeros_like(sims)
    links[rows, near] = np.maximum(sims[rows, near], 0.0)
    links = (links + links.T) / 2
    degree = links.sum(axis=1)
    scale = 1 / np.sqrt(np.where(degree > 0, degree, 1.0))
    start = np.zeros(len(sims), np.float32)
    start[0] = 1.0
    reached = np.linalg.solve(
        np.eye(len(sims)) - CARRY * links * scale[:, None] * scale[None, :], start
    )[1:]
    return (reached / max(float(reached.max()), 1e-9)).astype(np.float32)


def combined(cosines: Mapping[int, float], word_scores: Mapping[int, float], key: int) -> float:
    """A candidate's ranking score: its cosine plus ``WORD_WEIGHT`` of its word score."""
    return cosines[key] + WORD_WEIGHT * word_scores.get(key, 0.0)


def rank(
    cosines: Mapping[int, float],
    word_scores: Mapping[int, float],
    closest_of: Mapping[int, float],
    ordering: Mapping[int, float] | None = None,
) -> list[QuestionMatch]:
    """Matches best first: the candidates, scored and marked (``MOST_SHOWN`` at most).

    They are ranked by :func:`combined` score, with ``ordering`` (the cosines to the
    expanded seed and the seed's spread, less crowding, :func:`match`) in place of
    ``cosines`` where given; the marks always follow ``cosines``.

    ``closest_of`` maps a candidate to its highest cosine with any other open question
    (:func:`closest`): it is "very likely" only if the seed is that close (within
    ``TIE``, so that several comments in the same words all qualify); candidates missing
    from it are never "very likely". At least
    ``SHOWN`` rows come back (when there are that many), then only likely ones.
    """
    by = ordering if ordering is not None else cosines
    scored = sorted(((combined(by, word_scores, i), i) for i in cosines), reverse=True)
    found: list[QuestionMatch] = []
    for score, comment_id in scored[:MOST_SHOWN]:
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


def fused(
    rankings: Sequence[Sequence[QuestionMatch]], left_out: Iterable[int]
) -> list[QuestionMatch]:
    """The matches of several rankings (one question each, all asking the same) as one,
    best first: each comment's best score and surest mark among them; the comments
    ``left_out`` (the questions ranked by) are not among the matches."""
    best: dict[int, QuestionMatch] = {}
    for ranking in rankings:
        for found in ranking:
            kept = best.get(found.comment_id)
            if kept is None:
                best[found.comment_id] = found
                continue
            best[found.comment_id] = QuestionMatch(
                found.comment_id,
                max(kept.score, found.score),
                min(kept.confidence, found.confidence, key=_SURENESS.index),
            )
    for comment_id in left_out:
        best.pop(comment_id, None)
    return sorted(best.values(), key=lambda m: -m.score)[:MOST_SHOWN]


_SURENESS = list(MatchConfidence)  # surest first


def reach(cosine: float) -> float:
    """Only open questions at least this close to the seed can be nearer than the seed to
    a candidate it meets at ``cosine`` (angles add up at most: if x beats the seed to c,
    angle(seed, x) < angle(seed, c) + angle(c, x)); less a margin for stored bytes."""
    c, x = math.acos(min(1.0, cosine)), math.acos(min(1.0, cosine + TIE))
    return math.cos(min(math.pi, c + x)) - 0.01


def closest(pool: Vectors, rows: Sequence[int]) -> list[float]:
    """For each of ``rows`` of ``pool``, its highest cosine to another row of ``pool``
    (-1 when the pool holds nothing else)."""
    sims = pool[list(rows)] @ pool.T
    sims[np.arange(len(rows)), list(rows)] = -1.0
    return [float(best) for best in sims.max(axis=1)] if sims.size else [-1.0] * len(rows)


def top(sims: Vectors, count: int) -> list[int]:
    """Positions of the ``count`` highest of ``sims``, in no particular order."""
    if len(sims) <= count:
        return list(range(len(sims)))
    return [int(n) for n in np.argpartition(-sims, count)[:count]]


def theme_vectors(rows: Vectors, adapter: Adapter | None = None) -> Vectors:
    """What themes are made by: the rows' multilingual vectors as ``adapter`` (the shipped
    one when not given) maps them (``app.text.adapter``: the askers of one question closer
    together, questions that only share a topic further apart), zeros for a row in a
    language that encoder was not trained on (``READ``), which so has a theme of its own
    that no other joins (two Norwegian questions about different things had a cosine over
    0.8; with the vectors not mapped, on comments_holdout8 themes then held 75.7% asking
    their theme's question, from 73.1%, the other sets unchanged)."""
    return (adapter or shipped()).multilingual_of(rows) * read_rows(rows)[:, None]


class ThemeCentres:
    """The themes so far, numbered in the order they started, each kept by the vector of
    the question that started it (a row of :func:`theme_vectors`), and the rule that puts
    questions in them (:meth:`join`). A centre of zeros (a question in a language the
    encoder was not trained on) is counted but never compared: no question joins it."""

    #: Questions compared with the centres in one matrix product, and the most cosines one
    #: product may hold (fewer questions at once when there are many centres).
    CHUNK, MOST_COSINES = 1024, 1 << 24

    def __init__(self, centres: Vectors) -> None:
        self.count = len(centres)
        self._rows = np.zeros((0, centres.shape[1]), np.float32)
        self._themes = np.zeros(0, np.intp)  # the theme of each of the rows
        self._kept = 0  # rows in use
        self._keep(centres, np.arange(len(centres)))

    def join(self, vectors: Vectors) -> npt.NDArray[np.intp]:
        """Each of ``vectors``' theme, taken in order as if one at a time: the theme of the
        closest centre when their cosine is at least ``THEME_COSINE`` (the earlier theme
        on a tie), else a new theme that the vectors after it may join (numbered from
        :attr:`count` on, in the order they start; a vector of zeros always starts one).
        A chunk of vectors is compared with the centres before it in one product; within
        the chunk, each only with the centres started in it."""
        found = np.empty(len(vectors), np.intp)
        start = 0
        while start < len(vectors):
            size = max(1, min(self.CHUNK, self.MOST_COSINES // max(self._kept, 1)))
            found[start : start + size] = self._join_chunk(vectors[start : start + size])
            start += size
        return found

    def _join_chunk(self, chunk: Vectors) -> npt.NDArray[np.intp]:
        """:meth:`join` for a chunk: each vector's closest centre so far by one product;
        then, in order, each vector that joins none starts a theme, whose centre is
        compared with the chunk's vectors after it (the closest of those it is closer to)."""
        if self._kept:
            before = chunk @ self._rows[: self._kept].T
            at = before.argmax(axis=1)
            best, themes = before[np.arange(len(chunk)), at], self._themes[at]
        else:
            best = np.full(len(chunk), -np.inf, np.float32)
            themes = np.zeros(len(chunk), np.intp)
        nonzero = np.count_nonzero(chunk, axis=1) > 0
        joins = nonzero & (best >= THEME_COSINE)
        started: list[int] = []  # the chunk's vectors that started a theme (not zeros)
        n = 0
        while not joins[n:].all():
            start = n + int(np.argmin(joins[n:]))  # the next to start a theme
            themes[start] = self.count
            self.count += 1
            n = start + 1
            if nonzero[start]:
                started.append(start)
                sims = chunk[n:] @ chunk[start]
                closer = n + np.flatnonzero(sims > best[n:])
                best[closer], themes[closer] = sims[closer - n], themes[start]
                joins[closer] = nonzero[closer] & (best[closer] >= THEME_COSINE)
        self._keep(chunk[started], themes[started])
        return themes

    def _keep(self, centres: Vectors, themes: npt.NDArray[np.intp]) -> None:
        """Keep the ``centres`` that are not zeros (of ``themes``) after those kept so far,
        in room grown by doubling (the centres are read as one matrix each chunk)."""
        nonzero = np.count_nonzero(centres, axis=1) > 0
        centres, themes = centres[nonzero], themes[nonzero]
        needed = self._kept + len(centres)
        if needed > len(self._rows):
            room = max(needed, 2 * len(self._rows), 64)
            rows = np.zeros((room, self._rows.shape[1]), np.float32)
            rows[: self._kept] = self._rows[: self._kept]
            numbers = np.zeros(room, np.intp)
            numbers[: self._kept] = self._themes[: self._kept]
            self._rows, self._themes = rows, numbers
        self._rows[self._kept : needed] = centres
        self._themes[self._kept : needed] = themes
        self._kept = needed


def label(text: str) -> str:
    """A theme's name: the first question of the comment that started it, without the
    @-mentions it was addressed with, cut to ``LABEL_LENGTH`` characters at a word."""
    asked = questions_among(sentences(text)) or [text]
    words = " ".join(similarity.without_mentions(asked[0]).split())
    words = words[:1].upper() + words[1:]
    if len(words) <= LABEL_LENGTH:
        return words
    return words[: LABEL_LENGTH - 1].rsplit(" ", 1)[0] + "…"
