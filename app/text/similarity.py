"""Finding comments that ask the same question in different words.

TF-IDF over word stems (a light suffix stripper) with cosine similarity: cheap, offline,
and good at "bonus payouts after the reorg" ≈ "how does the reorg change our bonus".
"""

from __future__ import annotations

import math
import re
from collections import Counter

_WORD = re.compile(r"[a-z0-9']+")
STOPWORDS = frozenset(
    """a an the and or but if of to in on at for with by from as is are was were
be been being it its this that these those i you he she we they me my our your their do does did
will would can could should shall may might must have has had not no so than then there here what
when where why how who which just also very really about into over any all some more most much
thanks thank great post""".split()
)


def stem(word: str) -> str:
    """Strip common English endings so "bonuses", "bonus" and "payouts" meet their roots."""
    for suffix in ("ings", "ing", "ied", "ies", "ed", "ly"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    if word.endswith(("ses", "xes", "ches", "shes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def terms(text: str) -> list[str]:
    return [stem(w) for w in _WORD.findall(text.lower()) if w not in STOPWORDS and len(w) > 2]


def similar(target: str, candidates: dict[int, str], threshold: float = 0.35) -> list[int]:
    """Ids of candidates whose text is close to ``target``, most similar first."""
    docs = {cid: Counter(terms(text)) for cid, text in candidates.items()}
    query = Counter(terms(target))
    if not query:
        return []
    df: Counter[str] = Counter()
    for bag in docs.values():
        df.update(bag.keys())
    n = len(docs) + 1

    def vector(bag: Counter[str]) -> dict[str, float]:
        return {t: c * (math.log(n / (1 + df[t])) + 1) for t, c in bag.items()}

    q = vector(query)
    q_norm = math.sqrt(sum(v * v for v in q.values()))
    scored = []
    for cid, bag in docs.items():
        d = vector(bag)
        dot = sum(q[t] * d[t] for t in q.keys() & d.keys())
        norm = q_norm * math.sqrt(sum(v * v for v in d.values()))
        if norm and dot / norm >= threshold:
            scored.append((dot / norm, cid))
    return [cid for _, cid in sorted(scored, reverse=True)]
