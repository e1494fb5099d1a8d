"""Local exchange simulator that speaks Binance's spot REST and websocket APIs.

`tradeplane up` and the tests run the real ccxt binance client against it through a URL
override (`client_overrides`): synthetic correlated markets with regimes (or replayed real
candles), order matching with fees and balances, signed endpoints, request weights, and
fault injection. Start it in-process with `Simulator` or as `tradeplane sim`:

    async with Simulator(SimulatorConfig(clock="manual", symbols=300)) as sim:
        exchange = ccxt.async_support.binance({**client_overrides(sim), "enableRateLimit": False})
        await sim.step(10)  # manual clock: ten market ticks (`clock="realtime"` ticks itself)
"""

from tradeplane.sim.client import client_overrides
from tradeplane.sim.config import FaultConfig, FaultKind, SimulatorConfig
from tradeplane.sim.process import SimulatorProcess
from tradeplane.sim.server import Simulator

__all__ = [
    "FaultConfig",
    "FaultKind",
    "Simulator",
    "SimulatorConfig",
    "SimulatorProcess",
    "client_overrides",
]
