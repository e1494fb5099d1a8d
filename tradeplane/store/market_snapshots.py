"""The `enhanced_market_data` table: batched, idempotent ticker snapshots and reads.

The table comes from the event store's migrations. Rows are plain tuples
(`MarketSnapshot`), so this module knows nothing of exchanges or protobuf; the marketdata
service maps its tickers to them. A snapshot is keyed by (exchange, symbol, captured_at):
writing the same snapshot again adds nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple

from tradeplane.store.database import Database
from tradeplane.store.errors import mapped_errors


class MarketSnapshot(NamedTuple):
    """One symbol's ticker as captured (field order = the table's column order)."""

    exchange: str
    symbol: str
    captured_at: datetime
    last_price: float
    bid: float | None
    ask: float | None
    spread_percent: float | None
    high_24h: float | None
    low_24h: float | None
    base_volume_24h: float | None
    quote_volume_24h: float | None
    percent_change_24h: float | None
    data_age_seconds: float
    quality: str  # fresh | stale | degraded
    origin: str  # rest | websocket | cache


_COLUMNS = MarketSnapshot._fields
_TYPES = (
    "text", "text", "timestamptz", "float8", "float8", "float8", "float8", "float8", "float8",
    "float8", "float8", "float8", "float8", "text", "text",
)  # fmt: skip
# One statement for the whole batch: a column array per field, unnested into rows.
_INSERT = (
    f"INSERT INTO enhanced_market_data ({', '.join(_COLUMNS)}) "
    f"SELECT * FROM unnest({', '.join(f'${i + 1}::{t}[]' for i, t in enumerate(_TYPES))}) "
    "ON CONFLICT (exchange, symbol, captured_at) DO NOTHING"
)


async def write_market_snapshots(database: Database, snapshots: Sequence[MarketSnapshot]) -> int:
    """Store `snapshots` in one statement, skipping ones already stored; returns rows added."""
    if not snapshots:
        return 0
    columns = [list(column) for column in zip(*snapshots, strict=True)]
    async with mapped_errors(database.dsn, f"store {len(snapshots)} market snapshots"):
        status = await database.pool.execute(_INSERT, *columns)
    return int(status.rsplit(" ", 1)[1])  # "INSERT 0 <rows>"


async def read_market_snapshots(
    database: Database,
    exchange: str,
    *,
    symbol: str | None = None,
    since: datetime | None = None,
    limit: int = 1000,
) -> list[MarketSnapshot]:
    """Snapshots of `exchange` (optionally one symbol, captured at or after `since`),
    newest first, at most `limit`."""
    conditions: list[str] = ["exchange = $1"]
    arguments: list[object] = [exchange]
    if symbol is not None:
        arguments.append(symbol)
        conditions.append(f"symbol = ${len(arguments)}")
    if since is not None:
        arguments.append(since)
        conditions.append(f"captured_at >= ${len(arguments)}")
    arguments.append(limit)
    query = (
        f"SELECT {', '.join(_COLUMNS)} FROM enhanced_market_data "
        f"WHERE {' AND '.join(conditions)} "
        f"ORDER BY captured_at DESC, symbol LIMIT ${len(arguments)}"
    )
    async with mapped_errors(database.dsn, "read market snapshots"):
        rows = await database.pool.fetch(query, *arguments)
    return [MarketSnapshot(*row) for row in rows]
