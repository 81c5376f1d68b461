"""Markdown formatting the editor applies: on the selection or the word/line at the cursor,
and off again when applied twice."""

from __future__ import annotations

from app.text.formatting import Edit, link, prefix_lines, wrap


def apply(text: str, edit: Edit) -> tuple[str, str]:
    new = text[: edit.start] + edit.replacement + text[edit.end :]
    return new, new[edit.select_start : edit.select_end]


def test_bold_wraps_the_selection_and_unwraps_it_again():
    text = "We grew fast this year"
    new, selected = apply(text, wrap(text, 3, 12, "**"))
    assert new == "We **grew fast** this year" and selected == "grew fast"
    start = new.index("grew")
    again, selected = apply(new, wrap(new, start, start + len("grew fast"), "**"))
    assert again == text and selected == "grew fast"


def test_italic_with_no_selection_takes_the_word_at_the_cursor():
    text = "a truly calm quarter"
    new, selected = apply(text, wrap(text, 4, 4, "_"))
    assert new == "a _truly_ calm quarter" and selected == "truly"


def test_a_selection_that_includes_the_markers_is_unwrapped():
    text = "say **this** now"
    new, _ = apply(text, wrap(text, 4, 12, "**"))
    assert new == "say this now"


def test_link_uses_the_selection_as_its_text():
    text = "read the notes today"
    new, selected = apply(text, link(text, 9, 14, "https://example.org/notes"))
    assert new == "read the [notes](https://example.org/notes) today" and selected == "notes"
    empty, _ = apply("", link("", 0, 0, "https://x.org"))
    assert empty == "[https://x.org](https://x.org)"


def test_lists_and_headings_prefix_every_selected_line_and_toggle_off():
    text = "Intro\nfirst\nsecond\nOutro"
    start, end = text.index("first"), text.index("second") + 3
    bullets, _ = apply(text, prefix_lines(text, start, end, "- "))
    assert bullets == "Intro\n- first\n- second\nOutro"
    start, end = bullets.index("- first"), bullets.index("second")
    assert apply(bullets, prefix_lines(bullets, start, end, "- "))[0] == text
    numbered, _ = apply(text, prefix_lines(text, text.index("first"), end, "1. "))
    assert numbered == "Intro\n1. first\n2. second\nOutro"
    s = numbered.index("1.")
    assert apply(numbered, prefix_lines(numbered, s, s + 12, "1. "))[0] == text
    heading, _ = apply(text, prefix_lines(text, 2, 2, "## "))
    assert heading == "## Intro\nfirst\nsecond\nOutro"


def test_a_list_of_one_kind_becomes_the_other_and_headings_change_level():
    text = "- hire\n- ship"
    assert apply(text, prefix_lines(text, 0, len(text), "1. "))[0] == "1. hire\n2. ship"
    text = "# Plans"
    assert apply(text, prefix_lines(text, 0, 0, "## "))[0] == "## Plans"
