"""Connecting with backoff, clear errors, and surviving a NATS crash and restart."""

from __future__ import annotations

import asyncio
import time

import pytest

from tests.bus.helpers import eventually, read_stream
from tradeplane.bus import subjects
from tradeplane.bus.config import BusConfig, ConnectionSettings, ConsumerSettings
from tradeplane.bus.connection import BusConnection, redact_url
from tradeplane.bus.consumer import PullConsumer
from tradeplane.bus.errors import BusUnavailable
from tradeplane.bus.provisioning import ensure_streams
from tradeplane.bus.publisher import Publisher
from tradeplane.infra.nats import NatsServer
from tradeplane.infra.process import free_port
from tradeplane.v1 import screening_pb2


def test_credentials_never_reach_the_logs() -> None:
    url = "nats://user:secret@a:4222, nats://b:4222"
    assert redact_url(url) == "nats://a:4222,nats://b:4222"


async def test_nothing_listening_gives_up_after_the_deadline_saying_what_to_check() -> None:
    url = f"nats://127.0.0.1:{free_port()}"
    started = time.monotonic()
    with pytest.raises(BusUnavailable, match="TRADEPLANE_NATS__URL"):
        await BusConnection.connect(url, ConnectionSettings(initial_connect_deadline_seconds=1))
    assert 0.5 < time.monotonic() - started < 5


async def test_the_first_connection_waits_for_a_server_that_starts_late(tmp_path) -> None:  # type: ignore[no-untyped-def]
    port = free_port()
    server = NatsServer(tmp_path / "late", port=port)
    connecting = asyncio.create_task(BusConnection.connect(f"nats://127.0.0.1:{port}"))
    await asyncio.sleep(0.5)
    assert not connecting.done()
    await asyncio.to_thread(server.start)
    try:
        connection = await asyncio.wait_for(connecting, 10)
        assert connection.connected
        await connection.close()
    finally:
        server.stop()


async def test_publisher_and_consumer_carry_on_after_nats_is_killed_and_restarted(
    private_nats: NatsServer,
) -> None:
    connection = await BusConnection.connect(private_nats.start().url)
    await ensure_streams(connection.jetstream, BusConfig())
    publisher = Publisher(connection, source="test")
    subject = subjects.selection("majors")
    received: list[str] = []

    async def handle(batch):  # type: ignore[no-untyped-def]
        received.extend(delivery.event.id for delivery in batch)

    consumer = PullConsumer(
        connection,
        stream=subjects.SCREEN,
        durable="screenreader",
        handler=handle,
        settings=ConsumerSettings(fetch_timeout_seconds=0.5, ordered=True),
    )
    await consumer.start()
    try:
        before = [
            (await publisher.publish_payload(_selection(), subject=subject)).id for _ in range(10)
        ]
        await eventually(lambda: len(received) == 10, what="events before the crash")

        private_nats.kill()
        publishing = asyncio.create_task(publisher.publish_payload(_selection(), subject=subject))
        await asyncio.sleep(1.0)  # the publish waits and retries while NATS is down
        assert not publishing.done()
        await asyncio.to_thread(private_nats.start)
        after = [(await publishing).id]
        after += [
            (await publisher.publish_payload(_selection(), subject=subject)).id for _ in range(9)
        ]

        await eventually(lambda: len(set(received)) == 20, timeout=20, what="events after it")
        stored = await read_stream(connection, "SCREEN", subject)
        assert [m.headers["Nats-Msg-Id"] for m in stored] == before + after
        assert list(dict.fromkeys(received)) == before + after
    finally:
        await consumer.stop()
        await connection.close()


def _selection() -> screening_pb2.SelectionChanged:
    return screening_pb2.SelectionChanged(universe="majors")
