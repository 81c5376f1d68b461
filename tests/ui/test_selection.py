"""Selection as in Gmail and Superhuman, in the real window over a synced sandbox inbox:
x chooses the current row, j and k move without losing what is chosen, Shift+J/K extend,
the count and "r replies to all" stay in sight, Esc clears; r answers what is chosen."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

pytestmark = pytest.mark.ui

SHIFT = Qt.KeyboardModifier.ShiftModifier


def chosen(inbox) -> list[int]:
    return sorted(inbox.model.row_id(i.row()) for i in inbox.list.selectionModel().selectedRows())


def test_x_chooses_rows_and_j_k_keep_them(window, qtbot):
    inbox = window.inbox
    ids = inbox.model.ids()
    qtbot.keyClick(inbox.list, "x")  # the first row
    qtbot.keyClick(inbox.list, "j")
    qtbot.keyClick(inbox.list, "j")
    qtbot.keyClick(inbox.list, "x")  # the third row
    qtbot.keyClick(inbox.list, "j")
    assert chosen(inbox) == sorted([ids[0], ids[2]])
    assert inbox.current_id() == ids[3]  # the cursor moved on, the choice stayed
    assert inbox.selected_ids() == [ids[0], ids[2]]  # what r, e and s act on
    assert inbox.hint.text() == "2 selected · r replies to all · Esc clears"
    qtbot.keyClick(inbox.list, "k")
    qtbot.keyClick(inbox.list, "x")  # unchoose the third again
    assert chosen(inbox) == [ids[0]]
    assert inbox.hint.text() == "1 selected · Esc clears"


def test_shift_j_extends_and_esc_clears(window, qtbot):
    inbox = window.inbox
    ids = inbox.model.ids()
    qtbot.keyClick(inbox.list, "j")
    qtbot.keyClick(inbox.list, "J", SHIFT)
    qtbot.keyClick(inbox.list, "J", SHIFT)
    assert chosen(inbox) == sorted(ids[1:4])
    qtbot.keyClick(inbox.list, "k", SHIFT)  # Shift+K extends upwards too
    qtbot.keyClick(inbox.list, "j")
    qtbot.keyClick(inbox.list, "j")
    assert chosen(inbox) == sorted(ids[1:4])
    assert "3 selected · r replies to all" in inbox.hint.text()

    qtbot.keyClick(inbox.list, Qt.Key.Key_Escape)

    assert chosen(inbox) == [inbox.current_id()]
    assert inbox.hint.text() == ""
    qtbot.keyClick(inbox.list, "j")  # plain moving again: the choice follows the cursor
    assert chosen(inbox) == [inbox.current_id()]


def test_r_replies_to_the_chosen_rows_not_the_cursor(window, qtbot):
    inbox = window.inbox
    ids = inbox.model.ids()
    qtbot.keyClick(inbox.list, "x")
    qtbot.keyClick(inbox.list, "j")
    qtbot.keyClick(inbox.list, "j")
    qtbot.keyClick(inbox.list, "x")
    qtbot.keyClick(inbox.list, "j")
    qtbot.keyClick(inbox.list, "r")
    qtbot.waitUntil(inbox.composer.template.hasFocus)
    assert sorted(inbox.composer.comment_ids) == sorted([ids[0], ids[2]])
