"""Client-side request budgets (app/networks/pacing.py), in virtual time: the one token
bucket the sync engine and the Microsoft 365 connectors share."""

from __future__ import annotations

import pytest
from emulators.clock import VirtualClock
from msgspec.structs import replace

from app.domain import Capabilities
from app.errors import RateLimited
from app.networks.pacing import Budget, Pacer
from app.networks.ratelimit import RateHeaders


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


# --- the budget's sources ---------------------------------------------------------------------

CAPS = Capabilities(
    "net", "Net", ("text",), 100, 100, None, "key", requests_per_minute=300, requests_burst=50
)


def test_the_documented_budget_is_the_connectors_burst_refilled_at_its_rate() -> None:
    assert Budget.documented(CAPS) == Budget(50, 10.0)
    assert Budget.documented(replace(CAPS, requests_burst=None)) is None  # nothing documented
    writes = Budget.documented(replace(CAPS, limits_writes_only=True))
    assert writes == Budget(50, 10.0, writes_only=True)


def test_headers_state_a_budget_by_policy_or_else_by_reset() -> None:
    assert Budget.heard(RateHeaders(limit=50, window_s=2.5)) == Budget(50, 2.5)
    # 10 used come back within 5 s at the latest: 100 per 50 s is the slowest refill
    assert Budget.heard(RateHeaders(limit=100, remaining=90, reset_s=5)) == Budget(100, 50.0)
    assert Budget.heard(RateHeaders(remaining=3)) is None


# --- the bucket -------------------------------------------------------------------------------


async def test_a_full_bucket_lets_its_burst_go_then_each_token_comes_back_a_window_later() -> None:
    clock = VirtualClock(0.0)
    budget = Pacer(Budget(3, 1.0), clock=clock, sleep=clock.sleep)
    departures = []
    for _ in range(7):
        async with budget.request("a"):
            departures.append(clock())
    assert departures == [0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 2.0]


async def test_a_writes_only_budget_lets_reads_through_uncounted() -> None:
    clock = VirtualClock(0.0)
    budget = Pacer(Budget(1, 5.0, writes_only=True), clock=clock, sleep=clock.sleep)
    for _ in range(20):
        async with budget.request("a", write=False):
            pass
    async with budget.request("a"):
        pass
    assert clock() == 0.0 and budget.wait_needed("a", write=False) == 0.0
    async with budget.request("a"):
        assert clock() == 5.0


async def test_no_budget_means_no_pacing_until_the_network_states_one() -> None:
    clock = VirtualClock(0.0)
    budget = Pacer(None, clock=clock, sleep=clock.sleep)
    for _ in range(100):
        async with budget.request("a"):
            pass
    assert clock() == 0.0
    budget.heard("a", RateHeaders(limit=2, remaining=0, window_s=4.0))
    assert budget.budget_of("a") == Budget(2, 4.0) and budget.budget_of("b") is None
    assert budget.wait_needed("a") == 4.0  # the network has none left: wait its window


def test_the_networks_policy_replaces_the_documented_budget_for_that_key() -> None:
    budget = Pacer(Budget(50, 10.0), clock=VirtualClock(0.0))
    budget.heard("a", RateHeaders(limit=20, remaining=20, window_s=2.0))
    assert budget.budget_of("a") == Budget(20, 2.0)
    assert budget.budget_of("b") == Budget(50, 10.0)
    assert budget.tokens("a") == 20


def test_a_remaining_count_pulls_the_bucket_down_never_up() -> None:
    clock = VirtualClock(0.0)
    budget = Pacer(Budget(50, 10.0), clock=clock)
    budget.heard("a", RateHeaders(remaining=3))  # the network counted more (a restart)
    assert budget.tokens("a") == 3
    budget.heard("a", RateHeaders(remaining=40))
    assert budget.tokens("a") == 3
    clock.advance(10.0)
    assert budget.tokens("a") == 50


async def test_a_refusal_without_retry_after_holds_the_key_a_whole_window() -> None:
    clock = VirtualClock(0.0)
    budget = Pacer(Budget(50, 10.0), clock=clock, sleep=clock.sleep)
    budget.pause("a", None)
    async with budget.request("a"):
        assert clock() == 10.0


async def test_an_emptied_bucket_refills_at_its_rate() -> None:
    clock = VirtualClock(0.0)
    budget = Pacer(Budget(50, 10.0), clock=clock, sleep=clock.sleep)
    budget.emptied("a")
    departures = []
    for _ in range(3):
        async with budget.request("a"):
            departures.append(clock())
    assert departures == pytest.approx([0.2, 0.4, 0.6])
    budget.emptied("b")
    clock.advance(10.0)
    assert budget.tokens("b") == 50


def test_forgetting_a_key_drops_what_it_heard_and_spent() -> None:
    budget = Pacer(Budget(5, 1.0), clock=VirtualClock(0.0))
    budget.heard("a", RateHeaders(limit=9, remaining=0, window_s=3.0))
    budget.pause("a", 60.0)
    budget.forget("a")
    assert budget.budget_of("a") == Budget(5, 1.0) and budget.wait_needed("a") == 0.0


def test_a_limit_that_reopens_far_off_is_refused_at_once_in_the_connectors_words() -> None:
    """X's used-up window and LinkedIn's daily quota: no waiting inside the request, a
    RateLimited saying how long, and nothing held once the time has come."""
    clock = VirtualClock(0.0)
    held = Pacer(None, clock=clock, sleep=clock.sleep)
    held.refuse_while_waiting("GET /2/users/me", "never raised: nothing holds the key")
    held.pause("GET /2/users/me", 900.0)
    with pytest.raises(RateLimited, match="used up") as refused:
        held.refuse_while_waiting("GET /2/users/me", "X's limit is used up")
    assert refused.value.retry_after == 900.0
    held.refuse_while_waiting("POST /2/tweets", "another endpoint is not held")
    clock.advance(900.0)
    held.refuse_while_waiting("GET /2/users/me", "the window opened again")
