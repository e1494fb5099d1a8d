"""Small crafted inputs for the stage tests."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from tradeplane.screening import CandleSet, MarketSnapshot
from tradeplane.screening.indicators import IndicatorSource
from tradeplane.screening.universe import UniverseContext, UsdConversion
from tradeplane.screening.volatility_momentum import CandidateContext

NOW_MS = 1_700_000_100_000  # a snapshot time; 1_700_000_100_000 % 300_000 == 100_000
STEP_MS = 300_000


def make_snapshot(symbols: Sequence[str], **columns: Any) -> MarketSnapshot:
    """A snapshot at NOW_MS; unspecified columns: last 1.0, volume 1e9, tight quotes."""
    size = len(symbols)
    last = np.asarray(columns.pop("last", np.ones(size)), dtype=float)
    columns.setdefault("quote_volume_24h", np.full(size, 1e9))
    columns.setdefault("bid", last * (1 - 1e-5))
    columns.setdefault("ask", last * (1 + 1e-5))
    return MarketSnapshot.build(time_ms=NOW_MS, symbols=list(symbols), last=last, **columns)


def last_closed_open(timeframe_ms: int = STEP_MS, now_ms: int = NOW_MS) -> int:
    return (now_ms // timeframe_ms) * timeframe_ms - timeframe_ms


def make_candles(
    close: Any,
    *,
    timeframe: str = "5m",
    step_ms: int = STEP_MS,
    volume: Any = None,
    spread: float = 0.001,
    high: Any = None,
    low: Any = None,
) -> CandleSet:
    """Candles ending at the last bar closed by NOW_MS; high/low straddle the close."""
    close = np.atleast_2d(np.asarray(close, dtype=float))
    bars = close.shape[1]
    end = last_closed_open(step_ms)
    timestamps = end - step_ms * np.arange(bars - 1, -1, -1, dtype=np.int64)
    return CandleSet(
        timeframe,
        timestamps,
        close,
        close * (1 + spread) if high is None else high,
        close * (1 - spread) if low is None else low,
        close,
        np.ones_like(close) if volume is None else np.atleast_2d(volume),
    )


def universe_context(
    snapshot: MarketSnapshot,
    candles: dict[str, CandleSet] | None = None,
    conversion: UsdConversion | None = None,
) -> UniverseContext:
    usd, unpriced = (conversion or UsdConversion()).usd_per_quote(snapshot)
    return UniverseContext(snapshot, IndicatorSource(candles or {}), usd, unpriced)


def candidate_context(candles: CandleSet, rows: Sequence[int] | None = None) -> CandidateContext:
    chosen = np.arange(candles.symbols) if rows is None else np.asarray(rows)
    return CandidateContext(
        candles.symbols, chosen, candles.timeframe, IndicatorSource({candles.timeframe: candles})
    )


def random_walk(symbols: int, bars: int, *, seed: int, sigma: float = 0.01) -> np.ndarray:
    """Closes of independent geometric random walks starting at 100."""
    generator = np.random.default_rng(seed)
    return 100.0 * np.exp(np.cumsum(generator.normal(0.0, sigma, (symbols, bars)), axis=1))
