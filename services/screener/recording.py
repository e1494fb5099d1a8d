"""Runs into PostgreSQL's `symbol_scores`, in the background, one run at a time.

The refresh loop hands each finished run to `ScoreWriter.offer` and goes on; one task
builds the rows (off the event loop) and writes them in one statement. A write that
fails is retried a few times with backoff (the database may be restarting, or the event
store's migrations may not have run yet), then dropped, counted and logged. Rows are
keyed by the run's data time, so a run written twice is stored once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import UTC, datetime

from tradeplane.services.screener import metrics
from tradeplane.services.screener.board import RunRecord
from tradeplane.services.screener.scores import score_rows
from tradeplane.store import Database, StoreError, StoreUnavailable
from tradeplane.store.symbol_scores import write_symbol_scores

logger = logging.getLogger(__name__)

RETRY_DELAYS = (0.5, 2.0, 5.0)


class ScoreWriter:
    """A bounded queue of runs and the task that writes them."""

    def __init__(self, database: Database, *, universe: str, queue_size: int) -> None:
        self.database = database
        self.universe = universe
        self._queue: asyncio.Queue[RunRecord] = asyncio.Queue(queue_size)
        self._task: asyncio.Task[None] | None = None
        self.rows_added = 0

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name=f"screener-scores-{self.universe}")

    def offer(self, record: RunRecord) -> None:
        """Queue `record`; when full, the oldest queued run is dropped (and counted)."""
        if self._queue.full():
            dropped = self._queue.get_nowait()
            self._queue.task_done()
            metrics.SCORE_WRITES_DROPPED.labels(self.universe, "queue_full").inc()
            logger.warning("symbol scores of a run dropped", extra={"run": dropped.number})
        self._queue.put_nowait(record)

    async def _run(self) -> None:
        while True:
            record = await self._queue.get()
            try:
                await self._write(record)
            except Exception:  # a bug must not end the writer
                logger.exception("symbol scores not written", extra={"run": record.number})
            finally:
                self._queue.task_done()

    async def _write(self, record: RunRecord) -> None:
        scored_at = datetime.fromtimestamp(record.data_time_ms / 1000, tz=UTC)
        rows = await asyncio.to_thread(score_rows, self.universe, record.result, scored_at)
        for attempt, delay in enumerate((*RETRY_DELAYS, None), start=1):
            try:
                added = await write_symbol_scores(self.database, rows)
            except (StoreError, StoreUnavailable) as error:
                if delay is None:
                    metrics.SCORE_WRITES_DROPPED.labels(self.universe, "store").inc()
                    logger.warning(
                        "symbol scores not stored",
                        extra={"run": record.number, "attempts": attempt, "error": str(error)},
                    )
                    return
                await asyncio.sleep(delay)
                continue
            self.rows_added += added
            metrics.SCORE_ROWS.labels(self.universe).inc(added)
            return

    async def wait(self) -> None:
        """Wait until every queued run is written or dropped."""
        await self._queue.join()

    async def close(self, timeout: float) -> None:
        """Write what is queued for up to `timeout` seconds, then stop."""
        if self._task is None:
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._queue.join(), timeout)
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        self._task = None
