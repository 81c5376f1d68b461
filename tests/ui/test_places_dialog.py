"""Choosing where a Microsoft 365 account reads and posts, by keyboard, against the Graph
and Yammer emulators: from the account's row (Alt+C), the Teams picker lists every team
with its channels, Space ticks, the default channel follows the ticks, Enter saves into
the account's settings; the Viva Engage picker lists communities. The account's row then
says how fresh each channel is, in a label Tab reaches; the publish dialog offers the
chosen channels, the default first. Every wait is on a condition or a signal."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from a11y_tree import unnamed
from accounts_teardown import close_all
from emulators.microsoft.booktokens import BookTokens
from emulators.microsoft.fixtures import TeamsWorld, YammerWorld
from emulators.microsoft.graph import ALL_SCOPES
from emulators.microsoft.yammer import SCOPE
from emulators.slack.fixtures import slack_network
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app import bootstrap
from app.core import Core
from app.domain import Account, DraftState, Place, PlaceChoice
from app.networks.microsoft.bearer import Wiring
from app.networks.microsoft.teams import CAPABILITIES, TeamsNetwork
from app.networks.microsoft.tokens import Api
from app.networks.microsoft.yammer import YammerNetwork
from app.store import accounts
from app.text.plural import nouns
from ui.accounts.dialog import AccountsDialog
from ui.accounts.places_dialog import PlacesDialog
from ui.bridge import CoreBridge
from ui.editor.publish_dialog import PublishDialog
from ui.editor.targets import Target

Key = Qt.Key
ALT = Qt.KeyboardModifier.AltModifier


@pytest.fixture
def dialog_over(qtbot, qloop, wait_for, tmp_path: Path) -> Iterator[Callable]:
    """The Accounts dialog over a Core whose accounts ``wire(core)`` stores and connects
    to emulators (it returns how many); closed, and its Core too, at the end."""
    made: list[tuple[Core, AccountsDialog, CoreBridge]] = []

    def open_(wire: Callable[[Core], int]) -> tuple[Core, AccountsDialog]:
        core = wait_for(bootstrap.open_core(tmp_path / "data", start_sandbox=False))
        count = wire(core)
        bridge = CoreBridge(core.events)
        shown = AccountsDialog(core, bridge)
        shown.show()
        shown.activateWindow()
        qtbot.waitExposed(shown)
        qtbot.waitUntil(lambda: shown.loaded and shown.model.rowCount() == count)
        made.append((core, shown, bridge))
        return core, shown

    yield open_
    close_all(qtbot, qloop, wait_for, made)


@pytest.fixture
def accounts_dialog(
    teams_world: TeamsWorld, yammer_world: YammerWorld, wait_for, dialog_over
) -> Callable[[], tuple[Core, AccountsDialog]]:
    """The Accounts dialog over a Core holding a Teams and a Viva Engage account whose
    connectors talk to the emulators (set up first: they stop after the Core closes)."""

    def wire(core: Core) -> int:
        t, y = teams_world, yammer_world
        for account in (
            Account("teams-1", "teams", "Dana (Teams)", t.server.url, "dana@contoso.example"),
            Account("yammer-1", "yammer", "Dana (Viva Engage)", y.base_url, "dana@contoso.example"),
        ):
            wait_for(core.store.run(accounts.add_account, account))
        teams_tokens = BookTokens(t.emulator.book, t.dana.id, {Api.GRAPH: ALL_SCOPES})
        core.networks["teams-1"] = TeamsNetwork(
            Wiring(t.server.client(), teams_tokens, t.server.url, t.clock, t.clock.sleep), ()
        )
        yammer_tokens = BookTokens(
            y.emulator.book, str(y.dana.id), {Api.YAMMER: frozenset({SCOPE})}
        )
        core.networks["yammer-1"] = YammerNetwork(
            Wiring(y.server.client(), yammer_tokens, y.base_url, y.clock, y.clock.sleep)
        )
        return 2

    return lambda: dialog_over(wire)


def select(qtbot, shown: AccountsDialog, account_id: str) -> None:
    row = shown.model.row_of(account_id)
    shown.table.selectRow(row)
    shown.table.setFocus()
    qtbot.waitUntil(
        lambda: (shown.selected() or None) and shown.selected().account_id == account_id
    )


def open_places(qtbot, shown: AccountsDialog, noun: str) -> PlacesDialog:
    qtbot.waitUntil(shown.places_button.isVisible)
    assert shown.places_button.text() == f"&{nouns(noun)}…"
    qtbot.keyClick(shown.table, Key.Key_C, ALT)
    qtbot.waitUntil(lambda: shown.places_dialog is not None and shown.places_dialog.isVisible())
    picker = shown.places_dialog
    assert picker is not None
    qtbot.waitUntil(lambda: picker.loaded, timeout=20_000)
    qtbot.waitUntil(picker.tree.hasFocus)
    return picker


def test_teams_channels_are_ticked_by_keyboard_and_kept(
    qtbot, wait_for, accounts_dialog, teams_world: TeamsWorld
) -> None:
    core, shown = accounts_dialog()
    select(qtbot, shown, "teams-1")
    picker = open_places(qtbot, shown, "Channel")
    tree = picker.tree
    teams = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]
    assert [(t.text(0), [t.child(i).text(0) for i in range(t.childCount())]) for t in teams] == [
        ("Contoso", ["General", "Town hall"]),
        ("Sales", ["Deals"]),
    ]
    assert "None ticked: Fireside reads every channel" in picker.outcome.text()
    assert not picker.default.isEnabled()

    for key in (Key.Key_Down, Key.Key_Down, Key.Key_Space):  # Contoso > General > Town hall
        qtbot.keyClick(tree, key)
    qtbot.keyClick(tree, Key.Key_End)  # Sales > Deals
    qtbot.keyClick(tree, Key.Key_Space)
    assert [p.label for p in picker.ticked()] == ["Contoso / Town hall", "Sales / Deals"]
    assert unnamed(picker) == [], "every channel, box and button has a name to read"
    assert picker.default.isEnabled() and picker.default.count() == 2
    picker.default.setFocus()
    qtbot.keyClick(picker.default, Key.Key_Down)  # the second ticked: Deals
    assert picker.default.currentText() == "Sales / Deals"

    with qtbot.waitSignal(picker.saved, timeout=20_000):
        qtbot.keyClick(picker.default, Key.Key_Return)  # Save is the default button

    w = teams_world
    [stored] = [a for a in wait_for(core.store.read(accounts.list_accounts)) if a.id == "teams-1"]
    assert stored.settings["post_channel"] == f"{w.sales.id}|{w.deals.id}"
    assert [c["channel"] for c in stored.settings["channels"]] == [w.town_hall.id, w.deals.id]
    qtbot.waitUntil(lambda: "Saved where Dana (Teams) reads and posts" in shown.details.text())

    # How fresh each channel is: a label Tab reaches and a screen reader reads.
    assert "Contoso / Town hall: not read yet" in shown.freshness.text()
    wait_for(core.engine.sync("teams-1"), timeout=20_000)
    shown.refresh()
    qtbot.waitUntil(lambda: "Sales / Deals: updated just now" in shown.freshness.text())
    assert "next check in 23 h" in shown.freshness.text()
    assert shown.freshness.accessibleName() == "How fresh each place is"
    assert shown.freshness.focusPolicy() & Qt.FocusPolicy.TabFocus
    assert shown.freshness.isVisible()
    shown.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is shown)
    shown.table.setFocus()
    qtbot.waitUntil(shown.table.hasFocus)
    qtbot.keyClick(shown.table, Key.Key_Tab)  # the next stop after the list
    qtbot.waitUntil(shown.freshness.hasFocus)


def test_viva_engage_communities_are_listed_flat_and_one_is_for_new_posts(
    qtbot, wait_for, accounts_dialog, yammer_world: YammerWorld
) -> None:
    core, shown = accounts_dialog()
    select(qtbot, shown, "yammer-1")
    picker = open_places(qtbot, shown, "Community")
    names = [picker.tree.topLevelItem(i).text(0) for i in range(picker.tree.topLevelItemCount())]
    assert sorted(names) == ["Leadership", "Town hall"]
    assert "Fireside reads your threads wherever you started them" in picker.intro.text()
    picker.tick(str(yammer_world.leaders.id))
    with qtbot.waitSignal(picker.saved, timeout=20_000):
        picker.save_button.click()
    assert core.places()["yammer-1"].post_to == str(yammer_world.leaders.id)
    qtbot.waitUntil(lambda: "Viva Engage: not read yet" in shown.freshness.text())


def test_the_publish_dialog_offers_the_chosen_channels_with_the_default_first(qtbot) -> None:
    town_hall, deals = Place("t|a", "Contoso / Town hall"), Place("t|b", "Sales / Deals")
    chosen = Target(
        "teams-1", "Dana (Teams)", "teams", CAPABILITIES, PlaceChoice((town_hall, deals), deals.id)
    )
    dialog = PublishDialog("Offsite", [chosen], ["teams-1"], "x" * 40, state=DraftState.DRAFT)
    qtbot.addWidget(dialog)
    row = dialog.rows["teams-1"]
    assert row.place is not None and row.place.currentText() == "Sales / Deals"
    assert row.place.accessibleName() == "Channel Dana (Teams) posts in"
    assert dialog.options()["teams-1"].place == deals.id
    row.place.setCurrentIndex(0)
    assert dialog.options()["teams-1"].place == town_hall.id
    assert dialog.publish_button.isEnabled()

    none_yet = Target("teams-1", "Dana (Teams)", "teams", CAPABILITIES, PlaceChoice())
    empty = PublishDialog("Offsite", [none_yet], ["teams-1"], "x" * 40, state=DraftState.DRAFT)
    qtbot.addWidget(empty)
    assert "has no channel for new posts yet" in empty.problem.text()
    assert not empty.publish_button.isEnabled()


def test_a_new_microsoft_365_sign_in_offers_each_accounts_places_in_turn(
    qtbot, accounts_dialog
) -> None:
    """Right after the sign-in added them, the pickers open one after the other."""
    _, shown = accounts_dialog()
    kept = tuple(shown.model.status(r) for r in range(shown.model.rowCount()))
    shown._suite_kept(kept, again=False)
    qtbot.waitUntil(lambda: shown.places_dialog is not None and shown.places_dialog.isVisible())
    first = shown.places_dialog
    assert first is not None and first.windowTitle() == "Where Dana (Teams) posts"
    qtbot.waitUntil(lambda: first.loaded, timeout=20_000)
    qtbot.keyClick(first.tree, Key.Key_Escape)
    qtbot.waitUntil(
        lambda: (
            shown.places_dialog is not first
            and shown.places_dialog is not None
            and shown.places_dialog.windowTitle() == "Where Dana (Viva Engage) posts"
        )
    )


def test_slack_channels_are_picked_from_the_channels_the_person_is_in(
    qtbot, wait_for, slack_world, dialog_over
) -> None:
    """Slack: the picker lists the channels Dana is in (conversations.list), flat; none
    ticked reads none; the ticks and the channel for new posts are kept."""
    world = slack_world
    world.workspace.channel("random", [world.ada])  # Dana is not in it

    def wire(core: Core) -> int:
        account = Account("slack-1", "slack", "Dana (Slack)", "https://contoso.slack.com/", "dana")
        wait_for(core.store.run(accounts.add_account, account))
        network = slack_network(world)  # the Core closes it
        network.choose(PlaceChoice())  # a new account: nothing chosen yet
        core.networks["slack-1"] = network
        return 1

    core, shown = dialog_over(wire)
    select(qtbot, shown, "slack-1")
    picker = open_places(qtbot, shown, "Channel")
    tree = picker.tree
    names = [tree.topLevelItem(i).text(0) for i in range(tree.topLevelItemCount())]
    assert names == ["#leadership", "#town-hall"]
    assert "None ticked: Fireside reads no channel and posts nowhere." in picker.outcome.text()
    qtbot.keyClick(tree, Key.Key_Down)  # #town-hall
    qtbot.keyClick(tree, Key.Key_Space)
    assert [p.name for p in picker.ticked()] == ["#town-hall"]
    assert unnamed(picker) == []
    with qtbot.waitSignal(picker.saved, timeout=20_000):
        qtbot.keyClick(tree, Key.Key_Return)
    [stored] = wait_for(core.store.read(accounts.list_accounts))
    assert stored.settings["channels"] == world.town_hall.id
    assert stored.settings["post_channel"] == world.town_hall.id
    assert core.places()["slack-1"].places == (Place(world.town_hall.id, "#town-hall"),)
