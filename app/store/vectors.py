"""Question vectors and themes in the store: which questions still need a vector, saving
a batch (each joins the nearest theme or starts one: :class:`Theming`, which the schema
migration that made every theme again uses too), and reading the open questions' vectors
and themes for "same question" and the Themes view.

Vectors are made elsewhere (``app.core.grouping``, on a worker thread); everything here
is SQL and a little numpy, on the store's threads.
"""

from __future__ import annotations

from collections.abc import Sequence

import msgspec
import numpy as np

from app.domain.grouping import Theme
from app.store.sql import Database, insert
from app.text import encoder, grouping

#: An open question, as the inbox's Questions view counts one.
OPEN_QUESTION = (
    "c.is_mine = 0 AND c.deleted = 0 AND c.is_question = 1 AND c.answered = 0 "
    "AND c.triage_state = 'open'"
)
#: A comment that gets a vector (and so a theme).
TO_VECTOR = "c.is_question = 1 AND c.is_mine = 0 AND c.deleted = 0"


class Pending(msgspec.Struct, frozen=True):
    """A question without a vector yet: its id and text."""

    comment_id: int
    text: str


def pending(db: Database, limit: int) -> list[Pending]:
    """Up to ``limit`` questions without a vector, newest first."""
    rows = db.execute(
        f"SELECT c.id, c.body_text FROM comments c WHERE {TO_VECTOR} AND NOT EXISTS "
        "(SELECT 1 FROM comment_vectors v WHERE v.comment_id = c.id) ORDER BY c.id DESC LIMIT ?",
        [limit],
    ).fetchall()
    return [Pending(i, t) for i, t in rows]


def progress(db: Database) -> tuple[int, int]:
    """(questions with a vector, questions in all)."""
    total = db.execute(f"SELECT count(*) FROM comments c WHERE {TO_VECTOR}").fetchone()[0]
    done = db.execute("SELECT count(*) FROM comment_vectors").fetchone()[0]
    return min(done, total), total


def save(db: Database, made: Sequence[Pending], vectors: encoder.Vectors) -> int:
    """Store the vectors of ``made`` (still with the text they were made from), each in
    the nearest theme or a new one; returns how many were stored."""
    if len(vectors) != len(made):
        raise ValueError(f"{len(vectors)} vectors for {len(made)} questions")
    current = [
        n
        for n, item in enumerate(made)
        if db.execute(  # edited or gone while its vector was made: made again next time
            "SELECT 1 FROM comments WHERE id = ? AND body_text = ?", [item.comment_id, item.text]
        ).fetchone()
    ]
    kept = [made[n] for n in current]
    themes = Theming.stored(db).of(db, [item.text for item in kept], vectors[current])
    db.conn.executemany(
        "INSERT OR REPLACE INTO comment_vectors(comment_id, vector, theme_id) VALUES (?, ?, ?)",
        [
            (item.comment_id, encoder.to_bytes(vector), theme)
            for item, vector, theme in zip(kept, vectors[current], themes, strict=True)
        ],
    )
    return len(kept)


class Theming:
    """Questions put in themes as the store keeps them: each theme's id
    (``question_themes``), in the order they started, with their centres
    (``grouping.ThemeCentres``, which holds the rule)."""

    def __init__(self, ids: list[int], centres: grouping.ThemeCentres) -> None:
        self._ids = ids
        self._centres = centres

    @classmethod
    def stored(cls, db: Database) -> Theming:
        """The themes the store holds."""
        leaders = db.execute("SELECT id, vector FROM question_themes ORDER BY id").fetchall()
        rows = encoder.from_bytes([bytes(b) for _, b in leaders])[:, encoder.MULTILINGUAL]
        return cls([i for i, _ in leaders], grouping.ThemeCentres(rows))

    @classmethod
    def none(cls) -> Theming:
        """No theme yet (the first question starts one)."""
        return cls([], grouping.ThemeCentres(np.zeros((0, encoder.DIMENSIONS), np.float32)))

    def of(self, db: Database, texts: Sequence[str], rows: encoder.Vectors) -> list[int]:
        """The theme of each question (its text and encoder row), taken in order; a theme
        one starts is stored, named by its text (``grouping.label``) and kept by its
        vector (``grouping.theme_vectors``)."""
        asked = grouping.theme_vectors(rows)
        ids = []
        for text, vector, theme in zip(texts, asked, self._centres.join(asked), strict=True):
            if theme == len(self._ids):
                row = {"label": grouping.label(text), "vector": encoder.to_bytes(vector)}
                self._ids.append(insert(db, "question_themes", row))
            ids.append(self._ids[theme])
        return ids


def stored_or_text(db: Database, comment_ids: Sequence[int]) -> dict[int, bytes | str]:
    """Each comment's stored vector or, where it has none yet, its text (to encode);
    comments that are gone are left out. One read for a group's seed and its ticked."""
    marks = ",".join("?" * len(comment_ids))
    return {
        comment_id: bytes(vector) if vector is not None else (text or "")
        for comment_id, vector, text in db.execute(
            f"""SELECT c.id, v.vector, c.body_text FROM comments c
                LEFT JOIN comment_vectors v ON v.comment_id = c.id
                WHERE c.id IN ({marks})""",
            list(comment_ids),
        )
    }


def open_question_ids(db: Database) -> list[int]:
    """Every open question, by id (``ix_view_questions`` covers it)."""
    return [i for (i,) in db.execute(f"SELECT c.id FROM comments c WHERE {OPEN_QUESTION}")]


def themes(db: Database, smallest: int = 2) -> list[Theme]:
    """Themes with at least ``smallest`` open questions, the newest question first; read
    from two indexes alone (the rows hold the comments' text and the vectors)."""
    rows = db.execute(
        "SELECT t.id, t.label, count(DISTINCT c.author_id), count(*), max(c.created_at), "
        "max(c.id) FROM comments c INDEXED BY ix_open_question_askers "
        "JOIN comment_vectors v INDEXED BY ix_comment_vectors_themes ON v.comment_id = c.id "
        f"JOIN question_themes t ON t.id = v.theme_id WHERE {OPEN_QUESTION} "
        "GROUP BY t.id HAVING count(*) >= ? ORDER BY max(c.created_at) DESC",
        [smallest],
    ).fetchall()
    return [
        Theme(newest_id, label, people, n, newest)
        for _, label, people, n, newest, newest_id in rows
    ]
