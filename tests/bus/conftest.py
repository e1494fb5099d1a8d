"""Fixtures for the bus tests: a connection to the shared nats-server with every stream,
and private servers for tests that kill or reconfigure one."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from tradeplane.bus.config import BusConfig
from tradeplane.bus.connection import BusConnection
from tradeplane.bus.provisioning import ensure_streams
from tradeplane.infra.nats import NatsServer


@pytest.fixture
async def bus(nats) -> AsyncIterator[BusConnection]:  # type: ignore[no-untyped-def]
    """A connection to the session's nats-server, streams ensured (tests use unique tokens)."""
    connection = await BusConnection.connect(nats.url)
    await ensure_streams(connection.jetstream, BusConfig())
    yield connection
    await connection.close()


@pytest.fixture
def private_nats(tmp_path: Path) -> Iterator[NatsServer]:
    """A nats-server of this test alone (to kill, restart or reconfigure)."""
    server = NatsServer(tmp_path / "nats")
    server.start()
    yield server
    server.stop()
