"""A draft with a picture survives SIGKILL as any draft does: the picture is in the
database whenever the text names it (it is kept before its reference enters the text),
byte for byte, and every word typed after it more than the autosave's promise before the
kill is there too, exactly as typed."""

from __future__ import annotations

import re
import sqlite3
import sys
from pathlib import Path

import pytest
from test_composer_kills import PROMISE_S, child_env, run_and_kill

from app.config import database_path

pytestmark = pytest.mark.skipif(
    sys.platform not in ("linux", "darwin"), reason="needs SIGKILL (Linux, macOS)"
)


def test_a_draft_with_a_picture_survives_a_kill(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    lines, killed_at = run_and_kill(data_dir, child_env(tmp_path, data_dir), "picture_child.py")
    _, image_id, size = next(x for x in lines if x.startswith("INSERTED")).split()
    typed = [(float(x.split()[1]), int(x.split()[2])) for x in lines if x.startswith("TYPED")]
    promised = max((n for t, n in typed if t <= killed_at - PROMISE_S), default=0)

    uri = database_path(data_dir).resolve().as_uri() + "?mode=ro"
    with sqlite3.connect(uri, uri=True) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        [body] = db.execute("SELECT body FROM drafts WHERE title = 'With a picture'").fetchone()
        kept = db.execute(
            "SELECT length(data), mime_type FROM draft_images WHERE id = ?", [int(image_id)]
        ).fetchone()
    assert kept == (int(size), "image/png")
    reference = re.fullmatch(r"!\[pasted image\]\(fireside-image:(\d+)\)\n\n(.*)", body, re.S)
    assert reference is not None and reference.group(1) == image_id, body[:200]
    words = reference.group(2).split()
    assert words == [f"w{n}" for n in range(len(words))]  # exactly what was typed, in order
    assert len(words) >= promised > 0, (len(words), promised)
