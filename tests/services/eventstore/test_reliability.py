"""Fault injection on real servers: every acknowledged event is stored exactly once, in
publish order per subject, while NATS, PostgreSQL or the event store itself fails.

The 10k runs are part of `make test`; the 100k runs are marked `reliability`
(`make test-reliability`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

import pytest

from tests.bus.helpers import eventually, read_stream
from tradeplane.bus import subjects
from tradeplane.bus.config import BusConfig, PublisherSettings
from tradeplane.bus.connection import BusConnection
from tradeplane.bus.provisioning import ensure_streams
from tradeplane.bus.publisher import Publisher
from tradeplane.bus.subjects import EVENT_STREAMS
from tradeplane.infra.nats import NatsServer
from tradeplane.infra.postgres import PostgresServer
from tradeplane.store.database import Database
from tradeplane.v1 import marketdata_pb2

SIZES = [
    pytest.param(10_000, id="10k"),
    pytest.param(100_000, id="100k", marks=pytest.mark.reliability),
]
SUBJECTS = [
    subjects.tickers("binance"),
    subjects.tickers("kraken"),
    subjects.candles("binance", "5m"),
    subjects.indicators("majors", "5m"),
    subjects.selection("majors"),
    subjects.signals("momentum"),
    subjects.order_command("momentum", "submit"),
    subjects.order_event("momentum", "filled"),
]
POISON = b"\xff\xfe\xfd this is not an envelope"


@pytest.fixture
def private_postgres(private_tmp_path: Path) -> Iterator[PostgresServer]:
    server = PostgresServer(private_tmp_path / "postgres")
    server.start()
    yield server
    server.stop()


class Traffic:
    """Publishes `total` events over SUBJECTS, each subject in order, one poison message
    halfway; remembers what JetStream acknowledged, per subject, in order."""

    def __init__(self, connection: BusConnection, total: int) -> None:
        self.connection = connection
        self.publisher = Publisher(
            connection,
            PublisherSettings(ack_timeout_seconds=2, max_attempts=60),
            source="reliability",
        )
        self.total = total
        self.acknowledged: dict[str, list[str]] = {subject: [] for subject in SUBJECTS}
        self.count = 0

    async def publish(self) -> None:
        share = self.total // len(SUBJECTS)

        async def one_subject(subject: str) -> None:
            for index in range(share):
                frame = marketdata_pb2.TickerFrame(exchange="x", symbols=["A"], last=[index])
                event = await self.publisher.publish_payload(frame, subject=subject)
                self.acknowledged[subject].append(event.id)
                self.count += 1
                if subject == SUBJECTS[0] and index == share // 2:
                    await self.connection.jetstream.publish(
                        subject, POISON, headers={"Nats-Msg-Id": "poison"}
                    )

        await asyncio.gather(*(one_subject(subject) for subject in SUBJECTS))

    async def reached(self, fraction: float) -> None:
        await eventually(
            lambda: self.count >= self.total * fraction,
            timeout=120,
            what=f"{fraction:.0%} of the events published",
        )


async def run_with_fault(
    *,
    total: int,
    nats_server: NatsServer,
    dsn: str,
    start_store: Callable[[], Awaitable[None]],
    fault: Callable[[], Awaitable[None]],
) -> None:
    connection = await BusConnection.connect(nats_server.start().url)
    await ensure_streams(connection.jetstream, BusConfig())
    await start_store()
    traffic = Traffic(connection, total)
    publishing = asyncio.create_task(traffic.publish())
    await traffic.reached(0.3)
    await fault()
    await publishing
    await verify(connection, dsn, traffic)
    await connection.close()


async def verify(connection: BusConnection, dsn: str, traffic: Traffic) -> None:
    expected = sum(len(ids) for ids in traffic.acknowledged.values())
    assert expected == traffic.total // len(SUBJECTS) * len(SUBJECTS)  # none given up
    database = Database(dsn)
    await database.connect()
    try:
        await eventually(
            lambda: _count_reached(database, expected),
            timeout=180,
            interval=0.5,
            what=f"{expected} stored events",
        )
        rows = await database.fetch("SELECT id, subject FROM events ORDER BY sequence")
    finally:
        await database.close()
    assert len(rows) == expected
    stored_by_subject: dict[str, list[str]] = {subject: [] for subject in SUBJECTS}
    for row in rows:
        stored_by_subject[row["subject"]].append(row["id"])
    # Exactly once (same ids, none twice) and in publish order, subject by subject.
    assert stored_by_subject == traffic.acknowledged
    letters = await read_stream(connection, "DLQ", "dlq.MARKET.eventstore")
    assert [letter.data for letter in letters] == [POISON]
    assert (
        letters[0].headers["Tradeplane-Dlq-Reason"].startswith("not a tradeplane.v1.Event envelope")
    )


async def _count_reached(database: Database, expected: int) -> bool:
    return await database.fetchval("SELECT count(*) FROM events") >= expected


@pytest.mark.parametrize("total", SIZES)
async def test_nats_killed_mid_stream_and_restarted_on_its_storage(
    total: int, private_nats: NatsServer, private_postgres: PostgresServer, eventstore_process
) -> None:  # type: ignore[no-untyped-def]
    dsn = private_postgres.start().dsn
    store = eventstore_process(nats_url=private_nats.start().url, dsn=dsn)

    async def kill_nats() -> None:
        private_nats.kill()
        await asyncio.sleep(1.0)
        await asyncio.to_thread(private_nats.start)

    await run_with_fault(
        total=total,
        nats_server=private_nats,
        dsn=dsn,
        start_store=lambda: asyncio.to_thread(store.start),
        fault=kill_nats,
    )


@pytest.mark.parametrize("total", SIZES)
async def test_postgres_stopped_for_ten_seconds(
    total: int, private_nats: NatsServer, private_postgres: PostgresServer, eventstore_process
) -> None:  # type: ignore[no-untyped-def]
    dsn = private_postgres.start().dsn
    store = eventstore_process(nats_url=private_nats.start().url, dsn=dsn)

    async def stop_postgres() -> None:
        await asyncio.to_thread(private_postgres.stop)
        await asyncio.sleep(10)
        await asyncio.to_thread(private_postgres.start)

    await run_with_fault(
        total=total,
        nats_server=private_nats,
        dsn=dsn,
        start_store=lambda: asyncio.to_thread(store.start),
        fault=stop_postgres,
    )


@pytest.mark.parametrize("total", SIZES)
async def test_event_store_process_killed_and_restarted(
    total: int, private_nats: NatsServer, private_postgres: PostgresServer, eventstore_process
) -> None:  # type: ignore[no-untyped-def]
    dsn = private_postgres.start().dsn
    store = eventstore_process(nats_url=private_nats.start().url, dsn=dsn)

    async def kill_store() -> None:
        # Kill it while it holds deliveries it has not acknowledged yet.
        watcher = await BusConnection.connect(private_nats.start().url)

        async def holds_deliveries() -> bool:
            infos = [
                await watcher.jetstream.consumer_info(spec.name, "eventstore")
                for spec in EVENT_STREAMS
            ]
            return any(info.num_ack_pending for info in infos)

        await eventually(holds_deliveries, interval=0.002, what="deliveries in flight")
        store.kill()
        await watcher.close()
        await asyncio.sleep(1.0)
        await asyncio.to_thread(store.start)

    await run_with_fault(
        total=total,
        nats_server=private_nats,
        dsn=dsn,
        start_store=lambda: asyncio.to_thread(store.start),
        fault=kill_store,
    )
