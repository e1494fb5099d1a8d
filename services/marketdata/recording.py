"""Ticker snapshots into PostgreSQL's `enhanced_market_data`, at most one batch at a time.

A snapshot is written in the background so the refresh loop never waits for the
database; while one is still being written the next is skipped. A missing table (the
event store's migrations have not run yet) or an unreachable database is counted and
logged, and the service goes on.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence

from tradeplane.services.marketdata import metrics
from tradeplane.store import Database, StoreError, StoreUnavailable
from tradeplane.store.market_snapshots import MarketSnapshot, write_market_snapshots

logger = logging.getLogger(__name__)


class SnapshotRecorder:
    """Writes snapshot batches of every feed through one connection pool."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self._writing: dict[str, asyncio.Task[None]] = {}

    def record(self, exchange: str, rows: Sequence[MarketSnapshot]) -> bool:
        """Start writing `rows`; False when the exchange's previous batch is still going."""
        running = self._writing.get(exchange)
        if running is not None and not running.done():
            return False
        self._writing[exchange] = asyncio.create_task(self._write(exchange, rows))
        return True

    async def _write(self, exchange: str, rows: Sequence[MarketSnapshot]) -> None:
        try:
            added = await write_market_snapshots(self.database, rows)
        except (StoreError, StoreUnavailable) as error:
            metrics.ERRORS.labels(exchange, "snapshot").inc()
            logger.warning(
                "market snapshot not stored", extra={"exchange": exchange, "error": str(error)}
            )
            return
        metrics.SNAPSHOT_ROWS.labels(exchange).inc(added)

    async def wait(self) -> None:
        """Wait for the batches being written (tests, orderly shutdown)."""
        await asyncio.gather(*self._writing.values(), return_exceptions=True)

    async def close(self, timeout: float) -> None:
        """Let running batches finish for up to `timeout` seconds, then close the pool."""
        pending = [task for task in self._writing.values() if not task.done()]
        if pending:
            _, late = await asyncio.wait(pending, timeout=timeout)
            for task in late:
                task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.gather(*late, return_exceptions=True)
        self._writing.clear()
        await self.database.close()
