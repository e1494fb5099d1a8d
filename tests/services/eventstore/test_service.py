"""The event store service end to end: bus in, PostgreSQL and gRPC out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import aiohttp
import grpc
import pytest

from tests.bus.helpers import eventually, read_stream
from tradeplane.bus import subjects
from tradeplane.bus.connection import BusConnection
from tradeplane.bus.envelope import new_event
from tradeplane.bus.publisher import Publisher
from tradeplane.store.database import Database
from tradeplane.v1 import (
    envelope_pb2,
    eventstore_pb2,
    eventstore_pb2_grpc,
    indicators_pb2,
    marketdata_pb2,
    orders_pb2,
    screening_pb2,
    signals_pb2,
)

from .conftest import TEST_CONFIG

ONE_PER_STREAM = [
    (
        subjects.candles("binance", "5m"),
        marketdata_pb2.CandleFrame(exchange="binance", symbols=["BTC/USDT"]),
    ),
    (subjects.indicators("majors", "5m"), indicators_pb2.IndicatorFrame(universe="majors")),
    (subjects.selection("majors"), screening_pb2.SelectionChanged(universe="majors")),
    (subjects.signals("momentum"), signals_pb2.SignalsGenerated(strategy="momentum")),
    (subjects.order_command("momentum", "submit"), orders_pb2.SubmitOrder(client_order_id="c1")),
]


async def _publish_many(bus: BusConnection, subject: str, count: int) -> list[str]:
    publisher = Publisher(bus, source="test")
    frame = marketdata_pb2.TickerFrame(exchange="binance", symbols=["BTC/USDT"], last=[1.0])
    return [(await publisher.publish_payload(frame, subject=subject)).id for _ in range(count)]


async def _stored_count(stub: eventstore_pb2_grpc.EventStoreServiceStub) -> int:
    return (await stub.Stats(eventstore_pb2.EventStatsRequest())).total_events


async def test_every_event_stream_is_recorded_once_and_queryable(eventstore, bus) -> None:  # type: ignore[no-untyped-def]
    publisher = Publisher(bus, source="test")
    published = [await publisher.publish_payload(p, subject=s) for s, p in ONE_PER_STREAM]
    await publisher.publish(published[0])  # a retried publish: deduplicated by JetStream

    async with (
        eventstore() as host,
        grpc.aio.insecure_channel(f"127.0.0.1:{host.grpc_port}") as channel,
    ):
        stub = eventstore_pb2_grpc.EventStoreServiceStub(channel)
        await eventually(lambda: _stored_count_is(stub, 5), what="five stored events")
        response = await stub.Query(eventstore_pb2.QueryEventsRequest())
        by_id = {stored.event.id: stored for stored in response.events}
        assert set(by_id) == {event.id for event in published}
        for event in published:
            stored = by_id[event.id]
            assert stored.event == event
            assert stored.stream == subjects.stream_for(event.subject).name
            assert stored.stream_sequence == 1
            assert stored.published_at.ToDatetime() <= stored.stored_at.ToDatetime()
        page = await stub.Query(
            eventstore_pb2.QueryEventsRequest(
                filter=eventstore_pb2.EventFilter(
                    subject="exec.*.cmd.>", types=["tradeplane.v1.SubmitOrder"]
                )
            )
        )
        assert [stored.event.id for stored in page.events] == [published[4].id]


async def _stored_count_is(stub, count: int) -> bool:  # type: ignore[no-untyped-def]
    return await _stored_count(stub) == count


async def test_query_pages_and_replay_keeps_the_original_order_and_follows(eventstore, bus) -> None:  # type: ignore[no-untyped-def]
    subject = subjects.tickers("binance")
    ids = await _publish_many(bus, subject, 30)
    async with (
        eventstore() as host,
        grpc.aio.insecure_channel(f"127.0.0.1:{host.grpc_port}") as channel,
    ):
        stub = eventstore_pb2_grpc.EventStoreServiceStub(channel)
        await eventually(lambda: _stored_count_is(stub, 30), what="thirty stored events")

        pages, token = [], ""
        while True:
            response = await stub.Query(
                eventstore_pb2.QueryEventsRequest(
                    filter=eventstore_pb2.EventFilter(subject="md.>"), page_size=8, page_token=token
                )
            )
            pages.append([stored.event.id for stored in response.events])
            token = response.next_page_token
            if not token:
                break
        assert [len(page) for page in pages] == [8, 8, 8, 6]
        assert [event for page in pages for event in page] == ids

        tenth = (await stub.Query(eventstore_pb2.QueryEventsRequest(page_size=10))).events[-1]
        replayed = [
            s.event.id
            async for s in stub.Replay(
                eventstore_pb2.ReplayEventsRequest(after_sequence=tenth.sequence)
            )
        ]
        assert replayed == ids[10:]
        limited = [
            s.event.id async for s in stub.Replay(eventstore_pb2.ReplayEventsRequest(limit=5))
        ]
        assert limited == ids[:5]

        following = stub.Replay(
            eventstore_pb2.ReplayEventsRequest(after_sequence=tenth.sequence, follow=True, limit=25)
        )
        received = [(await following.read()).event.id for _ in range(20)]
        later = await _publish_many(bus, subject, 5)  # stored while the replay follows
        while (stored := await following.read()) != grpc.aio.EOF:
            received.append(stored.event.id)
        assert received == ids[10:] + later


async def test_undecodable_events_go_to_the_dlq_and_do_not_block_the_rest(eventstore, bus) -> None:  # type: ignore[no-untyped-def]
    subject = subjects.order_event("momentum", "filled")
    before = await _publish_many(bus, subject, 3)
    await bus.jetstream.publish(subject, b"\xff\xfe not protobuf")
    corrupt = envelope_pb2.Event(
        id=new_event(orders_pb2.OrderFilled(), subject=subject, source="t").id,
        type="tradeplane.v1.OrderFilled",
        subject=subject,
        payload=b"\xff\xff\xff\xff",
    )
    await bus.jetstream.publish(subject, corrupt.SerializeToString())
    newer = envelope_pb2.Event(
        id=new_event(orders_pb2.OrderFilled(), subject=subject, source="t").id,
        type="tradeplane.v2.OrderFilledWithVenueFees",
        subject=subject,
        payload=b"\x08\x01",
    )
    await bus.jetstream.publish(subject, newer.SerializeToString())
    refused = new_event(orders_pb2.OrderFilled(), subject=subject, source="venue\x00simulator")
    await bus.jetstream.publish(subject, refused.SerializeToString())  # text with a NUL byte
    after = await _publish_many(bus, subject, 3)

    async with (
        eventstore() as host,
        grpc.aio.insecure_channel(f"127.0.0.1:{host.grpc_port}") as channel,
    ):
        stub = eventstore_pb2_grpc.EventStoreServiceStub(channel)
        await eventually(lambda: _stored_count_is(stub, 7), what="the seven good events")
        stored = (await stub.Query(eventstore_pb2.QueryEventsRequest())).events
        assert [s.event.id for s in stored] == [*before, newer.id, *after]  # unknown type kept
        letters = await read_stream(bus, "DLQ", "dlq.EXEC.eventstore")
        reasons = [letter.headers["Tradeplane-Dlq-Reason"] for letter in letters]
        assert len(reasons) == 3
        assert reasons[0].startswith("not a tradeplane.v1.Event envelope")
        assert reasons[1].startswith(
            f"payload of event {corrupt.id} does not decode as tradeplane.v1.OrderFilled"
        )
        assert reasons[2].startswith(f"PostgreSQL refused event {refused.id}")
        stats = await stub.Stats(eventstore_pb2.EventStatsRequest())
        assert stats.dead_letters == 3
        assert {c.stream: c.pending for c in stats.consumers} == {
            name: 0 for name in ("MARKET", "INDICATORS", "SCREEN", "SIGNALS", "EXEC")
        }


async def test_redeliveries_never_make_a_second_row(eventstore, bus, fresh_dsn) -> None:  # type: ignore[no-untyped-def]
    ids = await _publish_many(bus, subjects.tickers("binance"), 50)
    async with (
        eventstore() as host,
        grpc.aio.insecure_channel(f"127.0.0.1:{host.grpc_port}") as channel,
    ):
        stub = eventstore_pb2_grpc.EventStoreServiceStub(channel)
        await eventually(lambda: _stored_count_is(stub, 50), what="fifty stored events")
    # Everything is delivered again, as after a lost ack floor.
    await bus.jetstream.reset_consumer("MARKET", "eventstore", seq=1)
    async with (
        eventstore() as host,
        grpc.aio.insecure_channel(f"127.0.0.1:{host.grpc_port}") as channel,
    ):
        stub = eventstore_pb2_grpc.EventStoreServiceStub(channel)
        await eventually(lambda: _duplicates_are(stub, 50), what="fifty redeliveries skipped")
        assert await _stored_count(stub) == 50
    database = Database(fresh_dsn)
    await database.connect()
    try:
        rows = await database.fetch("SELECT id FROM events ORDER BY sequence")
        assert [row["id"] for row in rows] == ids
        migrations = await database.fetch(
            "SELECT version FROM schema_migrations WHERE component = 'eventstore'"
        )
        assert sorted(row["version"] for row in migrations) == [1, 2]
        tables = await database.fetch(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        )
        assert {row["tablename"] for row in tables} >= {
            "events",
            "enhanced_market_data",
            "symbol_scores",
            "orders",
            "trades",
            "positions",
            "performance_metrics",
            "schema_migrations",
        }
    finally:
        await database.close()


async def _duplicates_are(stub, count: int) -> bool:  # type: ignore[no-untyped-def]
    stats = await stub.Stats(eventstore_pb2.EventStatsRequest())
    return stats.duplicates_since_start == count


async def test_events_past_retention_are_deleted(eventstore, bus) -> None:  # type: ignore[no-untyped-def]
    publisher = Publisher(bus, source="test")
    subject = subjects.signals("momentum")
    old = new_event(
        signals_pb2.SignalsGenerated(),
        subject=subject,
        source="t",
        time=datetime.now(UTC) - timedelta(days=3),
    )
    recent = new_event(signals_pb2.SignalsGenerated(), subject=subject, source="t")
    await publisher.publish(old)
    await publisher.publish(recent)
    config = TEST_CONFIG.model_copy(update={"retention_days": 1, "retention_check_seconds": 0.2})
    async with (
        eventstore(config) as host,
        grpc.aio.insecure_channel(f"127.0.0.1:{host.grpc_port}") as channel,
    ):
        stub = eventstore_pb2_grpc.EventStoreServiceStub(channel)

        async def only_recent_left() -> bool:
            events = (await stub.Query(eventstore_pb2.QueryEventsRequest())).events
            return [s.event.id for s in events] == [recent.id]

        await eventually(only_recent_left, what="the three-day-old event to expire")
        stats = await stub.Stats(eventstore_pb2.EventStatsRequest())
        assert stats.retention_days == 1


async def test_metrics_show_ingest_and_bus_counters(eventstore, bus) -> None:  # type: ignore[no-untyped-def]
    await _publish_many(bus, subjects.tickers("binance"), 10)
    async with (
        eventstore() as host,
        grpc.aio.insecure_channel(f"127.0.0.1:{host.grpc_port}") as channel,
    ):
        stub = eventstore_pb2_grpc.EventStoreServiceStub(channel)
        await eventually(lambda: _stored_count_is(stub, 10), what="ten stored events")
        async with aiohttp.ClientSession() as session:
            url = f"http://127.0.0.1:{host.metrics_port}/metrics"
            text = await (await session.get(url)).text()
    names = {line.split("{")[0].split(" ")[0] for line in text.splitlines() if line[:1] != "#"}
    assert {
        "tradeplane_eventstore_stored_total",
        "tradeplane_eventstore_duplicates_total",
        "tradeplane_eventstore_ingest_lag_seconds_bucket",
        "tradeplane_bus_consumed_total",
        "tradeplane_bus_acked_total",
        "tradeplane_bus_consumer_lag",
        "tradeplane_bus_published_total",
    } <= names


async def test_state_over_grpc(eventstore) -> None:  # type: ignore[no-untyped-def]
    universe = eventstore_pb2.STATE_SCOPE_UNIVERSE
    async with (
        eventstore() as host,
        grpc.aio.insecure_channel(f"127.0.0.1:{host.grpc_port}") as channel,
    ):
        state = eventstore_pb2_grpc.StateServiceStub(channel)
        first = await state.PutState(
            eventstore_pb2.PutStateRequest(
                scope=universe, name="majors", document_json='{"top_n": 5}', reason="created"
            )
        )
        second = await state.PutState(
            eventstore_pb2.PutStateRequest(
                scope=universe,
                name="majors",
                document_json='{"top_n": 9}',
                expected_revision=first.revision,
            )
        )
        latest = await state.GetState(eventstore_pb2.GetStateRequest(scope=universe, name="majors"))
        assert (latest.revision, latest.document_json) == (second.revision, '{"top_n": 9}')
        restored = await state.RollbackState(
            eventstore_pb2.RollbackStateRequest(
                scope=universe, name="majors", revision=first.revision, reason="too wide"
            )
        )
        assert (restored.document_json, restored.restored_revision) == (
            '{"top_n": 5}',
            first.revision,
        )
        history = await state.ListStateHistory(
            eventstore_pb2.ListStateHistoryRequest(scope=universe, name="majors")
        )
        assert [v.reason for v in history.versions] == ["created", "", "too wide"]

        failures = [
            (
                state.GetState(eventstore_pb2.GetStateRequest(scope=universe, name="absent")),
                grpc.StatusCode.NOT_FOUND,
            ),
            (
                state.PutState(
                    eventstore_pb2.PutStateRequest(
                        scope=universe,
                        name="majors",
                        document_json="{}",
                        expected_revision=first.revision,
                    )
                ),
                grpc.StatusCode.ABORTED,
            ),
            (
                state.PutState(
                    eventstore_pb2.PutStateRequest(
                        scope=universe, name="majors", document_json="{not json"
                    )
                ),
                grpc.StatusCode.INVALID_ARGUMENT,
            ),
            (
                state.GetState(eventstore_pb2.GetStateRequest(name="majors")),
                grpc.StatusCode.INVALID_ARGUMENT,
            ),
            (
                state.GetState(eventstore_pb2.GetStateRequest(scope=universe, name="a.b")),
                grpc.StatusCode.INVALID_ARGUMENT,
            ),
        ]
        for call, code in failures:
            with pytest.raises(grpc.aio.AioRpcError) as raised:
                await call
            assert raised.value.code() is code, raised.value.details()
