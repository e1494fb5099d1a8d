"""Faults injected by the simulator, met by the real ccxt client through the gateway."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

import pytest

from tests.exchange.conftest import sample, server_weight
from tradeplane.exchange import (
    AuthenticationFailed,
    BreakerState,
    CircuitOpen,
    ExchangeGateway,
    ExchangeUnavailable,
    LimiterRegistry,
    MalformedResponse,
    RateLimited,
)
from tradeplane.sim import FaultConfig, FaultKind, Simulator

MakeGateway = Callable[..., Awaitable[ExchangeGateway]]
StartSim = Callable[..., Awaitable[Simulator]]
TICKER_PATH = ("/api/v3/ticker",)


def faults(kind: FaultKind, *, count: int | None = None, **settings: object) -> FaultConfig:
    return FaultConfig(rates={kind: 1.0}, paths=TICKER_PATH, count=count, **settings)


def retries(gateway: ExchangeGateway, reason: str, endpoint: str = "tickers") -> float:
    labels = {"exchange": gateway.name, "endpoint": endpoint, "reason": reason}
    return sample("tradeplane_exchange_retries_total", **labels)


async def test_429_pauses_every_consumer_for_retry_after(
    start_sim: StartSim, gateway_for: MakeGateway
) -> None:
    sim = await start_sim()
    shared = LimiterRegistry()
    first = await gateway_for(sim, limiters=shared, name="shared-429")
    second = await gateway_for(sim, limiters=shared, name="shared-429")
    assert first.limiter is second.limiter
    sim.set_faults(faults(FaultKind.RATE_LIMITED, count=1, retry_after_seconds=1))
    started = time.monotonic()
    refresh = asyncio.create_task(first.fetch_tickers())
    while sim.state.faults.injected[FaultKind.RATE_LIMITED] == 0:
        await asyncio.sleep(0.005)
    await asyncio.sleep(0.05)  # the 429 has been handled: the account is paused
    assert first.limiter.paused_for > 0.5
    await second.fetch_time()  # another consumer of the account waits out the pause too
    assert time.monotonic() - started >= 1.0
    assert len(await refresh) == len(first.markets)
    labels = {"exchange": "shared-429", "account": "default"}
    assert sample("tradeplane_exchange_rate_limited_total", **labels, status="429") == 1
    assert sample("tradeplane_exchange_limiter_wait_seconds_total", **labels) >= 1.5
    assert retries(first, "RateLimited") == 1


async def test_server_side_weight_exhaustion_is_waited_out(
    start_sim: StartSim, gateway_for: MakeGateway
) -> None:
    # Other clients on our IP spent the budget: the server refuses before our limiter does.
    sim = await start_sim(weight_limit=200, weight_window_seconds=2.0)
    gateway = await gateway_for(sim, weight_limit=100_000)
    labels = {"exchange": gateway.name, "account": "default", "status": "429"}
    for _ in range(6):  # 80 each: three in one 2 s window pass the server's 200
        assert len(await gateway.fetch_tickers()) == len(gateway.markets)
        if sample("tradeplane_exchange_rate_limited_total", **labels):
            break
    assert sample("tradeplane_exchange_rate_limited_total", **labels) == 1
    assert retries(gateway, "RateLimited") == 1


async def test_the_used_weight_header_counts_other_clients(
    start_sim: StartSim, gateway_for: MakeGateway
) -> None:
    sim = await start_sim()
    other = await gateway_for(sim)  # its own limiter: another process on our IP
    for _ in range(3):
        await other.fetch_tickers()
    gateway = await gateway_for(sim)
    await gateway.fetch_time()
    # 20 (markets) + 1 counted here, but the exchange says how much the IP has spent
    assert gateway.limiter.used == server_weight(sim) == 2 * 20 + 3 * 80 + 1
    labels = {"exchange": gateway.name, "account": "default"}
    assert sample("tradeplane_exchange_weight_window_used", **labels) == gateway.limiter.used


async def test_a_long_ban_fails_fast_with_retry_after(
    start_sim: StartSim, gateway_for: MakeGateway
) -> None:
    sim = await start_sim()
    gateway = await gateway_for(sim, retry={"max_retry_after_seconds": 1.0})
    sim.set_faults(faults(FaultKind.BANNED, count=1, retry_after_seconds=30))
    with pytest.raises(RateLimited) as raised:
        await gateway.fetch_tickers()
    assert raised.value.banned and raised.value.retry_after == 30
    weight = server_weight(sim)
    with pytest.raises(RateLimited):  # the whole account waits; nothing reaches the exchange
        await gateway.fetch_time()
    assert server_weight(sim) == weight


async def test_5xx_is_retried_until_it_succeeds(
    start_sim: StartSim, gateway_for: MakeGateway
) -> None:
    sim = await start_sim()
    gateway = await gateway_for(sim)
    sim.set_faults(
        FaultConfig(rates={FaultKind.SERVER_ERROR: 0.5, FaultKind.BAD_GATEWAY: 0.5}, count=3)
    )
    assert len(await gateway.fetch_tickers()) == len(gateway.markets)
    assert retries(gateway, "ExchangeUnavailable") == 3


async def test_5xx_that_persists_fails_after_the_last_attempt(
    start_sim: StartSim, gateway_for: MakeGateway
) -> None:
    sim = await start_sim()
    gateway = await gateway_for(sim, retry={"max_attempts": 3, "initial_delay_seconds": 0.01})
    sim.set_faults(faults(FaultKind.UNAVAILABLE))
    with pytest.raises(ExchangeUnavailable, match="503"):
        await gateway.fetch_tickers()
    assert sim.state.faults.injected[FaultKind.UNAVAILABLE] == 3


async def test_a_timeout_is_retried(start_sim: StartSim, gateway_for: MakeGateway) -> None:
    sim = await start_sim()
    gateway = await gateway_for(sim, timeout_seconds=0.3)
    sim.set_faults(faults(FaultKind.TIMEOUT, count=1, timeout_seconds=2.0))
    assert await gateway.fetch_tickers()
    assert retries(gateway, "ExchangeTimeout") == 1


async def test_an_auth_error_is_not_retried(start_sim: StartSim, gateway_for: MakeGateway) -> None:
    sim = await start_sim()
    gateway = await gateway_for(sim, api_secret="x" * 64)  # the key is right, the secret wrong
    weight = server_weight(sim)
    with pytest.raises(AuthenticationFailed, match="Signature"):
        await gateway.fetch_balances()
    assert server_weight(sim) - weight == 20  # exactly one /account request
    labels = {"exchange": gateway.name, "endpoint": "balances"}
    assert (
        sample("tradeplane_exchange_requests_total", **labels, outcome="AuthenticationFailed") == 1
    )
    assert retries(gateway, "AuthenticationFailed", "balances") == 0
    # the exchange answered: no reason to open the breaker
    assert gateway.breakers.breaker(gateway.name, "balances").state is BreakerState.CLOSED


async def test_a_malformed_payload_is_rejected_counted_and_refetched(
    start_sim: StartSim, gateway_for: MakeGateway
) -> None:
    sim = await start_sim()
    gateway = await gateway_for(sim)
    sim.set_faults(FaultConfig(rates={FaultKind.MALFORMED: 1.0}, count=1))
    tickers = await gateway.fetch_tickers()  # ccxt crashes on the truncated JSON
    sim.set_faults(FaultConfig(rates={FaultKind.MALFORMED: 1.0}, count=1))
    candles = await gateway.fetch_ohlcv("BTC/USDT", "5m", limit=5)  # ccxt returns junk rows
    assert len(tickers) == len(gateway.markets) and len(candles) == 5
    assert all(c.close > 0 for c in candles)
    for endpoint in ("tickers", "ohlcv"):
        labels = {"exchange": gateway.name, "kind": endpoint, "reason": "malformed"}
        assert sample("tradeplane_marketdata_rejected_records_total", **labels) == 1
    sim.set_faults(faults(FaultKind.MALFORMED))
    with pytest.raises(MalformedResponse):
        await gateway.fetch_tickers()


async def test_the_breaker_opens_fails_fast_and_recovers_through_a_probe(
    start_sim: StartSim, gateway_for: MakeGateway
) -> None:
    sim = await start_sim()
    gateway = await gateway_for(
        sim,
        retry={"max_attempts": 1},
        breaker={"failure_threshold": 3, "open_seconds": 0.3},
    )
    breaker = gateway.breakers.breaker(gateway.name, "tickers")
    sim.set_faults(faults(FaultKind.UNAVAILABLE))
    for _ in range(3):
        with pytest.raises(ExchangeUnavailable):
            await gateway.fetch_tickers()
    assert breaker.state is BreakerState.OPEN
    with pytest.raises(CircuitOpen) as raised:
        await gateway.fetch_tickers()
    assert 0 < raised.value.retry_after <= 0.3
    assert sim.state.faults.injected[FaultKind.UNAVAILABLE] == 3  # nothing was sent
    assert await gateway.fetch_ohlcv("BTC/USDT", "5m", limit=2)  # other endpoints still work

    await asyncio.sleep(0.35)
    assert breaker.state is BreakerState.HALF_OPEN
    with pytest.raises(ExchangeUnavailable):  # the probe fails: open again
        await gateway.fetch_tickers()
    assert breaker.state is BreakerState.OPEN
    sim.set_faults(FaultConfig())
    with pytest.raises(CircuitOpen):
        await gateway.fetch_tickers()
    await asyncio.sleep(0.35)
    assert await gateway.fetch_tickers()  # the probe succeeds
    assert breaker.state is BreakerState.CLOSED
    assert await gateway.fetch_tickers()
    labels = {"exchange": gateway.name, "endpoint": "tickers"}
    assert sample("tradeplane_exchange_breaker_transitions_total", **labels, state="open") == 2
    assert sample("tradeplane_exchange_breaker_state", **labels) == 0
