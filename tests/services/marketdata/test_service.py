"""The marketdata service on a running host, against the simulator, NATS and PostgreSQL:
frames on the bus, gRPC reads, snapshots, bar closes, and an exchange outage."""

from __future__ import annotations

import asyncio
import math
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import grpc
import pytest
from prometheus_client import REGISTRY

from tests.services.marketdata.conftest import (
    BAR_MS,
    CandleRow,
    FrameReader,
    eventually,
    host_overrides,
    service_class,
    service_config,
)
from tradeplane.exchange import ExchangeConfig, ExchangeGateway
from tradeplane.services.marketdata import MarketDataService
from tradeplane.sim import FaultConfig, FaultKind, Simulator, client_overrides
from tradeplane.store.database import Database
from tradeplane.store.market_snapshots import read_market_snapshots
from tradeplane.v1 import marketdata_service_pb2 as pb
from tradeplane.v1 import marketdata_service_pb2_grpc as pb_grpc

ReadFrames = Callable[[str], Awaitable[FrameReader]]


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def stub(host: Any) -> tuple[grpc.aio.Channel, pb_grpc.MarketDataServiceStub]:
    channel = grpc.aio.insecure_channel(f"127.0.0.1:{host.grpc_port}")
    return channel, pb_grpc.MarketDataServiceStub(channel)


@pytest.fixture
async def reference(sim: Simulator) -> AsyncIterator[ExchangeGateway]:
    """A gateway of the test's own, to compare the service's data with the exchange's."""
    gateway = ExchangeGateway(
        ExchangeConfig(name="reference", client_options=client_overrides(sim, credentials=False))
    )
    await gateway.start()
    yield gateway
    await gateway.close()


