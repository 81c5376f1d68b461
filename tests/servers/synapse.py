"""A real Synapse homeserver for the Matrix integration tests (a pytest plugin).

synapse_server  (session) a started ``SynapseServer`` on a free port of 127.0.0.1: Synapse
                runs as a subprocess (``sys.executable -m synapse.app.homeserver``: its
                Twisted warnings stay in its own process) on SQLite in a temporary dir,
                with a generated config plus ``overrides.yaml``: one plain-HTTP client
                listener, no federation, no key servers, no URL previews or presence,
                cheap password hashing, rate limits too generous to be hit, and a
                registration shared secret. Ready when ``/health`` answers; stopped with
                SIGTERM by its recorded PID (SIGKILL if it lingers). When it cannot start,
                the tests that need it are skipped with the reason, or fail under CI=true.
matrix_cast     (session) Sam Ortiz (the executive's chief of staff) and three commenters,
                registered through the shared-secret admin API.
matrix_world    per test, a new executive, Dana Whitfield, with her rooms: "Town hall"
                (public, her channel, everyone in it) and "Leadership" (private: Dana and
                Sam). A new executive per test keeps what Fireside syncs independent of
                other tests on the one server.
fireside_for    factory ``(world, base_url=None, restart=None, event_hooks=None, **connector
                options) -> Fireside``: Dana signed in through ``KIND.sign_in`` (password,
                Town hall) as a new device, with the real ``MatrixNetwork``, ``Store`` and
                ``SyncEngine`` in tmp_path; ``base_url`` routes it through a fault proxy;
                ``restart`` reopens a Fireside's database and device with nothing in
                memory, as after an app restart. Closed after the test.

``MatrixUser`` is a small synchronous client for what the people around the executive do
(comment in threads, reply, edit, redact) and for reading the server's truth in asserts
(a thread, an event, one's own messages and what they answer).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import importlib.util
import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar
from urllib.parse import quote

import httpx
import pytest
from fixtures.engine_harness import EngineHarness

from app import events
from app.domain import Account, OutboxKind
from app.events import Events
from app.networks.matrix import KIND, MatrixNetwork
from app.store import Store, accounts, outbox
from app.sync import Backoff, SyncEngine
from app.sync.engine import SyncReport

SHARED_SECRET = "fireside-test-registration-secret"
PASSWORD = "correct horse battery staple"
START_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 15.0

_LOG_CONFIG = """version: 1
formatters:
  plain: {{format: '%(asctime)s %(name)s %(levelname)s %(message)s'}}
handlers:
  file: {{class: logging.FileHandler, formatter: plain, filename: '{path}'}}
root: {{level: WARNING, handlers: [file]}}
disable_existing_loggers: false
"""


def _overrides(port: int, directory: Path) -> str:
    generous = "{per_second: 1000, burst_count: 1000}"
    return f"""
listeners:
  - port: {port}
    bind_addresses: ['127.0.0.1']
    type: http
    tls: false
    x_forwarded: false
    resources: [{{names: [client], compress: false}}]
