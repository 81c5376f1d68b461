"""The core as front ends see it: one object that owns the store, the networks and the sync
engine, and offers every user action as an async method. No Qt here; the window and the
CLI are its two clients (composition roots: ``ui/main.py`` and ``app/cli.py``).
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import uuid
from dataclasses import dataclass
from pathlib import Path

from app import events as ev
from app import policy as managed_policy
from app import settings as user_settings
from app.accounts import AccountManager, AccountStatus, Diagnosis, RemovalPreview
from app.config import database_path, sandbox_state_dir
from app.domain import (
    PUBLISH_NOW,
    Account,
    Capabilities,
    DraftState,
    InboxView,
    OutboxKind,
    PublishOptions,
    TriageState,
)
from app.errors import UserError
from app.networks.base import Network
from app.networks.connection import ConnectionSettings, make_client
from app.networks.registry import NetworkKind, build_network
from app.sandbox.server import SandboxServer
from app.store import Store, comments, drafts, outbox, search, triage
from app.store import accounts as accounts_repo
from app.store.questions import QuestionMatcher
from app.sync.engine import SyncEngine
from app.text import plural
from app.text.templates import check_template, personalise
from app.timeutil import iso, now_iso, parse

log = logging.getLogger(__name__)

SANDBOX_ACCOUNT_ID = "sandbox"
#: Triage-log action of a batch reply; the batch id follows, so undo can recall it.
REPLY_ACTION = "reply:"


@dataclass(frozen=True)
class ReplyPreview:
    """One personalised reply as it will be sent; ``limit`` is its network's maximum, and
    ``network``/``account_name`` say where it goes (``network_shared``: the person has more
    than one account on that network)."""

    comment_id: int
    recipient: str
    text: str
    limit: int
    network: str = ""
    account_name: str = ""
    network_shared: bool = False

    @property
    def too_long(self) -> bool:
        return len(self.text) > self.limit


class Core:
    """Everything a front end needs; build it with ``await Core.open(data_dir)``."""

    def __init__(
        self,
        store: Store,
        networks: dict[str, Network],
        engine: SyncEngine,
        events: ev.Events,
        sandbox: SandboxServer | None = None,
        *,
        account_manager: AccountManager | None = None,
        policy: managed_policy.Policy = managed_policy.NO_POLICY,
        settings: user_settings.Effective | None = None,
    ) -> None:
        self.store = store
        self.networks = networks
        self.engine = engine
        self.events = events
        self.sandbox = sandbox
        self._accounts = account_manager or AccountManager(
            store, engine, events, networks, policy=managed_policy.NO_POLICY, client=make_client
        )
        self._questions = QuestionMatcher()
        #: The managed policy and the settings in force when the core opened.
        self.policy = policy
        self.settings = settings

    @classmethod
    async def open(
        cls,
        data_dir: Path,
        *,
        start_sandbox: bool = True,
        sandbox_url: str | None = None,
        sandbox_token: str | None = None,
    ) -> Core:
        """Open the store, load the managed policy and connect every account.

        Each real account is connected with its secret from the OS keyring; one that cannot
        be (secret missing, no usable keyring, network forbidden by policy) stays
        unconnected, and ``account_statuses`` says why. With no real account the built-in
        sandbox network runs and is used, unless policy turns it off.
        ``sandbox_url``/``sandbox_token`` point at a sandbox already running elsewhere
        (tests, ``fireside sandbox``); otherwise one starts in-process on a free port with a
        token that lives only in memory.
        """
        policy = await asyncio.to_thread(managed_policy.load)
        # Proxy, CAs, sync interval: the user's settings under policy (read once at start;
        # the Settings dialog says changes apply after a restart).
        in_use = await asyncio.to_thread(user_settings.effective, policy)
        connection = in_use.connection
        use_sandbox = start_sandbox and policy.sandbox_enabled
        store, sandbox = await asyncio.to_thread(
            _open_store_and_sandbox, data_dir, use_sandbox and sandbox_url is None
        )
        events = ev.Events()
        accounts = await store.run(accounts_repo.list_accounts)
        networks: dict[str, Network] = {}
        if use_sandbox and not any(a.network != "sandbox" for a in accounts):
            if sandbox is not None:
                sandbox_url, sandbox_token = sandbox.url, sandbox.token
            account = Account(SANDBOX_ACCOUNT_ID, "sandbox", "Sandbox", sandbox_url or "")
            await store.run(_ensure_sandbox_account, account)
            # The sandbox is on this machine: never through a proxy.
            loopback = make_client(ConnectionSettings(proxy="none"))
            networks[account.id] = build_network(account, sandbox_token or "", loopback)
            accounts = await store.run(accounts_repo.list_accounts)
        elif sandbox is not None:
            await asyncio.to_thread(sandbox.stop)
            sandbox = None
        engine = SyncEngine(store, events, networks, {})
        manager = AccountManager(
            store,
            engine,
            events,
            networks,
            policy=policy,
            client=lambda: make_client(connection),
        )
        await manager.connect_stored(accounts)
        return cls(
            store,
            networks,
            engine,
            events,
            sandbox,
            account_manager=manager,
            policy=policy,
            settings=in_use,
        )

    async def close(self) -> None:
        self.engine.stop()
        for network in self.networks.values():
            await network.aclose()
        await asyncio.to_thread(self.store.close)
        if self.sandbox is not None:
            await asyncio.to_thread(self.sandbox.stop)

    # --- accounts (app/accounts does the work) -----------------------------------------
    async def accounts(self) -> list[Account]:
        """Stored accounts; one that could not be connected has why in last_sync_error."""
        return await self._accounts.accounts()

    async def account_statuses(self) -> list[AccountStatus]:
        """Every account's state and why, then policy's accounts still to sign in to."""
        return await self._accounts.statuses()

    async def network_kinds(self) -> list[NetworkKind]:
        """The networks the user may add an account on (known here and allowed)."""
        return await self._accounts.kinds()

    async def keyring_problem(self) -> str | None:
        """None when the OS keyring can keep secrets, else what to do about it."""
        return await self._accounts.keyring_problem()

    async def test_connection(
        self,
        network: str,
        base_url: str,
        username: str,
        password: str,
        extra: dict[str, str] | None = None,
    ) -> Diagnosis:
        """Sign in with these credentials and say, in plain words, how it went."""
        return await self._accounts.test(network, base_url, username, password, extra or {})

    async def check_account(self, account_id: str) -> Diagnosis:
        """Does the saved sign-in of this account still work?"""
        return await self._accounts.check(account_id)

    async def add_account(
        self,
        network: str,
        base_url: str,
        username: str,
        password: str,
        extra: dict[str, str] | None = None,
        *,
        name: str = "",
    ) -> AccountStatus:
        """Sign in, keep the secret in the keyring, add the account and start syncing it;
        ``SignInFailed`` (with its Diagnosis) when signing in fails."""
        return await self._accounts.add(
            network, base_url, username, password, extra or {}, name=name
        )

    async def reauthenticate(self, account_id: str, password: str) -> AccountStatus:
        return await self._accounts.reauthenticate(account_id, password)

    async def removal_preview(self, account_id: str) -> RemovalPreview:
        """What removing the account would delete from this computer."""
        return await self._accounts.removal_preview(account_id)

    async def remove_account(self, account_id: str) -> str:
        """Stop syncing the account and delete its local data and its secret."""
        return await self._accounts.remove(account_id)

    def capabilities(self) -> dict[str, Capabilities]:
        return {account_id: n.capabilities for account_id, n in self.networks.items()}

    # --- inbox and triage -----------------------------------------------------------
    async def counts(self) -> dict[InboxView, int]:
        return await self.store.read(comments.view_counts)

    async def posts(self) -> list[dict]:
        return await self.store.read(accounts_repo.list_posts)

    async def thread(self, comment_id: int) -> tuple[list[dict], list[dict]]:
        """The chain from the top-level comment to this one, and the replies under it."""
        chain = await self.store.read(comments.thread_chain, comment_id)
        replies = await self.store.read(comments.replies_to, comment_id)
        return chain, replies

    async def search(self, text: str) -> list[dict]:
        return await self.store.read(search.search_comments, text)

    async def set_triage(
        self, ids: list[int], state: TriageState, snoozed_until: str | None = None
    ) -> None:
        await self.store.run(triage.set_state, ids, state, snoozed_until)
        self.events.emit(ev.INBOX_CHANGED)

    async def undo_triage(self) -> str | None:
        """Undo the last triage action; returns a sentence saying what was undone."""
        undone = await self.store.run(_undo_last)
        if undone is None:
            return None
        self.events.emit(ev.INBOX_CHANGED)
        action, ids, recalled, gone = undone
        sentence = f"Undid {action} on {plural.count(len(ids), 'comment')}."
        if recalled:
            self.events.emit(ev.OUTBOX_CHANGED, item_id=None)
            sentence += f" Cancelled {plural.count(recalled, 'queued reply', 'queued replies')}."
        if gone:
            sentence += (
                f" {plural.count(gone, 'reply', 'replies')} had already left and "
                "cannot be recalled; see the outbox."
            )
        return sentence

    async def wake_snoozed(self) -> int:
        woke = await self.store.run(triage.wake_snoozed)
        if woke:
            self.events.emit(ev.INBOX_CHANGED)
        return woke

    async def same_question(self, comment_id: int, limit: int = 2000) -> list[int]:
        """Open comments asking what this one asks, in other words (itself first)."""
        return await self.store.read(self._questions.same_as, comment_id, limit)

    # --- batch replies ----------------------------------------------------------------
    async def preview_replies(self, comment_ids: list[int], template: str) -> list[ReplyPreview]:
        check_template(template)
        rows = await self.store.read(comments.get_comments, comment_ids)
        return [
            ReplyPreview(
                r["id"],
                r["author_name"],
                personalise(template, r["author_name"], r["body_text"]),
                self._reply_limit(r["account_id"]),
                r["network"],
                r["account_name"],
                bool(r["network_shared"]),
            )
            for r in rows
        ]

    def _reply_limit(self, account_id: str) -> int:
        network = self.networks.get(account_id)
        if network is None:
            raise UserError(f"The account {account_id!r} is not connected; reconnect it first.")
        return network.capabilities.reply_max_chars

    async def queue_replies(self, comment_ids: list[int], template: str) -> list[int]:
        """Put one personalised reply per comment in the outbox, all in one transaction."""
        if not template.strip():
            raise UserError("Write a reply before queueing it.")
        previews = await self.preview_replies(comment_ids, template)
        too_long = [p for p in previews if p.too_long]
        if too_long:
            first = too_long[0]
            raise UserError(
                f"{plural.count(len(too_long), 'reply', 'replies')} would be too long "
                f"(the reply to {first.recipient} has {len(first.text):,} characters; the limit is "
                f"{first.limit:,}). Shorten the reply or the quoted question."
            )
        batch = uuid.uuid4().hex
        ids = await self.store.run(_enqueue_replies, previews, batch)
        self.events.emit(ev.OUTBOX_CHANGED, item_id=None)
        self.events.emit(ev.INBOX_CHANGED)
        self.engine.wake()
        return ids

    # --- drafts ---------------------------------------------------------------------
    async def new_draft(self, title: str = "", body: str = "") -> int:
        targets = list(self.networks)
        draft_id = await self.store.run(drafts.create, title, body, targets)
        self.events.emit(ev.DRAFTS_CHANGED, draft_id=draft_id)
        return draft_id

    async def publish(
        self,
        draft_id: int,
        account_ids: list[str],
        when: str | None = None,
        options: dict[str, PublishOptions] | None = None,
    ) -> None:
        """Queue the draft for every chosen account now, or schedule it for ``when``.

        ``options`` (by account id; an account left out publishes live) says in which state
        each site gets the post, among its network's ``publish_statuses``. "draft",
        "pending" and "future" are the site's own states: the post is sent to the site now
        (with the next sync) and waits there, as a draft, for the site's reviewers, or until
        ``publish_at``, when the site publishes it by itself. ``when`` is Fireside's own
        schedule instead: the post stays on this computer and is sent, live, once it is
        due (the computer must be on). The two do not combine: ``when`` needs every target
        to publish live.

        Locally every status takes the same path: the draft is queued (or scheduled), and
        becomes published once every target has been sent, whatever state the site keeps
        it in; from then on it lives on the sites. ``publish_deliveries`` says how each
        target got it.
        """
        if not account_ids:
            raise UserError("Choose at least one account to publish to.")
        unknown = [a for a in account_ids if a not in self.networks]
        if unknown:
            raise UserError(f"Not connected: {', '.join(unknown)}.")
        names = {a.id: a.name for a in await self.accounts()}
        draft = await self.store.run(drafts.get, draft_id)
        for account_id in account_ids:
            limit = self.networks[account_id].capabilities.post_max_chars
            if len(draft["body"]) > limit:
                raise UserError(
                    f"The post is {len(draft['body']):,} characters; "
                    f"{names.get(account_id, account_id)} allows {limit:,}."
                )
        chosen = self._publish_options(account_ids, options or {}, names)
        held = [names.get(a, a) for a, o in chosen.items() if o.status != PUBLISH_NOW.status]
        if when and held:
            raise UserError(
                f"{', '.join(held)} would get the post now, in the site's own state, so it "
                "cannot also wait for Fireside's schedule. Publish now, or publish it live "
                "there at the scheduled time."
            )
        await self.store.run(drafts.set_targets, draft_id, account_ids)
        if when:
            when = iso(parse(when))
            if when <= now_iso():
                raise UserError("That time has passed: choose a later time, or publish now.")
            await self.store.run(drafts.set_state, draft_id, DraftState.SCHEDULED, when)
        else:
            await self.store.run(_enqueue_publish, draft_id, chosen)
            self.events.emit(ev.OUTBOX_CHANGED, item_id=None)
            self.engine.wake()
        self.events.emit(ev.DRAFTS_CHANGED, draft_id=draft_id)

    def _publish_options(
        self, account_ids: list[str], options: dict[str, PublishOptions], names: dict[str, str]
    ) -> dict[str, PublishOptions]:
        """Each chosen account's options, checked against what its network offers."""
        stray = [names.get(a, a) for a in options if a not in account_ids]
        if stray:
            raise UserError(f"Publish options given for accounts not chosen: {', '.join(stray)}.")
        return {
            a: _checked_option(
                options.get(a, PUBLISH_NOW), self.networks[a].capabilities, names.get(a, a)
            )
            for a in account_ids
        }

    async def publish_deliveries(self, draft_id: int) -> list[dict]:
        """How the draft went, or is going, to each account: one row per publish item not
        cancelled, oldest first (account_id, account_name, network, state, sent_at, and
        ``options`` as PublishOptions)."""
        return await self.store.read(_deliveries, draft_id)

    # --- outbox ---------------------------------------------------------------------
    async def outbox_items(self, include_sent: bool = True) -> list[dict]:
        return await self.store.read(outbox.list_items, include_sent)

    async def outbox_action(self, action: str, item_id: int, body: str | None = None) -> None:
        """edit, cancel or retry one outbox item."""
        if action == "edit":
            await self.store.run(outbox.edit_body, item_id, body or "")
        elif action == "cancel":
            await self.store.run(outbox.cancel, item_id)
        elif action == "retry":
            await self.store.run(outbox.retry, item_id)
            self.engine.wake()
        else:
            raise UserError(f"Unknown outbox action {action!r}.")
        self.events.emit(ev.OUTBOX_CHANGED, item_id=item_id)


