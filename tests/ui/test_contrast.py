"""Every colour pair Fireside paints text or a control with meets WCAG 2.1 AA, in each
scheme (light, dark, and their high-contrast variants): 4.5:1 for text, 3:1 for large
text, field borders, focus rings and icons that carry meaning.

The pairs come from the code itself (the palettes, the meaningful inks, the chips (the
inbox's, the editor's state chip) as they are worked out for each background, the inbox
rows in each look, the thread page, the editor's counters and history, the style sheet's
tokens), and one more test makes sure no colour literal in ui/ escapes being measured
here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QFont, QPalette

from ui import theme
from ui.common import colours
from ui.common.chips import chip_look, outline_look
from ui.common.colours import INKS, PALETTES, Ink, Scheme
from ui.common.contrast import ENHANCED, LARGE, NON_TEXT, TEXT, over, ratio
from ui.common.networks import ICON_LETTER, NETWORKS, UNKNOWN_HUE
from ui.editor.counters import OVER_BACKGROUND
from ui.editor.history import LINE_STYLES
from ui.editor.labels import STATE_HUES
from ui.inbox import speech
from ui.inbox.row_colours import row_colours
from ui.thread.render import ThreadRenderer

pytestmark = pytest.mark.ui

Role = QPalette.ColorRole
UI = Path(__file__).resolve().parents[2] / "ui"
RESOURCES = UI.parent / "resources"
SCHEMES = list(Scheme)
CHIP_HUES = [
    speech.SNOOZED_HUE,
    speech.ANSWERED_HUE,
    speech.QUIET_HUE,
    speech.DRAFT_HUE,
    speech.QUESTION_HUE,
    speech.VIP_HUE,
    UNKNOWN_HUE,
    *(hue for _, hue in NETWORKS.values()),
    *STATE_HUES.values(),  # the editor's state chip
]
WHITE = "#ffffff"


@dataclass(frozen=True)
class Pair:
    what: str
    foreground: QColor
    background: QColor
    needs: float

    @property
    def measured(self) -> float:
        return ratio(self.foreground, self.background)


def _c(value: QColor | str) -> QColor:
    return QColor(value)


#: (what, foreground, background, threshold) straight from the palette.
ROLE_PAIRS = (
    ("text on base", Role.Text, Role.Base, TEXT),
    ("text on alternate rows", Role.Text, Role.AlternateBase, TEXT),
    ("window text", Role.WindowText, Role.Window, TEXT),
    ("button text", Role.ButtonText, Role.Button, TEXT),
    ("tooltip", Role.ToolTipText, Role.ToolTipBase, TEXT),
    ("selection", Role.HighlightedText, Role.Highlight, TEXT),
    ("link on base", Role.Link, Role.Base, TEXT),
    ("link on window (marked post)", Role.Link, Role.Window, TEXT),
    ("field border on base", Role.Mid, Role.Base, NON_TEXT),
    ("field border on window", Role.Mid, Role.Window, NON_TEXT),
    ("focus ring on a selected row", Role.HighlightedText, Role.Highlight, NON_TEXT),
)


def palette_pairs(scheme: Scheme) -> list[Pair]:
    p = colours.palette_for(scheme)
    active, inactive = QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive
    pairs = [Pair(what, p.color(fg), p.color(bg), needs) for what, fg, bg, needs in ROLE_PAIRS]
    pairs.append(
        Pair(
            "selection without the keyboard",
            p.color(inactive, Role.HighlightedText),
            p.color(inactive, Role.Highlight),
            TEXT,
        )
    )
    for role in (Role.Base, Role.Window, Role.AlternateBase, Role.Button):
        pairs.append(
            Pair(
                f"placeholder, hints, counts on {role.name}",
                p.color(Role.PlaceholderText),
                p.color(role),
                TEXT,
            )
        )
        focus = colours.ink(Ink.FOCUS, scheme)
        pairs.append(Pair(f"focus ring on {role.name}", focus, p.color(role), NON_TEXT))
    for ink in (Ink.PROBLEM, Ink.WARNING, Ink.OK, Ink.PENDING):
        for role in (Role.Base, Role.Window, Role.AlternateBase, Role.Button):
            pairs.append(
                Pair(f"{ink.value} on {role.name}", colours.ink(ink, scheme), p.color(role), TEXT)
            )
    for share, group in ((0.3, active), (0.15, inactive)):  # the sidebar's tinted selection
        tint = theme.mix(p.color(Role.Base), p.color(group, Role.Highlight), share)
        pairs.append(Pair(f"sidebar selection ({group.name})", p.color(Role.Text), tint, TEXT))
    return pairs


def row_pairs(scheme: Scheme) -> list[Pair]:
    p = colours.palette_for(scheme)
    pairs = []
    looks = {
        "plain": {"selected": False, "solid": False, "hover": False},
        "hover": {"selected": False, "solid": False, "hover": True},
        "selected": {"selected": True, "solid": True, "hover": False},
        "selected, list without keyboard": {"selected": True, "solid": False, "hover": False},
    }
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        p.setCurrentColorGroup(group)
        for name, look in looks.items():
            row = row_colours(p, **look)
            label = f"inbox row {name} ({group.name})"
            pairs.append(Pair(f"{label}: text", row.text, row.background, TEXT))
            pairs.append(Pair(f"{label}: details", row.quiet, row.background, TEXT))
            for hue in CHIP_HUES:
                chip = (
                    outline_look(row.outline)
                    if row.outline is not None
                    else chip_look(hue, row.background, scheme)
                )
                fill = over(chip.fill, row.background)
                pairs.append(Pair(f"{label}: chip {hue}", chip.ink, fill, TEXT))
    return pairs


def chip_pairs(scheme: Scheme) -> list[Pair]:
    """Chips as QLabels on the window (thread pane, publish dialog) and painted on the
    batch preview's cards."""
    p = colours.palette_for(scheme)
    pairs = []
    for role in (Role.Window, Role.AlternateBase):
        for hue in CHIP_HUES:
            chip = chip_look(hue, p.color(role), scheme)
            pairs.append(Pair(f"chip {hue} on {role.name}", chip.ink, chip.fill, TEXT))
    for _, hue in [*NETWORKS.values(), ("?", UNKNOWN_HUE)]:
        pairs.append(Pair(f"network icon letter on {hue}", _c(ICON_LETTER), _c(hue), NON_TEXT))
    return pairs


