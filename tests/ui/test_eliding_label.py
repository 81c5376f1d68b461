"""The inbox's selection hint takes the room there is: cut, it ends in "…" and its
tooltip holds the whole sentence; with room, it shows it all and has no tooltip."""

from __future__ import annotations

from ui.common.eliding import ElidingLabel

WORDS = "12 selected · r replies to all · Esc clears"


def test_a_cut_hint_keeps_its_whole_text_in_the_tooltip(qtbot) -> None:
    label = ElidingLabel()
    qtbot.addWidget(label)
    label.setText(WORDS)
    label.resize(60, 20)
    label.show()
    qtbot.waitUntil(label.isVisible)
    assert label.text() == WORDS  # what a screen reader and the code read
    assert label.toolTip() == WORDS
    label.resize(label.fontMetrics().horizontalAdvance(WORDS) + 40, 20)
    qtbot.waitUntil(lambda: label.toolTip() == "")
    assert label.text() == WORDS
