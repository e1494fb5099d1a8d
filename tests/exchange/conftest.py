"""Fixtures: simulators on free ports, gateways pointed at them, a fake clock, JetStream.

Every gateway gets a unique name (metric labels, cache keys) and its own limiter registry
unless a test shares one on purpose. Simulators run a manual clock whose market time starts
a day in the past, so stepping it never stamps data in the future. Backoffs are short.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import nats as nats_client
import pytest
from prometheus_client import REGISTRY

from tradeplane.exchange import ExchangeConfig, ExchangeGateway, LimiterRegistry
from tradeplane.sim import Simulator, SimulatorConfig, client_overrides

BAR_MS = 300_000


def past_start_ms(days: float = 1.0) -> int:
    """A bar-aligned market start `days` before now."""
    now = int(time.time() * 1000)
    return (now - int(days * 86_400_000)) // BAR_MS * BAR_MS


def sim_config(**overrides: Any) -> SimulatorConfig:
    config: dict[str, Any] = {
        "clock": "manual",
        "symbols": 40,
        "seed": 5,
        "start_time_ms": past_start_ms(),
        "weight_window_seconds": 3600.0,  # a test never straddles a weight window
        **overrides,
    }
    return SimulatorConfig(**config)


def sample(name: str, **labels: str) -> float:
    """A metric's current value (0 when never set)."""
    return REGISTRY.get_sample_value(name, labels) or 0.0


def server_weight(sim: Simulator) -> int:
    """Request weight the simulator has charged us (one caller: 127.0.0.1)."""
    return sim.state.weights.used("127.0.0.1")


class FakeClock:
    """Injected time: `sleep` advances it instead of waiting."""

    def __init__(self, start: float = 1_000_000.0) -> None:
        self.now = start
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
        await asyncio.sleep(0)


@contextlib.asynccontextmanager
async def ticking(sim: Simulator, every: float = 0.01) -> AsyncIterator[None]:
    """The market ticks in the background (the manual clock needs pushing)."""

    async def run() -> None:
        while True:
            await asyncio.sleep(every)
            await sim.step(1)

    task = asyncio.create_task(run())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(scope="session")
async def sim() -> AsyncIterator[Simulator]:
    """A shared simulator for tests that neither trade nor inject faults."""
    async with Simulator(sim_config(symbols=60, seed=11)) as simulator:
        yield simulator


@pytest.fixture
async def start_sim() -> AsyncIterator[Callable[..., Awaitable[Simulator]]]:
    """`await start_sim(**config)`: a private simulator, stopped at teardown."""
    started: list[Simulator] = []

    async def start(**overrides: Any) -> Simulator:
        simulator = Simulator(sim_config(**overrides))
        await simulator.start()
        started.append(simulator)
        return simulator

    yield start
    for simulator in started:
        await simulator.stop()


def gateway_config(sim: Simulator, **overrides: Any) -> ExchangeConfig:
    config: dict[str, Any] = {
        "name": f"sim-{uuid.uuid4().hex[:8]}",
        "client_options": client_overrides(sim),
        "timeout_seconds": 2.0,
        "retry": {"initial_delay_seconds": 0.01, "max_delay_seconds": 0.05},
        **overrides,
    }
    return ExchangeConfig.model_validate(config)


@pytest.fixture
async def gateway_for() -> AsyncIterator[Callable[..., Awaitable[ExchangeGateway]]]:
    """`await gateway_for(sim, start=True, limiters=None, **config)`: a started gateway."""
    opened: list[ExchangeGateway] = []

    async def make(
        sim: Simulator,
        *,
        start: bool = True,
        limiters: LimiterRegistry | None = None,
        **overrides: Any,
    ) -> ExchangeGateway:
        gateway = ExchangeGateway(
            gateway_config(sim, **overrides),
            limiters=LimiterRegistry() if limiters is None else limiters,
        )
        opened.append(gateway)
        if start:
            await gateway.start()
        return gateway

    yield make
    for gateway in opened:
        await gateway.close()


@pytest.fixture
async def jetstream(nats: Any) -> AsyncIterator[Any]:
    """A JetStream context on the session's nats-server."""
    connection = await nats_client.connect(nats.url)
    yield connection.jetstream()
    await connection.close()
