"""The `symbol_scores` table: each symbol's outcome per screening stage and run.

The table comes from the event store's migrations. Rows are plain tuples (`SymbolScore`),
so this module knows nothing of the pipeline; the screener service maps its results to
them. A row is keyed by (universe, scored_at, stage, symbol): writing a run again adds
nothing, so a retried or repeated write is harmless.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple

from tradeplane.store.database import Database
from tradeplane.store.errors import mapped_errors


class SymbolScore(NamedTuple):
    """One symbol's outcome of one stage of one run (field order = the table's columns).

    `components` is a JSON object (text) of the stage's per-check values and thresholds.
    """

    universe: str
    symbol: str
    scored_at: datetime
    stage: int  # 1..3
    passed: bool
    score: float | None
    components: str
    regime: str | None
    rank: int | None
    selected: bool


_COLUMNS = SymbolScore._fields
_TYPES = (
    "text", "text", "timestamptz", "int2", "bool", "float8", "text", "text", "int4", "bool",
)  # fmt: skip
# One statement for the whole batch: a column array per field, unnested into rows; the
# components travel as text and are cast to jsonb by the server.
_INSERT = (
    f"INSERT INTO symbol_scores ({', '.join(_COLUMNS)}) "
    f"SELECT {', '.join(f'{c}::jsonb' if c == 'components' else c for c in _COLUMNS)} "
    f"FROM unnest({', '.join(f'${i + 1}::{t}[]' for i, t in enumerate(_TYPES))}) "
    f"AS batch ({', '.join(_COLUMNS)}) "
    "ON CONFLICT (universe, scored_at, stage, symbol) DO NOTHING"
)
_SELECT = ", ".join(f"{c}::text" if c == "components" else c for c in _COLUMNS)


async def write_symbol_scores(database: Database, rows: Sequence[SymbolScore]) -> int:
    """Store `rows` in one statement, skipping ones already stored; returns rows added."""
    if not rows:
        return 0
    columns = [list(column) for column in zip(*rows, strict=True)]
    async with mapped_errors(database.dsn, f"store {len(rows)} symbol scores"):
        status = await database.pool.execute(_INSERT, *columns)
    return int(status.rsplit(" ", 1)[1])  # "INSERT 0 <rows>"


async def read_symbol_scores(
    database: Database,
    universe: str,
    *,
    symbol: str | None = None,
    scored_at: datetime | None = None,
    limit: int = 10_000,
) -> list[SymbolScore]:
    """Rows of `universe` (optionally one symbol, or one run by its `scored_at`), newest
    run first, then by stage and symbol; at most `limit`."""
    conditions: list[str] = ["universe = $1"]
    arguments: list[object] = [universe]
    if symbol is not None:
        arguments.append(symbol)
        conditions.append(f"symbol = ${len(arguments)}")
    if scored_at is not None:
        arguments.append(scored_at)
        conditions.append(f"scored_at = ${len(arguments)}")
    arguments.append(limit)
    query = (
        f"SELECT {_SELECT} FROM symbol_scores WHERE {' AND '.join(conditions)} "
        f"ORDER BY scored_at DESC, stage, symbol LIMIT ${len(arguments)}"
    )
    async with mapped_errors(database.dsn, "read symbol scores"):
        rows = await database.pool.fetch(query, *arguments)
    return [SymbolScore(*row) for row in rows]
