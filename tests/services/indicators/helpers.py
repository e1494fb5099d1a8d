"""Candles for the indicators tests: random walks on a 5m axis, and candle frames of them."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from tradeplane.v1 import marketdata_pb2

FIELDS = ("open", "high", "low", "close", "volume")
STEP_MS = 300_000
T0_MS = 1_700_000_100 // 300 * 300 * 1000  # a 5m boundary


def random_candles(symbols: int, bars: int, *, seed: int = 7) -> dict[str, np.ndarray]:
    """OHLCV random walks shaped (symbols, bars)."""
    rng = np.random.default_rng(seed)
    close = 100.0 * np.exp(np.cumsum(rng.normal(0.0, 0.01, (symbols, bars)), axis=1))
    open_ = np.concatenate([close[:, :1], close[:, :-1]], axis=1)
    spread = rng.uniform(0.0, 0.004, (2, symbols, bars))
    return {
        "open": open_,
        "high": np.maximum(open_, close) * (1 + spread[0]),
        "low": np.minimum(open_, close) * (1 - spread[1]),
        "close": close,
        "volume": rng.uniform(10.0, 1000.0, (symbols, bars)),
    }


def open_time(bar: int) -> int:
    return T0_MS + bar * STEP_MS


def candle_frame(
    candles: dict[str, np.ndarray],
    names: Sequence[str],
    cells: Sequence[tuple[int, int]],
    *,
    exchange: str = "ex",
    timeframe: str = "5m",
    forming: Sequence[tuple[int, int]] = (),
) -> marketdata_pb2.CandleFrame:
    """A CandleFrame of the (row, bar) `cells` of `candles` (closed) and `forming` ones."""
    frame = marketdata_pb2.CandleFrame(exchange=exchange, timeframe=timeframe)
    for closed, chosen in ((True, cells), (False, forming)):
        for row, bar in chosen:
            frame.symbols.append(names[row])
            frame.open_times_ms.append(open_time(bar))
            for name in FIELDS:
                getattr(frame, name).append(float(candles[name][row, bar]))
            frame.closed.append(closed)
    return frame


def bars_of(rows: Sequence[int], bars: Sequence[int]) -> list[tuple[int, int]]:
    """Every (row, bar) pair, a symbol's bars together and oldest first."""
    return [(row, bar) for row in rows for bar in bars]


def masked(candles: dict[str, np.ndarray], held: np.ndarray) -> dict[str, np.ndarray]:
    """`candles` with NaN wherever `held` (symbols, bars) is False."""
    return {name: np.where(held, values, np.nan) for name, values in candles.items()}