def _open_store_and_sandbox(
    data_dir: Path, want_sandbox: bool
) -> tuple[Store, SandboxServer | None]:
    """Blocking start-up work, run off the event loop: open/migrate the store, and start the
    in-process sandbox with a fresh in-memory token when the caller wants one."""
    data_dir.mkdir(parents=True, exist_ok=True)
    store = Store(database_path(data_dir))
    if not want_sandbox:
        return store, None
    sandbox = SandboxServer(sandbox_state_dir(data_dir), port=0, token=secrets.token_urlsafe(24))
    try:
        sandbox.start()
    except BaseException:
        store.close()
        raise
    return store, sandbox


def _undo_last(db) -> tuple[str, list[int], int, int] | None:
    """Undo the last triage action; undoing a batch reply also cancels its replies that
    have not left yet. Returns (action, comment ids, replies cancelled, replies gone)."""
    undone = triage.undo_last(db)
    if undone is None:
        return None
    action, ids = undone
    if action.startswith(REPLY_ACTION):
        recalled, gone = outbox.cancel_batch(db, action.removeprefix(REPLY_ACTION))
        return "reply", ids, recalled, gone
    return action.replace("_", " "), ids, 0, 0


def _ensure_sandbox_account(db, account: Account) -> None:
    accounts_repo.add_account(db, account)
    db.execute("UPDATE accounts SET base_url = ? WHERE id = ?", [account.base_url, account.id])


