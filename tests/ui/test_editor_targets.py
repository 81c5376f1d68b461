"""The editor and the publish dialog with a WordPress-like and a Matrix-like account next
to the sandbox (fake networks in ``core.networks``): each target's limit, format and
titles, notes on what will not survive, and publishing to the site in each of its
states, driven by the keyboard, down to the options on the outbox item."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fixtures.fake_networks import MATRIX_LIKE, WORDPRESS_LIKE, FakeNetwork, connect
from msgspec.structs import replace
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from app.core import Core
from app.domain import Account, DraftState
from app.networks.matrix import MatrixNetwork
from app.networks.sandbox import SandboxNetwork
from app.networks.wordpress import WordPressNetwork
from ui.bridge import CoreBridge
from ui.editor.panel import EditorPanel
from ui.editor.publish_dialog import PublishDialog
from ui.editor.targets import Target, format_text, image_note, markdown_features, notes
from ui.outbox.model import recipient

pytestmark = pytest.mark.ui

BLOG = Account("blog", "wordpress", "Corporate blog", "https://blog.example")
ROOM = Account("room", "matrix", "Ops room", "https://matrix.example")


@pytest.fixture
def networks(core: Core, wait_for) -> dict[str, FakeNetwork]:
    return {
        "blog": wait_for(connect(core, BLOG, WORDPRESS_LIKE)),
        "room": wait_for(connect(core, ROOM, MATRIX_LIKE)),
    }


@pytest.fixture
def panel(core: Core, networks, qtbot, settle) -> Iterator[EditorPanel]:
    bridge = CoreBridge(core.events)
    widget = EditorPanel(core, bridge)
    bridge.setParent(widget)
    widget.resize(1100, 650)
    widget.show()
    yield widget
    settle(widget)


def open_new(panel: EditorPanel, qtbot, title: str, body: str) -> int:
    panel.new_draft()
    qtbot.waitUntil(lambda: panel.draft_id is not None and panel.body_edit.isEnabled())
    panel.title_edit.setText(title)
    panel.body_edit.setPlainText(body)
    return panel.draft_id


def open_publish(panel: EditorPanel, qtbot) -> PublishDialog:
    qtbot.keyClick(panel.body_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: panel.findChild(PublishDialog) is not None)
    dialog = panel.findChild(PublishDialog)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None and dialog.isActiveWindow())
    return dialog


def tab_to(qtbot, widget: QWidget) -> None:
    """Press Tab until ``widget`` has the keyboard (it must be in the tab order)."""
    for _ in range(40):
        if widget.hasFocus():
            return
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    raise AssertionError(f"{widget!r} cannot be reached with Tab")


def choose(qtbot, dialog: PublishDialog, account_id: str, text: str) -> None:
    """Pick a status in the account's list with the arrow keys."""
    combo = dialog.rows[account_id].status
    tab_to(qtbot, combo)
    qtbot.keyClick(combo, Qt.Key.Key_Home)
    for _ in range(combo.count()):
        if combo.currentText() == text:
            return
        qtbot.keyClick(combo, Qt.Key.Key_Down)
    raise AssertionError(
        f"no choice {text!r} in {[combo.itemText(i) for i in range(combo.count())]}"
    )


def untick(qtbot, dialog: PublishDialog, account_id: str) -> None:
    box = dialog.rows[account_id].check
    tab_to(qtbot, box)
    qtbot.keyClick(box, Qt.Key.Key_Space)
    assert not box.isChecked()


def later(qtbot, dialog: PublishDialog) -> None:
    """Alt+L: the "Later, at" choice (Fireside's own schedule); a mnemonic clicks its
    button after a short animation."""
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_L, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(dialog.later_radio.isChecked)


def press_enter(qtbot) -> None:
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)


def queued(core: Core, wait_for) -> list[tuple[str, str, dict]]:
    return [(i.account_id, i.title, i.options.to_json()) for i in wait_for(core.outbox.items())]


# --- what the editor and the dialog say about each target ------------------------------
def test_counters_show_each_targets_own_limit(panel, qtbot):
    open_new(panel, qtbot, "Q3 plans", "x" * 25_000)
    texts = [label.text() for label in panel.counters.labels]
    assert texts == [
        "25,000 / 20,000 · Sandbox · 5,000 over",
        "25,000 / 65,525 · Corporate blog",
        "25,000 / 10,000 · Ops room · 15,000 over",
    ]