log_config: '{directory / "log.yaml"}'
trusted_key_servers: []
suppress_key_server_warning: true
url_preview_enabled: false
presence: {{enabled: false}}
enable_metrics: false
report_stats: false
enable_registration: false
registration_shared_secret: '{SHARED_SECRET}'
bcrypt_rounds: 4
rc_message: {generous}
rc_login: {{address: {generous}, account: {generous}, failed_attempts: {generous}}}
rc_registration: {generous}
rc_joins: {{local: {generous}, remote: {generous}}}
rc_invites: {{per_room: {generous}, per_user: {generous}, per_issuer: {generous}}}
rc_admin_redaction: {generous}
"""


def _free_port() -> int:
    with socket.create_server(("127.0.0.1", 0)) as sock:
        return sock.getsockname()[1]


class SynapseUnavailable(RuntimeError):
    """Synapse could not be set up or started here; the message says why."""


class SynapseServer:
    """One Synapse process on 127.0.0.1 with its state in ``directory``."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.pid: int | None = None
        self._process: subprocess.Popen | None = None
        self.admin: MatrixUser | None = None
        #: One client for every test-side request (a new client costs ~50 ms of TLS setup).
        self.http = httpx.Client(base_url=self.url, timeout=10.0)

    @property
    def log(self) -> Path:
        return self.directory / "homeserver.log"

    def configure(self) -> None:
        config = self.directory / "homeserver.yaml"
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "synapse.app.homeserver",
                "--server-name=localhost",
                f"--config-path={config}",
                f"--data-directory={self.directory}",
                "--generate-config",
                "--report-stats=no",
            ],
            cwd=self.directory,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if done.returncode != 0:
            raise SynapseUnavailable(f"generating its config failed: {done.stderr[-2000:]}")
        (self.directory / "log.yaml").write_text(_LOG_CONFIG.format(path=self.log))
        (self.directory / "overrides.yaml").write_text(_overrides(self.port, self.directory))

    def start(self) -> None:
        with open(self.directory / "stdio.log", "ab") as output:
            self._process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "synapse.app.homeserver",
                    "-c",
                    "homeserver.yaml",
                    "-c",
                    "overrides.yaml",
                ],
                cwd=self.directory,
                stdout=output,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        self.pid = self._process.pid
        ends = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < ends:
            if self._process.poll() is not None:
                raise SynapseUnavailable(
                    f"it exited with status {self._process.returncode}: {self._tail()}"
                )
            with contextlib.suppress(httpx.HTTPError):
                if self.http.get("/health", timeout=1.0).status_code == 200:
                    return
            time.sleep(0.1)
        self.stop()
        raise SynapseUnavailable(f"/health did not answer within {START_TIMEOUT_S:g} s")

    def stop(self) -> None:
        """SIGTERM to the recorded PID, then wait; SIGKILL if it does not go."""
        if self._process is None or self.pid is None:
            return
        if self._process.poll() is None:
            os.kill(self.pid, signal.SIGTERM)
            try:
                self._process.wait(STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                os.kill(self.pid, signal.SIGKILL)
                self._process.wait(STOP_TIMEOUT_S)
        self._process = None
        self.pid = None

    def restart(self) -> None:
        """Stop and start on the same port and data: in-memory caches are gone."""
        self.stop()
        self.start()

    def _tail(self) -> str:
        texts = [p.read_text(errors="replace") for p in (self.directory / "stdio.log", self.log)]
        return "\n".join(t[-1500:] for t in texts if t)

    # -- users -----------------------------------------------------------------------

    def register(self, localpart: str, display_name: str, admin: bool = False) -> MatrixUser:
        """A new user through the shared-secret admin API (HMAC-SHA1 over nonce, user,
        password and admin flag)."""
        nonce = self.http.get("/_synapse/admin/v1/register").json()["nonce"]
        mac = hmac.new(SHARED_SECRET.encode(), digestmod=hashlib.sha1)
        flag = b"admin" if admin else b"notadmin"
        mac.update(b"\x00".join([nonce.encode(), localpart.encode(), PASSWORD.encode(), flag]))
        answer = self.http.post(
            "/_synapse/admin/v1/register",
            json={
                "nonce": nonce,
                "username": localpart,
                "password": PASSWORD,
                "displayname": display_name,
                "admin": admin,
                "mac": mac.hexdigest(),
            },
        )
        answer.raise_for_status()
        data = answer.json()
        return self.user(data["user_id"], data["access_token"], display_name)

    def user(self, user_id: str, token: str, name: str) -> MatrixUser:
        """Someone acting with this access token."""
        return MatrixUser(self.http, self.url, user_id, token, name)

    def limit_messages(self, user_id: str, per_second: int, burst: int) -> None:
        """Tighten one user's rc_message (the admin API's per-user override)."""
        assert self.admin is not None
        self.admin.request(
            "POST",
            f"/_synapse/admin/v1/users/{user_id}/override_ratelimit",
            {"messages_per_second": per_second, "burst_count": burst},
        )


@dataclass
class MatrixUser:
    """One person's access token, and the few things the tests have them do."""

    http: httpx.Client
    url: str
    user_id: str
    token: str
    name: str

    def request(self, method: str, path: str, body: dict | None = None, **params) -> dict:
        answer = self.http.request(
            method,
            path,
            json=body,
            params=params or None,
            headers={"Authorization": f"Bearer {self.token}"},
        )
        answer.raise_for_status()
        return answer.json()

    def create_room(self, name: str, *, invite: tuple[str, ...] = (), public: bool = True) -> str:
        alias = f"{name.lower().replace(' ', '-')}-{uuid.uuid4().hex[:8]}"
        body = {
            "name": name,
            "preset": "public_chat" if public else "private_chat",
            "room_alias_name": alias,
            "invite": list(invite),
        }
        return self.request("POST", "/_matrix/client/v3/createRoom", body)["room_id"]

    def join(self, room: str) -> None:
        self.request("POST", f"/_matrix/client/v3/join/{_seg(room)}", {})

    def send(self, room: str, content: dict) -> str:
        path = f"/_matrix/client/v3/rooms/{_seg(room)}/send/m.room.message/{uuid.uuid4().hex}"
        return self.request("PUT", path, content)["event_id"]

    def post(self, room: str, text: str) -> str:
        return self.send(room, {"msgtype": "m.text", "body": text})

    def comment(self, room: str, root: str, text: str, reply_to: str | None = None) -> str:
        """A thread reply to ``root``: to the thread (as Element does: falling back to the
        root), or to the event ``reply_to``."""
        relates = {
            "rel_type": "m.thread",
            "event_id": root,
            "is_falling_back": reply_to is None,
            "m.in_reply_to": {"event_id": reply_to or root},
        }
        return self.send(room, {"msgtype": "m.text", "body": text, "m.relates_to": relates})

    def edit(self, room: str, event_id: str, text: str) -> str:
        return self.send(
            room,
            {
                "msgtype": "m.text",
                "body": "* " + text,
                "m.new_content": {"msgtype": "m.text", "body": text},
                "m.relates_to": {"rel_type": "m.replace", "event_id": event_id},
            },
        )

    def redact(self, room: str, event_id: str) -> None:
        path = f"/_matrix/client/v3/rooms/{_seg(room)}/redact/{_seg(event_id)}/{uuid.uuid4().hex}"
        self.request("PUT", path, {})

    def thread(self, room: str, root: str) -> list[dict]:
        """Every event of a thread, oldest first (the server's view, for asserts)."""
        events: list[dict] = []
        params: dict = {"limit": 100}
        for _ in range(100):
            path = f"/_matrix/client/v1/rooms/{_seg(room)}/relations/{_seg(root)}/m.thread"
            page = self.request("GET", path, **params)
            events += page["chunk"]
            if not page.get("next_batch"):
                return list(reversed(events))
            params["from"] = page["next_batch"]
        raise AssertionError("the thread kept paging")

    def messages(self, room: str) -> list[dict]:
        """This person's latest messages in the room (up to 1,000), newest first."""
        flt = {"senders": [self.user_id], "types": ["m.room.message"]}
        path = f"/_matrix/client/v3/rooms/{_seg(room)}/messages"
        return self.request("GET", path, dir="b", limit=1000, filter=json.dumps(flt))["chunk"]

    def answers(self, room: str) -> dict[str, list[dict]]:
        """This person's messages that answer another (``m.in_reply_to``, in a thread or
        not), by the event they answer."""
        found: dict[str, list[dict]] = {}
        for event in self.messages(room):
            relates = event["content"].get("m.relates_to")
            reply = relates.get("m.in_reply_to") if isinstance(relates, dict) else None
            if isinstance(reply, dict) and isinstance(reply.get("event_id"), str):
                found.setdefault(reply["event_id"], []).append(event)
        return found

    def event(self, room: str, event_id: str) -> dict:
        return self.request("GET", f"/_matrix/client/v3/rooms/{_seg(room)}/event/{_seg(event_id)}")


def _seg(value: str) -> str:
    return quote(value, safe="")


def _unavailable(reason: str) -> None:
    message = f"Synapse is not available: {reason}"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def synapse_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SynapseServer]:
    if importlib.util.find_spec("synapse") is None:
        _unavailable("matrix-synapse is not installed (pip install -e '.[test]')")
    server = SynapseServer(tmp_path_factory.mktemp("synapse"))
    try:
        server.configure()
        server.start()
        server.admin = server.register(f"admin-{uuid.uuid4().hex[:6]}", "Admin", admin=True)
    except (SynapseUnavailable, OSError, subprocess.SubprocessError, httpx.HTTPError) as exc:
        server.stop()
        server.http.close()
        _unavailable(str(exc))
    try:
        yield server
    finally:
        server.stop()
        server.http.close()


