"""Starting, re-choosing symbols and stopping: configuration errors fail the start, the
top symbols follow volume, a full outbox drops and counts, a stop ends open streams."""

from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import replace
from typing import Any

import grpc
import pytest
from prometheus_client import REGISTRY

from tests.services.marketdata.conftest import (
    eventually,
    host_overrides,
    service_class,
    service_config,
)
from tradeplane.bus import BusConfig, BusConnection, Publisher, ensure_streams, subjects
from tradeplane.exchange import ExchangeConfigError
from tradeplane.services.marketdata import MarketDataService
from tradeplane.services.marketdata.frames import ticker_frame
from tradeplane.services.marketdata.publishing import Outbox, OutgoingFrame
from tradeplane.sim import Simulator
from tradeplane.v1 import marketdata_service_pb2 as pb
from tradeplane.v1 import marketdata_service_pb2_grpc as pb_grpc


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


async def test_an_unknown_exchange_fails_the_start(
    sim: Simulator, nats: Any, snapshot_dsn: str, run_host: Any
) -> None:
    wrong = service_config(sim, feed={"exchange": {"exchange_id": "nosuchexchange"}})
    with pytest.raises(ExchangeConfigError, match="unknown exchange id"):
        async with run_host([service_class(wrong)], **host_overrides(nats, snapshot_dsn)):
            pass


async def test_the_top_symbols_follow_the_volume(
    sim: Simulator, nats: Any, snapshot_dsn: str, run_host: Any
) -> None:
    config = service_config(sim, feed={"top_symbols": 2, "timeframes": ["5m"]})
    exchange = config.exchanges[0].label
    async with run_host([service_class(config)], **host_overrides(nats, snapshot_dsn)) as host:
        service = host.services[0]
        assert isinstance(service, MarketDataService)
        streams = service.feeds[exchange].candle_streams
        first, second = streams.symbols
        cached = await service.feeds[exchange].tickers()
        assert cached is not None
        newcomer = next(s for s in sorted(cached.value) if s.endswith("/USDT") and s != first)
        volumes = dict(cached.value)
        volumes[newcomer] = replace(volumes[newcomer], quote_volume=1e15)
        streams.sync(volumes)  # what the hourly re-choice does with these tickers
        assert streams.symbols == (newcomer, first)
        assert streams.book.get(second, "5m") is None  # dropped: stream stopped, bars gone
        await eventually(
            lambda: streams.book.get(newcomer, "5m") is not None, what="the newcomer's backfill"
        )
        assert sample("tradeplane_marketdata_streamed_symbols", exchange=exchange) == 2
        tasks = [t.get_name() for t in asyncio.all_tasks() if t.get_name().startswith("candles")]
        assert not any(second in name and exchange in name for name in tasks)


async def test_ticker_refreshes_wait_out_a_bar_close(
    sim: Simulator, nats: Any, snapshot_dsn: str, run_host: Any
) -> None:
    # refreshes every 0.2 s, and a quiet window of 3 s after each close's frame
    config = service_config(
        sim, feed={"symbols": ["BTC/USDT"], "timeframes": ["5m"]}, close_quiet_seconds=3.0
    )
    exchange = config.exchanges[0].label
    async with run_host([service_class(config)], **host_overrides(nats, snapshot_dsn)) as host:
        service = host.services[0]
        assert isinstance(service, MarketDataService)
        streams = service.feeds[exchange].candle_streams

        def last_refresh() -> float:
            return sample("tradeplane_marketdata_last_refresh_timestamp_seconds", exchange=exchange)

        await eventually(last_refresh, what="a first ticker refresh")
        await asyncio.sleep(0.5)  # the stream subscribes
        await sim.step(1)
        await sim.step_bars(1)  # closes the forming bar (the next bar's first tick comes)
        await eventually(lambda: streams.close_quiet_in() > 2.5, what="the close's frame")
        await asyncio.sleep(0.8)  # a refresh already under way when the close came ends
        during = last_refresh()
        await asyncio.sleep(1.2)
        assert last_refresh() == during  # six refreshes were due meanwhile; none ran
        await eventually(lambda: last_refresh() > during, timeout=10, what="refreshes resuming")


async def test_a_stop_ends_open_ticker_streams_and_every_task(
    sim: Simulator, nats: Any, snapshot_dsn: str, run_host: Any
) -> None:
    config = service_config(sim, feed={"symbols": ["BTC/USDT"], "timeframes": ["5m"]})
    exchange = config.exchanges[0].label
    overrides = {**host_overrides(nats, snapshot_dsn), "grpc.grace_seconds": 0.5}
    async with run_host([service_class(config)], **overrides) as host:
        channel = grpc.aio.insecure_channel(f"127.0.0.1:{host.grpc_port}")
        call = pb_grpc.MarketDataServiceStub(channel).StreamTickers(pb.StreamTickersRequest())
        first = await call.read()
        assert first.quality == pb.DATA_QUALITY_FRESH
        started = time.monotonic()
    assert time.monotonic() - started < 5  # the open stream did not hold the stop up
    with pytest.raises(grpc.aio.AioRpcError):
        while True:
            if await call.read() is grpc.aio.EOF:
                break
    await channel.close()
    leftover = [t.get_name() for t in asyncio.all_tasks() if exchange in t.get_name()]
    assert leftover == []


async def test_a_full_outbox_drops_and_counts_and_a_close_sends_what_is_queued(
    nats: Any,
) -> None:
    exchange = f"ob{uuid.uuid4().hex[:8]}"
    connection = await BusConnection.connect(nats.url)
    await ensure_streams(connection.jetstream, BusConfig(), [subjects.MARKET])
    outbox = Outbox(Publisher(connection, source="test"), size=1)
    frame = ticker_frame(exchange, [])
    outgoing = OutgoingFrame(
        subjects.tickers(exchange), frame, frame.time.ToDatetime(), exchange, "tickers"
    )
    assert outbox.offer(outgoing) and not outbox.offer(outgoing)
    labels = {"exchange": exchange, "kind": "tickers"}
    assert sample("tradeplane_marketdata_frames_dropped_total", **labels, reason="outbox_full") == 1
    outbox.start()
    await outbox.close(timeout=5.0)
    assert outbox.pending == 0
    assert sample("tradeplane_marketdata_frames_published_total", **labels, timeframe="") == 1
    info = await connection.jetstream.stream_info(
        subjects.MARKET.name, subjects_filter=subjects.tickers(exchange)
    )
    assert info.state.subjects == {subjects.tickers(exchange): 1}
    await connection.close()
