"""The marks that end a question in the scripts people write in: ASCII, fullwidth (Chinese,
Japanese, Korean) and Arabic. Its own module: the reply templates read it at start-up,
which the comment classifier (with its HTML cleaner) is not needed for."""

from __future__ import annotations

QUESTION_MARKS = frozenset("?？؟")
