"""`enhanced_market_data` writes: one batch per statement, idempotent; a missing table or
database is counted, never raised into the service."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from prometheus_client import REGISTRY

from tests.store.databases import throwaway_database
from tradeplane.services.marketdata.recording import SnapshotRecorder
from tradeplane.store.database import Database
from tradeplane.store.market_snapshots import (
    MarketSnapshot,
    read_market_snapshots,
    write_market_snapshots,
)

T0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


def snapshot(symbol: str, captured_at: datetime = T0, **changes: Any) -> MarketSnapshot:
    row = MarketSnapshot(
        exchange="binance", symbol=symbol, captured_at=captured_at, last_price=100.0, bid=99.5,
        ask=100.5, spread_percent=1.0, high_24h=110.0, low_24h=None, base_volume_24h=5.0,
        quote_volume_24h=500.0, percent_change_24h=-1.5, data_age_seconds=0.25,
        quality="fresh", origin="rest",
    )  # fmt: skip
    return row._replace(**changes)


async def test_snapshots_are_written_once_and_read_back(snapshot_dsn: str) -> None:
    database = Database(snapshot_dsn, max_size=2)
    await database.connect()
    try:
        first = [snapshot("BTC/USDT"), snapshot("ETH/USDT", bid=None, spread_percent=None)]
        assert await write_market_snapshots(database, first) == 2
        later = T0 + timedelta(minutes=1)
        again = [*first, snapshot("BTC/USDT", later, last_price=101.0)]
        assert await write_market_snapshots(database, again) == 1  # the repeats are skipped
        assert await write_market_snapshots(database, []) == 0
        stored = await read_market_snapshots(database, "binance")
        assert stored == [again[2], first[0], first[1]]  # newest first, then by symbol
        btc = await read_market_snapshots(database, "binance", symbol="BTC/USDT", since=later)
        assert [row.last_price for row in btc] == [101.0]
        assert await read_market_snapshots(database, "kraken") == []
    finally:
        await database.close()


async def test_the_recorder_counts_a_missing_table_and_goes_on(postgres: Any) -> None:
    exchange = f"x{uuid.uuid4().hex[:8]}"
    async with throwaway_database(postgres.dsn) as dsn:  # no migrations: no table
        database = Database(dsn, max_size=1)
        await database.connect()
        recorder = SnapshotRecorder(database)
        assert recorder.record(exchange, [snapshot("BTC/USDT")._replace(exchange=exchange)])
        await recorder.wait()
        await recorder.close(timeout=1.0)
    labels = {"exchange": exchange, "stage": "snapshot"}
    assert REGISTRY.get_sample_value("tradeplane_marketdata_errors_total", labels) == 1
