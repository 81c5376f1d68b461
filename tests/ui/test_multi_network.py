"""Comments from several networks in one window: the synced sandbox plus a WordPress-like
and a Matrix-like account (fake networks in ``core.networks``, their comments stored as a
sync would). Every row and the thread header name the network (and the account, when
there are two of a network); a batch reply over two networks measures each reply against
its own network's limit; the sidebar marks each post's network."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fixtures.fake_networks import MATRIX_LIKE, WORDPRESS_LIKE, connect, seed
from PySide6.QtCore import Qt

from app.core import Core
from app.domain import Account, InboxFilter, InboxOrder
from ui.common.networks import row_chip
from ui.inbox.model import ROW_ROLE
from ui.inbox.view import Flag
from ui.main_window import MainWindow

pytestmark = pytest.mark.ui

BLOG = Account("blog", "wordpress", "Corporate blog", "https://blog.example")
ENGINEERING = Account("eng", "wordpress", "Engineering blog", "https://eng.example")
ROOM = Account("room", "matrix", "Ops room", "https://matrix.example")


@pytest.fixture
def mixed_core(synced_core: Core, wait_for) -> Core:
    """The synced sandbox, plus a blog and a room whose comments are the newest."""
    wait_for(connect(synced_core, BLOG, WORDPRESS_LIKE))
    wait_for(connect(synced_core, ROOM, MATRIX_LIKE))
    wait_for(seed(synced_core, "blog", "Our Q3 plans", ["Priya Nair", "Tom Okafor"]))
    wait_for(seed(synced_core, "room", "", ["Lena Vogel", "Sam Reid"]))
    return synced_core


def newest_first(window: MainWindow) -> MainWindow:
    """The new accounts' comments are the newest: show Needs reply newest first (VIPs
    would come first otherwise, and the sandbox has more than a page of them)."""
    window.inbox.filters.set_filter(InboxFilter(order=InboxOrder.NEWEST))
    return window


def chips_by_author(window: MainWindow) -> dict[str, str]:
    model = window.inbox.model
    rows = [model.index(r).data(ROW_ROLE) for r in range(model.rowCount())]
    return {row.author_name: row_chip(row).text for row in rows}


def test_rows_show_the_network_of_three_networks_at_once(
    mixed_core, open_window: Callable[[Core], MainWindow]
):
    window = newest_first(open_window(mixed_core))
    chips = chips_by_author(window)
    assert chips["Priya Nair"] == chips["Tom Okafor"] == "Blog"
    assert chips["Lena Vogel"] == chips["Sam Reid"] == "Matrix"
    assert {"Blog", "Matrix", "Sandbox"} <= set(chips.values())


def test_two_accounts_of_a_network_add_the_account_name(
    mixed_core, open_window: Callable[[Core], MainWindow], wait_for, qtbot
):
    wait_for(connect(mixed_core, ENGINEERING, WORDPRESS_LIKE))
    wait_for(seed(mixed_core, "eng", "Platform roadmap", ["Ana Lima"]))
    window = newest_first(open_window(mixed_core))
    chips = chips_by_author(window)
    assert chips["Priya Nair"] == "Blog · Corporate blog"
    assert chips["Ana Lima"] == "Blog · Engineering blog"
    assert chips["Lena Vogel"] == "Matrix"  # one account of that network: no name

    inbox = window.inbox
    inbox.select_id(next(i for i in inbox.model.ids() if _author(inbox, i) == "Ana Lima"))
    qtbot.waitUntil(lambda: inbox.thread_pane.network.text() == "Blog · Engineering blog")
    assert inbox.thread_pane.network.toolTip() == "On Blog · Engineering blog"


def test_the_thread_header_names_the_network(
    mixed_core, open_window: Callable[[Core], MainWindow], qtbot
):
    window = newest_first(open_window(mixed_core))
    inbox = window.inbox
    for author, chip in (("Lena Vogel", "Matrix"), ("Priya Nair", "Blog")):
        inbox.select_id(next(i for i in inbox.model.ids() if _author(inbox, i) == author))
        qtbot.waitUntil(lambda chip=chip: inbox.thread_pane.network.text() == chip)
        assert inbox.thread_pane.network.isVisible()


def test_a_batch_over_two_networks_previews_each_against_its_own_limit(
    mixed_core, open_window: Callable[[Core], MainWindow], qtbot
):
    window = newest_first(open_window(mixed_core))
    inbox = window.inbox
    room_id = next(i for i in inbox.model.ids() if _author(inbox, i) == "Lena Vogel")
    sandbox_id = next(i for i in inbox.model.ids() if _network(inbox, i) == "sandbox")
    inbox.select_id(room_id)
    inbox.select_id(sandbox_id, Flag.Select)
    assert sorted(inbox.selected_ids()) == sorted([room_id, sandbox_id])

    qtbot.keyClick(inbox.list, "r")
    dialog = window.inbox.composer
    qtbot.waitUntil(dialog.template.hasFocus)
    dialog.template.setPlainText("Hi {first_name}, " + "thanks for the question. " * 14)
    qtbot.waitUntil(lambda: "Too long" in dialog.preview.text())

    cards = dialog.preview.text().split("\n\n")
    room_card = next(c for c in cards if c.startswith("To Lena Vogel"))
    sandbox_card = next(c for c in cards if "· Sandbox ·" in c.splitlines()[0])
    assert room_card.splitlines()[0] == "To Lena Vogel · Matrix · up to 300 characters"
    assert "the limit is 300" in room_card
    assert sandbox_card.splitlines()[0].endswith("· Sandbox · up to 4,000 characters")
    assert "Too long" not in sandbox_card
    assert "1 reply is longer than the network allows (300 characters)" in dialog.error.text()
    assert not dialog.queue_button.isEnabled()
    qtbot.keyClick(dialog.template, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible())


def test_the_sidebar_marks_each_posts_network(
    mixed_core, open_window: Callable[[Core], MainWindow], qtbot
):
    window = newest_first(open_window(mixed_core))
    header = window.sidebar._posts_header

    def tips() -> dict[str, str]:
        return {
            header.child(i).text(0): header.child(i).toolTip(0) for i in range(header.childCount())
        }

    qtbot.waitUntil(lambda: not window.sidebar.updating and "Our Q3 plans" in tips())
    found = tips()
    assert found["Our Q3 plans"] == "Our Q3 plans\nOn Blog"
    assert found["Untitled post"] == "Untitled post\nOn Matrix"
    assert any(tip.endswith("\nOn Sandbox") for tip in found.values())


def _author(inbox, comment_id: int) -> str:
    return inbox.model.index(inbox.model.row_of(comment_id)).data(ROW_ROLE).author_name


def _network(inbox, comment_id: int) -> str:
    return inbox.model.index(inbox.model.row_of(comment_id)).data(ROW_ROLE).network
