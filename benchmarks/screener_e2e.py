"""End-to-end screening latency: a 5m candle closing at the simulator → the screener's
result on the bus (issue 6's second performance target: P95 under 250 ms at 2000 symbols).

Embedded NATS and PostgreSQL, and the event store, marketdata, indicators and screener
services in one host, as `tradeplane up` runs them. The exchange simulator runs on a
manual clock (so bar closes happen exactly when this script says) in a process of its
own by default, as an exchange is and as `tradeplane up` runs it; `--in-process` puts it
on the platform's event loop. Each bar's updates but the closing one come first; after a
pause, the clock starts as the closing tick and the next bar's first are asked for
(ccxt.pro's candles carry no closed flag, so only the next bar's update tells any ccxt
client that the bar closed), and it stops when
`screen.<universe>.results` for that bar arrives at a plain NATS subscriber (every run
publishes results; the selection event itself is published only when the top-N changes,
so it cannot be timed per bar).
Marketdata's `close_wait_seconds` is how long it waits for every streamed symbol's close
before sending a bar's frame; it is printed and can be set. `--verbose` prints each bar's
hops: when its candle frame and its indicator frame reached a plain subscriber.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import secrets
import shutil
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import nats

from tradeplane.bus import decode_envelope, decode_payload, subjects
from tradeplane.config import InfraConfig, load_settings
from tradeplane.infra import EmbeddedInfra
from tradeplane.runtime import Host
from tradeplane.sim import Simulator, SimulatorConfig, SimulatorProcess, client_overrides

BAR_MS = 300_000
TICKS_PER_BAR = 10
SETTLE_SECONDS = 0.5
UNIVERSE = "bench"


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


class SimulatorInProcess:
    """The simulator on the platform's own event loop, as `tradeplane up` runs it."""

    def __init__(self, config: SimulatorConfig) -> None:
        self.simulator = Simulator(config)
        self.rest_url = self.ws_url = ""

    @property
    def now_ms(self) -> int:
        return self.simulator.state.market.now_ms

    async def start(self) -> None:
        await self.simulator.start()
        self.rest_url, self.ws_url = self.simulator.rest_url, self.simulator.ws_url

    async def step(self, ticks: int) -> None:
        await self.simulator.step(ticks)

    async def stop(self) -> None:
        await self.simulator.stop()


async def measure(
    symbols: int,
    bars: int,
    close_wait: float,
    data_dir: Path,
    *,
    in_process: bool = False,
    verbose: bool = False,
) -> list[float]:
    infra = EmbeddedInfra(InfraConfig(data_dir=data_dir))
    endpoints = infra.start()
    start_ms = (int(time.time() * 1000) - 86_400_000) // BAR_MS * BAR_MS
    config = SimulatorConfig(
        clock="manual",
        symbols=symbols,
        seed=7,
        ticks_per_bar=TICKS_PER_BAR,
        start_time_ms=start_ms,
        api_key=secrets.token_hex(16),
        api_secret=secrets.token_hex(16),
    )
    simulator = SimulatorInProcess(config) if in_process else SimulatorProcess(config)
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

    # per hop: when the first candle frame and the first indicator frame after a close
    # reach a plain subscriber (the screener gets them at about the same moment)
    hops: dict[str, list[float]] = {"candles": [], "indicators": []}

    def arrival(hop: str) -> Callable[[nats.aio.msg.Msg], Awaitable[None]]:
        async def on_message(message: nats.aio.msg.Msg) -> None:
            hops[hop].append(time.perf_counter())

        return on_message

    latencies: list[float] = []
    try:
        await host.start()
        await client.subscribe(subjects.screen_results(UNIVERSE), cb=on_result)
        await client.subscribe(subjects.candles("sim", "5m"), cb=arrival("candles"))
        await client.subscribe(subjects.indicators(UNIVERSE, "5m"), cb=arrival("indicators"))

        await asyncio.wait_for(results.get(), timeout=300)  # backfill done, first run
        await asyncio.sleep(2)
        while not results.empty():
            results.get_nowait()
        for _ in range(bars):
            forming_bar = simulator.now_ms // BAR_MS * BAR_MS
            # the forming bar's remaining updates, then the pause a real 5-minute bar leaves
            # between them and its close
            to_close = (forming_bar + BAR_MS - simulator.now_ms) // (BAR_MS // TICKS_PER_BAR)
            if to_close > 1:
                await simulator.step(to_close - 1)
            await asyncio.sleep(SETTLE_SECONDS)
            # the closing tick and the next bar's first: ccxt.pro's OHLCV carries no
            # "closed" flag, so a bar is known closed only when the next one's update arrives
            closed_at = time.perf_counter()
            await simulator.step(2)
            while True:
                arrived, bar = await asyncio.wait_for(results.get(), timeout=30)
                if bar >= forming_bar:
                    latencies.append(arrived - closed_at)
                    break
            if verbose:
                candle, indicator = (
                    min((t for t in hops[hop] if t >= closed_at), default=math.nan) - closed_at
                    for hop in ("candles", "indicators")
                )
                print(
                    f"    bar {len(latencies):3d}: candle frame {candle * 1e3:6.1f} ms, "
                    f"indicator frame {indicator * 1e3:6.1f} ms, "
                    f"result {(arrived - closed_at) * 1e3:6.1f} ms"
                )
    finally:
        await client.close()
        await host.stop()
        await simulator.stop()
        infra.stop()
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--symbols", type=int, default=2000)
    parser.add_argument("--bars", type=int, default=60)  # a P95 of 20 would be the maximum
    parser.add_argument("--close-wait", type=float, nargs="+", default=[0.25, 0.05])
    parser.add_argument(
        "--in-process",
        action="store_true",
        help="run the simulator on the platform's event loop "
        "(default: in a process of its own, as an exchange is and as `tradeplane up` runs it)",
    )
    parser.add_argument(
        "--verbose", action="store_true", help="per bar: when each hop's frame arrived"
    )
    arguments = parser.parse_args()
    print(
        f"end-to-end screening latency: {arguments.symbols} symbols, {arguments.bars} bars "
        f"per setting, simulator {'in process' if arguments.in_process else 'in its own process'} "
        f"({os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f})"
    )
    for close_wait in arguments.close_wait:
        data_dir = Path(tempfile.mkdtemp(prefix="tradeplane-bench-e2e-"))
        try:
            latencies = asyncio.run(
                measure(
                    arguments.symbols,
                    arguments.bars,
                    close_wait,
                    data_dir,
                    in_process=arguments.in_process,
                    verbose=arguments.verbose,
                )
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
