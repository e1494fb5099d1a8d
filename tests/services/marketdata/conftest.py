"""Fixtures: a simulator on a manual clock, a database with the event store's schema, the
marketdata service bound to both, and a JetStream reader of its frames.

Every service gets a unique exchange name, so its subjects (`md.<name>.>`), metric labels
and cache keys are its own on the shared nats-server.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from importlib.resources import files
from typing import Any

import nats as nats_client
import pytest
from google.protobuf.message import Message
from nats.js import api

from tests.store.databases import throwaway_database
from tradeplane.bus import decode_envelope, decode_payload
from tradeplane.runtime import Service
from tradeplane.services.marketdata import MarketDataConfig, MarketDataService
from tradeplane.sim import Simulator, SimulatorConfig, client_overrides
from tradeplane.store.database import Database
from tradeplane.store.migrations import apply_migrations, load_migrations
from tradeplane.v1 import marketdata_pb2

BAR_MS = 300_000
CandleRow = tuple[str, int, bool, tuple[float, ...]]


def past_start_ms(days: float = 1.0) -> int:
    """A bar-aligned market start `days` ago: stepping the market never stamps the future."""
    now = int(time.time() * 1000)
    return (now - int(days * 86_400_000)) // BAR_MS * BAR_MS


@pytest.fixture
async def sim() -> AsyncIterator[Simulator]:
    """A private simulator (30 symbols, 10 ticks per 5m bar) whose clock only `step` moves."""
    config = SimulatorConfig(
        clock="manual",
        symbols=30,
        seed=3,
        ticks_per_bar=10,
        start_time_ms=past_start_ms(),
        weight_window_seconds=3600.0,
    )
    async with Simulator(config) as simulator:
        yield simulator


@pytest.fixture
async def snapshot_dsn(postgres: Any) -> AsyncIterator[str]:
    """A fresh database with the event store's tables (enhanced_market_data among them)."""
    async with throwaway_database(postgres.dsn) as dsn:
        database = Database(dsn, max_size=2)
        await database.connect()
        migrations = load_migrations(files("tradeplane.services.eventstore") / "migrations")
        await apply_migrations(database, "eventstore", migrations)
        await database.close()
        yield dsn


def service_config(sim: Simulator, **overrides: Any) -> MarketDataConfig:
    """Fast settings against `sim`: short intervals, quick retries, a breaker that recovers
    within a second. `feed` overrides go to the one exchange feed."""
    feed: dict[str, Any] = {
        "exchange": {
            "name": f"sim{uuid.uuid4().hex[:8]}",
            "client_options": client_overrides(sim, credentials=False),
            "timeout_seconds": 2.0,
            "retry": {"max_attempts": 2, "initial_delay_seconds": 0.01, "max_delay_seconds": 0.05},
            "breaker": {"failure_threshold": 2, "open_seconds": 0.5},
        },
        "timeframes": ["5m", "15m"],
        "history_bars": 40,
        "ticker_interval_seconds": 0.2,
        **overrides.pop("feed", {}),
    }
    config: dict[str, Any] = {
        "exchanges": [feed],
        "cache": {"ttl_seconds": 0.5, "max_stale_seconds": 60.0},
        "snapshots": {"interval_seconds": 0.2},
        "startup_wait_seconds": 20.0,
        **overrides,
    }
    return MarketDataConfig.model_validate(config)


def service_class(config: MarketDataConfig) -> type[Service]:
    return MarketDataService.with_config(config=config)


def host_overrides(nats: Any, postgres_dsn: str) -> dict[str, Any]:
    return {"nats.url": nats.url, "postgres.dsn": postgres_dsn}


@dataclass
class FrameReader:
    """Every frame the service published on `md.<exchange>.>`, decoded, as it arrives."""

    tickers: list[marketdata_pb2.TickerFrame] = field(default_factory=list)
    candles: dict[str, list[marketdata_pb2.CandleFrame]] = field(default_factory=dict)
    sources: set[str] = field(default_factory=set)

    def take(self, subject: str, payload: Message) -> None:
        if isinstance(payload, marketdata_pb2.TickerFrame):
            self.tickers.append(payload)
        elif isinstance(payload, marketdata_pb2.CandleFrame):
            self.candles.setdefault(payload.timeframe, []).append(payload)
        else:
            raise AssertionError(f"unexpected {type(payload).__name__} on {subject}")

    def candle_rows(self, timeframe: str) -> list[CandleRow]:
        """(symbol, open time, closed, (o, h, l, c, v)) of every candle row received."""
        rows: list[CandleRow] = []
        for frame in self.candles.get(timeframe, []):
            for i, symbol in enumerate(frame.symbols):
                values = (frame.open[i], frame.high[i], frame.low[i], frame.close[i])
                rows.append(
                    (symbol, frame.open_times_ms[i], frame.closed[i], (*values, frame.volume[i]))
                )
        return rows


@pytest.fixture
async def read_frames(nats: Any) -> AsyncIterator[Callable[[str], Awaitable[FrameReader]]]:
    """`await read_frames(exchange)`: an ordered JetStream consumer of `md.<exchange>.>`
    from the stream's start, decoding envelopes and payloads into a `FrameReader`."""
    connection = await nats_client.connect(nats.url)
    jetstream = connection.jetstream()
    subscriptions = []

    async def start(exchange: str) -> FrameReader:
        reader = FrameReader()

        async def on_message(message: Any) -> None:
            event = decode_envelope(message.data)
            assert event.subject == message.subject
            reader.sources.add(event.source)
            reader.take(message.subject, decode_payload(event))

        subscription = await jetstream.subscribe(
            f"md.{exchange}.>",
            cb=on_message,
            ordered_consumer=True,
            deliver_policy=api.DeliverPolicy.ALL,
        )
        subscriptions.append(subscription)
        return reader

    yield start
    for subscription in subscriptions:
        with contextlib.suppress(Exception):
            await subscription.unsubscribe()
    await connection.close()


async def eventually(check: Callable[[], Any], *, timeout: float = 10.0, what: str) -> Any:
    """Wait until `check()` (sync or async) returns something truthy, and return it."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        await asyncio.sleep(0.05)
