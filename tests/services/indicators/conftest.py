"""Fixtures: a bus connection to the session's nats-server, a reader of indicator frames,
and a configuration with a universe and exchange no other test uses."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from nats.js import api

from tests.bus.helpers import unique_token
from tradeplane.bus import BusConfig, BusConnection, decode_envelope, decode_payload
from tradeplane.bus.provisioning import ensure_streams
from tradeplane.services.indicators import IndicatorsConfig
from tradeplane.v1 import indicators_pb2


@pytest.fixture
async def bus(nats: Any) -> AsyncIterator[BusConnection]:
    connection = await BusConnection.connect(nats.url)
    await ensure_streams(connection.jetstream, BusConfig())
    yield connection
    await connection.close()


@pytest.fixture
def config() -> IndicatorsConfig:
    """One 5m timeframe, a universe and an exchange of this test alone."""
    return IndicatorsConfig(
        universe=unique_token("u"),
        exchange=unique_token("ex"),
        timeframes=("5m",),
        window_bars=300,
        backend="cpu",
        consumer={"batch_size": 50, "max_deliver": 2, "fetch_timeout_seconds": 0.2},
    )


@dataclass
class FrameReader:
    """Every IndicatorFrame published on a subject filter, in order."""

    frames: list[indicators_pb2.IndicatorFrame] = field(default_factory=list)
    sources: set[str] = field(default_factory=set)

    def after(self, count: int) -> Callable[[], bool]:
        return lambda: len(self.frames) > count


@pytest.fixture
async def read_frames(bus: BusConnection) -> AsyncIterator[Callable[[str], Awaitable[FrameReader]]]:
    """`await read_frames("ind.<universe>.>")`: an ordered consumer from the stream's start."""
    subscriptions = []

    async def start(subject: str) -> FrameReader:
        reader = FrameReader()

        async def on_message(message: Any) -> None:
            event = decode_envelope(message.data)
            reader.sources.add(event.source)
            payload = decode_payload(event)
            assert isinstance(payload, indicators_pb2.IndicatorFrame)
            reader.frames.append(payload)

        subscriptions.append(
            await bus.jetstream.subscribe(
                subject, cb=on_message, ordered_consumer=True, deliver_policy=api.DeliverPolicy.ALL
            )
        )
        return reader

    yield start
    for subscription in subscriptions:
        with contextlib.suppress(Exception):
            await subscription.unsubscribe()
