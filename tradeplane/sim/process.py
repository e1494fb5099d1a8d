"""The simulator in a process of its own, as an exchange is: `tradeplane up` and the
end-to-end benchmark run it so.

On the platform's event loop the simulator's work (building and JSON-encoding every
websocket push and REST answer) competes with the services it feeds: a third of the
loop's time at 2000 symbols. In its own process it runs beside them, on another core.
The child ignores Ctrl-C (the parent stops it), and exits when its parent is gone.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import os
import signal
from multiprocessing.connection import Connection
from typing import Any

import aiohttp

from tradeplane.errors import InfrastructureError
from tradeplane.sim.config import SimulatorConfig
from tradeplane.sim.server import Simulator

START_TIMEOUT_SECONDS = 120.0
STOP_TIMEOUT_SECONDS = 10.0
PARENT_CHECK_SECONDS = 1.0


class SimulatorProcess:
    """A `Simulator` served by a child process: `rest_url`, `ws_url`, `api_key` and
    `api_secret` as the in-process one has them (for `client_overrides`); `step` drives
    a manual clock over the admin API."""

    def __init__(self, config: SimulatorConfig) -> None:
        self.config = config
        receiver, sender = multiprocessing.Pipe(duplex=False)
        self._process = multiprocessing.get_context("spawn").Process(
            target=serve_in_child,
            args=(config, sender, os.getpid()),
            name="tradeplane-sim",
            daemon=True,
        )
        self._receiver = receiver
        self.rest_url = ""
        self.ws_url = ""
        self.api_key = ""
        self.api_secret = ""
        self.now_ms = 0
        """Market time as of the start or the last `step`."""
        self._session: aiohttp.ClientSession | None = None

    async def start(self) -> None:
        self._process.start()
        ready = await asyncio.to_thread(self._receiver.poll, START_TIMEOUT_SECONDS)
        if not ready:
            await self.stop()
            raise InfrastructureError(
                f"the simulator process did not start within {START_TIMEOUT_SECONDS:.0f} s "
                f"(exit code {self._process.exitcode})"
            )
        started: dict[str, Any] = self._receiver.recv()
        self.rest_url, self.ws_url = started["rest_url"], started["ws_url"]
        self.api_key, self.api_secret = started["api_key"], started["api_secret"]
        self.now_ms = started["now_ms"]

    async def step(self, ticks: int) -> None:
        """Advance a manual clock `ticks` ticks (POST /admin/step)."""
        if self._session is None:
            self._session = aiohttp.ClientSession(headers={"X-MBX-APIKEY": self.api_key})
        url = f"{self.rest_url}/admin/step"
        async with self._session.post(url, json={"ticks": ticks}) as response:
            response.raise_for_status()
            self.now_ms = (await response.json())["time"]

    async def stop(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None
        if self._process.is_alive():
            self._process.terminate()
        if self._process.pid is not None:
            await asyncio.to_thread(self._process.join, STOP_TIMEOUT_SECONDS)
            if self._process.is_alive():
                self._process.kill()
                await asyncio.to_thread(self._process.join, STOP_TIMEOUT_SECONDS)


def serve_in_child(config: SimulatorConfig, started: Connection, parent_pid: int) -> None:
    """The child process: serve until SIGTERM or until the parent is gone."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a terminal's Ctrl-C is the parent's

    async def serve() -> None:
        stop = asyncio.Event()
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
        async with Simulator(config) as simulator:
            started.send(
                {
                    "rest_url": simulator.rest_url,
                    "ws_url": simulator.ws_url,
                    "api_key": simulator.api_key,
                    "api_secret": simulator.api_secret,
                    "now_ms": simulator.state.market.now_ms,
                }
            )
            while os.getppid() == parent_pid:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), PARENT_CHECK_SECONDS)
                if stop.is_set():
                    break

    asyncio.run(serve())
