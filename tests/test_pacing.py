"""Client-side request budgets (app/networks/pacing.py), in virtual time."""

from __future__ import annotations

import pytest
from emulators.clock import VirtualClock

from app.errors import RateLimited
from app.networks.pacing import Budget, Pacer


def pacer(clock: VirtualClock, **options) -> Pacer:
    return Pacer(Budget(4, 1.0), clock=clock, sleep=clock.sleep, **options)


async def test_a_request_counts_from_its_answer_so_latency_cannot_bunch_arrivals() -> None:
    """Four requests go at once; each answer takes 0.3 s; the fifth leaves a whole window
    after the first *answer*, so at the server no second holds five arrivals."""
    clock = VirtualClock(0.0)
    budget = pacer(clock)
    departures = []
    for _ in range(8):
        async with budget.request("team"):
            departures.append(clock())
            clock.advance(0.3 if len(departures) == 1 else 0.01)  # a first TLS handshake
    assert departures[4] >= departures[0] + 0.3 + 1.0
    arrivals = [d + (0.3 if i == 0 else 0.0) for i, d in enumerate(departures)]
    assert all(arrivals[i + 4] - arrivals[i] >= 1.0 for i in range(len(arrivals) - 4))


async def test_keys_are_separate_and_a_pause_holds_a_key() -> None:
    clock = VirtualClock(0.0)
    budget = pacer(clock)
    budget.pause("a", 5.0)
    async with budget.request("b"):
        assert clock() == 0.0
    async with budget.request("a"):
        assert clock() == 5.0


async def test_a_wait_longer_than_allowed_is_rate_limited_at_once() -> None:
    clock = VirtualClock(0.0)
    budget = pacer(clock, max_wait=10.0)
    budget.pause("a", 3600.0)
    with pytest.raises(RateLimited) as limited:
        async with budget.request("a"):
            pass
    assert limited.value.retry_after == 3600.0 and clock() == 0.0
