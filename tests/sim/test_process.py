"""The simulator in a child process, as `tradeplane up` runs it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import ccxt.async_support as ccxt
import pytest

from tradeplane.infra.process import pid_alive
from tradeplane.sim import SimulatorConfig, SimulatorProcess, client_overrides

BAR_MS = 300_000


async def test_the_real_ccxt_client_trades_candles_with_a_child_process_simulator() -> None:
    start_ms = (int(time.time() * 1000) - 86_400_000) // BAR_MS * BAR_MS
    config = SimulatorConfig(clock="manual", symbols=20, seed=3, start_time_ms=start_ms)
    simulator = SimulatorProcess(config)
    await simulator.start()
    client = ccxt.binance({**client_overrides(simulator), "enableRateLimit": False})
    try:
        assert simulator.now_ms == start_ms
        await simulator.step(config.ticks_per_bar)  # one whole bar: the next one opens
        assert simulator.now_ms == start_ms + BAR_MS
        candles = await client.fetch_ohlcv("BTC/USDT", "5m", limit=2)
        assert candles[-1][0] == start_ms + BAR_MS  # the market moved in the child
        assert await client.fetch_balance()  # signed: the child's own API key and secret
    finally:
        await client.close()
        await simulator.stop()
    assert simulator._process.exitcode == 0  # SIGTERM: a clean exit, not a kill


_ORPHANING_PARENT = """
import asyncio, sys
from tradeplane.sim import SimulatorConfig, SimulatorProcess

async def main():
    simulator = SimulatorProcess(SimulatorConfig(clock="manual", symbols=5))
    await simulator.start()
    print(simulator._process.pid, flush=True)
    await asyncio.sleep(3600)

asyncio.run(main())
"""


@pytest.mark.timeout(120)
def test_the_child_exits_when_its_parent_is_killed() -> None:
    parent = subprocess.Popen(
        [sys.executable, "-c", _ORPHANING_PARENT],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONSAFEPATH": "1"},
    )
    try:
        assert parent.stdout is not None
        child = int(parent.stdout.readline())
        assert pid_alive(child)
        parent.send_signal(signal.SIGKILL)
        parent.wait(timeout=10)
        deadline = time.monotonic() + 15
        while pid_alive(child) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not pid_alive(child), "the simulator outlived its parent"
    finally:
        parent.kill()
