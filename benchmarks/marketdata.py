"""Exchange gateway against raw ccxt on the local simulator, in one run on this machine.

    .venv/bin/python benchmarks/marketdata.py [--symbols 2000] [--refreshes 30]

Starts the Binance-format simulator with N symbols (default 2000) and a private
nats-server, then measures:

1. markets + tickers load time: `ExchangeGateway.start()` + `fetch_tickers()` (typed and
   validated records) against the raw ccxt client doing `load_markets()` +
   `fetch_tickers()` (the named reference);
2. ticker refresh latency, P50/P95 over R refreshes, gateway vs raw ccxt;
3. API weight per refresh, as the simulator charges it (its X-MBX-USED-WEIGHT-1M
   accounting): one all-symbols request vs a naive per-symbol `fetch_ticker` loop over
   every symbol, and the ratio;
4. cache hit rate with two consumers (two "pods": separate gateways and in-process caches
   on one JetStream KV bucket) each reading the tickers every 100 ms for 10 s with a 5 s
   TTL: lookups answered without waiting for the exchange (target >= 90 %).

Prints each figure and the ratio to its reference.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

import ccxt.async_support as ccxt_async
import nats

from tradeplane.exchange import (
    CachedMarketData,
    CacheSettings,
    ExchangeConfig,
    ExchangeGateway,
    LimiterRegistry,
    MarketDataCache,
)
from tradeplane.infra.nats import NatsServer
from tradeplane.sim import Simulator, SimulatorConfig, client_overrides

BAR_MS = 300_000


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def used_weight(sim: Simulator) -> int:
    return sim.state.weights.used("127.0.0.1")


def gateway_config(sim: Simulator, name: str) -> ExchangeConfig:
    return ExchangeConfig(
        name=name, client_options=client_overrides(sim), weight_limit=10_000_000, timeout_seconds=30
    )


async def load_times(sim: Simulator) -> tuple[float, float, int]:
    raw = ccxt_async.binance({**client_overrides(sim), "enableRateLimit": False})
    started = time.perf_counter()
    await raw.load_markets()
    tickers = await raw.fetch_tickers()
    raw_seconds = time.perf_counter() - started
    await raw.close()
    gateway = ExchangeGateway(gateway_config(sim, "bench-load"), limiters=LimiterRegistry())
    started = time.perf_counter()
    await gateway.start()
    typed = await gateway.fetch_tickers()
    gateway_seconds = time.perf_counter() - started
    await gateway.close()
    assert len(typed) == len(tickers), (len(typed), len(tickers))
    return raw_seconds, gateway_seconds, len(typed)


async def refresh_latency(sim: Simulator, refreshes: int) -> tuple[list[float], list[float]]:
    raw = ccxt_async.binance({**client_overrides(sim), "enableRateLimit": False})
    await raw.load_markets()
    gateway = ExchangeGateway(gateway_config(sim, "bench-refresh"), limiters=LimiterRegistry())
    await gateway.start()
    raw_times, gateway_times = [], []
    for _ in range(refreshes):
        await sim.step(1)
        started = time.perf_counter()
        await raw.fetch_tickers()
        raw_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        await gateway.fetch_tickers()
        gateway_times.append(time.perf_counter() - started)
    await raw.close()
    await gateway.close()
    return raw_times, gateway_times


async def weight_per_refresh(sim: Simulator) -> tuple[int, int, float, float]:
    gateway = ExchangeGateway(gateway_config(sim, "bench-weight"), limiters=LimiterRegistry())
    await gateway.start()
    before = used_weight(sim)
    started = time.perf_counter()
    await gateway.fetch_tickers()
    one_seconds = time.perf_counter() - started
    one_request = used_weight(sim) - before

    symbols = list(gateway.markets)
    queue: asyncio.Queue[str] = asyncio.Queue()
    for symbol in symbols:
        queue.put_nowait(symbol)

    async def worker() -> None:
        while not queue.empty():
            await gateway.fetch_ticker(queue.get_nowait())

    before = used_weight(sim)
    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(8)))
    naive_seconds = time.perf_counter() - started
    naive = used_weight(sim) - before
    await gateway.close()
    return one_request, naive, one_seconds, naive_seconds


async def hit_rate(sim: Simulator, nats_url: str, *, seconds: float, every: float) -> list[float]:
    connection = await nats.connect(nats_url)
    jetstream = connection.jetstream()
    settings = CacheSettings(ttl_seconds=5.0, max_stale_seconds=60.0)
    consumers = []
    for pod in ("a", "b"):
        gateway = ExchangeGateway(gateway_config(sim, "bench-cache"), limiters=LimiterRegistry())
        await gateway.start()
        cache = await MarketDataCache.open(
            jetstream, name=f"bench-{pod}", settings=settings, bucket="BENCH_CACHE"
        )
        consumers.append(CachedMarketData(gateway, cache))

    async def consume(data: CachedMarketData, offset: float) -> None:
        await asyncio.sleep(offset)
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            await data.tickers()
            await asyncio.sleep(every)

    await asyncio.gather(
        *(consume(data, index * every / 2) for index, data in enumerate(consumers))
    )
    rates = []
    for data in consumers:
        await data.cache.wait_refreshes()
        rates.append(data.cache.stats.hit_rate)
        stats = data.cache.stats
        print(
            f"    consumer {data.cache.name}: {stats.lookups} lookups, {stats.l1_hits} L1 hits, "
            f"{stats.l2_hits} L2 hits, {stats.stale_served} stale served, "
            f"{stats.fetches} waited for the exchange"
        )
        await data.cache.close()
        await data.gateway.close()
    lookups = sum(d.cache.stats.lookups for d in consumers)
    fetches = sum(d.cache.stats.fetches for d in consumers)
    rates.append(1 - fetches / lookups)
    await connection.close()
    return rates


async def main(arguments: argparse.Namespace) -> None:
    start_ms = (int(time.time() * 1000) - 86_400_000) // BAR_MS * BAR_MS
    config = SimulatorConfig(
        clock="manual",
        symbols=arguments.symbols,
        seed=7,
        start_time_ms=start_ms,
        weight_limit=10_000_000,
    )
    with tempfile.TemporaryDirectory() as folder:
        nats_server = NatsServer(Path(folder))
        nats_url = nats_server.start().url
        try:
            async with Simulator(config) as sim:
                print(
                    f"simulator: {arguments.symbols} symbols, started in {sim.startup_seconds:.2f}s"
                )
                raw_load, gateway_load, count = await load_times(sim)
                print(f"\n1. markets + tickers load ({count} symbols)")
                print(f"    raw ccxt:  {raw_load * 1000:8.1f} ms")
                print(
                    f"    gateway:   {gateway_load * 1000:8.1f} ms  "
                    f"({gateway_load / raw_load:.2f}x raw ccxt)"
                )

                raw_times, gateway_times = await refresh_latency(sim, arguments.refreshes)
                print(f"\n2. ticker refresh latency ({arguments.refreshes} refreshes)")
                for label, times in (("raw ccxt", raw_times), ("gateway", gateway_times)):
                    print(
                        f"    {label:9}  P50 {statistics.median(times) * 1000:7.1f} ms  "
                        f"P95 {percentile(times, 0.95) * 1000:7.1f} ms"
                    )
                ratio = statistics.median(gateway_times) / statistics.median(raw_times)
                print(f"    gateway / raw ccxt at P50: {ratio:.2f}x")

                one, naive, one_seconds, naive_seconds = await weight_per_refresh(sim)
                print("\n3. API weight per refresh (as the simulator charges it)")
                print(
                    f"    one all-symbols request:  weight {one:6d}  ({one_seconds * 1000:.0f} ms)"
                )
                print(
                    f"    naive per-symbol fetches: weight {naive:6d}  "
                    f"({naive_seconds * 1000:.0f} ms, {count} requests)"
                )
                print(
                    f"    naive / one request: {naive / one:.1f}x the weight; one refresh "
                    f"uses {one / 6000:.1%} of Binance's 6000/min, the naive loop "
                    f"{naive / 6000:.0%}"
                )

                rates = await hit_rate(sim, nats_url, seconds=10.0, every=0.1)
                print("\n4. cache hit rate, two consumers, TTL 5 s, one read per 100 ms each")
                print(
                    f"    pod a {rates[0]:.1%}   pod b {rates[1]:.1%}   overall {rates[2]:.1%}"
                    f"   (target >= 90 %)"
                )
        finally:
            nats_server.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--symbols", type=int, default=2000)
    parser.add_argument("--refreshes", type=int, default=30)
    asyncio.run(main(parser.parse_args()))
