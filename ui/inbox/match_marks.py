"""How a "same question" row shows its confidence: a chip with words (never colour alone)
and the same words for screen readers.

    Very likely same · Likely same · Possibly same

Very likely rows start ticked; the others wait for a person to tick them (x or Space).
"""

from __future__ import annotations

from app.domain.grouping import MatchConfidence
from ui.common.chips import Chip

#: The chip's words and hue for each confidence (hues echo the row chips' palette).
MARKS = {
    MatchConfidence.VERY_LIKELY: Chip("Very likely same", "#2e8b57", "Very likely"),
    MatchConfidence.LIKELY: Chip("Likely same", "#2563eb", "Likely"),
    MatchConfidence.POSSIBLE: Chip("Possibly same", "#6b7280", "Possibly"),
}
#: The comment a group was opened from.
ASKED_HERE = Chip("Asked here", "#c77700")


def mark_chips(match: MatchConfidence | None, seed: bool) -> list[Chip]:
    if seed:
        return [ASKED_HERE]
    return [] if match is None else [MARKS[match]]


def spoken(match: MatchConfidence | None, seed: bool) -> str:
    """The mark in words, to go before a row's accessible text ("" for an ordinary row)."""
    if seed:
        return "The question this group was opened from."
    if match is None:
        return ""
    return f"{MARKS[match].text.replace(' same', '')} the same question."