def test_notes_say_what_will_not_survive_each_target(panel, qtbot):
    open_new(panel, qtbot, "Q3 plans", "**Numbers** are in. ![chart](https://x.test/c.png)")
    qtbot.waitUntil(panel.notes.isVisible)
    assert panel.notes.text().splitlines() == [
        "Ops room has no titles: the title becomes the post's first line.",
        "Pictures linked from the web are not sent; to send one, save it and use Insert image….",
    ]
    panel.title_edit.clear()
    panel.body_edit.setPlainText("Plain words only.")
    qtbot.waitUntil(lambda: not panel.notes.isVisible())


def test_the_dialog_describes_every_target(panel, qtbot):
    open_new(panel, qtbot, "Q3 plans", "Numbers are in.")
    dialog = open_publish(panel, qtbot)
    blog, room = dialog.rows["blog"], dialog.rows["room"]
    assert (blog.check.text(), blog.chip.text()) == ("Corporate blog", "Blog")
    assert blog.details.text() == (
        "WordPress site · up to 65,525 characters · HTML, from your Markdown · uses the title"
    )
    assert room.details.text() == (
        "Matrix room · up to 10,000 characters · plain text + formatting, from your Markdown"
        " · no titles"
    )
    assert room.notes.text() == "Ops room has no titles: the title becomes the post's first line."
    assert not dialog.note.isVisible()
    assert room.status is None and dialog.rows["sandbox"].status is None
    assert [blog.status.itemText(i) for i in range(blog.status.count())] == [
        "Save as draft on the site",
        "Submit for review on the site",
        f"Schedule on the site at {dialog.when_edit.dateTime().toString('ddd d MMM, HH:mm')}",
        "Publish now",
    ]
    assert blog.status.currentText() == "Publish now"
    assert dialog.publish_button.text() == "&Publish now"


# --- publishing to the site in each of its states, by keyboard -------------------------
@pytest.mark.parametrize(
    "pick",
    [
        ("Save as draft on the site", "draft"),
        ("Submit for review on the site", "pending"),
        ("Publish now", "publish"),
    ],
)
def test_publish_to_the_site_by_keyboard(panel, core, qtbot, wait_for, pick):
    choice, status = pick
    open_new(panel, qtbot, "Q3 plans", "Numbers are in.")
    dialog = open_publish(panel, qtbot)
    untick(qtbot, dialog, "sandbox")
    untick(qtbot, dialog, "room")
    choose(qtbot, dialog, "blog", choice)
    assert dialog.publish_button.text() == ("&Publish now" if status == "publish" else "&Send now")
    assert not dialog.later_radio.isChecked()

    press_enter(qtbot)

    qtbot.waitUntil(lambda: panel.chip.text() == "Queued")
    assert queued(core, wait_for) == [("blog", "Q3 plans", {"status": status, "publish_at": None})]
    (item,) = wait_for(core.outbox.items())
    assert (
        recipient(item)
        == {
            "draft": "New post, kept as a draft on the site",
            "pending": "New post, for review on the site",
            "publish": "New post",
        }[status]
    )
    expected = {"draft": "as a draft on the site", "pending": "for review on the site"}
    qtbot.waitUntil(lambda: expected.get(status, "Corporate blog") in panel.banner.text())


def test_schedule_on_the_site_uses_the_dialogs_time(panel, core, qtbot, wait_for):
    open_new(panel, qtbot, "Q3 plans", "Numbers are in.")
    dialog = open_publish(panel, qtbot)
    untick(qtbot, dialog, "sandbox")
    untick(qtbot, dialog, "room")
    choose(qtbot, dialog, "blog", dialog.rows["blog"].status.itemText(2))
    tab_to(qtbot, dialog.when_edit)
    qtbot.keyClick(dialog.when_edit, Qt.Key.Key_Up)  # one more day (the section in focus)
    when = dialog.when_edit.dateTime().toString("ddd d MMM, HH:mm")
    assert dialog.rows["blog"].status.currentText() == f"Schedule on the site at {when}"
    assert not dialog.later_radio.isChecked()  # the time is the site's, not Fireside's
    assert "Corporate blog publishes it, by itself" in dialog.when_hint.text()
    assert "even if this computer is off" in dialog.rows["blog"].hint.text()
    publish_at = dialog.options()["blog"].publish_at

    press_enter(qtbot)

    qtbot.waitUntil(lambda: panel.chip.text() == "Queued")
    assert queued(core, wait_for) == [
        ("blog", "Q3 plans", {"status": "future", "publish_at": publish_at})
    ]


