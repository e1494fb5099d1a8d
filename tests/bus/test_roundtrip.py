"""Publish and consume through the project's own bus code on the real nats-server."""

from __future__ import annotations

import asyncio

from prometheus_client import REGISTRY

from tests.bus.helpers import eventually, read_stream, unique_token
from tradeplane.bus import subjects
from tradeplane.bus.connection import BusConnection
from tradeplane.bus.consumer import Delivery, PullConsumer
from tradeplane.bus.envelope import decode_payload, new_event
from tradeplane.bus.publisher import Publisher
from tradeplane.v1 import marketdata_pb2, signals_pb2


def _metric(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


async def test_events_published_are_consumed_once_in_order_with_their_payloads(
    bus: BusConnection,
) -> None:
    exchange = unique_token("ex")
    publisher = Publisher(bus, source="test")
    frames = [
        marketdata_pb2.TickerFrame(
            exchange=exchange, symbols=["BTC/USDT", "ETH/USDT"], last=[100.0 + index, 10.0 + index]
        )
        for index in range(120)
    ]
    published = [
        await publisher.publish_payload(frame, subject=subjects.tickers(exchange))
        for frame in frames
    ]
    received: list[Delivery] = []

    async def handle(batch):  # type: ignore[no-untyped-def]
        received.extend(batch)

    durable = unique_token("c")
    consumer = PullConsumer(
        bus,
        stream=subjects.MARKET,
        durable=durable,
        handler=handle,
        filter_subjects=[f"md.{exchange}.>"],
    )
    acked_before = _metric("tradeplane_bus_acked_total", stream="MARKET", consumer=durable)
    await consumer.start()
    await eventually(lambda: len(received) >= 120, what="120 deliveries")
    await asyncio.sleep(0.2)  # nothing more may arrive
    await consumer.stop()

    assert [d.event.id for d in received] == [event.id for event in published]
    assert [decode_payload(d.event) for d in received] == frames
    assert all(d.deliveries == 1 for d in received)
    assert [d.stream_sequence for d in received] == sorted(d.stream_sequence for d in received)
    info = await consumer.info()
    assert (info.num_pending, info.num_ack_pending) == (0, 0)
    acked = _metric("tradeplane_bus_acked_total", stream="MARKET", consumer=durable)
    assert acked - acked_before == 120
    assert _metric("tradeplane_bus_consumer_lag", stream="MARKET", consumer=durable) == 0


async def test_a_retried_publish_is_stored_once(bus: BusConnection) -> None:
    exchange = unique_token("ex")
    publisher = Publisher(bus, source="test")
    event = new_event(
        marketdata_pb2.TickerFrame(exchange=exchange),
        subject=subjects.tickers(exchange),
        source="test",
    )
    acks = [await publisher.publish(event) for _ in range(3)]

    assert [ack.duplicate for ack in acks] == [None, True, True]
    assert len({ack.seq for ack in acks}) == 1
    stored = await read_stream(bus, "MARKET", subjects.tickers(exchange))
    assert [message.headers["Nats-Msg-Id"] for message in stored] == [event.id]


async def test_a_restarted_consumer_continues_where_it_stopped(bus: BusConnection) -> None:
    signal_strategy = unique_token("s")
    publisher = Publisher(bus, source="test")
    subject = subjects.signals(signal_strategy)
    received: list[str] = []

    async def handle(batch):  # type: ignore[no-untyped-def]
        received.extend(d.event.id for d in batch)

    def consumer() -> PullConsumer:
        return PullConsumer(
            bus,
            stream=subjects.SIGNALS,
            durable=signal_strategy,
            handler=handle,
            filter_subjects=[subject],
        )

    first_ids = [(await publisher.publish_payload(_signal(), subject=subject)).id for _ in range(5)]
    first = consumer()
    await first.start()
    await eventually(lambda: len(received) == 5, what="first five")
    await first.stop()
    later_ids = [(await publisher.publish_payload(_signal(), subject=subject)).id for _ in range(5)]
    second = consumer()
    await second.start()
    await eventually(lambda: len(received) == 10, what="the next five")
    await asyncio.sleep(0.2)
    await second.stop()

    assert received == first_ids + later_ids


def _signal() -> signals_pb2.SignalsGenerated:
    return signals_pb2.SignalsGenerated(strategy="s")
