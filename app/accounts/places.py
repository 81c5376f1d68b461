"""Where an account's posts go and what it reads, for networks with places (Teams
channels, Viva Engage communities), for AccountManager.

    places(account_id)                 what the person may choose, read from the network
                                       now, with what the account chose so far
    choose_places(account_id, choice)  keep a new choice in the account's settings (never
                                       a secret) and use it at once; a sync is woken so
                                       newly chosen channels are read

AccountManager mixes this in; it provides the store, the engine and the connectors.
"""

from __future__ import annotations

import logging
from collections.abc import MutableMapping
from typing import TYPE_CHECKING

from msgspec.structs import replace

from app.domain import PlaceChoice, PlaceOffer
from app.errors import UserError
from app.networks.base import ChoosesPlaces, Network
from app.store import accounts as accounts_repo

if TYPE_CHECKING:
    from app.domain import Account
    from app.store.db import Store
    from app.sync.engine import SyncEngine

log = logging.getLogger(__name__)


class AccountPlaces:
    """The places half of AccountManager (see the module's docstring)."""

    if TYPE_CHECKING:  # what AccountManager provides
        _store: Store
        _engine: SyncEngine
        _networks: MutableMapping[str, Network]

        async def _account(self, account_id: str) -> Account: ...

    async def places(self, account_id: str) -> PlaceOffer:
        """The places the account may choose (a request to its network) and its choice;
        UserError for an account without places or not connected, the network's own
        errors (offline, sign-in refused) as they come."""
        network = self._placing(account_id)
        available = await network.list_places()
        return PlaceOffer(
            available,
            network.chosen(),
            network.capabilities.target_noun,
            network.reads_chosen,
            network.unticked_reads_all,
        )

    async def choose_places(self, account_id: str, choice: PlaceChoice) -> PlaceChoice:
        """Keep ``choice`` and use it from now on; returns the choice as the account now
        has it. UserError when new posts would go to a place not chosen."""
        network = self._placing(account_id)
        noun = network.capabilities.target_noun.lower()
        if choice.post_to is not None and choice.place(choice.post_to) is None:
            raise UserError(f"New posts can go only to a {noun} that is ticked.")
        if choice.places and choice.post_to is None:
            raise UserError(f"Choose the {noun} new posts go to.")
        account = await self._account(account_id)
        before = network.chosen()
        settings = network.choose(choice)
        try:
            updated = replace(account, settings={**account.settings, **settings})
            await self._store.run(accounts_repo.update_account, updated)
        except BaseException:
            network.choose(before)  # nothing was stored: go on as before
            raise
        log.info(
            "account %s: %d %s chosen; new posts go to %s",
            account_id,
            len(choice.places),
            noun,
            choice.post_to,
        )
        self._engine.wake()
        return network.chosen()

    def _placing(self, account_id: str) -> ChoosesPlaces:
        network = self._networks.get(account_id)
        if network is None:
            raise UserError("This account is not connected; sign in again first.")
        if not isinstance(network, ChoosesPlaces):
            raise UserError("This account's network has nothing to choose where posts go.")
        return network
