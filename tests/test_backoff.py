"""Pacing: the retry delays of ``Backoff`` and the per-account ``RateGate``, on a clock the
test moves by hand (no test here waits for real time to pass).

These pin what "back off politely" means: delays grow, are capped and jittered within
[ceiling/2, ceiling]; a 429 stops only the account that got it; its streak grows until a
request goes through; a later, shorter Retry-After never shortens a wait already promised;
and a wait longer than ``max_wait`` ends the pass at once instead of sleeping through it.
"""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.errors import RateLimited
from app.sync import Backoff
from app.sync.backoff import RateGate


class Clock:
    """A monotonic clock that moves only when told to."""

    def __init__(self, at: float = 1000.0) -> None:
        self.at = at

    def __call__(self) -> float:
        return self.at


class Extreme(random.Random):
    """Jitter at one end of its range: ``high`` gives the whole ceiling, else half of it."""

    def __init__(self, high: bool) -> None:
        super().__init__(0)
        self.high = high

    def uniform(self, a: float, b: float) -> float:
        return b if self.high else a


@pytest.fixture
def slept(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Every sleep the gate asks for, recorded instead of slept."""
    seen: list[float] = []

    async def sleep(seconds: float) -> None:
        seen.append(seconds)

    monkeypatch.setattr("app.sync.backoff.asyncio.sleep", sleep)
    return seen


def ceiling(backoff: Backoff, attempt: int) -> float:
    return min(backoff.cap, backoff.base * 2 ** max(attempt - 1, 0))


# -- Backoff ---------------------------------------------------------------------------


def test_production_defaults() -> None:
    """What the app and `fireside sync` run with: the first retry after about a second,
    never more than five minutes apart, ten tries, and a minute's wait at the gate at most
    before a pass leaves the work for later."""
    backoff = Backoff()
    assert (backoff.base, backoff.cap, backoff.max_attempts, backoff.max_wait) == (
        1.0,
        300.0,
        10,
        60.0,
    )


@given(
    base=st.floats(0.001, 10),
    cap=st.floats(0.01, 1000),
    attempt=st.integers(-3, 200),
    seed=st.integers(0, 2**32),
)
def test_delay_lies_within_half_and_all_of_its_capped_ceiling(base, cap, attempt, seed) -> None:
    backoff = Backoff(base=base, cap=cap, rng=random.Random(seed))
    top = ceiling(backoff, attempt)
    assert top / 2 <= backoff.delay(attempt) <= top <= cap


@pytest.mark.parametrize("high", [False, True])
def test_delays_double_from_base_up_to_the_cap(high: bool) -> None:
    backoff = Backoff(base=1.0, cap=10.0, rng=Extreme(high))
    share = 1.0 if high else 0.5
    assert [backoff.delay(n) for n in range(1, 7)] == [
        share * c for c in (1.0, 2.0, 4.0, 8.0, 10.0, 10.0)
    ]
    assert backoff.delay(0) == backoff.delay(1) == share  # "before the first" is the first
    assert backoff.delay(10_000) == 10.0 * share  # huge attempts neither overflow nor grow


def test_jitter_spreads_clients_that_failed_together() -> None:
    delays = {Backoff(base=8.0, cap=8.0).delay(1) for _ in range(50)}
    assert len(delays) > 1 and all(4.0 <= d <= 8.0 for d in delays)


# -- RateGate ----------------------------------------------------------------------------


def test_retry_after_closes_the_gate_for_that_long() -> None:
    clock = Clock()
    gate = RateGate(Backoff(), clock)
    assert gate.remaining("a") == 0.0

    assert gate.limited("a", 30.0) == 30.0
    assert gate.remaining("a") == 30.0
    clock.at += 12.5
    assert gate.remaining("a") == 17.5
    clock.at += 100
    assert gate.remaining("a") == 0.0  # never negative once open


def test_negative_retry_after_counts_as_none_to_wait() -> None:
    clock = Clock()
    gate = RateGate(Backoff(), clock)
    assert gate.limited("a", -5.0) == 0.0
    assert gate.remaining("a") == 0.0


def test_a_later_shorter_retry_after_never_shortens_the_wait() -> None:
    clock = Clock()
    gate = RateGate(Backoff(), clock)
    gate.limited("a", 60.0)
    clock.at += 10
    assert gate.limited("a", 5.0) == 5.0
    assert gate.remaining("a") == 50.0
    assert gate.limited("a", 90.0) == 90.0  # a longer one does lengthen it
    assert gate.remaining("a") == 90.0


@given(st.lists(st.floats(0, 10_000), min_size=1, max_size=20))
def test_the_gate_opens_at_the_latest_retry_after(waits: list[float]) -> None:
    clock = Clock()
    gate = RateGate(Backoff(), clock)
    for wait in waits:
        gate.limited("a", wait)
    assert gate.remaining("a") == pytest.approx(max(waits))


@pytest.mark.parametrize("high", [False, True])
def test_429_streak_without_retry_after_grows_until_a_request_passes(high: bool) -> None:
    clock = Clock()
    backoff = Backoff(base=1.0, cap=100.0, rng=Extreme(high))
    gate = RateGate(backoff, clock)
    share = 1.0 if high else 0.5
    assert [gate.limited("a", None) for _ in range(4)] == [share * c for c in (1, 2, 4, 8)]
    assert gate.remaining("a") == 8 * share

    gate.passed("a")
    clock.at += 1000
    assert gate.limited("a", None) == share  # a fresh streak
    gate.passed("a")
    gate.passed("a")  # passing twice, or with no streak, is fine
    gate.passed("never-limited")
    assert gate.limited("a", None) == share


def test_retry_after_still_counts_in_the_streak() -> None:
    gate = RateGate(Backoff(base=1.0, cap=100.0, rng=Extreme(True)), Clock())
    gate.limited("a", 2.0)
    gate.limited("a", 2.0)
    assert gate.limited("a", None) == 4.0  # the third 429 in a row


@given(
    events=st.lists(
        st.tuples(
            st.sampled_from(["a", "b", "c"]),
            st.one_of(st.none(), st.floats(0, 500)),
            st.booleans(),
        ),
        max_size=30,
    )
)
def test_gates_are_per_account(events) -> None:
    """Any mix of 429s and passes on several accounts leaves each account's gate exactly
    as that account's own history alone would."""

    def gate() -> RateGate:
        return RateGate(Backoff(base=1.0, cap=64.0, rng=Extreme(True)), Clock())

    shared, alone = gate(), {a: gate() for a in "abc"}
    for account, retry_after, passed in events:
        if passed:
            shared.passed(account)
            alone[account].passed(account)
        else:
            assert shared.limited(account, retry_after) == alone[account].limited(
                account, retry_after
            )
        for other in "abc":
            assert shared.remaining(other) == alone[other].remaining(other)


def test_one_accounts_429_leaves_the_others_open_and_fresh() -> None:
    clock = Clock()
    gate = RateGate(Backoff(base=1.0, cap=100.0, rng=Extreme(True)), clock)
    for _ in range(3):
        gate.limited("a", None)
    gate.limited("a", 3600)
    assert gate.remaining("b") == 0.0
    assert gate.limited("b", None) == 1.0  # b's streak starts at one
    gate.passed("b")
    assert gate.limited("a", None) == 16.0  # and b's pass did not reset a's


async def test_wait_at_an_open_gate_does_not_sleep(slept: list[float]) -> None:
    gate = RateGate(Backoff(), Clock())
    await gate.wait("a")
    gate.limited("b", 30)
    await gate.wait("a")  # another account's closed gate is not this one's
    assert slept == []


async def test_wait_sleeps_until_the_gate_opens(slept: list[float]) -> None:
    clock = Clock()
    gate = RateGate(Backoff(max_wait=60.0), clock)
    gate.limited("a", 45.0)
    clock.at += 5
    await gate.wait("a")
    gate.limited("b", 60.0)  # exactly max_wait is still slept through
    await gate.wait("b")
    assert slept == [40.0, 60.0]


@pytest.mark.parametrize(
    ("retry_after", "said"),
    [
        (60.5, "61 more second(s)"),
        (119.5, "120 more second(s)"),
        (120.0, "2 more minute(s)"),
        (3600.0, "60 more minute(s)"),
        (3601.0, "61 more minute(s)"),
    ],
)
async def test_a_wait_longer_than_max_wait_raises_at_once(
    slept: list[float], retry_after: float, said: str
) -> None:
    gate = RateGate(Backoff(max_wait=60.0), Clock())
    gate.limited("a", retry_after)

    with pytest.raises(RateLimited) as raised:
        await gate.wait("a")

    assert raised.value.retry_after == retry_after
    assert str(raised.value) == (
        f"Rate limited: the network asked Fireside to wait {said}; "
        "waiting work goes out after that."
    )
    assert slept == []


def test_a_clock_that_starts_at_zero_changes_nothing() -> None:
    """time.monotonic() has no fixed origin: right after boot it may read almost 0."""
    clock = Clock(0.0)
    gate = RateGate(Backoff(), clock)
    assert gate.remaining("a") == 0.0
    gate.limited("a", 0.5)
    assert gate.remaining("a") == 0.5
