"""`ScreenerService`: consumes market data and indicator frames, runs the pipeline on each
refresh, announces selection changes, publishes results and heartbeats, records scores.

A refresh is requested by a frame of a trigger kind (closed candles and indicator frames
by default); it waits `debounce_seconds` for related frames, then while the consumers
replay a backlog, then up to `catch_up_seconds` for timeframes or symbols still missing
the latest bar. One task runs the refreshes, so runs never overlap; the pipeline itself
runs in a worker thread so the event loop keeps serving.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from tradeplane.bus import BusConnection, BusError, Delivery, Publisher, subjects
from tradeplane.bus.connection import redact_url
from tradeplane.bus.consumer import PullConsumer
from tradeplane.bus.envelope import decode_payload
from tradeplane.bus.errors import UndecodableEvent
from tradeplane.bus.provisioning import ensure_streams
from tradeplane.runtime.configured import ConfiguredService
from tradeplane.runtime.service import GrpcBinding, ServiceContext
from tradeplane.screening import ScreeningError, ScreeningPipeline
from tradeplane.services.screener import messages, metrics
from tradeplane.services.screener.board import Announcement, RunRecord, SelectionBoard
from tradeplane.services.screener.books import Holdings
from tradeplane.services.screener.config import ScreenerConfig
from tradeplane.services.screener.errors import InputsIncomplete, InvalidFrame
from tradeplane.services.screener.logic import (
    assemble,
    compare_selections,
    lagging,
    precomputed_keys,
)
from tradeplane.services.screener.recording import ScoreWriter
from tradeplane.services.screener.servicer import ScreenerServicer
from tradeplane.services.screener.wiring import (
    build_consumers,
    last_announcement,
)
from tradeplane.store import Database
from tradeplane.store.database import redact_dsn
from tradeplane.v1 import screener_service_pb2, screener_service_pb2_grpc

logger = logging.getLogger(__name__)

SERVICE_NAME = screener_service_pb2.DESCRIPTOR.services_by_name["ScreenerService"].full_name
STOP_TIMEOUT_SECONDS = 5.0


class ScreenerService(ConfiguredService):
    """Screens one universe and serves ScreenerService. Configuration: `settings.bus` and
    `settings.screener`, unless `with_config(...)` binds explicit models (tests, embedding)."""

    name = "screener"
    config_model = ScreenerConfig
    config: ScreenerConfig

    def __init__(self, context: ServiceContext) -> None:
        super().__init__(context)
        self.pipeline = ScreeningPipeline(self.config.screening(), backend=self.config.backend)
        self.holdings = Holdings(self.pipeline.timeframes(), capacity=self.config.history_bars)
        self.board = SelectionBoard(
            kept_runs=self.config.kept_runs, queue_size=self.config.stream_queue_size
        )
        self.connection: BusConnection | None = None
        self.publisher: Publisher | None = None
        self.database: Database | None = None
        self.writer: ScoreWriter | None = None
        self.consumers: list[PullConsumer] = []
        self._precomputed: frozenset[tuple[str, str]] = frozenset()
        self._backlog: dict[str, int] = {}  # messages each consumer has yet to deliver
        self._wake = asyncio.Event()  # a refresh was requested
        self._arrived = asyncio.Event()  # a batch of frames was taken in
        self._tasks: list[asyncio.Task[None]] = []
        self._running: asyncio.Task[None] | None = None  # the refresh under way
        self._bindings: Sequence[GrpcBinding] = ()

    # lifecycle

    async def start(self) -> None:
        config, settings = self.config, self.context.settings
        self.connection = await BusConnection.connect(settings.nats.url, self.bus.connection)
        streams = [subjects.MARKET, subjects.INDICATORS, subjects.SCREEN]
        await ensure_streams(self.connection.jetstream, self.bus, streams)
        self.publisher = Publisher(self.connection, self.bus.publisher, source=self.name)
        if config.record_scores:
            self.database = Database(settings.postgres.dsn, max_size=config.database_pool_size)
            await self.database.connect()
            self.writer = ScoreWriter(
                self.database, universe=config.universe, queue_size=config.scores_queue_size
            )
            self.writer.start()
        await asyncio.to_thread(self.pipeline.warmup)
        restored = await last_announcement(self.connection, config.universe)
        if restored is not None:
            self.board.announce(restored)
            logger.info("last selection restored", extra={"selection": list(restored.symbols)})
        self._tasks = [
            asyncio.create_task(self._refreshes(), name=f"screener-refresh-{config.universe}"),
            asyncio.create_task(self._heartbeats(), name=f"screener-heartbeat-{config.universe}"),
        ]
        self.consumers = build_consumers(
            self.connection, config, self.pipeline.timeframes(), self._handle
        )
        for consumer in self.consumers:
            await consumer.start()
        servicer = ScreenerServicer(self.board, universe=config.universe, exchange=config.exchange)
        self._bindings = (
            GrpcBinding(
                full_name=SERVICE_NAME,
                add_to_server=lambda server: (
                    screener_service_pb2_grpc.add_ScreenerServiceServicer_to_server(
                        servicer, server
                    )
                ),
            ),
        )
        logger.info(
            "screener started",
            extra={"universe": config.universe, "exchange": config.exchange,
                   "timeframes": list(self.pipeline.timeframes())},
        )  # fmt: skip

    async def stop(self) -> None:
        """Stop consuming, let a run under way finish, end the streams, write what is
        queued, then close NATS and PostgreSQL."""
        for consumer in self.consumers:
            await consumer.stop()
        self.consumers.clear()
        for task in self._tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()
        if self._running is not None and not self._running.done():
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._running, STOP_TIMEOUT_SECONDS)
        self.board.close()
        if self.writer is not None:
            await self.writer.close(STOP_TIMEOUT_SECONDS)
        if self.connection is not None:
            await self.connection.close()
        if self.database is not None:
            await self.database.close()

    def grpc_bindings(self) -> Sequence[GrpcBinding]:
        return self._bindings

    def backends(self) -> Mapping[str, str]:
        settings = self.context.settings
        shown = {"nats": redact_url(settings.nats.url)}
        if self.config.record_scores:
            shown["postgres"] = redact_dsn(settings.postgres.dsn)
        return shown

    # frames in

    async def _handle(self, deliveries: Sequence[Delivery]) -> None:
        """Take a batch of frames into the holdings; request a refresh for trigger kinds."""
        universe, triggered = self.config.universe, False
        for delivery in deliveries:
            try:
                kind = self.holdings.take(decode_payload(delivery.event))
            except (UndecodableEvent, InvalidFrame) as error:
                delivery.dead_letter(str(error))
                continue
            if kind is not None:
                metrics.FRAMES.labels(universe, kind).inc()
                triggered = triggered or kind in self.config.triggers
        metadata = deliveries[-1].message.metadata
        self._backlog[metadata.consumer or ""] = int(metadata.num_pending or 0)
        self._arrived.set()
        if triggered:
            self._wake.set()

    # refreshes

    async def _refreshes(self) -> None:
        while True:
            await self._wake.wait()
            triggered = time.perf_counter()
            await asyncio.sleep(self.config.debounce_seconds)
            await self._wait_for_data(triggered + self.config.debounce_seconds)
            self._wake.clear()
            self._running = asyncio.create_task(self._refresh(triggered))
            try:
                await asyncio.shield(self._running)
            except asyncio.CancelledError:
                raise
            except Exception:  # a bug must not end the refreshes
                logger.exception("refresh failed", extra={"universe": self.config.universe})

    async def _wait_for_data(self, waited_from: float) -> None:
        """While a consumer replays a backlog; then up to `catch_up_seconds` while a
        timeframe or symbol lacks the latest bar."""
        deadline = waited_from + self.config.catch_up_seconds
        while True:
            self._arrived.clear()
            if any(self._backlog.values()):
                await self._arrived.wait()
                continue
            left = deadline - time.perf_counter()
            if left <= 0 or not lagging(self.holdings.candles):
                return
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._arrived.wait(), left)

    async def _refresh(self, triggered: float) -> None:
        universe = self.config.universe
        try:
            inputs = assemble(
                self.holdings.tickers,
                self.holdings.candles,
                self.holdings.indicators,
                precomputed=self._precomputed,
            )
            result = await asyncio.to_thread(self.pipeline.run, inputs.snapshot, inputs.candles)
        except InputsIncomplete as error:
            metrics.RUNS.labels(universe, "incomplete").inc()
            logger.info("not screened yet", extra={"universe": universe, "reason": str(error)})
            return
        except ScreeningError as error:
            metrics.RUNS.labels(universe, "failed").inc()
            logger.error("screening failed", extra={"universe": universe, "error": str(error)})
            return
        self._precomputed |= precomputed_keys(result)
        record = RunRecord(
            number=self.board.runs + 1,
            universe=universe,
            exchange=self.config.exchange,
            result=result,
            bar_open_time_ms=inputs.bar_open_time_ms,
            data_time_ms=inputs.data_time_ms,
            finished_at=datetime.now(UTC),
        )
        self.board.record(record)
        await self._announce(record)
        metrics.RUN_SECONDS.labels(universe).observe(time.perf_counter() - triggered)
        if self.config.publish_results:
            await self._publish(
                messages.universe_screened(record), subjects.screen_results(universe)
            )
        if self.writer is not None:
            self.writer.offer(record)
        self._observe(record)

    async def _announce(self, record: RunRecord) -> None:
        """Publish SelectionChanged when the members or their ranking changed."""
        previous = self.board.announcement.symbols if self.board.announcement else ()
        change = compare_selections(previous, record.result.selected_symbols)
        if not change.changed:
            return
        payload = messages.selection_changed(record, change)
        event = await self._publish(payload, subjects.selection(self.config.universe))
        if event is None:  # not published: the next run announces it again
            return
        self.board.announce(Announcement(selection=payload, event_id=event.id))
        metrics.SELECTION_CHANGES.labels(self.config.universe).inc()
        metrics.show_selection(
            self.config.universe, tuple(previous), tuple(record.result.selected_symbols)
        )
        logger.info(
            "selection changed",
            extra={
                "universe": self.config.universe,
                "selection": list(record.result.selected_symbols),
                "added": list(change.added),
                "removed": list(change.removed),
            },
        )

    async def _publish(self, payload: Any, subject: str) -> Any:
        """Publish `payload`; the event, or None (logged) when the bus refused it."""
        assert self.publisher is not None
        try:
            return await self.publisher.publish_payload(payload, subject=subject)
        except BusError as error:
            logger.warning("not published", extra={"subject": subject, "error": str(error)})
            return None

    def _observe(self, record: RunRecord) -> None:
        universe, result = self.config.universe, record.result
        metrics.RUNS.labels(universe, "ok").inc()
        for stage, seconds in result.timings.items():
            metrics.STAGE_SECONDS.labels(universe, stage).observe(seconds)
        counts = result.counts
        for stage, count in (("universe", counts.universe), ("stage1", counts.stage1),
                             ("stage2", counts.stage2), ("selected", counts.selected)):  # fmt: skip
            metrics.SYMBOLS.labels(universe, stage).set(count)
        metrics.SYMBOLS_SCREENED.labels(universe).set(counts.universe)
        age = record.finished_at.timestamp() - record.data_time_ms / 1000
        metrics.DATA_AGE_SECONDS.labels(universe).set(age)

    # heartbeats

    async def _heartbeats(self) -> None:
        config = self.config
        subject = subjects.screener_heartbeat(config.universe)
        while True:
            await asyncio.sleep(config.heartbeat_seconds)
            announcement = self.board.announcement
            payload = messages.heartbeat(
                universe=config.universe,
                exchange=config.exchange,
                runs=self.board.runs,
                latest=self.board.latest,
                selection=announcement.selection if announcement else None,
                selection_event_id=announcement.event_id if announcement else "",
                now_ms=int(time.time() * 1000),
            )
            await self._publish(payload, subject)
