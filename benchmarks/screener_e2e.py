"""End-to-end screening latency: a 5m candle closing at the simulator → the screener's
result on the bus (issue 6's second performance target: P95 under 250 ms at 2000 symbols).

One process, as `tradeplane up` runs it: embedded NATS and PostgreSQL, the exchange
simulator on a manual clock (so bar closes happen exactly when this script says), and the
event store, marketdata, indicators and screener services in one host. For each bar, the
clock starts when the simulator has pushed the first tick after the closing one (ccxt.pro's
candles carry no closed flag, so that is when any ccxt client can know the bar closed)
and stops when `screen.<universe>.results`
for that bar arrives at a plain NATS subscriber (every run publishes results; the
selection event itself is published only when the top-N changes, so it cannot be timed
per bar). Marketdata's `close_wait_seconds` is how long it waits for every streamed
symbol's close before sending a bar's frame; it is printed and can be set.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import nats

from tradeplane.bus import decode_envelope, decode_payload, subjects
from tradeplane.config import InfraConfig, load_settings
from tradeplane.infra import EmbeddedInfra
from tradeplane.runtime import Host
from tradeplane.sim import Simulator, SimulatorConfig, client_overrides

BAR_MS = 300_000
UNIVERSE = "bench"


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


async def measure(symbols: int, bars: int, close_wait: float, data_dir: Path) -> list[float]:
    infra = EmbeddedInfra(InfraConfig(data_dir=data_dir))
    endpoints = infra.start()
    start_ms = (int(time.time() * 1000) - 86_400_000) // BAR_MS * BAR_MS
    simulator = Simulator(
        SimulatorConfig(
            clock="manual", symbols=symbols, seed=7, ticks_per_bar=10, start_time_ms=start_ms
        )
    )
    await simulator.start()
    settings = load_settings(
        **{
            "grpc.port": 0,
            "metrics.port": 0,
            "logging.level": "WARNING",
            "nats.url": endpoints.nats_url,
            "postgres.dsn": endpoints.postgres_dsn,
            "marketdata": {
                "exchanges": [
                    {
                        "exchange": {
                            "exchange_id": "binance",
                            "name": "sim",
                            "client_options": client_overrides(simulator, credentials=False),
                        },
                        "quote_assets": ["USDT"],
                    }
                ],
                "close_wait_seconds": close_wait,
            },
            "indicators": {"universe": UNIVERSE, "exchange": "sim"},
            "screener": {
                "universe": UNIVERSE,
                "exchange": "sim",
                "stages": {"volatilityMomentum": {"volumeSurge": {"required": False}}},
            },
        }
    )
    host = Host.from_names(settings, ["eventstore", "marketdata", "indicators", "screener"])
    client = await nats.connect(endpoints.nats_url)
    results: asyncio.Queue[tuple[float, int]] = asyncio.Queue()

    async def on_result(message: nats.aio.msg.Msg) -> None:
        screened = decode_payload(decode_envelope(message.data))
        await results.put((time.perf_counter(), screened.bar_open_time_ms))

    latencies: list[float] = []
    try:
        await host.start()
        await client.subscribe(subjects.screen_results(UNIVERSE), cb=on_result)

        await asyncio.wait_for(results.get(), timeout=300)  # backfill done, first run
        await asyncio.sleep(2)
        while not results.empty():
            results.get_nowait()
        for _ in range(bars):
            forming_bar = simulator.state.market.now_ms // BAR_MS * BAR_MS
            await simulator.step_bars(1)  # its last tick closes the forming bar
            # ccxt.pro's OHLCV carries no "closed" flag: a bar is known closed when the next
            # bar's first update arrives, so that tick is where the clock starts.
            await simulator.step(1)
            closed_at = time.perf_counter()
            while True:
                arrived, bar = await asyncio.wait_for(results.get(), timeout=30)
                if bar >= forming_bar:
                    latencies.append(arrived - closed_at)
                    break
            await asyncio.sleep(0.5)  # let forming-bar traffic settle between bars
    finally:
        await client.close()
        await host.stop()
        await simulator.stop()
        infra.stop()
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--symbols", type=int, default=2000)
    parser.add_argument("--bars", type=int, default=20)
    parser.add_argument("--close-wait", type=float, nargs="+", default=[0.25, 0.05])
    arguments = parser.parse_args()
    print(
        f"end-to-end screening latency: {arguments.symbols} symbols, {arguments.bars} bars "
        f"per setting ({os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f})"
    )
    for close_wait in arguments.close_wait:
        data_dir = Path(tempfile.mkdtemp(prefix="tradeplane-bench-e2e-"))
        try:
            latencies = asyncio.run(
                measure(arguments.symbols, arguments.bars, close_wait, data_dir)
            )
        finally:
            shutil.rmtree(data_dir, ignore_errors=True)
        milliseconds = [value * 1000 for value in latencies]
        median, p95 = statistics.median(milliseconds), percentile(milliseconds, 0.95)
        print(
            f"  close_wait {close_wait * 1000:>5.0f} ms: median {median:7.1f} ms"
            f"  P95 {p95:7.1f} ms  max {max(milliseconds):7.1f} ms  (target P95 < 250 ms)"
        )


if __name__ == "__main__":
    main()