@dataclass
class MatrixWorld:
    """The people and rooms of one test."""

    server: SynapseServer
    dana: MatrixUser  # the executive
    sam: MatrixUser  # her chief of staff
    commenters: list[MatrixUser]
    town_hall: str  # Dana's channel: everyone is in it
    leadership: str  # private: Dana and Sam


@pytest.fixture(scope="session")
def matrix_cast(synapse_server: SynapseServer) -> tuple[MatrixUser, list[MatrixUser]]:
    """The people around the executive, registered once: Sam and three commenters."""
    tag = uuid.uuid4().hex[:6]
    sam = synapse_server.register(f"sam-{tag}", "Sam Ortiz")
    commenters = [
        synapse_server.register(f"{first.lower()}-{tag}", f"{first} {last}")
        for first, last in (("Ada", "Reyes"), ("Ben", "Okafor"), ("Cleo", "Lindqvist"))
    ]
    return sam, commenters


@pytest.fixture
def matrix_world(
    synapse_server: SynapseServer, matrix_cast: tuple[MatrixUser, list[MatrixUser]]
) -> MatrixWorld:
    """A new executive and her rooms for each test (what Fireside syncs starts empty)."""
    sam, commenters = matrix_cast
    dana = synapse_server.register(f"dana-{uuid.uuid4().hex[:6]}", "Dana Whitfield")
    town_hall = dana.create_room("Town hall")
    for person in [sam, *commenters]:
        person.join(town_hall)
    leadership = dana.create_room("Leadership", invite=(sam.user_id,), public=False)
    sam.join(leadership)
    return MatrixWorld(synapse_server, dana, sam, commenters, town_hall, leadership)