def _enqueue_replies(db, previews: list[ReplyPreview], batch: str) -> list[int]:
    ids = []
    rows = {r["id"]: r for r in comments.get_comments(db, [p.comment_id for p in previews])}
    for preview in previews:
        row = rows[preview.comment_id]
        ids.append(
            outbox.enqueue(
                db,
                OutboxKind.REPLY,
                row["account_id"],
                preview.text,
                post_remote_id=row["post_remote_id"],
                target_remote_id=row["remote_id"],
                comment_id=row["id"],
                expected_version=row["version"],
                batch_id=batch,
            )
        )
    ids_done = [p.comment_id for p in previews]
    triage.set_state(db, ids_done, TriageState.DONE, action=f"{REPLY_ACTION}{batch}")
    return ids


#: How a sentence says a remote publish status ("cannot keep a post as a draft").
_STATUS_WORDS = {
    "publish": "live",
    "draft": "as a draft",
    "pending": "pending review",
    "future": "scheduled",
}


def _checked_option(
    option: PublishOptions, capabilities: Capabilities, name: str
) -> PublishOptions:
    """The option as it is queued (a date only for "future", in UTC), or UserError when
    the account's network cannot take it."""
    if option.status not in capabilities.publish_statuses:
        offered = " or ".join(_STATUS_WORDS.get(s, repr(s)) for s in capabilities.publish_statuses)
        wanted = _STATUS_WORDS.get(option.status, repr(option.status))
        raise UserError(
            f"{name} ({capabilities.display_name}) cannot keep a post {wanted}: it can take "
            f"it {offered}."
        )
    if option.status != "future":
        return PublishOptions(option.status)
    if not option.publish_at:
        raise UserError(f"Choose when {name} should publish the post.")
    try:
        at = iso(parse(option.publish_at))
    except ValueError:
        raise UserError(f"“{option.publish_at}” is not a date and time.") from None
    if at <= now_iso():
        raise UserError(
            f"That time has passed: choose a later time for {name} to publish the post."
        )
    return PublishOptions("future", at)


def _enqueue_publish(db, draft_id: int, options: dict[str, PublishOptions]) -> None:
    """One publish item per account, with its options, and the draft queued: one transaction."""
    draft = drafts.get(db, draft_id)
    for account_id, option in options.items():
        outbox.enqueue(
            db,
            OutboxKind.PUBLISH,
            account_id,
            draft["body"],
            title=draft["title"],
            draft_id=draft_id,
            options=option,
        )
    drafts.set_state(db, draft_id, DraftState.QUEUED)


def _deliveries(db, draft_id: int) -> list[dict]:
    rows = db.query(
        "SELECT o.account_id, a.name AS account_name, a.network, o.state, o.sent_at, o.options "
        "FROM outbox o JOIN accounts a ON a.id = o.account_id WHERE o.draft_id = ? "
        "AND o.kind = 'publish' AND o.state != 'cancelled' ORDER BY o.id",
        [draft_id],
    )
    return [{**row, "options": outbox.publish_options(row)} for row in rows]
