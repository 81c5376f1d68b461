"""Wiring: the one place that builds a :class:`~app.core.Core` for a data dir.

Opening a core has two steps, so the window can paint its inbox between them:

    open_store  opens the store and builds the Core around it (inbox, drafts, outbox,
                the sync engine with no account connected yet): everything the first
                painted inbox needs, and nothing that touches a network, a keyring or the
                managed policy. The account manager is built when first used.
    connect     loads the managed policy and the user's settings, starts the built-in
                sandbox when it is wanted (never while a real account exists), and
                connects every account (their secrets from the OS keyring).

``open_core`` does both, for the terminal (``app/cli.py``) and tests; the window
(``ui/main.py``) calls ``open_store``, paints, then ``connect``. The modules only the
second step needs (policy sources, settings, the sandbox server, httpx, keyring, the
connectors) are imported by it, so they load after the first paint.
"""

from __future__ import annotations

import asyncio
import secrets
from pathlib import Path
from typing import TYPE_CHECKING

from app import events as ev
from app.config import database_path
from app.core import Core
from app.domain.states import OpeningReport
from app.errors import UserError
from app.networks.base import Network
from app.networks.connection import SYSTEM_DEFAULTS, ConnectionSettings, make_client
from app.store import Store
from app.store.db import ignore_step
from app.sync.engine import SyncEngine
from app.text.spelling import PERSONAL_WORDS_FILE, Spelling

if TYPE_CHECKING:
    import httpx

    from app.accounts import AccountManager
    from app.sandbox.server import SandboxServer

SANDBOX_ACCOUNT_ID = "sandbox"


async def open_core(
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
    core = await open_store(data_dir)
    try:
        await connect(
            core,
            data_dir,
            start_sandbox=start_sandbox,
            sandbox_url=sandbox_url,
            sandbox_token=sandbox_token,
        )
    except BaseException:
        await core.close()
        raise
    return core


async def open_store(data_dir: Path, report: OpeningReport = ignore_step) -> Core:
    """Step one: the store (opened and migrated off the event loop) and a Core over it,
    with no account connected and the policy not read yet (``connect`` does both).
    ``report`` hears each slow step of opening (checking, backing up, upgrading), on the
    store's thread."""
    store = await asyncio.to_thread(_open_store, data_dir, report)
    events = ev.Events()
    networks: dict[str, Network] = {}
    engine = SyncEngine(store, events, networks, {})
    client = _ClientFactory()

    def account_manager() -> AccountManager:
        """Built on first use, after the first paint (``connect``, or the status bar)."""
        from app.accounts import AccountManager

        return AccountManager(store, engine, events, networks, policy=None, client=client)

    spelling = Spelling(data_dir / PERSONAL_WORDS_FILE)  # Enchant loads on first use
    core = Core(store, networks, engine, events, account_manager=account_manager, spelling=spelling)
    client.core = core
    return core


async def connect(
    core: Core,
    data_dir: Path,
    *,
    start_sandbox: bool = True,
    sandbox_url: str | None = None,
    sandbox_token: str | None = None,
) -> None:
    """Step two: policy and settings, the sandbox when wanted, every account connected."""
    from app import policy as managed_policy
    from app import settings as user_settings
    from app.networks import registry
    from app.store import accounts as accounts_repo

    policy = await asyncio.to_thread(managed_policy.load)
    # Proxy, CAs, sync interval: the user's settings under policy (read once at start;
    # the Settings dialog says changes apply after a restart).
    core.policy = policy
    core.settings = await asyncio.to_thread(user_settings.effective, policy)
    store = core.store
    accounts = await store.run(accounts_repo.list_accounts)
    await asyncio.to_thread(load_network_modules, {a.network for a in accounts})
    # The workspace's libraries (pycrdt, cryptography, segno) load here too, off the
    # event loop: its background sync starts once the accounts are connected.
    await core.opened_workspace()
    # A real account means no sandbox: it is not started (nor its server module loaded).
    real = not all(registry.is_builtin(a.network) for a in accounts)
    # A delegate's device sees the principal's inbox through the workspace; the built-in
    # sandbox beside it would only confuse, unless asked for by address (tests, demos).
    wanted = start_sandbox and policy.sandbox_enabled and not real
    if wanted and sandbox_url is None and await asyncio.to_thread(_is_delegate, data_dir):
        wanted = False
    if wanted:
        if sandbox_url is None:
            core.sandbox = await asyncio.to_thread(_start_sandbox, data_dir)
            sandbox_url, sandbox_token = core.sandbox.url, core.sandbox.token
        await _use_sandbox(core, sandbox_url, sandbox_token or "")
        accounts = await store.run(accounts_repo.list_accounts)
    await core.accounts.start(policy, accounts)


async def _use_sandbox(core: Core, url: str, token: str) -> None:
    """Add (or move) the sandbox account and connect it; it lives on this machine."""
    from app.domain import Account
    from app.networks import registry
    from app.networks.sandbox import KIND as SANDBOX
    from app.store import accounts as accounts_repo

    account = Account(SANDBOX_ACCOUNT_ID, SANDBOX.id, SANDBOX.display_name, url)
    await core.store.run(accounts_repo.add_or_move_account, account)
    # The sandbox is on this machine: never through a proxy.
    loopback = make_client(ConnectionSettings(proxy="none"))
    await core.engine.add_network(account.id, registry.build_network(account, token, loopback))


class _ClientFactory:
    """Makes the HTTP client of one sign-in or connector with the proxy and CAs in force
    (known once ``connect`` has read the policy and the settings)."""

    core: Core | None = None

    def __call__(self) -> httpx.AsyncClient:
        settings = self.core.settings if self.core is not None else None
        return make_client(settings.connection if settings is not None else SYSTEM_DEFAULTS)


def load_network_modules(networks: set[str]) -> None:
    """Import what connecting accounts of these networks imports, and what their clients
    and first requests import (httpx, httpcore, h11, anyio's asyncio backend, the TLS
    trust store, the connectors). Called on a worker thread: imported on the event loop,
    each would hold the window up (and PySide6's import hook reads every module's source).
    """
    import encodings.idna  # noqa: F401 - and the codec of host names

    import anyio._backends._asyncio  # noqa: F401 - httpcore imports it at the first request
    import h11  # noqa: F401
    import httpcore  # noqa: F401 - imported when the first client is made
    import httpx  # noqa: F401
    import truststore  # noqa: F401 - what every client's TLS context is made with

    from app.networks import registry

    for network in networks:
        try:
            registry.kind(network)
        except (UserError, ImportError):  # said when the account connects
            continue


def _is_delegate(data_dir: Path) -> bool:
    """Is this device a delegate in a workspace (whose inbox it sees through it)?"""
    from app.workspace import settings as workspace_membership
    from app.workspace.errors import WorkspaceError
    from app.workspace.model import Role

    try:
        return workspace_membership.load(data_dir).role is Role.DELEGATE
    except WorkspaceError:  # in no workspace, or its settings unreadable: not a delegate
        return False


def _open_store(data_dir: Path, report: OpeningReport) -> Store:
    """Blocking: create the data dir, open (and migrate) the store."""
    data_dir.mkdir(parents=True, exist_ok=True)
    return Store(database_path(data_dir), report)


def _start_sandbox(data_dir: Path) -> SandboxServer:
    """Blocking: the in-process sandbox on a free port, with a fresh in-memory token."""
    from app.config import sandbox_state_dir
    from app.sandbox.server import SandboxServer

    server = SandboxServer(sandbox_state_dir(data_dir), port=0, token=secrets.token_urlsafe(24))
    return server.start()
