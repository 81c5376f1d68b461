"""The manual bridge as front ends use it: read a pasted thread or a dropped file into a
preview, import what the person confirmed, and hand each reply over to be pasted by hand.

A bridged site is an account of the ``bridge`` kind (``app.networks.bridge``), made by its
first import. Its comments sit in the same inbox and can be answered in the same batches;
their replies wait in the outbox as held ``BY_HAND`` and never reach a sender. ``handoffs``
lists them one by one with the text and the page to paste it on; ``mark_sent`` is the
person saying they pasted it.
"""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

from app import events as ev
from app.accounts import AccountManager
from app.bridge import records
from app.bridge.links import comment_link
from app.domain import Account, RemotePost
from app.domain.bridge import BridgeImport, Handoff, ImportResult, ParsedThread
from app.errors import UserError
from app.networks import bridge as bridge_kind
from app.store import Store, comments, outbox
from app.store import accounts as accounts_repo
from app.store.sql import Database
from app.timeutil import now


class Bridge:
    #: Site names the import dialog offers (any other name, or none, also works).
    site_names = tuple(site.name for site in bridge_kind.SITES)

    def __init__(self, store: Store, events: ev.Events, accounts: AccountManager) -> None:
        self._store = store
        self._events = events
        self._accounts = accounts

    # The readers of pasted text and files load when first used: not for every start.
    @property
    def file_suffixes(self) -> tuple[str, ...]:
        """Files ``read_file`` takes."""
        from app.bridge import files

        return files.SUFFIXES

    async def read_text(self, text: str, me: str = "") -> ParsedThread:
        """The comments in pasted text, for the preview; NothingToRead says why none."""
        from app.bridge.paste import read_thread

        return await asyncio.to_thread(read_thread, text, now(), me)

    async def read_file(self, path: Path, me: str = "") -> ParsedThread:
        """The comments in an exported or saved file, for the preview."""
        from app.bridge import files

        return await asyncio.to_thread(files.read_file, path, now(), me)

    async def import_thread(self, request: BridgeImport) -> ImportResult:
        """Store the confirmed comments (and the site's account, the first time), in one
        transaction; importing the same thread again adds only what is new."""
        refused = self._accounts.refusal(bridge_kind.NETWORK_ID)
        if refused:
            raise UserError(refused)
        if not request.thread.comments:
            raise UserError("There is nothing to import: the preview has no comments.")
        site = bridge_kind.site_for(request.site, request.post_url)
        post = records.post_of(request)
        remote = records.comments_of(request)
        existing = _site_account(await self._store.read(accounts_repo.list_accounts), site.name)
        account = existing or Account(
            f"{bridge_kind.NETWORK_ID}-{uuid.uuid4().hex[:12]}",
            bridge_kind.NETWORK_ID,
            f"{site.name} (by hand)",
            site.home,
            request.my_name.strip(),
            settings={
                "site": site.name,
                "reply_max_chars": site.reply_max_chars,
                "counting": site.counting,
            },
        )
        prepared = await asyncio.to_thread(comments.prepare, remote, account.username, None)
        if not prepared:
            raise UserError("None of these comments could be stored; see the log for why.")
        added, there = await self._store.run(_save, account, post, prepared)
        if existing is None:
            await self._accounts.connect_by_hand(account)
        self._events.emit(ev.InboxChanged())
        skipped = len(remote) - len(prepared)
        return ImportResult(
            account.id,
            added,
            there,
            (f"{skipped} comments could not be stored.",) if skipped else (),
        )

    async def handoffs(self) -> list[Handoff]:
        """Replies waiting to be pasted by hand, oldest first."""
        return await self._store.read(_handoffs)

    async def mark_sent(self, outbox_id: int) -> None:
        """The person pasted this reply on the page: it is sent, its comment answered."""
        await self._store.run(_handed_over, outbox_id)
        self._events.emit(ev.OutboxChanged(item_id=outbox_id))
        self._events.emit(ev.InboxChanged())


def _site_account(known: list[Account], site: str) -> Account | None:
    return next(
        (
            a
            for a in known
            if a.network == bridge_kind.NETWORK_ID
            and str(a.settings.get("site", "")).casefold() == site.casefold()
        ),
        None,
    )


def _save(
    db: Database,
    account: Account,
    post: RemotePost,
    prepared: list[comments.PreparedComment],
) -> tuple[int, int]:
    accounts_repo.add_account(db, account)  # ignored when it is there
    accounts_repo.upsert_posts(db, account.id, [post])
    ids = [p.comment.remote_id for p in prepared]
    marks = ",".join("?" * len(ids))
    there = db.execute(
        f"SELECT COUNT(*) FROM comments WHERE account_id = ? AND remote_id IN ({marks})",
        [account.id, *ids],
    ).fetchone()[0]
    stored = comments.store_prepared(db, account.id, prepared)
    return stored - there, there


def _handoffs(db: Database) -> list[Handoff]:
    handoffs = []
    for item in outbox.by_hand(db):
        comment = comments.get_comment(db, item.comment_id) if item.comment_id else None
        if comment is None:  # a reply always names its comment; removing one removes both
            continue
        handoffs.append(
            Handoff(
                outbox_id=item.id,
                site=item.account_name or item.account_id,
                recipient=item.recipient or comment.author_name,
                text=item.body,
                url=comment_link(comment.post_url, comment.remote_id, comment.body_text),
                comment_excerpt=comment.body_text[:280],
            )
        )
    return handoffs


def _handed_over(db: Database, outbox_id: int) -> None:
    item = outbox.handed_over(db, outbox_id)
    if item.comment_id is not None:
        comments.mark_answered(db, [item.comment_id])
