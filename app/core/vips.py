"""VIP lists the comms team imports: read and preview a CSV (who it finds, who it does
not, which lines it refuses and why), apply it, and undo the newest one.

The file is read off the event loop and parsed by ``app.vip.csv_list``; the people are
matched and changed on the store's threads. Applying emits ``InboxChanged``: the tiers
move rows in Needs reply and the VIPs view.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from app import events as ev
from app.accounts.status import network_name
from app.domain.vip_lists import VipImportDone, VipImportPreview
from app.store import Store, vip_imports
from app.store import accounts as accounts_repo
from app.store.sql import Database
from app.vip import csv_list
from app.vip.csv_list import VipListUnreadable


def _read_capped(path: Path) -> bytes:
    try:
        with path.open("rb") as file:
            return file.read(csv_list.MAX_BYTES + 1)
    except OSError as exc:
        raise VipListUnreadable(f"{path.name} could not be read: {exc.strerror or exc}.") from None


class Vips:
    def __init__(self, store: Store, events: ev.Events) -> None:
        self._store = store
        self._events = events

    async def preview_list(self, path: Path) -> VipImportPreview:
        """What importing the list at ``path`` would do; ``VipListUnreadable`` (a
        UserError saying why) when the file as a whole is not a VIP list (too big, not
        text, no header)."""
        data = await asyncio.to_thread(_read_capped, path)
        accounts = await self._store.read(accounts_repo.list_accounts)
        networks = {(a.network, network_name(a.network)) for a in accounts}
        rows, problems, encoding = await asyncio.to_thread(csv_list.parse, data, networks)
        matched, unmatched = await self._store.read(vip_imports.match, rows)
        return VipImportPreview(
            path.name,
            encoding,
            tuple(matched),
            tuple(unmatched),
            tuple(problems),
        )

    async def apply_list(self, preview: VipImportPreview) -> VipImportDone:
        done = await self._store.run(vip_imports.apply, preview.file_name, list(preview.to_change))
        self._events.emit(ev.InboxChanged(themes=False))
        return done

    async def undo_last_list(self) -> tuple[str, int] | None:
        """Undo the newest list still applied: (its file name, people put back), or None
        when there is none."""

        def undo(db: Database) -> tuple[str, int] | None:
            last = vip_imports.last_applied(db)
            if last is None:
                return None
            return last[1], vip_imports.undo(db, last[0])

        undone = await self._store.run(undo)
        if undone is not None:
            self._events.emit(ev.InboxChanged(themes=False))
        return undone
