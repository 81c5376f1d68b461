"""Rows as lists show them (app/core/display.py): every remote text field cleaned, and a
row that is already clean handed back as it is (lists are read in thousands)."""

from __future__ import annotations

from app.core.display import SNIPPET_CHARS, shown_post, shown_row, shown_rows
from app.domain import InboxRow, Post, TriageState, VipTier


def _row(**changes: object) -> InboxRow:
    fields: dict[str, object] = {
        "id": 7,
        "created_at": "2026-03-01T10:00:00Z",
        "triage_state": TriageState.OPEN,
        "snoozed_until": None,
        "is_question": True,
        "answered": False,
        "edited_at": None,
        "snippet": "What does the plan mean for us?",
        "author_name": "Ana Lima",
        "author_title": "Engineer",
        "author_department": "Platform",
        "post_title": "The plan",
        "network": "sandbox",
        "account_name": "Sandbox",
        "network_shared": False,
        "reply_draft": False,
        "author_tier": VipTier.NONE,
    }
    fields.update(changes)
    return InboxRow(**fields)  # type: ignore[arg-type]


def test_a_clean_row_is_handed_back_as_it_is() -> None:
    row = _row()
    assert shown_row(row) is row
    post = Post(1, "The plan", "sandbox", "sandbox", "2026-03-01T10:00:00Z", 3)
    assert shown_post(post) is post


def test_every_text_field_is_cleaned_and_the_rest_kept() -> None:
    row = _row(
        author_name="Ana\u202e Lima",
        author_title="Eng\u200bineer",
        author_department="Plat\u2066form",
        post_title="The\u202d plan",
        snippet="x" * 1000,
    )
    shown = shown_row(row)
    assert shown is not row
    assert (shown.author_name, shown.author_title) == ("Ana Lima", "Engineer")
    assert (shown.author_department, shown.post_title) == ("Platform", "The plan")
    assert len(shown.snippet) == SNIPPET_CHARS + 1 and shown.snippet.endswith("…")
    assert (shown.id, shown.triage_state, shown.network) == (7, TriageState.OPEN, "sandbox")
    assert shown_rows([row, _row()])[0] == shown
    post = Post(1, "The\u202e plan", "sandbox", "sandbox", "2026-03-01T10:00:00Z", 3)
    assert shown_post(post).title == "The plan"
