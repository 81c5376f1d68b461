"""A batch reply to people whose network gives no name (LinkedIn shows member ids): the
template's {first_name} and {name} read the fallback word the person chose, or nothing,
the greeting closed up, and the preview flags each such reply."""

from __future__ import annotations

import pytest

from app.networks import registry
from app.text.templates import personalise


@pytest.mark.parametrize(
    ("template", "without", "with_there"),
    [
        ("Hi {first_name},\n\nThanks!", "Hi,\n\nThanks!", "Hi there,\n\nThanks!"),
        ("Hi {first_name}, thanks", "Hi, thanks", "Hi there, thanks"),
        ("{first_name}, thanks for asking.", "Thanks for asking.", "there, thanks for asking."),
        ("Thanks, {name}!", "Thanks!", "Thanks, there!"),
        ("Hello {first_name} and welcome", "Hello and welcome", "Hello there and welcome"),
        ("Dear {name}\n\n{question}", "Dear\n\n> Why?", "Dear there\n\n> Why?"),
    ],
)
def test_a_missing_name_reads_the_fallback_or_closes_up(template, without, with_there) -> None:
    made = personalise(template, None, "Why?")
    assert (made.text, made.no_name) == (without, True)
    there = personalise(template, None, "Why?", "there")
    assert (there.text, there.no_name) == (with_there, True)


def test_a_named_person_and_a_template_without_names_are_not_flagged() -> None:
    assert personalise("Hi {first_name}", "Ada Lovelace", "q", "there").text == "Hi Ada"
    assert not personalise("Hi {first_name}", "Ada Lovelace", "q").no_name
    assert not personalise("Thanks for asking.", None, "q").no_name


def test_the_fallback_is_cleaned_like_any_shown_text() -> None:
    made = personalise("Hi {first_name}", None, "q", "  the\u202ere  ")
    assert made.text == "Hi there"


def test_linkedin_gives_no_names_and_the_others_do() -> None:
    assert not registry.names_people("linkedin")
    assert all(registry.names_people(n) for n in ("x", "slack", "mastodon", "teams", "matrix"))
    assert registry.names_people("a network from a newer Fireside")