async def test_tickers_backfills_snapshots_and_reads_of_the_top_symbols(
    sim: Simulator,
    nats: Any,
    snapshot_dsn: str,
    run_host: Any,
    read_frames: ReadFrames,
    reference: ExchangeGateway,
) -> None:
    config = service_config(sim, feed={"top_symbols": 3})
    exchange = config.exchanges[0].label
    async with (
        run_host([service_class(config)], **host_overrides(nats, snapshot_dsn)) as host,
        grpc.aio.insecure_channel(f"127.0.0.1:{host.grpc_port}") as channel,
    ):
        frames = await read_frames(exchange)
        service = host.services[0]
        assert isinstance(service, MarketDataService)
        tickers = await reference.fetch_tickers()
        top = sorted(
            (t for t in tickers.values() if t.symbol.endswith("/USDT")),
            key=lambda t: -(t.quote_volume or 0),
        )[:3]
        streamed = service.feeds[exchange].candle_streams.symbols
        assert streamed == tuple(t.symbol for t in top)

        # ticker frames: every symbol of the exchange in one frame, as the exchange has it
        await eventually(lambda: frames.tickers, what="a ticker frame")
        frame = frames.tickers[0]
        assert frame.exchange == exchange and sorted(frame.symbols) == sorted(tickers)
        assert frames.sources == {f"marketdata/{exchange}"}
        row = list(frame.symbols).index("BTC/USDT")
        assert frame.last[row] == tickers["BTC/USDT"].last  # the manual clock did not move
        assert frame.quote_volume_24h[row] == tickers["BTC/USDT"].quote_volume
        assert frame.time.ToMilliseconds() == max(frame.timestamps_ms)

        # backfill frames: 40 bars per symbol and timeframe, all closed but the newest
        for timeframe in ("5m", "15m"):

            def backfilled(timeframe: str = timeframe) -> list[CandleRow]:
                rows = frames.candle_rows(timeframe)
                return rows if len(rows) >= 3 * 40 else []

            rows = await eventually(backfilled, what=f"{timeframe} backfill frames")
            for symbol in streamed:
                mine = [r for r in rows if r[0] == symbol][:40]  # later: forming updates
                assert [r[2] for r in mine] == [True] * 39 + [False]
                history = await reference.fetch_ohlcv(symbol, timeframe, limit=40)
                assert [r[1] for r in mine] == [c.timestamp_ms for c in history]
                assert mine[-2][3] == (
                    history[-2].open, history[-2].high, history[-2].low,
                    history[-2].close, history[-2].volume,
                )  # fmt: skip

        # gRPC GetTickers: from the cache, fresh, filtered
        client = pb_grpc.MarketDataServiceStub(channel)
        answer = await client.GetTickers(pb.GetTickersRequest(symbols=["ETH/USDT", "NOPE/USDT"]))
        assert answer.quality == pb.DATA_QUALITY_FRESH and answer.age_seconds < 5
        assert list(answer.frame.symbols) == ["ETH/USDT"]
        assert answer.frame.last[0] == tickers["ETH/USDT"].last
        everything = await client.GetTickers(pb.GetTickersRequest(exchange=exchange))
        assert len(everything.frame.symbols) == len(tickers)
        with pytest.raises(grpc.aio.AioRpcError) as unknown_exchange:
            await client.GetTickers(pb.GetTickersRequest(exchange="kraken"))
        assert unknown_exchange.value.code() == grpc.StatusCode.NOT_FOUND

        # gRPC GetCandles: streamed symbols from memory, another read through the cache
        candles = await client.GetCandles(pb.GetCandlesRequest(timeframe="5m", limit=5))
        assert sorted(set(candles.frame.symbols)) == sorted(streamed)
        assert len(candles.frame.symbols) == 15 and candles.quality == pb.DATA_QUALITY_FRESH
        closed = await client.GetCandles(
            pb.GetCandlesRequest(timeframe="15m", symbols=["ETH/USDT"], limit=5, closed_only=True)
        )
        assert list(closed.frame.closed) == [True] * 5
        other = next(s for s in tickers if s not in streamed)
        read = await client.GetCandles(pb.GetCandlesRequest(timeframe="1h", symbols=[other]))
        history = await reference.fetch_ohlcv(other, "1h", limit=100)
        assert list(read.frame.open_times_ms) == [c.timestamp_ms for c in history]
        assert list(read.frame.closed) == [True] * (len(history) - 1) + [False]
        for request, code in (
            (pb.GetCandlesRequest(timeframe="5m", symbols=["NOPE/USDT"]), "NOT_FOUND"),
            (pb.GetCandlesRequest(timeframe="7x"), "INVALID_ARGUMENT"),
            (pb.GetCandlesRequest(timeframe="1h"), "INVALID_ARGUMENT"),  # not streamed
        ):
            with pytest.raises(grpc.aio.AioRpcError) as failed:
                await client.GetCandles(request)
            assert failed.value.code().name == code

        # snapshots: every symbol's ticker in enhanced_market_data, one batch per interval
        database = Database(snapshot_dsn, max_size=1)
        await database.connect()
        try:
            stored = await eventually(
                lambda: read_market_snapshots(database, exchange, symbol="BTC/USDT"),
                what="a snapshot",
            )
            assert stored[0].last_price == tickers["BTC/USDT"].last
            assert stored[0].quality == "fresh" and stored[0].origin == "rest"
            assert stored[0].data_age_seconds > 3600  # the simulator's market runs a day behind
            spread = tickers["BTC/USDT"].spread_ratio
            assert spread is not None
            assert stored[0].spread_percent == pytest.approx(spread * 100)
            batch = await read_market_snapshots(database, exchange, since=stored[0].captured_at)
            assert {s.symbol for s in batch if s.captured_at == stored[0].captured_at} == set(
                tickers
            )
        finally:
            await database.close()
        labels = {"exchange": exchange}
        assert sample("tradeplane_marketdata_ticker_refresh_seconds_count", **labels) >= 1
        assert sample("tradeplane_marketdata_snapshot_rows_total", **labels) >= len(tickers)
        assert sample("tradeplane_marketdata_exchange_up", **labels) == 1
        published = sample(
            "tradeplane_marketdata_frames_published_total", **labels, kind="tickers", timeframe=""
        )
        assert published >= 1
    leftover = [t.get_name() for t in asyncio.all_tasks() if exchange in t.get_name()]
    assert leftover == []  # every loop and stream of the service ended with it


