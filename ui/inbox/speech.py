"""What an inbox row says: its state chips (painted by the delegate) and the same row in
words for screen readers (the model's accessible text and description).

A row is painted as two lines of names, chips and a relative time; a screen reader gets
all of it as sentences, most useful first: who, their state ("Question", "Snoozed until
tomorrow 08:00"), what they wrote, then where and when:

    Lars Rossi, IT Manager. Question. Can I use the assistant with client documents?
    On “AI assistant: now for everyone”, Sandbox, 3 hours ago.
"""

from __future__ import annotations

from app.domain import VIP_TIER_TITLES, InboxRow, TriageState, VipTier
from app.text import timefmt
from app.timeutil import parse
from ui.common.chips import Chip
from ui.common.networks import where

SNOOZED_HUE = "#7b52c7"
ANSWERED_HUE = "#2e8b57"
QUIET_HUE = "#6b7280"
QUESTION_HUE = "#c77700"
DRAFT_HUE = "#2563eb"
VIP_HUE = "#b4235a"


def status_chips(row: InboxRow) -> list[Chip]:
    """What the row's state means to the person triaging, most important first (each with
    a short form for a narrow row: the star before a VIP's name says "VIP" too)."""
    chips = []
    if row.author_tier > VipTier.NONE:  # words, not a colour: "VIP: Executive team"
        chips.append(Chip(f"VIP: {VIP_TIER_TITLES[row.author_tier]}", VIP_HUE, "VIP"))
    if row.reply_draft:
        chips.append(Chip("Reply draft", DRAFT_HUE, "Draft"))
    if row.triage_state is TriageState.SNOOZED:
        chips.append(Chip(f"Snoozed · {timefmt.until(row.snoozed_until)}", SNOOZED_HUE, "Snoozed"))
    if row.answered:
        chips.append(Chip("Answered", ANSWERED_HUE))
    elif row.triage_state is TriageState.DONE:
        chips.append(Chip("Done", QUIET_HUE))
    elif row.is_question:
        chips.append(Chip("Question", QUESTION_HUE))
    if row.edited_at:
        chips.append(Chip("Edited", QUIET_HUE))
    return chips


def state_words(row: InboxRow) -> list[str]:
    """The chips as words: "Snoozed until tomorrow 08:00", "Question"."""
    return [chip.text.replace(" · ", " until ", 1) for chip in status_chips(row)]


def spoken_time(stamp: str | None) -> str:
    """A time as it is said: "just now", "4 minutes ago", "3 hours ago", "yesterday",
    "on Thursday 3 December"."""
    short = timefmt.relative(stamp)
    if not short or stamp is None:
        return ""
    if short == "now":
        return "just now"
    number, _, unit = short.partition(" ")
    if unit in ("min", "h") and number.isdigit():
        word = "minute" if unit == "min" else "hour"
        return f"{number} {word}{'' if number == '1' else 's'} ago"
    if short == "Yesterday":
        return "yesterday"
    local = parse(stamp).astimezone()
    return f"on {local:%A} {local.day} {local:%B}"


def _sentences(parts: list[str]) -> str:
    """Parts joined as sentences: each ends with its own punctuation, or a full stop."""
    done = []
    for part in (" ".join(p.split()) for p in parts):
        if part:
            done.append(part if part[-1] in ".?!…" else f"{part}.")
    return " ".join(done)


def row_name(row: InboxRow) -> str:
    """The row for a screen reader: who, state, what they wrote, where, when."""
    who = ", ".join(p for p in (row.author_name, row.author_title) if p)
    place = where(row).replace(" · ", ", ")
    post = f"On “{row.post_title}”, {place}" if row.post_title else f"On {place}"
    when = spoken_time(row.created_at)
    return _sentences([who, *state_words(row), row.snippet, f"{post}, {when}" if when else post])


def row_description(row: InboxRow) -> str:
    """More about the row: department, account, the exact time."""
    about = ", ".join(p for p in (row.author_title, row.author_department) if p)
    parts = [
        f"Comment by {row.author_name}" + (f" ({about})" if about else ""),
        f"network {where(row).replace(' · ', ', account ')}",
        f"written {timefmt.exact(row.created_at)}",
    ]
    if row.edited_at:
        parts.append(f"edited {timefmt.exact(row.edited_at)}")
    return "; ".join(parts)
