"""Fixtures: simulators on free ports of 127.0.0.1 and real ccxt clients pointed at them.

`sim` is one manual-clock simulator shared by the session for read-mostly tests; tests
that trade, change faults or exhaust weights start their own with `start_sim(...)`.
Every simulator and client is stopped or closed at teardown.
"""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import ccxt.async_support as ccxt_async
import ccxt.pro as ccxt_pro
import pytest

from tradeplane.sim import Simulator, SimulatorConfig, client_overrides

DATA = Path(__file__).parents[1] / "data" / "binance-5m"
REPLAY_FILES = ("ADA-BTC.csv", "ETH-BTC.csv", "ZEC-BTC.csv")


@pytest.fixture(scope="session")
async def sim() -> AsyncIterator[Simulator]:
    async with Simulator(SimulatorConfig(clock="manual", symbols=300, seed=11)) as simulator:
        yield simulator


@pytest.fixture
async def start_sim() -> AsyncIterator[Callable[..., Awaitable[Simulator]]]:
    """Start a fresh simulator with config overrides (manual clock, 40 symbols default)."""
    started: list[Simulator] = []

    async def start(**overrides: Any) -> Simulator:
        config = {"clock": "manual", "symbols": 40, "seed": 3, **overrides}
        simulator = Simulator(SimulatorConfig(**config))
        await simulator.start()
        started.append(simulator)
        return simulator

    yield start
    for simulator in started:
        await simulator.stop()


@pytest.fixture
async def client() -> AsyncIterator[Callable[..., Any]]:
    """`client(sim, pro=False, **config)`: a real ccxt binance client for `sim`."""
    opened: list[Any] = []

    def make(simulator: Simulator, *, pro: bool = False, **config: Any) -> Any:
        module = ccxt_pro if pro else ccxt_async
        exchange = module.binance(
            {**client_overrides(simulator), "enableRateLimit": False, **config}
        )
        opened.append(exchange)
        return exchange

    yield make
    for exchange in opened:
        await exchange.close()


@pytest.fixture
async def exchange(sim: Simulator, client: Callable[..., Any]) -> Any:
    exchange = client(sim)
    await exchange.load_markets()
    return exchange


@pytest.fixture
def replay_dir(tmp_path: Path) -> Path:
    """Three real candle files: ADA (with outage gaps), ETH (complete), ZEC (ends early)."""
    folder = tmp_path / "replay"
    folder.mkdir()
    for name in REPLAY_FILES:
        shutil.copyfile(DATA / name, folder / name)
    return folder
