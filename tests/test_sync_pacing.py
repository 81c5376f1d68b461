"""Pacing in the sync engine (app.sync.pacing, app.networks.ratelimit, app.sync.checks):
each account's meter on a fake clock (the bucket itself: tests/test_pacing.py), the limit
headers networks send, the meter each request passes, and a passed pre-send check kept
when only the write was refused. No sleeps, no timings."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from types import SimpleNamespace
from typing import cast

import httpx
import pytest
from msgspec.structs import replace

from app.domain import Capabilities, OutboxItem
from app.networks import ratelimit
from app.networks.http import HttpTransport
from app.networks.pacing import Budget
from app.networks.ratelimit import RateHeaders
from app.sync.checks import PassedChecks
from app.sync.pacing import AccountPacing


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds


#: A wall-clock moment for resets given as a time (2023-11-14T22:13:20Z).
NOW = 1_700_000_000.0
CAPS = Capabilities(
    "net", "Net", ("text",), 100, 100, None, "key", requests_per_minute=300, requests_burst=50
)


# --- each account's meter -------------------------------------------------------------------


def test_each_account_gets_a_meter_with_its_networks_documented_budget() -> None:
    pacing = AccountPacing(FakeClock())
    first = pacing.meter("a", CAPS)
    assert first.pacer.budget == Budget(50, 10.0)
    assert pacing.meter("a", CAPS) is first
    assert pacing.meter("b", CAPS) is not first
    assert pacing.meter("a", replace(CAPS, requests_burst=10)) is not first
    pacing.forget("a")
    assert pacing.meter("a", CAPS) is not first
    assert pacing.meter("c", replace(CAPS, requests_burst=None)).pacer.budget is None


async def test_the_meter_spends_the_accounts_tokens_and_a_429_empties_them() -> None:
    clock = FakeClock()
    meter = AccountPacing(clock, clock.sleep).meter("a", replace(CAPS, requests_burst=2))
    start = clock.now
    for _ in range(3):
        async with meter.turn(write=False):
            pass
    assert clock.now - start == pytest.approx(0.4)  # 2 at once, 300 a minute: back in 0.4 s
    clock.now += 10.0
    meter.refused()  # empty, refilling at 300 a minute
    assert meter.pacer.wait_needed("a") == pytest.approx(0.2)


# --- the headers ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        (
            {
                "RateLimit-Limit": "50",
                "RateLimit-Remaining": "12",
                "RateLimit-Reset": "8",
                "RateLimit-Policy": "50;w=10",
            },
            RateHeaders(50, 12, 8.0, 10.0),
        ),
        ({"RateLimit-Policy": '"default";q=100;w=60'}, RateHeaders(100, None, None, 60.0)),
        (
            {
                "X-RateLimit-Limit": "300",
                "X-RateLimit-Remaining": "299",
                "X-RateLimit-Reset": "1700000030",
            },
            RateHeaders(300, 299, 30.0, None),  # a Unix time: 30 s after NOW
        ),
        (
            {"X-RateLimit-Remaining": "5", "X-RateLimit-Reset": "2023-11-14T22:14:00.000Z"},
            RateHeaders(None, 5, 40.0, None),  # Mastodon's ISO 8601 moment
        ),
        ({"RateLimit-Limit": "lots", "RateLimit-Remaining": "-3"}, None),
        ({"Content-Type": "application/json"}, None),
    ],
)
def test_limit_headers_in_every_spelling(headers: dict[str, str], expected: RateHeaders) -> None:
    assert ratelimit.parse(headers, now=NOW) == expected


def test_the_policy_gives_the_rate() -> None:
    assert RateHeaders(limit=50, window_s=2.5).rate == 20.0
    assert RateHeaders(limit=50).rate is None


async def test_every_request_of_a_connector_goes_through_the_accounts_meter() -> None:
    seen: list[tuple[str, object]] = []

    class Recording:
        @contextlib.asynccontextmanager
        async def turn(self, write: bool) -> AsyncIterator[None]:
            seen.append(("turn", write))
            yield
            seen.append(("answered", write))

        def heard(self, headers: RateHeaders) -> None:
            seen.append(("heard", headers.remaining))

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"ok": True}, headers={"RateLimit-Remaining": "7"})

    async with httpx.AsyncClient(transport=httpx.MockTransport(answer)) as client:
        transport = HttpTransport(client, "The test network")
        await transport.call("GET", "https://net.example/a", what="GET /a")  # no meter
        with ratelimit.metered(Recording()):
            await transport.call("GET", "https://net.example/a", what="GET /a")
            await transport.call("POST", "https://net.example/b", what="POST /b", json={})
    assert seen == [
        *[("turn", False), ("answered", False), ("heard", 7)],
        *[("turn", True), ("answered", True), ("heard", 7)],
    ]


async def test_each_task_reaches_its_own_meter() -> None:
    seen: list[str] = []

    class Named:
        def __init__(self, name: str) -> None:
            self.name = name

        @contextlib.asynccontextmanager
        async def turn(self, write: bool) -> AsyncIterator[None]:
            seen.append(self.name)
            yield

        def heard(self, headers: RateHeaders) -> None:
            return None

    async def run(name: str) -> None:
        with ratelimit.metered(Named(name)):
            await asyncio.sleep(0)
            async with ratelimit.turn(False):
                pass

    await asyncio.gather(run("a"), run("b"))
    assert sorted(seen) == ["a", "b"]


# --- a passed check, kept ---------------------------------------------------------------------


def item(item_id: int = 1, version: int | None = 1) -> OutboxItem:
    """What the checks read of an outbox item: its id and the version it answers."""
    return cast(OutboxItem, SimpleNamespace(id=item_id, expected_version=version))


def test_a_passed_check_stands_for_a_while_for_that_item_and_version() -> None:
    clock = FakeClock()
    checks = PassedChecks(valid_s=60, clock=clock)
    assert not checks.fresh(item())
    checks.passed(item())
    clock.now += 59
    assert checks.fresh(item())
    assert not checks.fresh(item(item_id=2))
    assert not checks.fresh(item(version=2))  # written against another version
    clock.now += 2
    assert not checks.fresh(item())
