"""Two cores in one test as the two laptops of a workspace (a principal's and a
delegate's), syncing through a real WsgiDAV server on 127.0.0.1 (``pair.serving_webdav``)
or a synced folder."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from app.core import Core
from app.workspace.model import Transport


@dataclass
class Laptops:
    principal: Core
    delegate: Core

    async def converge(self, rounds: int = 4) -> None:
        """Sync in turn until both workspaces hold the same (bounded)."""
        for _ in range(rounds):
            for core in (self.principal, self.delegate):
                await core.workspace.sync()
            if await self.principal.workspace.digest() == await self.delegate.workspace.digest():
                return
        raise AssertionError(f"the two laptops did not agree in {rounds} rounds")


@asynccontextmanager
async def in_workspace(
    principal: Core, delegate: Core, where: str, transport: Transport = Transport.WEBDAV
) -> AsyncIterator[Laptops]:
    """The principal (Dana) makes a workspace at ``where`` and the delegate (Sam) joins
    it; both cores are closed after."""
    try:
        code = await principal.workspace.create("Dana", transport, where)
        await delegate.workspace.join(code.text(), "Sam", where)
        yield Laptops(principal, delegate)
    finally:
        await delegate.close()
        await principal.close()
