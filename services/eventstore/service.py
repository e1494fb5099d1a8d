"""`EventStoreService`: wires PostgreSQL, the bus consumers, retention and the servicers."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Mapping, Sequence
from importlib.resources import files

from tradeplane.bus import subjects
from tradeplane.bus.connection import BusConnection, redact_url
from tradeplane.bus.consumer import PullConsumer
from tradeplane.bus.provisioning import ensure_streams
from tradeplane.bus.state import StateStore
from tradeplane.runtime.configured import ConfiguredService
from tradeplane.runtime.service import GrpcBinding, ServiceContext
from tradeplane.services.eventstore.config import EventStoreConfig
from tradeplane.services.eventstore.ingest import Recorder
from tradeplane.services.eventstore.retention import run_retention
from tradeplane.services.eventstore.servicer import EventStoreServicer, StateServicer
from tradeplane.store.database import Database, redact_dsn
from tradeplane.store.migrations import Migration, apply_migrations, load_migrations
from tradeplane.v1 import eventstore_pb2, eventstore_pb2_grpc

logger = logging.getLogger(__name__)

COMPONENT = "eventstore"


def migrations() -> list[Migration]:
    """The event store's SQL migrations, shipped inside this package."""
    return load_migrations(files(__package__) / "migrations")


class EventStoreService(ConfiguredService):
    """Records every event stream into PostgreSQL and serves EventStoreService and
    StateService. Configuration: `settings.bus` and `settings.eventstore`, unless
    `with_config(...)` binds explicit models (tests, embedding)."""

    name = "eventstore"
    config_model = EventStoreConfig
    config: EventStoreConfig

    def __init__(self, context: ServiceContext) -> None:
        super().__init__(context)
        settings = context.settings
        self.streams = self.config.stream_specs()
        self.database = Database(settings.postgres.dsn, max_size=self.config.database_pool_size)
        self.connection: BusConnection | None = None
        self.recorder = Recorder(self.database)
        self.consumers: list[PullConsumer] = []
        self._retention: asyncio.Task[None] | None = None
        self._bindings: Sequence[GrpcBinding] = ()

    async def start(self) -> None:
        await self.database.connect()
        applied = await apply_migrations(self.database, COMPONENT, migrations())
        logger.info("schema ready", extra={"applied": [m.version for m in applied]})
        self.connection = await BusConnection.connect(
            self.context.settings.nats.url, self.bus.connection
        )
        await ensure_streams(self.connection.jetstream, self.bus)
        state = await StateStore.open(self.connection, self.bus.buckets.state)
        for spec in self.streams:
            consumer = PullConsumer(
                self.connection,
                stream=spec,
                durable=self.config.durable_name,
                handler=self.recorder.handler_for(spec.name),
                settings=self.config.consumer,
            )
            await consumer.start()
            self.consumers.append(consumer)
        self._retention = asyncio.create_task(
            run_retention(
                self.database, self.config.retention_days, self.config.retention_check_seconds
            )
        )
        events = EventStoreServicer(self.database, self.config, live_figures=self.live_figures)
        states = StateServicer(state)
        self._bindings = (
            GrpcBinding(
                full_name=eventstore_pb2.DESCRIPTOR.services_by_name["EventStoreService"].full_name,
                add_to_server=lambda server: (
                    eventstore_pb2_grpc.add_EventStoreServiceServicer_to_server(events, server)
                ),
            ),
            GrpcBinding(
                full_name=eventstore_pb2.DESCRIPTOR.services_by_name["StateService"].full_name,
                add_to_server=lambda server: eventstore_pb2_grpc.add_StateServiceServicer_to_server(
                    states, server
                ),
            ),
        )

    async def stop(self) -> None:
        """Finish and acknowledge the batches in hand, then close NATS and PostgreSQL."""
        for consumer in self.consumers:
            await consumer.stop()
        self.consumers.clear()
        if self._retention is not None:
            self._retention.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._retention
        if self.connection is not None:
            await self.connection.close()
        await self.database.close()

    def grpc_bindings(self) -> Sequence[GrpcBinding]:
        return self._bindings

    def backends(self) -> Mapping[str, str]:
        return {
            "nats": redact_url(self.context.settings.nats.url),
            "postgres": redact_dsn(self.context.settings.postgres.dsn),
        }

    async def live_figures(self) -> eventstore_pb2.EventStatsResponse:
        """What Stats reports beyond the table: consumer lag, DLQ depth, this run's counts."""
        response = eventstore_pb2.EventStatsResponse(
            stored_since_start=self.recorder.stored,
            duplicates_since_start=self.recorder.duplicates,
        )
        if self.connection is None:
            return response
        for consumer in self.consumers:
            info = await consumer.info()
            response.consumers.add(
                stream=consumer.stream.name,
                consumer=consumer.durable,
                pending=info.num_pending or 0,
                ack_pending=info.num_ack_pending or 0,
                redelivered=info.num_redelivered or 0,
            )
        response.dead_letters = await self.connection.stream_messages(subjects.DLQ.name)
        return response
