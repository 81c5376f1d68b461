"""Directory tiers in the background: after an account syncs, the job titles and manager
chains of the people who commented there are read from a network whose directory says
who reports to whom (``ReadsOrgCharts``: Microsoft Teams), and kept in the store; the
tiers they give (``app.vip.tiers``) move rows in Needs reply and the VIPs view
(``InboxChanged``).

- rarely: a person is read again only after ``REFRESH``, at most ``PER_ROUND`` people
  after a sync, never-read people first; the connector paces the requests themselves;
- off the window's thread: network requests are awaited, the store works on its threads;
- a refusal (the permission is missing) is kept with its reason (``problem``), said once
  (``DirectoryProblem``), and nothing is asked again for ``AFTER_REFUSAL``; what was read
  before stays, and so do tiers from titles, lists and stars;
- any other failure (offline, a malformed answer) ends the round, logged; the people not
  read stay due for the next sync.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

from app import events as ev
from app.domain import OrgChart
from app.errors import FiresideError, PermissionDenied
from app.networks.base import Network, ReadsOrgCharts
from app.store import Store, org_charts
from app.timeutil import iso, parse

log = logging.getLogger(__name__)

REFRESH = timedelta(days=7)
AFTER_REFUSAL = timedelta(days=1)
PER_ROUND = 40


class Directory:
    def __init__(self, store: Store, events: ev.Events, networks: Mapping[str, Network]) -> None:
        self._store = store
        self._events = events
        self._networks = networks
        self._rounds: dict[str, asyncio.Task[int]] = {}
        self._unsubscribe = events.subscribe(self._heard)

    async def refresh(self, account_id: str) -> int:
        """Read the entries due on ``account_id`` now; returns how many were read (0 on a
        network without a directory, or while a refusal stands)."""
        network = self._networks.get(account_id)
        if not isinstance(network, ReadsOrgCharts):
            return 0
        now = datetime.now(UTC)
        refused = await self._store.read(org_charts.refusal, account_id)
        if refused is not None and now - parse(refused[0]) < AFTER_REFUSAL:
            return 0
        due = await self._store.read(org_charts.due, account_id, iso(now - REFRESH), PER_ROUND)
        if not due:
            return 0
        charts: list[OrgChart] = []
        try:
            executive = (await network.whoami()).remote_id
            for remote_id in due:
                charts.append(await network.org_chart(remote_id))
        except PermissionDenied as exc:
            await self._store.run(org_charts.refuse, account_id, str(exc))
            self._events.emit(ev.DirectoryProblem(account_id, str(exc)))
            return 0
        except FiresideError as exc:
            log.warning("directory read on %s stopped after %d: %s", account_id, len(charts), exc)
            if not charts:  # (with charts read, whoami had answered: ``executive`` is set)
                return 0
        changed = await self._store.run(org_charts.save, account_id, executive, charts)
        if changed:
            self._events.emit(ev.InboxChanged(themes=False))
        return len(charts)

    async def problem(self, account_id: str) -> str | None:
        """Why the account's directory could not be read, while that stands, or None."""
        refused = await self._store.read(org_charts.refusal, account_id)
        return None if refused is None else refused[1]

    def refresh_soon(self, account_id: str) -> asyncio.Task[int]:
        """Start a round in the background (one at a time per account)."""
        running = self._rounds.get(account_id)
        if running is not None and not running.done():
            return running
        task = asyncio.get_running_loop().create_task(self.refresh(account_id))
        self._rounds[account_id] = task
        return task

    async def close(self) -> None:
        self._unsubscribe()
        for task in self._rounds.values():
            task.cancel()
        await asyncio.gather(*self._rounds.values(), return_exceptions=True)

    def _heard(self, event: ev.Event) -> None:
        if (
            isinstance(event, ev.SyncFinished)
            and event.error is None
            and isinstance(self._networks.get(event.account_id), ReadsOrgCharts)
        ):
            try:
                self.refresh_soon(event.account_id)
            except RuntimeError:  # no running loop: a synchronous caller
                log.debug("no event loop to read the directory on")
