"""Question vectors and themes in the store: which questions still need a vector, saving
a batch (each joins the nearest theme or starts one), and reading the open questions'
vectors and themes for "same question" and the Themes view.

Vectors are made elsewhere (``app.core.grouping``, on a worker thread); everything here
is SQL and a little numpy, on the store's threads.
"""

from __future__ import annotations

from collections.abc import Sequence

import msgspec
import numpy as np

from app.domain.grouping import Theme
from app.store.sql import Database
from app.text import encoder, grouping

#: An open question, as the inbox's Questions view counts one.
OPEN_QUESTION = (
    "c.is_mine = 0 AND c.deleted = 0 AND c.is_question = 1 AND c.answered = 0 "
    "AND c.triage_state = 'open'"
)
_TO_VECTOR = "c.is_question = 1 AND c.is_mine = 0 AND c.deleted = 0"


class Pending(msgspec.Struct, frozen=True):
    """A question without a vector yet: its id and text."""

    comment_id: int
    text: str


def pending(db: Database, limit: int) -> list[Pending]:
    """Up to ``limit`` questions without a vector, newest first."""
    rows = db.execute(
        f"SELECT c.id, c.body_text FROM comments c WHERE {_TO_VECTOR} AND NOT EXISTS "
        "(SELECT 1 FROM comment_vectors v WHERE v.comment_id = c.id) ORDER BY c.id DESC LIMIT ?",
        [limit],
    ).fetchall()
    return [Pending(i, t) for i, t in rows]


def progress(db: Database) -> tuple[int, int]:
    """(questions with a vector, questions in all)."""
    total = db.execute(f"SELECT count(*) FROM comments c WHERE {_TO_VECTOR}").fetchone()[0]
    done = db.execute("SELECT count(*) FROM comment_vectors").fetchone()[0]
    return min(done, total), total


def save(db: Database, made: Sequence[Pending], vectors: encoder.Vectors) -> int:
    """Store the vectors of ``made`` (still with the text they were made from), each in
    the nearest theme or a new one; returns how many were stored."""
    leaders = db.execute("SELECT id, vector FROM question_themes ORDER BY id").fetchall()
    theme_ids = [i for i, _ in leaders]
    centres = encoder.from_bytes([b for _, b in leaders])[:, encoder.MULTILINGUAL]
    stored = 0
    for item, vector in zip(made, vectors, strict=True):
        still = db.execute(
            "SELECT 1 FROM comments WHERE id = ? AND body_text = ?", [item.comment_id, item.text]
        ).fetchone()
        if still is None:
            continue  # edited or gone while its vector was made: made again next time
        blob = encoder.to_bytes(vector)
        asked = grouping.theme_vectors(vector[None])[0]
        sims = centres @ asked if theme_ids else np.zeros(0, np.float32)
        best = int(sims.argmax()) if len(sims) else -1
        if best >= 0 and sims[best] >= grouping.THEME_COSINE:
            theme = theme_ids[best]
        else:
            theme = db.execute(
                "INSERT INTO question_themes(label, vector) VALUES (?, ?)",
                [grouping.label(item.text), encoder.to_bytes(asked)],
            ).lastrowid
            theme_ids.append(theme)
            centres = np.vstack([centres, asked])
        db.execute(
            "INSERT OR REPLACE INTO comment_vectors(comment_id, vector, theme_id) VALUES (?, ?, ?)",
            [item.comment_id, blob, theme],
        )
        stored += 1
    return stored


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
