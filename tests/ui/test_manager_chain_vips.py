"""A VIP found through the directory's manager chain, in the window (pytest-qt): a Teams
account beside the sandbox syncs against the Graph emulator, the directory round that
follows reads who reports to whom, and the comment of someone reporting directly to the
CEO comes first in Needs reply and shows in the VIPs view, without a restart."""

from __future__ import annotations

import pytest
from emulators.microsoft.booktokens import BookTokens
from emulators.microsoft.directory import DIRECTORY_SCOPE
from emulators.microsoft.fixtures import TeamsWorld
from emulators.microsoft.graph import ALL_SCOPES
from PySide6.QtCore import QModelIndex, Qt

from app.domain import Account, InboxView, VipTier
from app.networks.microsoft.bearer import Wiring
from app.networks.microsoft.teams import TeamsNetwork
from app.networks.microsoft.tokens import Api
from app.store import accounts
from ui.inbox.model import ROW_ROLE

pytestmark = pytest.mark.ui


def rows(model) -> list:
    for _ in range(20):  # bounded paging
        if not model.canFetchMore(QModelIndex()):
            break
        model.fetchMore(QModelIndex())
    return [model.index(r).data(ROW_ROLE) for r in range(model.rowCount())]


def test_a_manager_chain_vip_comes_first_and_shows_in_the_vips_view(
    synced_core, teams_world: TeamsWorld, open_window, wait_for, qtbot
) -> None:
    w, core = teams_world, synced_core
    grace = w.emulator.add_user("Grace Park")
    w.emulator.directory.set(grace.id, "Chief Executive Officer")
    w.emulator.directory.set(w.ben.id, "Partnerships", grace.id)  # no title a rule reads
    w.emulator.directory.set(w.ada.id, "Staff Engineer", w.ben.id)
    post = w.emulator.post(w.dana, w.town_hall, "Our plans for next year")
    w.emulator.reply(w.ada, w.town_hall, post, "<p>What happens to the Lisbon office?</p>")
    w.emulator.reply(w.ben, w.town_hall, post, "<p>Can partners see the plan?</p>")
    tokens = BookTokens(w.emulator.book, w.dana.id, {Api.GRAPH: ALL_SCOPES | {DIRECTORY_SCOPE}})
    wiring = Wiring(w.server.client(), tokens, w.server.url, w.clock, w.clock.sleep)
    wait_for(core.store.run(accounts.add_account, Account("teams", "teams", "Contoso", "")))
    core.networks["teams"] = TeamsNetwork(wiring, (w.ref(w.leadership, w.town_hall),))
    window = open_window(core)
    page = window.inbox

    assert wait_for(core.engine.sync("teams")).error is None  # the directory round follows

    def ben_first() -> bool:
        first = page.model.index(0).data(ROW_ROLE)
        return first is not None and first.author_name == "Ben Okafor"

    qtbot.waitUntil(ben_first, timeout=10_000)
    first = page.model.index(0).data(ROW_ROLE)
    assert first.author_tier == VipTier.TOP  # reports directly to the CEO
    qtbot.keyClick(
        window,
        Qt.Key.Key_V,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    qtbot.waitUntil(lambda: page.model.view is InboxView.VIPS)
    shown = {r.author_name: r.author_tier for r in rows(page.model)}
    assert shown["Ben Okafor"] == VipTier.TOP
    assert "Ada Reyes" not in shown  # reports to Ben, not the executive: no tier