def event_of(remote_id: str) -> str:
    """The event id in a Matrix remote id ("<room>|<event>")."""
    return remote_id.rpartition("|")[2]


#: Quick retries, and no Retry-After is slept through beyond 10 s.
FAST = Backoff(base=0.01, cap=0.05, max_attempts=5, max_wait=10.0)
ACCOUNT_ID = "matrix-dana"
SETTLE_TIMEOUT_S = 60.0


@dataclass
class Fireside(EngineHarness):
    """Fireside signed in as Dana: the connector, a store and the sync engine."""

    ACCOUNT: ClassVar[str] = ACCOUNT_ID

    world: MatrixWorld
    network: MatrixNetwork
    store: Store
    engine: SyncEngine
    settings: dict
    token: str
    path: Path
    hub: Events

    async def sync(self) -> SyncReport:
        report = await self.engine.sync(ACCOUNT_ID)
        assert report.error is None, report.error
        return report

    async def publish(self, text: str) -> str:
        """Publish through the outbox and a sync, as the app does; the post's event id."""
        item = self.store.run_sync(
            lambda db: outbox.enqueue(db, OutboxKind.PUBLISH, ACCOUNT_ID, text)
        )
        await self.sync()
        sent = next(i for i in self.outbox() if i.id == item)
        assert sent.state == "sent", sent.last_error
        return event_of(sent.remote_id)

    def queue_reply(self, event_id: str, body: str) -> int:
        """A reply to the stored comment with this event id, as the batch composer queues it."""
        remote_id = next(k for k in self.comments() if k.endswith("|" + event_id))
        return self.queue_reply_to(remote_id, body)

    async def settle(self) -> list[dict]:
        """Run the engine's own loop until no outbox item waits to be sent or looked up."""
        changed = asyncio.Event()
        unsubscribe = self.hub.subscribe(
            lambda event: changed.set() if isinstance(event, events.OutboxChanged) else None
        )
        loop = asyncio.create_task(self.engine.run(0.05))
        try:
            async with asyncio.timeout(SETTLE_TIMEOUT_S):
                while True:
                    changed.clear()
                    items = self.outbox()
                    if all(i.state in ("sent", "failed", "held") for i in items):
                        return items
                    await changed.wait()
        finally:
            unsubscribe()
            self.engine.stop()
            await loop


def connector(
    url: str, token: str, settings: dict, event_hooks: dict | None = None, **options
) -> MatrixNetwork:
    client = httpx.AsyncClient(
        timeout=httpx.Timeout(10.0, connect=2.0), event_hooks=event_hooks or {}
    )
    return MatrixNetwork(
        client,
        url,
        token,
        user_id=settings["user_id"],
        device_id=settings["device_id"],
        room=settings["room"],
        **options,
    )


@pytest.fixture
async def fireside_for(
    tmp_path: Path,
) -> AsyncIterator[Callable[..., Awaitable[Fireside]]]:
    made: list[Fireside] = []

    async def make(
        world: MatrixWorld,
        base_url: str | None = None,
        restart: Fireside | None = None,
        event_hooks: dict | None = None,
        **options,
    ) -> Fireside:
        url = base_url or world.server.url
        if restart is not None:  # the app again, on the same database and device
            await restart.network.aclose()
            restart.store.close()
            made.remove(restart)
            token, settings, path = restart.token, restart.settings, restart.path
        else:  # Dana signs in: a new device
            async with httpx.AsyncClient(timeout=10.0) as client:
                signed = await KIND.sign_in(
                    client, url, world.dana.user_id, PASSWORD, {"room": world.town_hall}
                )
            token, settings = signed.secret, signed.settings
            path = tmp_path / f"fireside-{len(made)}.db"
        store = Store(path)
        store.run_sync(
            accounts.add_account,
            Account(ACCOUNT_ID, "matrix", "Town hall", url, world.dana.user_id, settings=settings),
        )
        network = connector(url, token, settings, event_hooks, **options)
        hub = Events()
        engine = SyncEngine(store, hub, {ACCOUNT_ID: network}, backoff=FAST)
        made.append(Fireside(world, network, store, engine, settings, token, path, hub))
        return made[-1]

    try:
        yield make
    finally:
        for fireside in made:
            await fireside.network.aclose()
            fireside.store.close()
