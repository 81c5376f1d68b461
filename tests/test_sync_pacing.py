"""Pacing in the sync engine (app.sync.pacing, app.networks.ratelimit, app.sync.checks):
the token bucket on a fake clock, the limit headers networks send, the meter each request
passes, and a passed pre-send check kept when only the write was refused. No sleeps, no
timings."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from types import SimpleNamespace
from typing import cast

import httpx
import pytest

from app.domain import Capabilities, OutboxItem
from app.networks import ratelimit
from app.networks.http import HttpTransport
from app.networks.ratelimit import RateHeaders
from app.sync.checks import PassedChecks
from app.sync.pacing import SAFETY, AccountMeter, Budget, Pacer, TokenBucket, documented


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


# --- the documented budget ------------------------------------------------------------------


def test_documented_budget_is_the_connectors_rate_and_burst() -> None:
    assert documented(CAPS) == Budget(5.0, 50.0)
    assert documented(replace(CAPS, requests_burst=None)) is None  # nothing documented
    writes = documented(replace(CAPS, limits_writes_only=True))
    assert writes is not None and writes.writes_only


# --- the bucket -----------------------------------------------------------------------------


def test_a_full_bucket_lets_a_burst_go_then_spaces_requests_at_the_rate() -> None:
    clock = FakeClock()
    bucket = TokenBucket(Budget(5.0, 3.0), clock)
    assert [bucket.take() for _ in range(3)] == [0.0, 0.0, 0.0]
    waits = [bucket.take() for _ in range(3)]  # reserved in order: each waits one more
    step = 1 / (5.0 * SAFETY)
    assert waits == pytest.approx([step, 2 * step, 3 * step])


def test_the_bucket_refills_slightly_slower_than_the_network_and_never_over_its_burst() -> None:
    clock = FakeClock()
    bucket = TokenBucket(Budget(10.0, 4.0), clock)
    for _ in range(4):
        bucket.take()
    clock.now += 1.0
    assert bucket.tokens == pytest.approx(4.0)  # capped at the burst (9.7 earned)
    for _ in range(4):
        bucket.take()
    clock.now += 0.1
    assert bucket.tokens == pytest.approx(10.0 * 0.1 * SAFETY)


def test_a_writes_only_budget_lets_reads_through() -> None:
    bucket = TokenBucket(Budget(0.2, 1.0, writes_only=True), FakeClock())
    assert [bucket.take(write=False) for _ in range(20)] == [0.0] * 20
    assert bucket.take(write=True) == 0.0
    assert bucket.take(write=True) == pytest.approx(1 / (0.2 * SAFETY))


def test_no_budget_means_no_pacing() -> None:
    bucket = TokenBucket(None, FakeClock())
    assert [bucket.take() for _ in range(100)] == [0.0] * 100


def test_the_networks_policy_replaces_the_documented_budget() -> None:
    clock = FakeClock()
    bucket = TokenBucket(Budget(5.0, 50.0), clock)
    bucket.take()
    bucket.heard(RateHeaders(limit=50, remaining=49, reset_s=1, window_s=2.5))
    assert bucket.budget == Budget(20.0, 50.0)
    assert bucket.tokens == pytest.approx(49.0)


def test_the_remaining_count_pulls_the_copy_down_never_up() -> None:
    clock = FakeClock()
    bucket = TokenBucket(Budget(5.0, 50.0), clock)
    bucket.heard(RateHeaders(remaining=3))  # the network counted more (a restart)
    assert bucket.tokens == 3.0
    bucket.heard(RateHeaders(remaining=40))
    assert bucket.tokens == 3.0


def test_headers_alone_make_a_budget_for_a_network_that_documents_none() -> None:
    bucket = TokenBucket(None, FakeClock())
    bucket.heard(RateHeaders(limit=100, remaining=90, reset_s=5))  # no policy: from reset
    assert bucket.budget == Budget(2.0, 100.0)  # 10 used come back within 5 s, at least
    assert bucket.tokens == 90.0


def test_a_429_empties_the_copy() -> None:
    clock = FakeClock()
    bucket = TokenBucket(Budget(5.0, 50.0), clock)
    bucket.refused()
    assert bucket.tokens == 0.0
    assert bucket.take() == pytest.approx(1 / (5.0 * SAFETY))


async def test_the_meter_sleeps_what_the_bucket_says() -> None:
    clock = FakeClock()
    meter = AccountMeter(TokenBucket(Budget(2.0, 1.0), clock), clock.sleep)
    start = clock.now
    for _ in range(5):
        await meter.take(write=False)
    assert clock.now - start == pytest.approx(4 / (2.0 * SAFETY))


def test_the_pacer_keeps_one_meter_per_account_until_its_network_changes() -> None:
    pacer = Pacer(FakeClock())
    first = pacer.meter("a", CAPS)
    assert pacer.meter("a", CAPS) is first
    assert pacer.meter("b", CAPS) is not first
    assert pacer.meter("a", replace(CAPS, requests_burst=10)) is not first
    pacer.forget("a")
    assert pacer.meter("a", CAPS) is not first


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
        async def take(self, write: bool) -> None:
            seen.append(("take", write))

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
    assert seen == [("take", False), ("heard", 7), ("take", True), ("heard", 7)]


async def test_each_task_reaches_its_own_meter() -> None:
    seen: list[str] = []

    class Named:
        def __init__(self, name: str) -> None:
            self.name = name

        async def take(self, write: bool) -> None:
            seen.append(self.name)

        def heard(self, headers: RateHeaders) -> None:
            return None

    async def run(name: str) -> None:
        with ratelimit.metered(Named(name)):
            await asyncio.sleep(0)
            await ratelimit.take_turn(False)

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
