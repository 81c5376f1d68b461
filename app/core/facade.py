"""The core as front ends see it: one object that owns the store, the networks and the sync
engine, and the use cases front ends call: ``inbox``, ``replies``, ``drafts``, ``outbox``,
``undo_send``, ``accounts``, ``ledger`` (people and the coverage scorecard),
``grouping`` ("same question" and Themes), ``vips``, ``directory`` (manager chains),
``snippets``, ``answers``, ``spelling`` (the dictionaries), ``workspace`` (the principal
and the delegate on two laptops) and ``bridge`` (threads of sites without an API, pasted
in and answered by hand). No Qt here; the window and the CLI are its two clients (composition
roots: ``ui/main.py`` and ``app/cli.py``), and neither reaches past it into the store.
"""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import Callable, Mapping, MutableMapping
from functools import cached_property
from typing import TYPE_CHECKING

from app import events as ev
from app import policy as managed_policy
from app.core.directory import Directory
from app.core.drafts import Drafts
from app.core.inbox import Inbox
from app.core.outbox import Outbox
from app.core.replies import Replies
from app.core.undo_send import UndoSend
from app.domain import Capabilities, Freshness, PlaceChoice, PullMode
from app.networks.base import ChoosesPlaces, Network, ReportsFreshness
from app.store import Store, accounts
from app.sync.engine import COMMENTS_CURSOR, SyncEngine
from app.text.spelling import Spelling

if TYPE_CHECKING:
    from app import settings as user_settings
    from app.accounts import AccountManager
    from app.core.answers import Answers
    from app.core.bridge import Bridge
    from app.core.grouping import Grouping
    from app.core.ledger import Ledger
    from app.core.snippets import Snippets
    from app.core.vips import Vips
    from app.core.workspace import Workspace
    from app.sandbox.server import SandboxServer


class Core:
    """Everything a front end needs; ``app.bootstrap.open_core(data_dir)`` builds one."""

    def __init__(
        self,
        store: Store,
        networks: MutableMapping[str, Network],
        engine: SyncEngine,
        events: ev.Events,
        sandbox: SandboxServer | None = None,
        *,
        account_manager: Callable[[], AccountManager],
        policy: managed_policy.Policy = managed_policy.NO_POLICY,
        settings: user_settings.Effective | None = None,
        spelling: Spelling | None = None,
    ) -> None:
        self.store = store
        self.networks = networks
        self.engine = engine
        self.events = events
        self.sandbox = sandbox
        self._account_manager = account_manager
        self.inbox = Inbox(store, events)
        #: Job titles and manager chains read from directories (Teams), for the tiers: it
        #: listens for syncs from the start.
        self.directory = Directory(store, events, networks)
        #: The undo-send grace period is 0 (send at once) until a front end sets it.
        self.undo_send = UndoSend(store, events)
        self.replies = Replies(store, events, engine, networks, self.undo_send)
        self.drafts = Drafts(store, events, engine, networks, self.undo_send)
        self.outbox = Outbox(store, events, engine)
        self._workspace: Workspace | None = None
        #: The managed policy and the settings in force when the core opened.
        self.policy = policy
        self.settings = settings
        #: Spell checking, with the person's own dictionary in the data dir (for this run
        #: only when the core was built without one, as in some tests).
        self.spelling = spelling or Spelling(None)

    # The use cases the first painted inbox does not need are built (and their modules
    # loaded) when first used: people and the scorecard, "same question", VIP lists,
    # snippets and past answers, pasted threads.

    @cached_property
    def accounts(self) -> AccountManager:
        """Every account's connection: connecting them at start, signing in, adding,
        removing, their statuses. Built by ``account_manager`` on first use (connecting the
        accounts, or the status bar, after the window's first paint): its modules (sign-in
        diagnosis, removal, suites, the policy's presets) are not for the way to the inbox.
        """
        return self._account_manager()

    @cached_property
    def ledger(self) -> Ledger:
        """People's pages, the people waiting longest and the coverage scorecard."""
        from app.core.ledger import Ledger

        return Ledger(self.store)

    @cached_property
    def grouping(self) -> Grouping:
        """ "Same question" and Themes (the window builds it after its first paint)."""
        from app.core.grouping import Grouping

        return Grouping(self.store, self.events)

    @cached_property
    def vips(self) -> Vips:
        """Imported VIP lists (the comms team's CSV): preview, apply, undo."""
        from app.core.vips import Vips

        return Vips(self.store, self.events)

    @cached_property
    def snippets(self) -> Snippets:
        """Saved replies."""
        from app.core.snippets import Snippets

        return Snippets(self.store, self.events)

    @cached_property
    def answers(self) -> Answers:
        """The answers given before, offered for the same question."""
        from app.core.answers import Answers

        return Answers(self.store, self.grouping)

    @cached_property
    def bridge(self) -> Bridge:
        """Threads of sites without an API, pasted in and answered by hand."""
        from app.core.bridge import Bridge

        return Bridge(self.store, self.events, self.accounts)

    @property
    def workspace(self) -> Workspace:
        """The two-laptop workspace; its files live beside the database. Built on first
        use (the window's background sync, after the first paint): its libraries (pycrdt,
        cryptography, segno) are not for the way to the inbox."""
        if self._workspace is None:
            from app.core.workspace import Workspace

            store, events = self.store, self.events
            self._workspace = Workspace(store.path.parent, store, events, self.engine)
        return self._workspace

    async def opened_workspace(self) -> Workspace:
        """The workspace, as ``workspace``; the first time its libraries are imported on
        a worker thread, so whatever the window asks of it first (the thread pane's
        provenance, the "For approval" page) does not hold the window up meanwhile."""
        if self._workspace is None:
            await asyncio.to_thread(importlib.import_module, "app.core.workspace")
        return self.workspace

    def sync_now(self) -> None:
        """A person asked to sync (F5): the engine's next pass starts at once and re-scans
        what networks cannot report as changed (WordPress comment edits)."""
        self.engine.wake(PullMode.RESCAN)

    async def close(self) -> None:
        self.engine.stop()
        if "grouping" in self.__dict__:  # built (cached_property keeps it there)
            await self.grouping.close()
        await self.directory.close()
        if self._workspace is not None:
            await self._workspace.close()
        self.spelling.close()
        for network in self.networks.values():
            await network.aclose()
        await asyncio.to_thread(self.store.close)
        if self.sandbox is not None:
            await asyncio.to_thread(self.sandbox.stop)

    def capabilities(self) -> Mapping[str, Capabilities]:
        """What each connected account's network can do, by account id."""
        return {account_id: n.capabilities for account_id, n in self.networks.items()}

    def places(self) -> Mapping[str, PlaceChoice]:
        """Where each connected account on a network with places (Teams channels, Viva
        Engage communities) may post and posts by default, by account id; no request, so
        the editor offers them offline. ``core.accounts.places`` lists what can be chosen."""
        return {
            account_id: network.chosen()
            for account_id, network in self.networks.items()
            if isinstance(network, ChoosesPlaces)
        }

    async def freshness(self, account_id: str) -> tuple[Freshness, ...]:
        """How fresh each place an account reads is (Teams channels, a Viva Engage
        network), for networks that read some places only rarely; () for the others."""
        network = self.networks.get(account_id)
        if not isinstance(network, ReportsFreshness):
            return ()
        cursor = await self.store.read(accounts.get_cursor, account_id, COMMENTS_CURSOR)
        return network.freshness(cursor)
