"""`MarketDataService`: wires NATS, PostgreSQL, one `ExchangeFeed` per exchange and the
gRPC servicer; starts them in order and stops them in reverse."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping, Sequence

from tradeplane.bus import BusConnection, Publisher, ensure_streams, subjects
from tradeplane.bus.connection import redact_url
from tradeplane.runtime.configured import ConfiguredService
from tradeplane.runtime.service import GrpcBinding, ServiceContext
from tradeplane.services.marketdata.config import MarketDataConfig
from tradeplane.services.marketdata.feed import ExchangeFeed
from tradeplane.services.marketdata.publishing import Outbox
from tradeplane.services.marketdata.recording import SnapshotRecorder
from tradeplane.services.marketdata.servicer import MarketDataServicer
from tradeplane.store import Database
from tradeplane.store.database import redact_dsn
from tradeplane.v1 import marketdata_service_pb2, marketdata_service_pb2_grpc

logger = logging.getLogger(__name__)

SERVICE_NAME = marketdata_service_pb2.DESCRIPTOR.services_by_name["MarketDataService"].full_name


class MarketDataService(ConfiguredService):
    """Ingests each configured exchange, publishes frames, snapshots tickers and serves
    MarketDataService. Configuration: `settings.bus` and `settings.marketdata`, unless
    `with_config(...)` binds explicit models (tests, embedding)."""

    name = "marketdata"
    config_model = MarketDataConfig
    config: MarketDataConfig

    def __init__(self, context: ServiceContext) -> None:
        super().__init__(context)
        self.connection: BusConnection | None = None
        self.outbox: Outbox | None = None
        self.recorder: SnapshotRecorder | None = None
        self.feeds: dict[str, ExchangeFeed] = {}
        self._bindings: Sequence[GrpcBinding] = ()

    async def start(self) -> None:
        settings = self.context.settings
        self.connection = await BusConnection.connect(settings.nats.url, self.bus.connection)
        await ensure_streams(self.connection.jetstream, self.bus, [subjects.MARKET])
        self.outbox = Outbox(
            Publisher(self.connection, self.bus.publisher, source=self.name),
            size=self.config.outbox_size,
        )
        self.outbox.start()
        if self.config.snapshots.enabled:
            database = Database(
                settings.postgres.dsn, max_size=self.config.snapshots.database_pool_size
            )
            await database.connect()
            self.recorder = SnapshotRecorder(database)
        for feed_config in self.config.exchanges:
            feed = await ExchangeFeed.open(
                feed_config,
                self.config,
                jetstream=self.connection.jetstream,
                kv_settings=self.bus.buckets.cache,
                outbox=self.outbox,
                recorder=self.recorder,
            )
            self.feeds[feed.label] = feed
            feed.start()
        ready = await asyncio.gather(
            *(feed.wait_ready(self.config.startup_wait_seconds) for feed in self.feeds.values())
        )
        for feed, is_ready in zip(self.feeds.values(), ready, strict=True):
            if not is_ready:
                logger.warning(
                    "exchange not ready in time; going on in the background",
                    extra={"exchange": feed.label},
                )
        servicer = MarketDataServicer(self.feeds)
        self._bindings = (
            GrpcBinding(
                full_name=SERVICE_NAME,
                add_to_server=lambda server: (
                    marketdata_service_pb2_grpc.add_MarketDataServiceServicer_to_server(
                        servicer, server
                    )
                ),
            ),
        )

    async def stop(self) -> None:
        """Stop the feeds, publish the frames in hand, close exchanges, database, NATS."""
        timeout = self.config.stop_timeout_seconds
        for feed in self.feeds.values():
            await feed.stop()
        if self.outbox is not None:
            await self.outbox.close(timeout)
        for feed in self.feeds.values():
            await feed.close()
        self.feeds.clear()
        if self.recorder is not None:
            await self.recorder.close(timeout)
        if self.connection is not None:
            await self.connection.close()

    def grpc_bindings(self) -> Sequence[GrpcBinding]:
        return self._bindings

    def backends(self) -> Mapping[str, str]:
        settings = self.context.settings
        found = {"nats": redact_url(settings.nats.url)}
        if self.config.snapshots.enabled:
            found["postgres"] = redact_dsn(settings.postgres.dsn)
        for feed in self.config.exchanges:
            found[f"exchange/{feed.label}"] = feed.exchange.exchange_id
        return found
