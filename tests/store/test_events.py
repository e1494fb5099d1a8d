"""The events table: idempotent COPY writes in order, filters, paging, stats, retention."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from importlib.resources import files

import pytest

from tradeplane.store.database import Database
from tradeplane.store.events import (
    EventFilter,
    EventRecord,
    delete_events_before,
    event_stats,
    read_events,
    subject_condition,
    write_events,
)
from tradeplane.store.migrations import apply_migrations, load_migrations

T0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
async def events_database(database: Database) -> Database:
    migrations = load_migrations(files("tradeplane.services.eventstore") / "migrations")
    await apply_migrations(database, "eventstore", migrations)
    return database


def record(number: int, subject: str = "md.binance.tickers", **changes: object) -> EventRecord:
    base = EventRecord(
        id=f"01J{number:023d}",
        type="tradeplane.v1.TickerFrame",
        source="test",
        subject=subject,
        time=T0 + timedelta(seconds=number),
        correlation_id="c",
        causation_id="",
        schema_version=1,
        payload=bytes([number % 256]),
        stream="MARKET",
        stream_sequence=number,
        published_at=T0 + timedelta(seconds=number),
    )
    return base._replace(**changes)  # type: ignore[arg-type]


async def test_writes_keep_order_and_never_store_an_id_twice(events_database: Database) -> None:
    first = [record(n) for n in range(1, 6)]
    assert await write_events(events_database, first) == 5
    again = [record(4), record(6), record(6), record(5), record(7)]  # redelivered + duplicate
    assert await write_events(events_database, again) == 2
    stored = await read_events(events_database)
    assert [e.id for e in stored] == [r.id for r in first] + [record(6).id, record(7).id]
    assert [e.sequence for e in stored] == sorted(e.sequence for e in stored)
    assert stored[0].payload == bytes([1]) and stored[0].time == T0 + timedelta(seconds=1)
    assert all(e.stored_at >= e.published_at for e in stored)
    assert await write_events(events_database, []) == 0


async def test_filters_by_subject_pattern_type_time_and_pages_by_sequence(
    events_database: Database,
) -> None:
    rows = [
        record(1, "md.binance.tickers"),
        record(2, "md.binance.candles.5m"),
        record(3, "md.kraken.tickers"),
        record(4, "exec.s1.evt.filled", type="tradeplane.v1.OrderFilled", stream="EXEC"),
        record(5, "exec.s_1.evt.filled", type="tradeplane.v1.OrderFilled", stream="EXEC"),
        record(6, "md.binance.tickers"),
    ]
    await write_events(events_database, rows)

    async def ids(event_filter: EventFilter, **paging: int) -> list[int]:
        found = await read_events(events_database, event_filter, **paging)
        return [int(event.id[3:]) for event in found]

    assert await ids(EventFilter(subject="md.binance.tickers")) == [1, 6]
    assert await ids(EventFilter(subject="md.*.tickers")) == [1, 3, 6]
    assert await ids(EventFilter(subject="md.binance.>")) == [1, 2, 6]
    assert await ids(EventFilter(subject=">")) == [1, 2, 3, 4, 5, 6]
    assert await ids(EventFilter(subject="exec.s1.>")) == [4]  # '_' is not a LIKE wildcard
    assert await ids(EventFilter(types=("tradeplane.v1.OrderFilled",))) == [4, 5]
    window = EventFilter(since=T0 + timedelta(seconds=2), until=T0 + timedelta(seconds=4))
    assert await ids(window) == [2, 3]
    first_page = await read_events(events_database, limit=4)
    assert await ids(EventFilter(), after_sequence=first_page[-1].sequence) == [5, 6]


def test_subject_patterns_become_an_indexable_prefix_and_an_exact_expression() -> None:
    assert subject_condition("md.binance.tickers", 2) == ("subject = $2", ["md.binance.tickers"])
    sql, arguments = subject_condition("exec.s_1.*.>", 1)
    assert sql == "subject LIKE $1 AND subject ~ $2"
    assert arguments == ["exec.s\\_1.%", r"^exec\.s_1\.[^.]+\..+$"]


async def test_stats_and_retention(events_database: Database) -> None:
    await write_events(
        events_database,
        [record(n) for n in range(1, 5)] + [record(9, type="tradeplane.v1.OrderFilled")],
    )
    stats = await event_stats(events_database)
    assert stats.total_events == 5
    assert stats.by_type == {"tradeplane.v1.TickerFrame": 4, "tradeplane.v1.OrderFilled": 1}
    assert (stats.first_event_time, stats.last_event_time) == (
        T0 + timedelta(seconds=1),
        T0 + timedelta(seconds=9),
    )
    deleted = await delete_events_before(events_database, T0 + timedelta(seconds=3), batch_size=1)
    assert deleted == 2
    assert [e.stream_sequence for e in await read_events(events_database)] == [3, 4, 9]


async def test_a_stopped_server_is_reported_as_unavailable_not_as_a_bug(private_tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tradeplane.infra.postgres import PostgresServer
    from tradeplane.store.database import StoreUnavailable

    server = PostgresServer(private_tmp_path / "postgres")
    database = Database(server.start().dsn, max_size=2)
    await database.connect()
    try:
        migrations = load_migrations(files("tradeplane.services.eventstore") / "migrations")
        await apply_migrations(database, "eventstore", migrations)
        assert await write_events(database, [record(1)]) == 1
        server.stop()
        with pytest.raises(StoreUnavailable, match="unavailable while trying to store 1 events"):
            await write_events(database, [record(2)])
        server.start()
        assert await write_events(database, [record(2)]) == 1  # the pool reconnects
    finally:
        await database.close()
        server.stop()
