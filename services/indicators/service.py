"""`IndicatorsService`: compiles the kernels, wires NATS, one `TimeframeFeed` per timeframe
and the gRPC servicer; starts them in order and stops them in reverse."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence

from tradeplane.bus import BusConnection, Publisher, ensure_streams, subjects
from tradeplane.bus.connection import redact_url
from tradeplane.kernels import warmup
from tradeplane.kernels.engine import resolve_backend
from tradeplane.runtime.configured import ConfiguredService
from tradeplane.runtime.service import GrpcBinding, ServiceContext
from tradeplane.services.indicators import metrics
from tradeplane.services.indicators.config import IndicatorsConfig
from tradeplane.services.indicators.consuming import STREAM_BACKEND, KernelThread, TimeframeFeed
from tradeplane.services.indicators.servicer import IndicatorServicer
from tradeplane.v1 import indicators_service_pb2, indicators_service_pb2_grpc

logger = logging.getLogger(__name__)

SERVICE_NAME = indicators_service_pb2.DESCRIPTOR.services_by_name["IndicatorService"].full_name


def _warm(backend: str) -> str:
    """Compile (or load from numba's cache) every kernel; returns the resolved backend."""
    resolved = resolve_backend(backend)
    warmup(resolved)
    return resolved


class IndicatorsService(ConfiguredService):
    """Keeps one universe's indicators current from the candle frames on the bus and
    serves IndicatorService.Compute. Configuration: `settings.bus` and
    `settings.indicators` when the host's settings have them, else `with_config(...)`,
    else the defaults."""

    name = "indicators"
    config_model = IndicatorsConfig
    config: IndicatorsConfig

    def __init__(self, context: ServiceContext) -> None:
        super().__init__(context)
        self.kernels = KernelThread()
        self.backend = "unresolved"
        self.connection: BusConnection | None = None
        self.feeds: dict[str, TimeframeFeed] = {}
        self._bindings: Sequence[GrpcBinding] = ()

    async def start(self) -> None:
        config = self.config
        # compile before the first frame: compilation never lands on the hot path
        self.backend = await self.kernels.run(_warm, config.backend)
        metrics.BACKEND.labels(config.universe, "stream", STREAM_BACKEND).set(1)
        metrics.BACKEND.labels(config.universe, "rpc", self.backend).set(1)
        self.connection = await BusConnection.connect(
            self.context.settings.nats.url, self.bus.connection
        )
        await ensure_streams(
            self.connection.jetstream,
            self.bus,
            [subjects.MARKET, subjects.INDICATORS, subjects.DLQ],
        )
        publisher = Publisher(
            self.connection, self.bus.publisher, source=f"indicators/{config.universe}"
        )
        for timeframe in config.timeframes:
            feed = TimeframeFeed(
                config,
                timeframe,
                connection=self.connection,
                publisher=publisher,
                kernels=self.kernels,
            )
            await feed.start()
            self.feeds[timeframe] = feed
        servicer = IndicatorServicer(config, self.kernels)
        self._bindings = (
            GrpcBinding(
                full_name=SERVICE_NAME,
                add_to_server=lambda server: (
                    indicators_service_pb2_grpc.add_IndicatorServiceServicer_to_server(
                        servicer, server
                    )
                ),
            ),
        )
        logger.info(
            "indicators running",
            extra={"universe": config.universe, "exchange": config.exchange,
                   "timeframes": list(config.timeframes), "backend": self.backend},
        )  # fmt: skip

    async def stop(self) -> None:
        """Settle the batches in hand, end the kernel thread, close NATS."""
        for feed in self.feeds.values():
            await feed.stop()
        self.feeds.clear()
        self.kernels.close()
        if self.connection is not None:
            await self.connection.close()
            self.connection = None

    def grpc_bindings(self) -> Sequence[GrpcBinding]:
        return self._bindings

    def backends(self) -> Mapping[str, str]:
        return {"nats": redact_url(self.context.settings.nats.url), "indicators": self.backend}
