"""The two-tier cache over real gateways: a shared KV bucket, stale data during outages."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import nats as nats_client
import pytest

from tests.exchange.conftest import sample, server_weight
from tradeplane.exchange import (
    CachedMarketData,
    CacheSettings,
    ExchangeGateway,
    ExchangeUnavailable,
    MarketDataCache,
    Quality,
)
from tradeplane.exchange.cached import TICKERS
from tradeplane.sim import FaultConfig, FaultKind, Simulator

MakeGateway = Callable[..., Awaitable[ExchangeGateway]]
StartSim = Callable[..., Awaitable[Simulator]]


def bucket() -> str:
    return f"CACHE_TEST_{uuid.uuid4().hex[:8]}"


async def test_a_second_gateway_gets_an_l2_hit_from_the_shared_bucket(
    sim: Simulator, gateway_for: MakeGateway, jetstream: Any
) -> None:
    name, shared_bucket = f"pods-{uuid.uuid4().hex[:6]}", bucket()
    settings = CacheSettings(ttl_seconds=30.0)
    pods = []
    for pod in ("a", "b"):
        gateway = await gateway_for(sim, name=name)
        cache = await MarketDataCache.open(
            jetstream, name=f"{name}-{pod}", settings=settings, bucket=shared_bucket
        )
        pods.append(CachedMarketData(gateway, cache))
    first = await pods[0].tickers()
    weight = server_weight(sim)
    second = await pods[1].tickers()
    assert (first.source, second.source) == ("exchange", "l2")
    assert second.quality is Quality.FRESH and second.value == first.value
    assert second.fetched_at == pytest.approx(first.fetched_at, abs=1e-3)
    assert server_weight(sim) == weight  # the second pod did not call the exchange
    assert (await pods[1].tickers()).source == "l1"
    labels = {"cache": f"{name}-b", "tier": "l2"}
    assert sample("tradeplane_marketdata_cache_lookups_total", **labels, result="hit") == 1
    candles = await pods[0].ohlcv("BTC/USDT", "5m", limit=10)
    assert (await pods[1].ohlcv("BTC/USDT", "5m", limit=10)).value == candles.value
    info = await jetstream.stream_info(f"KV_{shared_bucket}")
    assert info.config.max_age == pytest.approx(settings.l2_ttl_seconds)
    await jetstream.delete_key_value(shared_bucket)


async def test_cached_data_is_served_stale_then_degraded_while_the_exchange_is_down(
    start_sim: StartSim, gateway_for: MakeGateway, jetstream: Any
) -> None:
    sim = await start_sim()
    gateway = await gateway_for(
        sim, retry={"max_attempts": 2}, breaker={"failure_threshold": 2, "open_seconds": 60}
    )
    settings = CacheSettings(ttl_seconds=0.2, max_stale_seconds=60.0)
    shared_bucket = bucket()
    cache = await MarketDataCache.open(jetstream, settings=settings, bucket=shared_bucket)
    data = CachedMarketData(gateway, cache)
    good = await data.tickers()
    sim.set_faults(FaultConfig(rates={FaultKind.UNAVAILABLE: 1.0}))  # the exchange goes down
    await asyncio.sleep(0.25)
    stale = await data.tickers()
    assert stale.quality is Quality.STALE and stale.value == good.value
    await cache.wait_refreshes()  # the refresh fails (and opens the breaker)
    for _ in range(3):
        degraded = await data.tickers()
        await cache.wait_refreshes()
        assert degraded.quality is Quality.DEGRADED and degraded.value == good.value
    assert degraded.age_seconds > 0.25
    assert sim.state.faults.injected[FaultKind.UNAVAILABLE] == 2  # then the breaker held off

    # a pod that starts now gets the last good data from L2, marked stale
    restarted = MarketDataCache(name="restarted", settings=settings, kv=cache.kv)
    served = await CachedMarketData(gateway, restarted).tickers()
    assert served.quality in (Quality.STALE, Quality.DEGRADED) and served.source == "l2"
    assert served.value == good.value
    await restarted.wait_refreshes()
    await cache.close()
    await restarted.close()
    await jetstream.delete_key_value(shared_bucket)


async def test_nothing_cached_and_the_exchange_down_raises(
    start_sim: StartSim, gateway_for: MakeGateway
) -> None:
    sim = await start_sim()
    gateway = await gateway_for(sim, retry={"max_attempts": 1})
    sim.set_faults(FaultConfig(rates={FaultKind.SERVER_ERROR: 1.0}))
    data = CachedMarketData(gateway, MarketDataCache(name="empty"))
    with pytest.raises(ExchangeUnavailable):
        await data.tickers()


async def test_without_nats_the_cache_goes_on_in_process(
    sim: Simulator, gateway_for: MakeGateway, nats: Any
) -> None:
    connection = await nats_client.connect(nats.url)
    shared_bucket = bucket()
    name = f"no-nats-{uuid.uuid4().hex[:6]}"
    cache = await MarketDataCache.open(
        connection.jetstream(),
        name=name,
        settings=CacheSettings(ttl_seconds=30.0, l2_timeout_seconds=0.2),
        bucket=shared_bucket,
    )
    await connection.jetstream().delete_key_value(shared_bucket)
    await connection.close()  # NATS is gone from this pod's point of view
    data = CachedMarketData(await gateway_for(sim), cache)
    first = await data.tickers()
    second = await data.tickers()
    assert first.source == "exchange" and second.source == "l1" and second.value == first.value
    assert sample("tradeplane_marketdata_cache_errors_total", cache=name, operation="put") == 1
    assert await cache.peek(data.key("tickers"), TICKERS) is not None
