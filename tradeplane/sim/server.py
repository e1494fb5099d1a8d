"""`Simulator`: the exchange simulator as one object with async `start()` / `stop()`.

    async with Simulator(SimulatorConfig(clock="manual")) as sim:
        exchange = ccxt.async_support.binance({**client_overrides(sim), ...})
        await sim.step(5)   # manual clock: five market ticks

With `clock="realtime"` a background task ticks the market on the wall clock (times
`speed`); with `clock="manual"` only `step()` (or POST /admin/step) moves it.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Any

from aiohttp import web

from tradeplane.sim import admin, rest
from tradeplane.sim.config import FaultConfig, SimulatorConfig
from tradeplane.sim.state import SimState, build_state, wall_clock_ms
from tradeplane.sim.ws import StreamHub

logger = logging.getLogger(__name__)

SHUTDOWN_SECONDS = 0.5
CATCH_UP_BATCH = 200  # ticks processed before yielding to the event loop


class Simulator:
    """A local Binance-format exchange on 127.0.0.1 (REST, websockets, admin)."""

    def __init__(
        self,
        config: SimulatorConfig | None = None,
        *,
        wall_ms: Callable[[], int] = wall_clock_ms,
        **overrides: Any,
    ) -> None:
        base = config or SimulatorConfig()
        self.config = (
            SimulatorConfig.model_validate({**base.model_dump(), **overrides})
            if overrides
            else base
        )
        self._wall_ms = wall_ms
        self._state: SimState | None = None
        self._hub: StreamHub | None = None
        self._runner: web.AppRunner | None = None
        self._clock: asyncio.Task[None] | None = None
        self.host = self.config.host
        self.port = self.config.port
        self.startup_seconds = 0.0

    # -- lifecycle ------------------------------------------------------------------------
    async def start(self) -> None:
        started = time.perf_counter()
        self._state = await asyncio.to_thread(build_state, self.config, wall_ms=self._wall_ms)
        self._hub = StreamHub(self._state)
        app = web.Application(middlewares=[rest.api_middleware])
        app[rest.STATE] = self._state
        app.add_routes(rest.routes())
        app.add_routes(admin.routes(self))
        for path in ("/ws", "/ws/{tail:.*}", "/stream", "/stream/{tail:.*}"):
            app.router.add_get(path, self._hub.handle)
        app.router.add_route("*", "/{tail:(api|sapi|fapi|dapi|eapi|papi)/.*}", self._not_found)
        self._runner = web.AppRunner(
            app, access_log=None, handler_cancellation=True, shutdown_timeout=SHUTDOWN_SECONDS
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.config.host, self.config.port)
        await site.start()
        self.port = self._runner.addresses[0][1]
        if self.config.clock == "realtime":
            await self._catch_up()
            self._clock = asyncio.create_task(self._run_clock(), name="sim-clock")
        self.startup_seconds = time.perf_counter() - started
        logger.info(
            "exchange simulator started",
            extra={
                "rest_url": self.rest_url,
                "ws_url": self.ws_url,
                "symbols": len(self._state.universe),
                "seconds": round(self.startup_seconds, 3),
            },
        )

    async def stop(self) -> None:
        if self._clock is not None:
            self._clock.cancel()
            await asyncio.gather(self._clock, return_exceptions=True)
            self._clock = None
        if self._hub is not None:
            await self._hub.disconnect_all()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        logger.info("exchange simulator stopped")

    async def __aenter__(self) -> Simulator:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def _not_found(self, request: web.Request) -> web.Response:
        return rest.not_found(request)

    # -- addresses and credentials ---------------------------------------------------------
    @property
    def state(self) -> SimState:
        if self._state is None:
            raise RuntimeError("the simulator is not started")
        return self._state

    @property
    def hub(self) -> StreamHub:
        if self._hub is None:
            raise RuntimeError("the simulator is not started")
        return self._hub

    @property
    def rest_url(self) -> str:
        """Root URL; Binance paths follow it (`/api/v3/...`, `/sapi/v1/...`)."""
        return f"http://{self.host}:{self.port}"

    @property
    def ws_url(self) -> str:
        """Raw-stream websocket base (`/ws`); combined streams are at `/stream`."""
        return f"ws://{self.host}:{self.port}/ws"

    @property
    def api_key(self) -> str:
        return self.state.api_key

    @property
    def api_secret(self) -> str:
        return self.state.api_secret

    @property
    def ticks_per_bar(self) -> int:
        return self.config.ticks_per_bar

    # -- control --------------------------------------------------------------------------
    async def step(self, ticks: int = 1) -> int:
        """Advance the market `ticks` ticks (fills resting orders, pushes streams);
        returns how many happened (fewer once a replay runs out of candles)."""
        done = 0
        state, hub = self.state, self.hub
        for _ in range(ticks):
            event = state.market.step()
            if event is None:
                break
            for order in state.account.on_tick():
                state.book_changed(order.symbol)
            hub.publish_tick(event)
            done += 1
            if done % CATCH_UP_BATCH == 0:
                await asyncio.sleep(0)
        return done

    async def step_bars(self, bars: int = 1) -> int:
        return await self.step(bars * self.ticks_per_bar)

    def set_price(self, symbol: str, price: float) -> None:
        """Symbol's next tick trades at `price` (e.g. to make a resting order fill)."""
        self.state.market.set_price(self.state.universe.index[symbol], price)

    def set_faults(self, faults: FaultConfig) -> None:
        self.state.faults.configure(faults)

    # -- real-time clock ------------------------------------------------------------------
    def _target_ms(self) -> float:
        state = self.state
        elapsed = self._wall_ms() - state.wall_anchor_ms
        return state.market_anchor_ms + elapsed * self.config.speed

    async def _catch_up(self) -> None:
        market = self.state.market
        behind = int((self._target_ms() - market.now_ms) // market.tick_ms)
        if behind > 0 and not market.exhausted:
            await self.step(behind)

    async def _run_clock(self) -> None:
        market = self.state.market
        while not market.exhausted:
            try:
                await self._catch_up()
            except Exception:  # keep the market alive; the next tick may well succeed
                logger.exception("market tick failed")
            wait_ms = (market.now_ms + market.tick_ms - self._target_ms()) / self.config.speed
            await asyncio.sleep(max(0.001, wait_ms / 1000))
        logger.info("replay finished: no more candles")
