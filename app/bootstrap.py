"""Wiring: the one place that builds a :class:`~app.core.Core` for a data dir.

``open_core`` opens the store, loads the managed policy and the user's settings, starts
the built-in sandbox when it is wanted, builds the sync engine and the account manager,
connects every account and hands it all to ``Core``. Both composition roots call it: the
window (``ui/main.py``) and the terminal (``app/cli.py``).
"""

from __future__ import annotations

import asyncio
import secrets
from pathlib import Path

from app import events as ev
from app import policy as managed_policy
from app import settings as user_settings
from app.accounts import AccountManager
from app.config import database_path, sandbox_state_dir
from app.core import Core
from app.domain import Account
from app.networks import registry
from app.networks.base import Network
from app.networks.connection import ConnectionSettings, make_client
from app.networks.sandbox import KIND as SANDBOX
from app.sandbox.server import SandboxServer
from app.store import Store
from app.store import accounts as accounts_repo
from app.sync.engine import SyncEngine
from app.workspace import settings as workspace_membership
from app.workspace.errors import WorkspaceError
from app.workspace.model import Role

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
    policy = await asyncio.to_thread(managed_policy.load)
    # Proxy, CAs, sync interval: the user's settings under policy (read once at start;
    # the Settings dialog says changes apply after a restart).
    in_use = await asyncio.to_thread(user_settings.effective, policy)
    connection = in_use.connection
    # A delegate's device sees the principal's inbox through the workspace; the built-in
    # sandbox beside it would only confuse, unless asked for by address (tests, demos).
    use_sandbox = (
        start_sandbox
        and policy.sandbox_enabled
        and (sandbox_url is not None or not await asyncio.to_thread(_is_delegate, data_dir))
    )
    store, sandbox = await asyncio.to_thread(
        _open_store_and_sandbox, data_dir, use_sandbox and sandbox_url is None
    )
    events = ev.Events()
    accounts = await store.run(accounts_repo.list_accounts)
    networks: dict[str, Network] = {}
    if use_sandbox and all(registry.is_builtin(a.network) for a in accounts):
        if sandbox is not None:
            sandbox_url, sandbox_token = sandbox.url, sandbox.token
        account = Account(SANDBOX_ACCOUNT_ID, SANDBOX.id, SANDBOX.display_name, sandbox_url or "")
        await store.run(accounts_repo.add_or_move_account, account)
        # The sandbox is on this machine: never through a proxy.
        loopback = make_client(ConnectionSettings(proxy="none"))
        networks[account.id] = registry.build_network(account, sandbox_token or "", loopback)
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
    return Core(
        store,
        networks,
        engine,
        events,
        sandbox,
        account_manager=manager,
        policy=policy,
        settings=in_use,
    )


def _is_delegate(data_dir: Path) -> bool:
    try:
        return workspace_membership.load(data_dir).role is Role.DELEGATE
    except WorkspaceError:  # in no workspace, or its settings unreadable: not a delegate
        return False


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
