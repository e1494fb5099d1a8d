"""Bus wiring: per timeframe, a durable pull consumer of `md.<exchange>.candles.<tf>` feeds
the rolling state, and the newest bar's values go out on `ind.<universe>.<tf>`.

The kernels run on one worker thread (`KernelThread`), so the event loop keeps serving
while a rebuild runs and no two kernel calls overlap. When several frames of a batch
complete bars (a catch-up after a restart), only the newest bar's frame is published.
A frame that cannot be published is kept and published first when the batch is retried.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from functools import partial
from typing import TypeVar

from nats.js.errors import NotFoundError

from tradeplane.bus import (
    BusConnection,
    BusError,
    BusUnavailable,
    Delivery,
    Publisher,
    PullConsumer,
    new_event,
    subjects,
)
from tradeplane.bus.envelope import Event
from tradeplane.errors import TemporaryError
from tradeplane.services.indicators import metrics
from tradeplane.services.indicators.config import IndicatorsConfig
from tradeplane.services.indicators.errors import MalformedFrame
from tradeplane.services.indicators.frames import BarValues, indicator_frame, read_candle_frame
from tradeplane.services.indicators.rolling import Ingested, RollingIndicators

logger = logging.getLogger(__name__)

T = TypeVar("T")
STREAM_BACKEND = "cpu"  # the incremental state runs on the CPU kernels


class KernelThread:
    """One worker thread that runs every kernel call of the service, one at a time."""

    def __init__(self) -> None:
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="indicators-kernels")

    async def run(self, function: Callable[..., T], *args: object) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, partial(function, *args))

    def close(self) -> None:
        """Wait for the call in hand, then end the thread."""
        self._executor.shutdown(wait=True, cancel_futures=True)


class TimeframeFeed:
    """The consumer, rolling state and publishing of one timeframe of the universe."""

    def __init__(
        self,
        config: IndicatorsConfig,
        timeframe: str,
        *,
        connection: BusConnection,
        publisher: Publisher,
        kernels: KernelThread,
    ) -> None:
        self.config = config
        self.timeframe = timeframe
        self.step_ms = config.step_ms(timeframe)
        self.connection = connection
        self.publisher = publisher
        self.kernels = kernels
        self.source_subject = subjects.candles(config.exchange, timeframe)
        self.subject = subjects.indicators(config.universe, timeframe)
        self.rolling = RollingIndicators(
            suite=config.suite,
            step_ms=self.step_ms,
            window_bars=config.window_bars,
            stale_after_bars=config.stale_after_bars,
            max_symbols=config.max_symbols,
            symbols=config.symbols,
        )
        self.consumer = PullConsumer(
            connection,
            stream=subjects.MARKET,
            durable=config.durable(timeframe),
            handler=self.handle,
            settings=config.consumer,
            filter_subjects=[self.source_subject],
        )
        self.published = 0
        self._unpublished: tuple[BarValues, Event | None] | None = None
        labels = (config.universe, timeframe)
        self._consumed = metrics.FRAMES_CONSUMED.labels(*labels)
        self._published = metrics.FRAMES_PUBLISHED.labels(*labels)
        self._rejected = metrics.FRAMES_REJECTED.labels(*labels)
        self._symbols = metrics.SYMBOLS.labels(*labels)
        self._last_bar = metrics.LAST_BAR.labels(*labels)

    async def start(self) -> None:
        """Start consuming; with `replay_on_start`, from the oldest frame the stream holds."""
        if self.config.replay_on_start:
            with contextlib.suppress(NotFoundError):
                await self.connection.jetstream.delete_consumer(
                    subjects.MARKET.name, self.consumer.durable
                )
        await self.consumer.start()

    async def stop(self) -> None:
        """Finish and settle the batch in hand, then stop fetching."""
        await self.consumer.stop()

    async def handle(self, deliveries: Sequence[Delivery]) -> None:
        """Feed each frame to the rolling state; publish the newest bar's values."""
        pending, self._unpublished = self._unpublished, None
        for delivery in deliveries:
            self._consumed.inc()
            try:
                rows = read_candle_frame(
                    delivery.event,
                    exchange=self.config.exchange,
                    timeframe=self.timeframe,
                    step_ms=self.step_ms,
                )
            except MalformedFrame as error:
                delivery.dead_letter(f"malformed candle frame: {error}")
                self._rejected.inc()
                continue
            if not len(rows):
                continue
            result = await self.kernels.run(self.rolling.ingest, rows)
            self._record(result)
            if result.bars:
                pending = (result.bars[-1], delivery.event)
        if pending is not None:
            await self._publish(*pending)

    async def _publish(self, bar: BarValues, cause: Event | None) -> None:
        payload = indicator_frame(
            bar,
            suite=self.config.suite,
            universe=self.config.universe,
            exchange=self.config.exchange,
            timeframe=self.timeframe,
            backend=STREAM_BACKEND,
        )
        closed_at = datetime.fromtimestamp((bar.open_time_ms + self.step_ms) / 1000, UTC)
        event = new_event(
            payload, subject=self.subject, source=self.publisher.source, cause=cause, time=closed_at
        )
        try:
            await self.publisher.publish(event)
        except BusUnavailable as error:  # kept for the retry, which the consumer makes now
            self._unpublished = (bar, cause)
            raise TemporaryError(f"indicator frame not published on {self.subject}") from error
        except BusError:
            logger.exception(
                "JetStream refused an indicator frame; dropped",
                extra={"subject": self.subject, "bar_open_time_ms": bar.open_time_ms},
            )
            raise
        self.published += 1
        self._published.inc()
        self._last_bar.set(bar.open_time_ms / 1000)

    def _record(self, result: Ingested) -> None:
        universe, timeframe = self.config.universe, self.timeframe
        if result.update_seconds:
            metrics.COMPUTE_SECONDS.labels(universe, timeframe, "update").observe(
                result.update_seconds
            )
        if result.rebuilt:
            metrics.COMPUTE_SECONDS.labels(universe, timeframe, "rebuild").observe(
                result.rebuild_seconds
            )
            metrics.REBUILDS.labels(universe, timeframe, result.rebuilt).inc()
            logger.info(
                "state rebuilt from the window",
                extra={"universe": universe, "timeframe": timeframe, "reason": result.rebuilt,
                       "symbols": len(self.rolling.symbols)},
            )  # fmt: skip
        for reason, rows in result.ignored.items():
            metrics.ROWS_IGNORED.labels(universe, timeframe, reason).inc(rows)
        if result.dropped:
            logger.info(
                "stale symbols left the window",
                extra={"universe": universe, "timeframe": timeframe,
                       "symbols": list(result.dropped)},
            )  # fmt: skip
        self._symbols.set(len(self.rolling.symbols))
