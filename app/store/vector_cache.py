"""The open questions' vectors, kept in memory between groups: one read of the store per
new vector or reopened question, not of every vector per group (8,500 open questions'
vectors took 250 ms to read; a group must open in 100 ms).

One per open store, used on the store's reading thread only. It holds the vectors of the
questions it has seen open (897 bytes each) and the last matrix it built, which is used
again while nothing was written to the store since (SQLite's ``data_version``).
"""

from __future__ import annotations

from app.store import vectors
from app.store.sql import Database
from app.text import encoder

_CHUNK = 500


class OpenQuestionVectors:
    def __init__(self) -> None:
        self._seq: int | None = None
        self._stored: dict[int, bytes] = {}
        self._last: tuple[list[int], encoder.Vectors] = ([], encoder.from_bytes([]))
        self._version: int | None = None

    def read(self, db: Database) -> tuple[list[int], encoder.Vectors]:
        """The open questions that have a vector: their ids and vectors (as rows)."""
        version = db.execute("PRAGMA data_version").fetchone()[0]
        if version == self._version:
            return self._last
        made_again = self._take_new(db)
        open_ids = vectors.open_question_ids(db)
        self._fetch(db, [i for i in open_ids if i not in self._stored])
        ids = [i for i in open_ids if i in self._stored]
        if ids != self._last[0] or not made_again.isdisjoint(ids):
            self._last = (ids, encoder.from_bytes([self._stored[i] for i in ids]))
        self._version = version
        return self._last

    def _take_new(self, db: Database) -> set[int]:
        """Vectors made since the last read (new questions, edited ones made again): the
        ids of those that replace one kept (the matrix must be built again even if the
        open questions are the same)."""
        if self._seq is None:  # the first read: open questions are fetched by id below
            self._seq = db.execute("SELECT ifnull(max(seq), 0) FROM comment_vectors").fetchone()[0]
            return set()
        made_again = set()
        for seq, comment_id, blob in db.execute(
            "SELECT seq, comment_id, vector FROM comment_vectors WHERE seq > ? ORDER BY seq",
            [self._seq],
        ):
            if comment_id in self._stored:
                made_again.add(comment_id)
            self._stored[comment_id] = bytes(blob)
            self._seq = seq
        return made_again

    def _fetch(self, db: Database, ids: list[int]) -> None:
        for at in range(0, len(ids), _CHUNK):
            chunk = ids[at : at + _CHUNK]
            for comment_id, blob in db.execute(
                "SELECT comment_id, vector FROM comment_vectors WHERE comment_id IN "
                f"({','.join('?' * len(chunk))})",
                chunk,
            ):
                self._stored[comment_id] = bytes(blob)
