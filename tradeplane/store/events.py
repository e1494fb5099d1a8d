"""The `events` table: idempotent batched writes (COPY), filtered reads, stats, retention.

Rows are plain tuples (`EventRecord`, `StoredEvent`), so this module knows nothing of
protobuf or NATS; the event store service maps envelopes to records.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from tradeplane.store.database import Database
from tradeplane.store.errors import mapped_errors


class EventRecord(NamedTuple):
    """One event to store (field order = the COPY column order)."""

    id: str
    type: str
    source: str
    subject: str
    time: datetime
    correlation_id: str
    causation_id: str
    schema_version: int
    payload: bytes
    stream: str
    stream_sequence: int
    published_at: datetime


class StoredEvent(NamedTuple):
    """A stored event: the record plus its place in the store and when it was written."""

    sequence: int
    id: str
    type: str
    source: str
    subject: str
    time: datetime
    correlation_id: str
    causation_id: str
    schema_version: int
    payload: bytes
    stream: str
    stream_sequence: int
    published_at: datetime
    stored_at: datetime


@dataclass(frozen=True)
class EventFilter:
    """Empty fields match everything; `subject` may use NATS wildcards (`*`, `>`)."""

    subject: str = ""
    types: tuple[str, ...] = ()
    since: datetime | None = None
    until: datetime | None = None


@dataclass(frozen=True)
class EventStats:
    total_events: int
    last_sequence: int
    first_event_time: datetime | None
    last_event_time: datetime | None
    by_type: dict[str, int]


_COLUMNS = EventRecord._fields
_STORED_COLUMNS = ", ".join(StoredEvent._fields)
_STAGING = "events_incoming"
_CREATE_STAGING = f"""
CREATE TEMP TABLE IF NOT EXISTS {_STAGING} (
    ordinal integer, id text, type text, source text, subject text, time timestamptz,
    correlation_id text, causation_id text, schema_version integer, payload bytea,
    stream text, stream_sequence bigint, published_at timestamptz
) ON COMMIT DELETE ROWS
"""
_INSERT_FROM_STAGING = f"""
INSERT INTO events ({", ".join(_COLUMNS)})
SELECT {", ".join(_COLUMNS)} FROM {_STAGING} ORDER BY ordinal
ON CONFLICT (id) DO NOTHING
"""


async def write_events(database: Database, records: Sequence[EventRecord]) -> int:
    """Store `records` in their order, skipping ids already stored; returns rows added.

    One transaction: COPY into a session-local staging table, then one INSERT that skips
    conflicts, so redeliveries and duplicates never make a second row.
    """
    if not records:
        return 0
    rows = [(ordinal, *record) for ordinal, record in enumerate(records)]
    async with (
        mapped_errors(database.dsn, f"store {len(records)} events"),
        database.pool.acquire() as connection,
        connection.transaction(),
    ):
        await connection.execute(_CREATE_STAGING)
        await connection.copy_records_to_table(
            _STAGING, records=rows, columns=("ordinal", *_COLUMNS)
        )
        status = await connection.execute(_INSERT_FROM_STAGING)
    return int(status.rsplit(" ", 1)[1])  # "INSERT 0 <rows>"


def subject_condition(pattern: str, parameter: int) -> tuple[str, list[str]]:
    """SQL matching a NATS subject pattern, and its arguments (pure).

    An exact subject is an equality; a wildcard pattern is an indexable prefix LIKE plus
    a regular expression for the exact token rules (`*` one token, `>` the rest).
    """
    if "*" not in pattern and ">" not in pattern:
        return f"subject = ${parameter}", [pattern]
    tokens = pattern.split(".")
    literal: list[str] = []
    for part in tokens:
        if part in ("*", ">"):
            break
        literal.append(part)
    prefix = ".".join(literal) + ("." if literal else "")
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    regex_parts = ["[^.]+" if t == "*" else ".+" if t == ">" else re.escape(t) for t in tokens]
    regex = "^" + r"\.".join(regex_parts) + "$"
    return (
        f"subject LIKE ${parameter} AND subject ~ ${parameter + 1}",
        [escaped + "%", regex],
    )


def _where(event_filter: EventFilter, after_sequence: int) -> tuple[str, list[Any]]:
    conditions: list[str] = ["sequence > $1"]
    arguments: list[Any] = [after_sequence]
    if event_filter.subject:
        condition, values = subject_condition(event_filter.subject, len(arguments) + 1)
        conditions.append(condition)
        arguments.extend(values)
    if event_filter.types:
        arguments.append(list(event_filter.types))
        conditions.append(f"type = ANY(${len(arguments)})")
    if event_filter.since is not None:
        arguments.append(event_filter.since)
        conditions.append(f"time >= ${len(arguments)}")
    if event_filter.until is not None:
        arguments.append(event_filter.until)
        conditions.append(f"time < ${len(arguments)}")
    return " AND ".join(conditions), arguments


async def read_events(
    database: Database,
    event_filter: EventFilter = EventFilter(),
    *,
    after_sequence: int = 0,
    limit: int = 1000,
) -> list[StoredEvent]:
    """Up to `limit` events matching the filter with sequence > `after_sequence`, in order."""
    where, arguments = _where(event_filter, after_sequence)
    arguments.append(limit)
    query = (
        f"SELECT {_STORED_COLUMNS} FROM events WHERE {where} "
        f"ORDER BY sequence LIMIT ${len(arguments)}"
    )
    async with mapped_errors(database.dsn, "read events"):
        rows = await database.pool.fetch(query, *arguments)
    return [StoredEvent(*row) for row in rows]


async def event_stats(database: Database) -> EventStats:
    async with (
        mapped_errors(database.dsn, "compute event stats"),
        database.pool.acquire() as connection,
    ):
        summary = await connection.fetchrow(
            "SELECT count(*) AS total, coalesce(max(sequence), 0) AS last_sequence, "
            "min(time) AS first_time, max(time) AS last_time FROM events"
        )
        types = await connection.fetch(
            "SELECT type, count(*) AS count FROM events GROUP BY type ORDER BY count DESC"
        )
    assert summary is not None
    return EventStats(
        total_events=summary["total"],
        last_sequence=summary["last_sequence"],
        first_event_time=summary["first_time"],
        last_event_time=summary["last_time"],
        by_type={row["type"]: row["count"] for row in types},
    )


async def delete_events_before(
    database: Database, cutoff: datetime, *, batch_size: int = 10_000
) -> int:
    """Delete events whose time is before `cutoff`, in batches; returns how many."""
    deleted = 0
    async with mapped_errors(database.dsn, "delete expired events"):
        while True:
            status = await database.pool.execute(
                "DELETE FROM events WHERE sequence IN "
                "(SELECT sequence FROM events WHERE time < $1 LIMIT $2)",
                cutoff,
                batch_size,
            )
            count = int(status.rsplit(" ", 1)[1])
            deleted += count
            if count < batch_size:
                return deleted
