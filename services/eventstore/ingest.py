"""Recording consumed events: envelope to row, one writer, idempotent batches, metrics."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence
from datetime import UTC, datetime

import prometheus_client

from tradeplane.bus.delivery import Delivery, Verdict
from tradeplane.bus.envelope import decode_payload, payload_class
from tradeplane.bus.errors import UndecodableEvent
from tradeplane.store.database import Database, StoreError
from tradeplane.store.events import EventRecord, write_events

logger = logging.getLogger(__name__)

STORED = prometheus_client.Counter(
    "tradeplane_eventstore_stored_total", "Events written to PostgreSQL.", ["stream"]
)
DUPLICATES = prometheus_client.Counter(
    "tradeplane_eventstore_duplicates_total",
    "Events skipped because their id was already stored (redeliveries, retried publishes).",
    ["stream"],
)
WRITE_SECONDS = prometheus_client.Histogram(
    "tradeplane_eventstore_write_seconds",
    "Time to write one batch to PostgreSQL.",
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
)
INGEST_LAG_SECONDS = prometheus_client.Histogram(
    "tradeplane_eventstore_ingest_lag_seconds",
    "Time from JetStream storing an event to PostgreSQL storing it.",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
)


def to_record(delivery: Delivery, stream: str) -> EventRecord:
    """The row for a delivered event (pure). Payloads of types this process knows must
    decode; unknown types (from newer producers) are stored as they are."""
    event = delivery.event
    if payload_class(event.type) is not None:
        decode_payload(event)  # raises UndecodableEvent
    time_of_event = (
        event.time.ToDatetime(tzinfo=UTC) if event.HasField("time") else delivery.published_at
    )
    return EventRecord(
        id=event.id,
        type=event.type,
        source=event.source,
        subject=delivery.subject,  # where it was actually published
        time=time_of_event,
        correlation_id=event.correlation_id,
        causation_id=event.causation_id,
        schema_version=event.schema_version,
        payload=event.payload,
        stream=stream,
        stream_sequence=delivery.stream_sequence,
        published_at=delivery.published_at,
    )


class Recorder:
    """Turns batches of deliveries into rows and writes them, one batch at a time.

    One writer for every stream keeps the store's sequence in commit order, so readers
    that follow the store by sequence never skip a row committed late.
    """

    def __init__(self, database: Database) -> None:
        self.database = database
        self.stored = 0
        self.duplicates = 0
        self._write_lock = asyncio.Lock()

    def handler_for(self, stream: str):  # type: ignore[no-untyped-def]
        async def handle(deliveries: Sequence[Delivery]) -> None:
            await self.record(stream, deliveries)

        return handle

    async def record(self, stream: str, deliveries: Sequence[Delivery]) -> None:
        records, recorded = [], []
        for delivery in deliveries:
            try:
                records.append(to_record(delivery, stream))
                recorded.append(delivery)
            except UndecodableEvent as error:
                delivery.dead_letter(str(error))
        deliveries = recorded
        async with self._write_lock:
            started = time.perf_counter()
            try:
                added = await write_events(self.database, records)  # StoreUnavailable: retried
            except StoreError as error:  # a row PostgreSQL refuses: find it, keep the rest
                logger.warning("batch refused; writing one by one", extra={"error": str(error)})
                added = await self._write_one_by_one(records, deliveries)
            WRITE_SECONDS.observe(time.perf_counter() - started)
        now = datetime.now(UTC)
        records = [r for r, d in zip(records, deliveries, strict=True) if d.verdict is Verdict.ACK]
        for record in records:
            INGEST_LAG_SECONDS.observe((now - record.published_at).total_seconds())
        self.stored += added
        self.duplicates += len(records) - added
        STORED.labels(stream).inc(added)
        DUPLICATES.labels(stream).inc(len(records) - added)
        if added < len(records):
            logger.info(
                "skipped events already stored",
                extra={"stream": stream, "duplicates": len(records) - added},
            )

    async def _write_one_by_one(
        self, records: Sequence[EventRecord], deliveries: Sequence[Delivery]
    ) -> int:
        """Write each record alone; dead-letter those PostgreSQL refuses (e.g. a NUL byte
        in a text field). Order is kept: records are written in sequence."""
        added = 0
        for record, delivery in zip(records, deliveries, strict=True):
            try:
                added += await write_events(self.database, [record])
            except StoreError as error:
                delivery.dead_letter(f"PostgreSQL refused event {record.id}: {error}")
        return added
