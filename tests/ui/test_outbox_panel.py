"""The outbox panel against a real core (sandbox account, no sync running): states and
plain-words reasons, and edit, cancel and retry by key going through to the store."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from msgspec.structs import replace
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from app import events as ev
from app.domain import ErrorKind, OutboxItem, OutboxKind, OutboxState, PublishOptions
from app.store import outbox
from app.sync.reasons import explain
from ui.bridge import CoreBridge
from ui.outbox.model import COLUMNS, OutboxModel
from ui.outbox.panel import OutboxPanel

pytestmark = pytest.mark.ui


# --- seeding ---------------------------------------------------------------------------
ITEMS = {
    "held": (
        "Thanks Dana, the agenda goes out on the 3rd.",
        OutboxState.HELD,
        ErrorKind.EDITED,
        "The comment was edited since you wrote your reply.",
    ),
    "failed": ("Budgets stay flat.", OutboxState.FAILED, ErrorKind.AUTH, "401 from the network"),
    "queued": ("See you in Lisbon.", OutboxState.QUEUED, None, None),
}


def seed(db) -> dict[str, int]:
    ids = {}
    for name, (body, state, kind, error) in ITEMS.items():
        ids[name] = outbox.enqueue(db, OutboxKind.REPLY, "sandbox", body)
        if state is not OutboxState.QUEUED:
            outbox.update(db, ids[name], state, error=error, error_kind=kind)
    return ids


# qloop, wait_for, core and settle come from tests/ui/conftest.py.
@pytest.fixture
def seeded(core, wait_for) -> dict[str, int]:
    return wait_for(core.store.run(seed))


@pytest.fixture
def make_panel(core, settle) -> Iterator[Callable[[], OutboxPanel]]:
    made: list[OutboxPanel] = []

    def make() -> OutboxPanel:
        bridge = CoreBridge(core.events)
        widget = OutboxPanel(core, bridge)
        bridge.setParent(widget)  # deleted with the panel, on the main thread
        widget.resize(900, 560)
        widget.show()
        made.append(widget)
        return widget

    yield make
    for widget in made:
        settle(widget)


@pytest.fixture
def panel(make_panel, seeded, qtbot) -> OutboxPanel:
    widget = make_panel()
    qtbot.waitUntil(lambda: widget.model.rowCount() == len(ITEMS))
    return widget


def select(panel: OutboxPanel, item_id: int) -> None:
    panel.table.selectRow(panel.model.row_of(item_id))
    panel.table.setFocus()


def state_of(core, wait_for, item_id: int) -> OutboxItem:
    return wait_for(core.store.run(outbox.get, item_id))


# --- showing ---------------------------------------------------------------------------
def test_lists_states_with_what_needs_you_first(panel):
    rows = [
        [panel.model.index(r, c).data() for c in range(len(COLUMNS))]
        for r in range(panel.model.rowCount())
    ]
    assert [r[0] for r in rows] == ["Failed", "Held", "Queued"]
    assert rows[1][1] == "Reply: Thanks Dana, the agenda goes out on the 3rd."
    assert rows[1][3] == "Sandbox"
    assert rows[1][5] == "Held: the comment was edited after you wrote your reply."
    assert panel.summary.text() == "2 need you · 1 on the way"


def test_selected_item_says_why_and_what_to_do(panel, seeded):
    select(panel, seeded["held"])
    assert "Held: the comment was edited after you wrote your reply." in panel.reason.text()
    assert "Send anyway" in panel.reason.text()
    assert panel.retry_button.text() == "Send anyway" and panel.retry_button.isEnabled()
    select(panel, seeded["failed"])
    assert "no longer accepts your sign-in" in panel.reason.text()
    assert panel.retry_button.text() == "Retry"
    select(panel, seeded["queued"])
    assert not panel.retry_button.isEnabled() and panel.edit_button.isEnabled()


def test_refreshes_when_the_outbox_changes(panel, core, qtbot, wait_for):
    wait_for(core.store.run(outbox.enqueue, OutboxKind.REPLY, "sandbox", "One more."))
    core.events.emit(ev.OutboxChanged(item_id=None))
    qtbot.waitUntil(lambda: panel.model.rowCount() == len(ITEMS) + 1)


def test_empty_outbox_says_so(make_panel, qtbot):
    widget = make_panel()
    qtbot.waitUntil(lambda: widget._list_pages.currentIndex() == 1)
    assert not widget._detail.isVisible()


# --- acting ----------------------------------------------------------------------------
def test_retry_by_key(panel, core, seeded, qtbot, wait_for):
    select(panel, seeded["failed"])
    qtbot.keyClick(panel.table, Qt.Key.Key_R)
    qtbot.waitUntil(lambda: state_of(core, wait_for, seeded["failed"]).state is OutboxState.QUEUED)
    qtbot.waitUntil(lambda: panel.model.index(0, 0).data() == "Held")


def test_edit_by_key_saves_the_new_text(panel, core, seeded, qtbot, wait_for):
    select(panel, seeded["queued"])
    qtbot.keyClick(panel.table, Qt.Key.Key_E)
    assert panel.body.hasFocus() and not panel.body.isReadOnly()
    panel.body.selectAll()
    qtbot.keyClicks(panel.body, "See you in Porto.")
    qtbot.keyClick(panel.body, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: state_of(core, wait_for, seeded["queued"]).body == "See you in Porto.")
    qtbot.waitUntil(panel.body.isReadOnly)
    assert panel.body.toPlainText() == "See you in Porto."
    assert panel.table.hasFocus()


def test_escape_discards_an_edit(panel, seeded, qtbot):
    select(panel, seeded["queued"])
    qtbot.keyClick(panel.table, Qt.Key.Key_E)
    qtbot.keyClicks(panel.body, " (draft)")
    qtbot.keyClick(panel.body, Qt.Key.Key_Escape)
    assert panel.body.toPlainText() == "See you in Lisbon." and panel.table.hasFocus()


def test_cancel_by_key_asks_first(panel, core, seeded, qtbot, wait_for):
    select(panel, seeded["queued"])
    qtbot.keyClick(panel.table, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: panel.findChild(QMessageBox) is not None)
    box = panel.findChild(QMessageBox)
    assert "It will not be sent" in box.text()
    cancel = next(b for b in box.buttons() if b.text() == "Cancel it")
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: state_of(core, wait_for, seeded["queued"]).state is OutboxState.CANCELLED
    )
    qtbot.waitUntil(lambda: panel.model.rowCount() == len(ITEMS) - 1)


def test_cannot_edit_or_cancel_what_already_left(make_panel, core, qtbot, wait_for):
    item_id = wait_for(core.store.run(outbox.enqueue, OutboxKind.REPLY, "sandbox", "Hi"))
    wait_for(core.store.run(outbox.update, item_id, OutboxState.SENT))
    widget = make_panel()
    widget.show_sent.setChecked(True)
    qtbot.waitUntil(lambda: widget.model.rowCount() == 1)
    select(widget, item_id)
    assert not (
        widget.edit_button.isEnabled()
        or widget.cancel_button.isEnabled()
        or widget.retry_button.isEnabled()
    )
    assert widget.reason.text().startswith("<b>Sent ")


# --- model and words -------------------------------------------------------------------
def outbox_item(item_id: int = 1, **fields) -> OutboxItem:
    """An outbox item as the store lists it: a reply from the sandbox account, queued."""
    made = OutboxItem(
        id=item_id,
        kind=OutboxKind.REPLY,
        account_id="sandbox",
        idempotency_key=f"key-{item_id}",
        post_remote_id=None,
        target_remote_id=None,
        comment_id=None,
        draft_id=None,
        title="",
        body=f"b{item_id}",
        text_format="markdown",
        state=OutboxState.QUEUED,
        attempts=0,
        next_attempt_at=None,
        last_error=None,
        error_kind=None,
        remote_id=None,
        expected_version=None,
        first_sent_at=None,
        confirmed=False,
        batch_id=None,
        created_at="2024-05-01T09:00:00Z",
        updated_at="2024-05-01T09:00:00Z",
        sent_at=None,
        options=PublishOptions(),
    )
    return replace(made, **fields)


def test_model_contract(qtmodeltester):
    model = OutboxModel()
    model.set_items([outbox_item(i) for i in range(450)])
    assert model.rowCount() == 200 and model.canFetchMore(model.index(-1, -1))
    assert model.row_of(3) == 446 and model.rowCount() == 450
    qtmodeltester.check(model)


@pytest.mark.parametrize(
    ("state", "kind", "error", "expected"),
    [
        (
            OutboxState.HELD,
            ErrorKind.DELETED,
            None,
            "Held: the comment was deleted after you wrote your reply.",
        ),
        (
            OutboxState.HELD,
            ErrorKind.ANSWERED,
            None,
            "Held: this comment was already answered from your account.",
        ),
        (OutboxState.HELD, None, "The thread moved.", "Held: The thread moved."),
        (
            OutboxState.FAILED,
            ErrorKind.PERMANENT,
            "The network refused the reply: too long",
            "Failed: Sandbox refused it. The network refused the reply: too long. Edit it",
        ),
        (
            OutboxState.FAILED,
            ErrorKind.UNKNOWN,
            None,
            "Not confirmed: Sandbox never said whether it arrived.",
        ),
        (
            OutboxState.FAILED,
            ErrorKind.RETRYABLE,
            None,
            "Failed after 4 tries: Sandbox kept having problems.",
        ),
        (
            OutboxState.QUEUED,
            None,
            "Offline (refused); it goes out when the network is back.",
            "Waiting: Offline (refused); it goes out when the network is back.",
        ),
        (
            OutboxState.UNKNOWN,
            ErrorKind.UNKNOWN,
            None,
            "Checking with Sandbox whether it arrived.",
        ),
        (OutboxState.CANCELLED, None, None, "Cancelled: it will not be sent."),
    ],
)
def test_reasons_in_plain_words(state, kind, error, expected):
    item = outbox_item(
        state=state, error_kind=kind, last_error=error, attempts=4, account_name="Sandbox"
    )
    assert explain(item).text.startswith(expected)
