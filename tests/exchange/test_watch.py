"""Live candles over ccxt.pro websockets from the simulator, across a dropped connection."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from tests.exchange.conftest import BAR_MS, ticking
from tradeplane.exchange import BadSymbol, CandleUpdate, ExchangeGateway
from tradeplane.sim import FaultConfig, FaultKind, Simulator

MakeGateway = Callable[..., Awaitable[ExchangeGateway]]
StartSim = Callable[..., Awaitable[Simulator]]


async def collect_closed(
    updates: AsyncIterator[CandleUpdate],
    count: int,
    *,
    on_closed: Callable[[int], Awaitable[None]] | None = None,
) -> tuple[list[CandleUpdate], list[CandleUpdate]]:
    seen: list[CandleUpdate] = []
    closed: list[CandleUpdate] = []
    async with asyncio.timeout(20):
        async for update in updates:
            seen.append(update)
            if update.closed:
                closed.append(update)
                if on_closed is not None:
                    await on_closed(len(closed))
                if len(closed) == count:
                    break
    return seen, closed


async def test_live_candles_match_rest_and_mark_closed_bars(
    start_sim: StartSim, gateway_for: MakeGateway
) -> None:
    sim = await start_sim(ticks_per_bar=10)
    gateway = await gateway_for(sim)
    async with ticking(sim):
        seen, closed = await collect_closed(gateway.watch_candles("BTC/USDT", "5m"), 3)
    assert all(u.symbol == "BTC/USDT" and u.timeframe == "5m" for u in seen)
    assert len(seen) > len(closed)  # forming-bar updates come too
    times = [u.candle.timestamp_ms for u in closed]
    assert times == [times[0], times[0] + BAR_MS, times[0] + 2 * BAR_MS]
    rest = await gateway.fetch_ohlcv("BTC/USDT", "5m", since=times[0], limit=3)
    assert [u.candle for u in closed] == rest
    forming = [u for u in seen if not u.closed and u.candle.timestamp_ms == times[1]]
    assert forming and forming[-1].candle == closed[1].candle  # the close repeats the last


async def test_no_closed_bar_is_lost_when_the_connection_drops(
    start_sim: StartSim, gateway_for: MakeGateway, caplog: pytest.LogCaptureFixture
) -> None:
    sim = await start_sim(ticks_per_bar=10)
    gateway = await gateway_for(sim)

    async def drop_after_first(closed_so_far: int) -> None:
        if closed_so_far == 1:
            assert await sim.hub.disconnect_all() >= 1
            await sim.step(25)  # 2.5 bars pass while we are disconnected

    async with ticking(sim):
        _, closed = await collect_closed(
            gateway.watch_candles("ETH/USDT", "5m"), 5, on_closed=drop_after_first
        )
    assert "candle stream interrupted; reconnecting" in caplog.messages
    times = [u.candle.timestamp_ms for u in closed]
    assert times == [times[0] + index * BAR_MS for index in range(5)]
    rest = await gateway.fetch_ohlcv("ETH/USDT", "5m", since=times[0], limit=5)
    assert [u.candle for u in closed] == rest


async def test_the_stream_outlives_an_outage_of_the_exchange(
    start_sim: StartSim, gateway_for: MakeGateway
) -> None:
    sim = await start_sim(ticks_per_bar=10)
    gateway = await gateway_for(sim)

    async def outage_after_first(closed_so_far: int) -> None:
        if closed_so_far == 1:  # the websocket drops and REST fails three times
            sim.set_faults(FaultConfig(rates={FaultKind.UNAVAILABLE: 1.0}, count=3))
            await sim.hub.disconnect_all()

    async with ticking(sim):
        _, closed = await collect_closed(
            gateway.watch_candles("BTC/USDT", "5m"), 4, on_closed=outage_after_first
        )
    assert sim.state.faults.injected[FaultKind.UNAVAILABLE] == 3
    times = [u.candle.timestamp_ms for u in closed]
    assert times == [times[0] + index * BAR_MS for index in range(4)]


async def test_a_bad_symbol_ends_the_stream(sim: Simulator, gateway_for: MakeGateway) -> None:
    gateway = await gateway_for(sim)
    with pytest.raises(BadSymbol):
        await anext(gateway.watch_candles("NOPE/USDT", "5m"))


async def test_closing_the_gateway_ends_the_stream(
    start_sim: StartSim, gateway_for: MakeGateway
) -> None:
    sim = await start_sim(ticks_per_bar=10)
    gateway = await gateway_for(sim)
    received: list[CandleUpdate] = []

    async def consume() -> None:
        async for update in gateway.watch_candles("BTC/USDT", "5m"):
            received.append(update)

    consumer = asyncio.create_task(consume())
    async with ticking(sim):
        while not received:
            await asyncio.sleep(0.01)
        await gateway.close()
        await asyncio.wait_for(consumer, 5)  # ends cleanly, no reconnection
    assert consumer.exception() is None