def page_pairs(scheme: Scheme) -> list[Pair]:
    """The thread page, the editor's counters and history."""
    p = colours.palette_for(scheme)
    page = ThreadRenderer(p)
    pairs = [
        Pair(f"thread details on {name}", _c(page.dim), _c(back), TEXT)
        for name, back in (
            ("base", p.color(Role.Base)),
            ("card", page.card),
            ("comment", page.focus),
        )
    ]
    pairs += [
        Pair(f"thread link on {name}", p.color(Role.Link), _c(back), TEXT)
        for name, back in (("card", page.card), ("comment", page.focus))
    ]
    pairs.append(Pair("counter over its limit", _c(WHITE), _c(OVER_BACKGROUND), TEXT))
    for sign, style in LINE_STYLES.items():
        fill, ink = (
            re.search(rf"{key}:(#[0-9a-f]{{6}})", style).group(1) for key in ("background", "color")
        )
        pairs.append(Pair(f"history line {sign}", _c(ink), _c(fill), TEXT))
    return pairs


def all_pairs(scheme: Scheme) -> list[Pair]:
    return palette_pairs(scheme) + row_pairs(scheme) + chip_pairs(scheme) + page_pairs(scheme)


@pytest.mark.parametrize("scheme", SCHEMES, ids=[s.value for s in SCHEMES])
def test_every_pair_meets_wcag_aa(scheme: Scheme) -> None:
    pairs = all_pairs(scheme)
    assert len(pairs) > 150
    failing = [
        f"{pair.what}: {pair.measured:.2f} < {pair.needs} "
        f"({over(pair.foreground, pair.background).name()} on {pair.background.name()})"
        for pair in pairs
        if pair.measured < pair.needs
    ]
    assert not failing, "\n".join(failing)


@pytest.mark.parametrize(
    "scheme", [Scheme.HIGH_CONTRAST_LIGHT, Scheme.HIGH_CONTRAST_DARK], ids=["light", "dark"]
)
def test_high_contrast_schemes_reach_seven_to_one_for_text(scheme: Scheme) -> None:
    """WCAG's enhanced level (AAA, 7:1) for every text pair, except the few colours that
    carry a meaning of their own (a problem, a warning...: AA, and their words)."""
    colours.use(scheme)  # what the app's quieter text is worked out for
    try:
        weak = [
            f"{pair.what}: {pair.measured:.2f}"
            for pair in all_pairs(scheme)
            if pair.needs == TEXT and pair.measured < ENHANCED and not _meaningful(pair)
        ]
    finally:
        colours.use(Scheme.LIGHT)
    assert not weak, "\n".join(weak)


def _meaningful(pair: Pair) -> bool:
    inks = ("problem", "warning", "ok on", "pending", "counter", "history")
    return pair.what.startswith(inks)


def test_large_text_threshold_is_the_non_text_one() -> None:
    assert LARGE == NON_TEXT == 3.0 and TEXT == 4.5


def test_the_style_sheet_uses_no_colour_of_its_own() -> None:
    """resources/style.qss takes every colour from the palette or a scheme token, so the
    palettes measured above are what it paints with."""
    sheet = (RESOURCES / "style.qss").read_text(encoding="utf-8")
    assert not re.findall(r"#[0-9a-fA-F]{3,8}\b", sheet)
    assert set(re.findall(r"\$\{?(\w+)", sheet)) == {"focus", "problem", "warning", "title_pt"}
    font = QFont()
    font.setPointSizeF(10)
    filled = theme.style_sheet(Scheme.LIGHT, font)
    assert INKS[Ink.FOCUS][Scheme.LIGHT] in filled and "$" not in filled
    assert "font-size: 14.5pt" in filled  # titles grow with the system's font


def test_every_colour_literal_in_ui_is_measured() -> None:
    """A colour written into ui/ outside the palettes must be one of the pairs above;
    a new one fails here until it is measured."""
    measured = {
        QColor(value).name()
        for scheme in SCHEMES
        for pair in all_pairs(scheme)
        for value in (pair.foreground, pair.background)
    }
    measured |= {QColor(hue).name() for hue in CHIP_HUES}
    palettes = {QColor(c).name() for roles in PALETTES.values() for c in roles.values()}
    unmeasured = []
    for path in sorted(UI.rglob("*.py")):
        if path.name == "colours.py":  # the palettes themselves, measured whole above
            continue
        for literal in re.findall(r"#[0-9a-fA-F]{6}\b", path.read_text(encoding="utf-8")):
            if QColor(literal).name() not in measured | palettes:
                unmeasured.append(f"{path.relative_to(UI.parent)}: {literal}")
    assert not unmeasured, "\n".join(unmeasured)