def test_a_site_state_cannot_wait_for_firesides_schedule(panel, core, qtbot, wait_for):
    open_new(panel, qtbot, "Q3 plans", "Numbers are in.")
    dialog = open_publish(panel, qtbot)
    choose(qtbot, dialog, "blog", "Save as draft on the site")
    later(qtbot, dialog)
    assert dialog.later_radio.isChecked()
    assert not dialog.publish_button.isEnabled()
    assert "sends the post to Corporate blog now" in dialog.problem.text()
    assert "Fireside sends it at" in dialog.when_hint.text()

    choose(qtbot, dialog, "blog", dialog.rows["blog"].status.itemText(2))  # the site's schedule
    assert dialog.now_radio.isChecked() and dialog.publish_button.isEnabled()
    assert dialog.problem.text() == ""

    choose(qtbot, dialog, "blog", "Publish now")
    later(qtbot, dialog)
    assert dialog.rows["blog"].status.currentText() == "Publish when Fireside sends it"
    assert dialog.publish_button.isEnabled()
    assert dialog.publish_button.text().startswith("&Schedule for")
    press_enter(qtbot)
    qtbot.waitUntil(lambda: panel.chip.text() == "Scheduled")
    assert wait_for(core.outbox.items()) == []


def test_once_sent_as_a_site_draft_the_editor_says_so(panel, core, networks, qtbot, wait_for):
    draft_id = open_new(panel, qtbot, "Q3 plans", "Numbers are in.")
    dialog = open_publish(panel, qtbot)
    untick(qtbot, dialog, "sandbox")
    choose(qtbot, dialog, "blog", "Save as draft on the site")
    press_enter(qtbot)
    qtbot.waitUntil(lambda: panel.chip.text() == "Queued")

    wait_for(core.engine.push_all())

    assert [p.options.status for p in networks["blog"].published] == ["draft"]
    assert [p.options.status for p in networks["room"].published] == ["publish"]
    qtbot.waitUntil(lambda: panel.chip.text() == "Sent")
    assert panel._draft.id == draft_id
    assert panel._draft.state is DraftState.PUBLISHED
    assert "Corporate blog (as a draft on the site), Ops room" in panel.banner.text()


# --- the words, from capabilities alone -------------------------------------------------
def test_formats_and_losses_come_from_the_capabilities():
    plain = Target("hall", "Town hall", "teams", replace(MATRIX_LIKE, text_formats=("text",)))
    both = replace(MATRIX_LIKE, text_formats=("html", "text"))
    assert format_text(plain.capabilities) == "plain text only"
    assert format_text(both) == "plain text + formatting, from your Markdown"
    assert format_text(WORDPRESS_LIKE) == "HTML, from your Markdown"
    # The real connectors' declarations read the same (what each network shows).
    assert format_text(MatrixNetwork.capabilities) == format_text(both)
    assert format_text(WordPressNetwork.capabilities) == "HTML, from your Markdown"
    assert format_text(SandboxNetwork.capabilities) == "Markdown, shown formatted"
    features = markdown_features(
        "# Hi\n\n**Bold** and [a link](https://x.test). ![i](https://x.test/i.png)"
    )
    assert features == {"headings", "bold", "links", "web images"}
    assert notes("Title", features, plain) == [
        "Town hall has no titles: the title becomes the post's first line.",
        "Town hall takes plain text only: headings, bold and links will be lost.",
    ]
    assert image_note(features) == (
        "Pictures linked from the web are not sent; to send one, save it and use Insert image…."
    )
    own = markdown_features("![chart](fireside-image:3)")
    assert own == {"images"} and image_note(own) == ""
    assert notes("", own, plain) == ["Town hall takes no pictures: only the text is sent."]
    takes_them = replace(WORDPRESS_LIKE, accepts_images=True)
    assert notes("", own, replace(plain, capabilities=takes_them)) == []
    assert markdown_features("#hashtag, 3 * 4 * 5 and plain words") == frozenset()
