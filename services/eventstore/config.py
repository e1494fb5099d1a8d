"""The event store's configuration (`settings.eventstore`)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from tradeplane.bus import subjects
from tradeplane.bus.config import ConsumerSettings


class EventStoreConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    durable_name: str = Field("eventstore", description="Durable consumer name on each stream.")
    streams: tuple[str, ...] = Field(
        tuple(spec.name for spec in subjects.EVENT_STREAMS),
        description="Streams recorded; default every event stream (all but DLQ).",
    )
    consumer: ConsumerSettings = Field(
        ConsumerSettings(batch_size=1000, max_ack_pending=50_000, ordered=True),
        description="Fetch batch, ack wait, redelivery and DLQ settings of the consumers.",
    )
    retention_days: float = Field(
        90.0, ge=0, description="Delete events older than this (by event time); 0 keeps all."
    )
    retention_check_seconds: float = Field(3600.0, gt=0, description="How often to delete.")
    follow_poll_seconds: float = Field(
        0.2, gt=0, description="How often a following Replay looks for new events."
    )
    database_pool_size: int = Field(4, ge=2, le=100, description="PostgreSQL connections.")

    def stream_specs(self) -> tuple[subjects.StreamSpec, ...]:
        by_name = {spec.name: spec for spec in subjects.ALL_STREAMS}
        unknown = [name for name in self.streams if name not in by_name]
        if unknown:
            raise ValueError(
                f"eventstore.streams names unknown streams {unknown}; known: {', '.join(by_name)}"
            )
        return tuple(by_name[name] for name in self.streams)
