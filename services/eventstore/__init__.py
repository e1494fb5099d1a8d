"""The event store service: records every event on the bus in PostgreSQL (once each),
serves queries and replays over gRPC, and keeps versioned universe and strategy state."""

from tradeplane.services.eventstore.service import EventStoreService

__all__ = ["EventStoreService"]
