"""The shared weight limiter, on an injected clock: budget, server feedback, Retry-After."""

from __future__ import annotations

import asyncio

import pytest

from tests.exchange.conftest import FakeClock, sample
from tradeplane.exchange import RateLimited
from tradeplane.exchange.capabilities import BINANCE, ORDER_BOOK, TICKERS, capabilities_for
from tradeplane.exchange.limiter import LimiterRegistry, WeightLimiter


def limiter(clock: FakeClock, *, budget: int = 100, account: str = "a") -> WeightLimiter:
    return WeightLimiter(
        exchange="unit",
        account=account,
        budget=budget,
        window_seconds=60.0,
        clock=clock,
        sleep=clock.sleep,
    )


async def test_takes_weight_without_waiting_while_it_fits(clock: FakeClock) -> None:
    clock.now = 60_000.0  # start of a window
    subject = limiter(clock)
    for _ in range(5):
        permit = await subject.acquire(20)
        assert permit.waited == 0
    assert subject.used == 100 and clock.sleeps == []


async def test_waits_for_the_next_window_when_the_budget_is_spent(clock: FakeClock) -> None:
    clock.now = 60_000.0 + 45.0  # 15 s before the window ends
    subject = limiter(clock, account="wait")
    await subject.acquire(90)
    permit = await subject.acquire(20)
    assert permit.waited == pytest.approx(15.0)
    assert clock.now == pytest.approx(60_060.0)
    assert subject.used == 20  # a new window, with just this request in it
    assert sample("tradeplane_exchange_limiter_waits_total", exchange="unit", account="wait") == 1


async def test_the_exchanges_used_weight_header_raises_the_count(clock: FakeClock) -> None:
    clock.now = 60_000.0
    subject = limiter(clock)
    permit = await subject.acquire(1)
    subject.observe_used(95, permit)  # other clients on our IP spent weight too
    assert subject.used == 95
    subject.observe_used(40, permit)  # lower counts never lower ours
    assert subject.used == 95
    waited = (await subject.acquire(10)).waited
    assert waited == pytest.approx(60.0)


async def test_a_header_from_a_previous_window_is_ignored(clock: FakeClock) -> None:
    clock.now = 60_059.0
    subject = limiter(clock)
    permit = await subject.acquire(1)
    clock.advance(2.0)  # the response arrives after the window rolled over
    subject.observe_used(99, permit)
    assert subject.used == 0


async def test_retry_after_pauses_every_caller(clock: FakeClock) -> None:
    clock.now = 60_000.0
    subject = limiter(clock, account="paused")
    subject.pause(7.0, status=429)
    assert subject.paused_for == pytest.approx(7.0)
    first, second = await asyncio.gather(subject.acquire(1), subject.acquire(1))
    assert first.waited == pytest.approx(7.0) and second.waited == 0  # FIFO after the pause
    assert clock.now == pytest.approx(60_007.0)
    labels = {"exchange": "unit", "account": "paused"}
    assert sample("tradeplane_exchange_rate_limited_total", **labels, status="429") == 1


async def test_a_wait_longer_than_max_wait_fails_fast_and_takes_nothing(clock: FakeClock) -> None:
    clock.now = 60_000.0
    subject = limiter(clock)
    subject.pause(120.0, status=418)  # an IP ban
    with pytest.raises(RateLimited) as raised:
        await subject.acquire(5, max_wait=30.0)
    assert raised.value.retry_after == pytest.approx(120.0)
    assert subject.used == 0 and clock.sleeps == []


async def test_callers_are_served_in_arrival_order(clock: FakeClock) -> None:
    clock.now = 60_000.0
    subject = limiter(clock, budget=10)
    order: list[str] = []

    async def take(name: str, weight: int) -> None:
        await subject.acquire(weight)
        order.append(name)

    await asyncio.gather(take("a", 8), take("b", 8), take("c", 1))
    assert order == ["a", "b", "c"]  # c fits at once but does not overtake b


def test_the_registry_shares_one_limiter_per_exchange_account() -> None:
    registry = LimiterRegistry()
    one = registry.shared("binance", "main", BINANCE)
    assert registry.shared("binance", "main", BINANCE) is one
    assert registry.shared("binance", "other", BINANCE) is not one
    assert one.budget == 5400  # 90 % of Binance's 6000 per minute
    assert len(registry) == 2


def test_weights_and_depths_come_from_the_capabilities_table() -> None:
    assert BINANCE.weight(TICKERS) == 80
    assert BINANCE.weight(ORDER_BOOK, depth=5) == 5
    assert BINANCE.weight(ORDER_BOOK, depth=1000) == 50
    assert BINANCE.book_depth(7) == 10
    unknown = capabilities_for("kraken", rate_limit_ms=3000)
    assert unknown.weight(TICKERS) == 1 and unknown.weight_limit == 20
    assert unknown.used_weight_header is None
