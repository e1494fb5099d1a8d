"""Bus wiring: frames go through a bounded outbox to one publishing task.

The feeds never wait for NATS: they hand frames to `Outbox.offer` and go on. One task
publishes them in order (so a subject's frames keep their order) and waits for each
JetStream ack; the publisher retries with the same event id, so a frame is stored once.
While NATS is away the outbox fills and newer frames are dropped and counted.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from datetime import datetime

from google.protobuf.message import Message

from tradeplane.bus import BusError, Publisher, new_event
from tradeplane.services.marketdata import metrics

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class OutgoingFrame:
    """One frame to publish, with what the metrics need to know about it."""

    subject: str
    payload: Message
    time: datetime
    """When the data was true (the envelope's time)."""
    exchange: str
    kind: str  # tickers | candles
    timeframe: str = ""
    rows: int = 0

    @property
    def source(self) -> str:
        return f"marketdata/{self.exchange}"


class Outbox:
    """A bounded queue of frames and the task that publishes them."""

    def __init__(self, publisher: Publisher, *, size: int) -> None:
        self.publisher = publisher
        self._queue: asyncio.Queue[OutgoingFrame] = asyncio.Queue(size)
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="marketdata-outbox")

    def offer(self, frame: OutgoingFrame) -> bool:
        """Queue `frame`; False (and counted) when the outbox is full."""
        try:
            self._queue.put_nowait(frame)
        except asyncio.QueueFull:
            metrics.FRAMES_DROPPED.labels(frame.exchange, frame.kind, "outbox_full").inc()
            logger.warning(
                "outbox full; frame dropped",
                extra={"exchange": frame.exchange, "subject": frame.subject},
            )
            return False
        return True

    @property
    def pending(self) -> int:
        return self._queue.qsize()

    async def _run(self) -> None:
        while True:
            frame = await self._queue.get()
            try:
                await self._publish(frame)
            finally:
                self._queue.task_done()

    async def _publish(self, frame: OutgoingFrame) -> None:
        event = new_event(
            frame.payload, subject=frame.subject, source=frame.source, time=frame.time
        )
        try:
            await self.publisher.publish(event)
        except Exception as error:  # BusUnavailable: every attempt timed out
            metrics.FRAMES_DROPPED.labels(frame.exchange, frame.kind, "bus").inc()
            metrics.ERRORS.labels(frame.exchange, "publish").inc()
            logger.warning(
                "frame not published",
                exc_info=not isinstance(error, BusError),
                extra={"exchange": frame.exchange, "subject": frame.subject, "error": str(error)},
            )
            return
        metrics.FRAMES_PUBLISHED.labels(frame.exchange, frame.kind, frame.timeframe).inc()
        metrics.ROWS_PUBLISHED.labels(frame.exchange, frame.kind, frame.timeframe).inc(frame.rows)

    async def close(self, timeout: float) -> None:
        """Publish what is queued for up to `timeout` seconds, then stop."""
        if self._task is None:
            return
        if not self._task.done():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._queue.join(), timeout)
        left = self._queue.qsize()
        if left:
            logger.warning("frames left unpublished at stop", extra={"frames": left})
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        self._task = None
