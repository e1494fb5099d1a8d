"""The real Binance 5m candles (tests/data/binance-5m) as screening inputs.

Eight BTC-quoted pairs, 2018-01-10 04:55 to 2018-01-30 04:50 UTC, put on one time axis
(missing bars are NaN). BTC/USDT is not in the data: `BTC_USDT` is an assumed price
near the end of January 2018, used as the exchange's conversion pair.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np

from tradeplane.screening import CandleSet, MarketSnapshot, resample, snapshot_from_candles

DATA = Path(__file__).resolve().parents[1] / "data" / "binance-5m"
BASES = ("ADA", "DASH", "ETH", "LTC", "TRX", "XLM", "XMR", "ZEC")
SYMBOLS = tuple(f"{base}/BTC" for base in BASES)
BTC_USDT = 11_000.0
STEP_MS = 300_000


@cache
def five_minute() -> CandleSet:
    """All eight pairs on the union time axis, 5m."""
    tables = {
        base: np.loadtxt(DATA / f"{base}-BTC.csv", delimiter=",", skiprows=1) for base in BASES
    }
    first = min(int(table[0, 0]) for table in tables.values())
    last = max(int(table[-1, 0]) for table in tables.values())
    timestamps = np.arange(first, last + STEP_MS, STEP_MS, dtype=np.int64)
    fields = np.full((5, len(BASES), len(timestamps)), np.nan)
    for row, base in enumerate(BASES):
        table = tables[base]
        columns = ((table[:, 0].astype(np.int64) - first) // STEP_MS).astype(np.int64)
        fields[:, row, columns] = table[:, 1:6].T
    return CandleSet("5m", timestamps, *fields)


def until(bars: int) -> CandleSet:
    """The 5m candles of the first `bars` bars (a screen as of that bar's close)."""
    full = five_minute()
    return CandleSet(
        "5m",
        full.timestamps[:bars],
        full.open[:, :bars],
        full.high[:, :bars],
        full.low[:, :bars],
        full.close[:, :bars],
        full.volume[:, :bars],
    )


def inputs(bars: int | None = None) -> tuple[MarketSnapshot, dict[str, CandleSet]]:
    """Snapshot and 5m/15m/1h candles as of the close of bar `bars` (default: all)."""
    five = until(bars) if bars else five_minute()
    snapshot = snapshot_from_candles(five, list(SYMBOLS), conversion_prices={"BTC/USDT": BTC_USDT})
    return snapshot, {"5m": five, "15m": resample(five, "15m"), "1h": resample(five, "1h")}
