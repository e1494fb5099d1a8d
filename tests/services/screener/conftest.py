"""Fixtures: a database with the event store's schema, unique bus names per test, the
screener in-process on the shared nats-server, and a real NATS subscriber of its subjects.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import nats as nats_client
import pytest
from google.protobuf.message import Message
from nats.aio.msg import Msg

from tests.store.databases import throwaway_database
from tradeplane.bus import (
    BusConfig,
    BusConnection,
    Publisher,
    decode_envelope,
    decode_payload,
    ensure_streams,
)
from tradeplane.bus.envelope import Event
from tradeplane.runtime import Host
from tradeplane.services.eventstore.service import migrations
from tradeplane.services.screener import ScreenerService
from tradeplane.store.database import Database
from tradeplane.store.migrations import apply_migrations

from .realframes import STAGES

# Quick to notice, quick to stop: what the tests run with.
TEST_SETTINGS: dict[str, Any] = {
    "stages": STAGES,
    "history_bars": 1500,
    "triggers": ["candles", "indicators", "tickers"],
    "debounce_seconds": 0.2,
    "catch_up_seconds": 0.5,
    "heartbeat_seconds": 0.4,
    "consumer": {"fetch_timeout_seconds": 0.2, "ack_wait_seconds": 5},
}


@dataclass
class Names:
    """A universe and an exchange no other test uses: subjects and durables of its own."""

    universe: str = field(default_factory=lambda: f"u{uuid.uuid4().hex[:10]}")
    exchange: str = field(default_factory=lambda: f"x{uuid.uuid4().hex[:10]}")


@pytest.fixture
def names() -> Names:
    return Names()


@pytest.fixture
async def scores_dsn(postgres: Any) -> AsyncIterator[str]:
    """A fresh database with the event store's tables (symbol_scores among them)."""
    async with throwaway_database(postgres.dsn) as dsn:
        database = Database(dsn, max_size=2)
        await database.connect()
        await apply_migrations(database, "eventstore", migrations())
        await database.close()
        yield dsn


@pytest.fixture
async def database(scores_dsn: str) -> AsyncIterator[Database]:
    database = Database(scores_dsn, max_size=2)
    await database.connect()
    yield database
    await database.close()


@pytest.fixture
async def bus(nats: Any) -> AsyncIterator[BusConnection]:
    connection = await BusConnection.connect(nats.url)
    await ensure_streams(connection.jetstream, BusConfig())
    yield connection
    await connection.close()


@pytest.fixture
def publish(bus: BusConnection) -> Callable[..., Any]:
    """`await publish(subject, *payloads)`: publish frames as the other services would."""
    publisher = Publisher(bus, source="test")

    async def send(subject: str, *payloads: Message) -> None:
        for payload in payloads:
            await publisher.publish_payload(payload, subject=subject)

    return send


@dataclass
class Received:
    """Events a real NATS subscriber received, with their decoded payloads."""

    events: list[tuple[Event, Message]] = field(default_factory=list)

    def payloads(self) -> list[Message]:
        return [payload for _, payload in self.events]


@pytest.fixture
async def subscriber(nats: Any) -> AsyncIterator[Callable[..., Any]]:
    """`received = await subscriber(subject)`: everything published on `subject` from now."""
    client = await nats_client.connect(nats.url)

    async def subscribe(subject: str) -> Received:
        received = Received()

        async def take(message: Msg) -> None:
            event = decode_envelope(message.data)
            received.events.append((event, decode_payload(event)))

        await client.subscribe(subject, cb=take)
        await client.flush()
        return received

    yield subscribe
    await client.drain()


@pytest.fixture
def screener(run_host: Any, nats: Any, scores_dsn: str, names: Names) -> Callable[..., Any]:
    """`async with screener(**settings) as host:` the screener of `names` in this process,
    configured through `settings.screener` as a deployment would be."""

    @asynccontextmanager
    async def running(**overrides: Any) -> AsyncIterator[Host]:
        section = {
            **TEST_SETTINGS,
            "universe": names.universe,
            "exchange": names.exchange,
            **overrides,
        }
        settings = {"nats.url": nats.url, "postgres.dsn": scores_dsn, "screener": section}
        async with run_host([ScreenerService], **settings) as host:
            yield host
            await asyncio.sleep(0)

    return running
