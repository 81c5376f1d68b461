"""Fixtures for tests that need the sandbox network: a real server on 127.0.0.1 per test.

sandbox_template      (session) a seeded state dir, copied for each test (fast start)
sandbox_server        a started SandboxServer on a fresh copy of the seeded state;
                      rate limit raised to 1000 req / 10 s so suites are not throttled
                      (call ``set_rate_limit`` to test throttling)
sandbox_http          a sync httpx.Client with the bearer token, base_url = server.url
sandbox_network       a SandboxNetwork over an httpx.AsyncClient (5 s timeout)
make_sandbox_network  factory ``(timeout=5.0, token=None) -> SandboxNetwork``; every
                      network it makes is closed after the test
"""

from __future__ import annotations

import shutil
import ssl
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import httpx
import pytest

from app.networks.sandbox import SandboxNetwork
from app.sandbox import SandboxServer
from app.sandbox.state import SandboxState

SANDBOX_TOKEN = "sandbox-test-token"
#: One TLS context for every test client: building one per client costs ~50 ms (plain HTTP
#: on loopback never uses it, but httpx builds it eagerly).
_TLS = ssl.create_default_context()


@pytest.fixture(scope="session")
def sandbox_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    state_dir = tmp_path_factory.mktemp("sandbox-template")
    SandboxState(state_dir).close()  # seeds; closing checkpoints the WAL into the main file
    return state_dir


@pytest.fixture
def sandbox_server(tmp_path: Path, sandbox_template: Path) -> Iterator[SandboxServer]:
    state_dir = tmp_path / "sandbox"
    shutil.copytree(sandbox_template, state_dir)
    server = SandboxServer(state_dir, token=SANDBOX_TOKEN, rate_limit=(1000, 10.0))
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def sandbox_http(sandbox_server: SandboxServer) -> Iterator[httpx.Client]:
    with httpx.Client(
        base_url=sandbox_server.url,
        timeout=5.0,
        verify=_TLS,
        headers={"Authorization": f"Bearer {sandbox_server.token}"},
    ) as client:
        yield client


@pytest.fixture
async def make_sandbox_network(
    sandbox_server: SandboxServer,
) -> AsyncIterator[Callable[..., SandboxNetwork]]:
    made: list[SandboxNetwork] = []

    def make(timeout: float = 5.0, token: str | None = None) -> SandboxNetwork:
        client = httpx.AsyncClient(timeout=httpx.Timeout(timeout), verify=_TLS)
        network = SandboxNetwork(
            client, sandbox_server.url, token if token is not None else sandbox_server.token
        )
        made.append(network)
        return network

    try:
        yield make
    finally:
        for network in made:
            await network.aclose()


@pytest.fixture
async def sandbox_network(make_sandbox_network: Callable[..., SandboxNetwork]) -> SandboxNetwork:
    return make_sandbox_network()
