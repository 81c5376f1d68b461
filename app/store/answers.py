"""The answer library in the store: each question answered by a queued reply, with the
reply's words (its template, variables and all) and when it was given.

An answer whose replies were all taken back (undo, undo send: every outbox item of its
batch cancelled) is not offered again.
"""

from __future__ import annotations

from app.domain.library import PastAnswer
from app.store.sql import Database
from app.timeutil import now_iso

#: The question as remembered: the start of its text.
QUESTION_CHARS = 280


def remember(db: Database, comment_ids: list[int], batch_id: str, answer: str) -> None:
    """Remember ``answer`` for those of ``comment_ids`` that ask a question."""
    if not answer.strip():
        return
    given = now_iso()
    marks = ",".join("?" * len(comment_ids))
    db.execute(
        f"INSERT INTO answers(comment_id, batch_id, answer, given_at) "
        f"SELECT id, ?, ?, ? FROM comments WHERE id IN ({marks}) AND is_question = 1",
        [batch_id, answer, given, *comment_ids],
    )


def recent(db: Database, limit: int) -> list[PastAnswer]:
    """The newest answers still standing, one per answer text, newest first."""
    rows = db.execute(
        f"""SELECT a.comment_id, substr(c.body_text, 1, {QUESTION_CHARS}), a.answer,
                a.given_at, p.name, ac.network, po.title
            FROM answers a JOIN comments c ON c.id = a.comment_id
            JOIN people p ON p.id = c.author_id JOIN posts po ON po.id = c.post_id
            JOIN accounts ac ON ac.id = c.account_id
            WHERE a.id IN (SELECT MAX(id) FROM answers GROUP BY answer)
              AND EXISTS (SELECT 1 FROM outbox o WHERE o.batch_id = a.batch_id
                          AND o.state != 'cancelled')
            ORDER BY a.id DESC LIMIT ?""",
        [limit],
    )
    return [PastAnswer(*row) for row in rows]
