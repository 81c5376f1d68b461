"""Saved replies (snippets) through the workspace, one step before and one after each
sync's exchange of files (``app.core.workspace.Workspace.sync`` calls them): ``share``
writes what was saved, renamed or deleted here since the last sync into the shared
document; ``bring`` settles snippets changed on two devices (``SharedSnippets.settle``)
and writes what others changed into this device's database, never over a change made
here meanwhile (that one is shared at the next sync), then says so with
``SnippetsChanged``.

The comparisons run on the workspace's worker (``app.core.sharing.Run``); the database
is written through the store, each write checked against what the snippet held when read.
"""

from __future__ import annotations

from app import events as ev
from app.core.sharing import SharingStep
from app.domain.library import Snippet
from app.store import snippets as snippets_repo
from app.workspace import snippet_bridge


class SnippetSharing(SharingStep):
    async def share(self) -> None:
        local = await self._store.read(snippets_repo.all_snippets)

        def same() -> dict[str, str]:
            s = self._session()
            known = snippet_bridge.links(s.replica.bridged())
            return snippet_bridge.same_as_shared(s.shared.snippets, local, known)

        adopted = await self._run(same)
        for uid, shared_uid in adopted.items():
            await self._store.run(snippets_repo.adopt_uid, uid, shared_uid)
        if adopted:
            local = await self._store.read(snippets_repo.all_snippets)

        def share() -> None:
            s = self._session()
            known = snippet_bridge.links(s.replica.bridged())
            with s.change() as shared:
                moved = snippet_bridge.share_local(
                    shared.snippets, local, known, s.membership.device_id
                )
            s.replica.set_bridged(snippet_bridge.encoded(moved))

        await self._run(share)

    async def bring(self) -> bool:
        """Returns whether this device settled a snippet (to push at the next sync)."""

        def settle() -> tuple[int, dict[str, snippet_bridge.Link], list[snippet_bridge.Incoming]]:
            s = self._session()
            with s.change() as shared:
                settled = shared.snippets.settle(shared.member_name)
            known = snippet_bridge.links(s.replica.bridged())
            return settled, known, snippet_bridge.incoming(s.shared.snippets, known)

        settled, known, arriving = await self._run(settle)
        if not arriving:
            return settled > 0
        here = {s.uid: s for s in await self._store.read(snippets_repo.all_snippets)}
        moved: dict[str, snippet_bridge.Link] = {}
        written = False
        for change in arriving:
            was = here.get(change.uid)
            if _changed_here(known.get(change.uid), was):
                continue  # shared at the next sync, built on what this device last saw
            linked, wrote = await self._take(change, was)
            written = written or wrote
            if linked:
                moved[change.uid] = snippet_bridge.Link(
                    change.heads, snippet_bridge.digest(change.content)
                )
        if moved:
            await self._run(self._session().replica.set_bridged, snippet_bridge.encoded(moved))
        if written:
            self._events.emit(ev.SnippetsChanged(from_workspace=True))
        return settled > 0

    async def _take(
        self, change: snippet_bridge.Incoming, was: Snippet | None
    ) -> tuple[bool, bool]:
        """Write one change here; (agreed with the document now, this database changed)."""
        if change.content is None:
            if was is None:
                return True, False
            gone = await self._store.run(snippets_repo.delete_shared, was)
            return gone, gone
        if was is not None and snippet_bridge.content_of(was) == change.content:
            return True, False
        put = await self._store.run(snippets_repo.put_shared, change.uid, change.content, was)
        return put, put


def _changed_here(link: snippet_bridge.Link | None, was: Snippet | None) -> bool:
    """Saved, made or deleted here since this device last agreed with the document."""
    if was is not None:
        seen = link.digest if link is not None else None
        return snippet_bridge.digest(snippet_bridge.content_of(was)) != seen
    return link is not None and link.digest != snippet_bridge.DELETED