async def test_closed_bars_go_out_in_one_frame_per_bar_close(
    sim: Simulator,
    nats: Any,
    snapshot_dsn: str,
    run_host: Any,
    read_frames: ReadFrames,
    reference: ExchangeGateway,
) -> None:
    symbols = ["BTC/USDT", "ETH/USDT", "BNB/USDT"]
    config = service_config(
        sim, feed={"symbols": [*symbols, "NOPE/USDT"], "timeframes": ["5m"]}, close_wait_seconds=2
    )
    exchange = config.exchanges[0].label
    async with run_host([service_class(config)], **host_overrides(nats, snapshot_dsn)) as host:
        frames = await read_frames(exchange)
        service = host.services[0]
        assert isinstance(service, MarketDataService)
        assert service.feeds[exchange].candle_streams.symbols == tuple(symbols)  # NOPE skipped
        backfill = await eventually(
            lambda: len(frames.candle_rows("5m")) >= 3 * 40 and frames.candle_rows("5m"),
            what="the backfill",
        )
        newest = max(row[1] for row in backfill)
        await asyncio.sleep(0.5)  # the streams subscribe
        await sim.step(1)  # a bar is known closed when the next one's first tick comes
        for bar in range(1, 3):
            await sim.step_bars(1)
            opened = newest + (bar - 1) * BAR_MS

            def closes(opened: int = opened) -> list[Any]:
                return [
                    frame
                    for frame in frames.candles["5m"]
                    if any(
                        frame.closed[i] and frame.open_times_ms[i] == opened
                        for i in range(len(frame.symbols))
                    )
                ]

            found = await eventually(closes, what=f"the close of bar {bar}")
            frame = found[0]
            # all three symbols' closes of the bar travel together, before close_wait (2s)
            closed_here = {
                s for i, s in enumerate(frame.symbols)
                if frame.closed[i] and frame.open_times_ms[i] == opened
            }  # fmt: skip
            assert closed_here == set(symbols) and len(found) == 1
        for symbol in symbols:
            rest = await reference.fetch_ohlcv(symbol, "5m", since=newest, limit=2)
            mine = {
                row[1]: row[3]
                for row in frames.candle_rows("5m")
                if row[0] == symbol and row[2] and row[1] >= newest
            }
            assert mine == {
                c.timestamp_ms: (c.open, c.high, c.low, c.close, c.volume) for c in rest
            }
        async with grpc.aio.insecure_channel(f"127.0.0.1:{host.grpc_port}") as channel:
            client = pb_grpc.MarketDataServiceStub(channel)
            answer = await client.GetCandles(
                pb.GetCandlesRequest(timeframe="5m", symbols=["ETH/USDT"], limit=3)
            )
        assert list(answer.frame.open_times_ms) == [newest, newest + BAR_MS, newest + 2 * BAR_MS]
        assert list(answer.frame.closed) == [True, True, False]


async def test_stream_tickers_sends_the_cache_then_every_refresh(
    sim: Simulator, nats: Any, snapshot_dsn: str, run_host: Any
) -> None:
    config = service_config(sim, feed={"symbols": ["BTC/USDT"], "timeframes": ["5m"]})
    async with run_host([service_class(config)], **host_overrides(nats, snapshot_dsn)) as host:
        channel, client = stub(host)
        call = client.StreamTickers(pb.StreamTickersRequest(symbols=["BTC/USDT", "ETH/USDT"]))
        received = []
        async for answer in call:
            received.append(answer)
            if len(received) == 2:
                await sim.step(3)  # the market moves between refreshes
            if len(received) == 6:
                break
        call.cancel()
        await channel.close()
    assert all(list(a.frame.symbols) == ["BTC/USDT", "ETH/USDT"] for a in received)
    assert all(a.quality == pb.DATA_QUALITY_FRESH for a in received)
    stamps = [a.frame.timestamps_ms[0] for a in received]
    assert stamps == sorted(stamps) and stamps[-1] > stamps[0]  # new data, not one snapshot


