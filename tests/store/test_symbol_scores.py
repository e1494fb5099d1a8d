"""`symbol_scores` writes: one statement per batch, idempotent, read back by run."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from tradeplane.services.eventstore.service import migrations
from tradeplane.store.database import Database
from tradeplane.store.migrations import apply_migrations
from tradeplane.store.symbol_scores import SymbolScore, read_symbol_scores, write_symbol_scores

RUN = datetime(2018, 1, 29, 23, 50, tzinfo=UTC)


def row(symbol: str, stage: int, *, at: datetime = RUN, rank: int | None = None) -> SymbolScore:
    return SymbolScore(
        universe="majors",
        symbol=symbol,
        scored_at=at,
        stage=stage,
        passed=rank is not None or stage < 3,
        score=None if stage == 1 else 0.5,
        components=json.dumps({"spread": {"value": 0.01, "threshold": 0.05, "passed": True}}),
        regime="range",
        rank=rank,
        selected=rank is not None,
    )


async def test_a_run_is_stored_once_and_read_back(database: Database) -> None:
    await apply_migrations(database, "eventstore", migrations())
    batch = [row("ETH/BTC", 1), row("ETH/BTC", 2), row("ETH/BTC", 3, rank=1), row("LTC/BTC", 1)]
    assert await write_symbol_scores(database, batch) == 4
    assert await write_symbol_scores(database, batch) == 0  # the same run again
    later = [row("ETH/BTC", 1, at=RUN + timedelta(minutes=5))]
    assert await write_symbol_scores(database, later) == 1
    assert await write_symbol_scores(database, []) == 0

    stored = await read_symbol_scores(database, "majors", scored_at=RUN)
    # jsonb keeps the object, not its text: compare the parsed components
    assert [r._replace(components=json.loads(r.components)) for r in stored] == [
        r._replace(components=json.loads(r.components))
        for r in sorted(batch, key=lambda r: (r.stage, r.symbol))
    ]
    eth = await read_symbol_scores(database, "majors", symbol="ETH/BTC")
    assert [(r.scored_at, r.stage) for r in eth] == [
        (RUN + timedelta(minutes=5), 1),
        (RUN, 1),
        (RUN, 2),
        (RUN, 3),
    ]
    jsonb = await database.fetchval(
        "SELECT components->'spread'->>'passed' FROM symbol_scores LIMIT 1"
    )
    assert jsonb == "true"
    assert await read_symbol_scores(database, "minors") == []
