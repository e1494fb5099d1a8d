"""The bus's configuration section (`settings.bus`): connection, streams, buckets,
publisher and consumer behaviour. Every field has a safe single-node default."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ConnectionSettings(_Section):
    name: str = Field("tradeplane", description="Client name shown by the NATS monitor.")
    connect_timeout_seconds: float = Field(2.0, gt=0, description="One connection attempt.")
    initial_connect_deadline_seconds: float = Field(
        30.0, gt=0, description="Keep retrying the first connection this long, with backoff."
    )
    reconnect_wait_seconds: float = Field(
        0.5, gt=0, description="Pause between reconnection attempts after a disconnect."
    )
    max_reconnect_attempts: int = Field(-1, description="-1 reconnects forever.")
    request_timeout_seconds: float = Field(
        5.0, gt=0, description="JetStream API calls (stream and consumer management)."
    )
    drain_timeout_seconds: float = Field(10.0, gt=0, description="Graceful drain on close.")


class StreamSettings(_Section):
    retention: Literal["limits", "interest", "workqueue"] = Field(
        "limits", description="JetStream retention policy."
    )
    storage: Literal["file", "memory"] = Field("file", description="Cannot change in place.")
    replicas: int = Field(1, ge=1, le=5, description="Copies kept by a clustered NATS.")
    max_age_seconds: float = Field(
        7 * 24 * 3600, ge=0, description="Messages older than this are removed; 0 keeps all."
    )
    max_bytes: int = Field(-1, ge=-1, description="Size limit of the stream; -1 unlimited.")
    duplicate_window_seconds: float = Field(
        120.0, gt=0, description="Publishes with a Nats-Msg-Id seen within this are dropped."
    )


class StreamsSettings(_Section):
    """One entry per stream named in `tradeplane.bus.subjects` (lower-case)."""

    market: StreamSettings = StreamSettings(max_age_seconds=24 * 3600)
    indicators: StreamSettings = StreamSettings(max_age_seconds=24 * 3600)
    screen: StreamSettings = StreamSettings()
    signals: StreamSettings = StreamSettings()
    exec: StreamSettings = StreamSettings(max_age_seconds=30 * 24 * 3600)
    dlq: StreamSettings = StreamSettings(max_age_seconds=30 * 24 * 3600)


class KeyValueSettings(_Section):
    history: int = Field(1, ge=1, le=64, description="Versions kept per key (JetStream max 64).")
    ttl_seconds: float = Field(0.0, ge=0, description="Entries expire after this; 0 never.")
    storage: Literal["file", "memory"] = "file"
    replicas: int = Field(1, ge=1, le=5)


class BucketsSettings(_Section):
    state: KeyValueSettings = KeyValueSettings(history=64)
    cache: KeyValueSettings = KeyValueSettings(history=1, ttl_seconds=300.0)


class PublisherSettings(_Section):
    ack_timeout_seconds: float = Field(
        2.0, gt=0, description="Wait this long for JetStream's publish ack before retrying."
    )
    max_attempts: int = Field(
        30, ge=1, description="Give up (BusUnavailable) after this many unacknowledged tries."
    )
    retry_backoff_seconds: float = Field(0.1, gt=0, description="First pause between tries.")
    retry_backoff_max_seconds: float = Field(2.0, gt=0, description="Longest pause.")


class ConsumerSettings(_Section):
    batch_size: int = Field(500, ge=1, le=10_000, description="Messages per fetch.")
    fetch_timeout_seconds: float = Field(
        1.0, gt=0, description="Longest wait for a fetch when the stream is idle."
    )
    ack_wait_seconds: float = Field(
        30.0, gt=0, description="Unacknowledged messages are redelivered after this."
    )
    max_deliver: int = Field(
        5, ge=1, description="Deliveries before a failing message moves to the DLQ stream."
    )
    nak_backoff_seconds: tuple[float, ...] = Field(
        (1.0, 5.0, 15.0, 30.0),
        min_length=1,
        description="Redelivery delay after the 1st, 2nd, ... failure (last one repeats).",
    )
    max_ack_pending: int = Field(20_000, ge=1, description="Unacknowledged messages in flight.")
    temporary_failure_backoff_max_seconds: float = Field(
        5.0, gt=0, description="Longest pause between retries while a dependency is down."
    )
    ordered: bool = Field(
        False,
        description="Keep stream order across failures: one active instance per durable; "
        "lost deliveries rewind the consumer to its ack floor (nats-server >= 2.14); failed "
        "batches are retried in place, then dead-lettered, never handed back out of order.",
    )


class BusConfig(_Section):
    connection: ConnectionSettings = ConnectionSettings()
    streams: StreamsSettings = StreamsSettings()
    buckets: BucketsSettings = BucketsSettings()
    publisher: PublisherSettings = PublisherSettings()
    consumer: ConsumerSettings = ConsumerSettings()

    def stream(self, name: str) -> StreamSettings:
        """The settings of stream `name` (e.g. "MARKET")."""
        return getattr(self.streams, name.lower())  # type: ignore[no-any-return]
