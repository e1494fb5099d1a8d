"""Deleting events older than the retention period, periodically."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

from tradeplane.errors import TemporaryError
from tradeplane.store.database import Database, StoreError
from tradeplane.store.events import delete_events_before

logger = logging.getLogger(__name__)


def retention_cutoff(now: datetime, retention_days: float) -> datetime | None:
    """Events with a time before this are expired; None when retention is off (pure)."""
    return now - timedelta(days=retention_days) if retention_days > 0 else None


async def enforce_retention(database: Database, retention_days: float) -> int:
    """Delete expired events now; returns how many."""
    cutoff = retention_cutoff(datetime.now(UTC), retention_days)
    if cutoff is None:
        return 0
    deleted = await delete_events_before(database, cutoff)
    if deleted:
        logger.info("expired events deleted", extra={"deleted": deleted, "before": cutoff})
    return deleted


async def run_retention(database: Database, retention_days: float, interval: float) -> None:
    """Enforce retention every `interval` seconds until cancelled."""
    while True:
        try:
            await enforce_retention(database, retention_days)
        except (TemporaryError, StoreError) as error:
            logger.warning("retention pass failed; will try again", extra={"error": str(error)})
        await asyncio.sleep(interval)