async def test_while_the_exchange_is_down_cached_data_is_served_marked_then_it_recovers(
    sim: Simulator, nats: Any, snapshot_dsn: str, run_host: Any, read_frames: ReadFrames
) -> None:
    config = service_config(
        sim, feed={"symbols": ["BTC/USDT"], "timeframes": ["5m"]}, candle_stale_seconds=0.5
    )
    exchange = config.exchanges[0].label
    labels = {"exchange": exchange}
    async with run_host([service_class(config)], **host_overrides(nats, snapshot_dsn)) as host:
        frames = await read_frames(exchange)
        channel, client = stub(host)
        before = await client.GetTickers(pb.GetTickersRequest())
        assert before.quality == pb.DATA_QUALITY_FRESH

        sim.set_faults(FaultConfig(rates={FaultKind.UNAVAILABLE: 1.0}))  # REST answers 503
        await eventually(
            lambda: sample("tradeplane_marketdata_exchange_up", **labels) == 0,
            what="the outage to be noticed",
        )
        await asyncio.sleep(0.6)  # past the tickers' TTL and the candles' stale age
        stream = client.StreamTickers(pb.StreamTickersRequest(symbols=["BTC/USDT"]))
        during = await client.GetTickers(pb.GetTickersRequest())
        assert during.quality == pb.DATA_QUALITY_DEGRADED and during.age_seconds > 0.5
        assert list(during.frame.symbols) == list(before.frame.symbols)
        assert list(during.frame.last) == list(before.frame.last)  # the last good data
        pushed = await stream.read()
        assert pushed.quality == pb.DATA_QUALITY_DEGRADED
        candles = await client.GetCandles(pb.GetCandlesRequest(timeframe="5m", limit=3))
        assert len(candles.frame.symbols) == 3 and candles.quality == pb.DATA_QUALITY_DEGRADED
        assert sample("tradeplane_marketdata_errors_total", **labels, stage="tickers") >= 1
        frames_during = len(frames.tickers)

        sim.set_faults(FaultConfig())  # the exchange is back
        await sim.step(2)
        await eventually(
            lambda: sample("tradeplane_marketdata_exchange_up", **labels) == 1,
            what="the recovery",
        )
        after = await client.GetTickers(pb.GetTickersRequest())
        assert after.quality == pb.DATA_QUALITY_FRESH and after.age_seconds < 0.5
        assert after.frame.timestamps_ms[0] > before.frame.timestamps_ms[0]
        await eventually(lambda: len(frames.tickers) > frames_during, what="new ticker frames")
        recovered = await eventually(
            lambda: _fresh(stream), what="a fresh StreamTickers answer", timeout=5
        )
        assert recovered.frame.symbols == ["BTC/USDT"]
        stream.cancel()
        await channel.close()


async def _fresh(stream: Any) -> Any:
    answer = await stream.read()
    return answer if answer.quality == pb.DATA_QUALITY_FRESH else None


async def test_an_exchange_down_at_start_does_not_stop_the_service(
    sim: Simulator, nats: Any, snapshot_dsn: str, run_host: Any
) -> None:
    """An exchange that is down at start does not stop the host: the service starts
    (answering UNAVAILABLE until data comes) and catches up once the exchange is back."""
    sim.set_faults(FaultConfig(rates={FaultKind.UNAVAILABLE: 1.0}))
    config = service_config(
        sim, feed={"symbols": ["BTC/USDT"], "timeframes": ["5m"]}, startup_wait_seconds=0.5
    )
    async with run_host([service_class(config)], **host_overrides(nats, snapshot_dsn)) as host:
        channel, client = stub(host)
        with pytest.raises(grpc.aio.AioRpcError) as failed:
            await client.GetTickers(pb.GetTickersRequest())
        assert failed.value.code() == grpc.StatusCode.UNAVAILABLE
        sim.set_faults(FaultConfig())
        answer = await eventually(
            lambda: _tickers_or_none(client), what="tickers after the exchange came back"
        )
        assert answer.quality == pb.DATA_QUALITY_FRESH
        assert not math.isnan(answer.frame.last[0])
        await channel.close()


async def _tickers_or_none(client: pb_grpc.MarketDataServiceStub) -> Any:
    try:
        return await client.GetTickers(pb.GetTickersRequest())
    except grpc.aio.AioRpcError:
        return None
