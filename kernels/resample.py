"""Multi-timeframe candles: 5m bars of every symbol into 15m, 1h (or any multiple) at once.

Buckets are aligned to UTC boundaries (a bucket opens at a multiple of its length since
the epoch). Per symbol and bucket: open is the first valid bar's open, high the highest
high, low the lowest low, close the last valid close, volume the sum; a bucket where the
symbol has no valid bar is NaN. A bucket is `complete` when every base bar of it is on the
time axis; the still-forming last bucket (and a first bucket cut by the start of history)
is flagged incomplete, so callers can compute on closed buckets only or keep the live one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numba import njit, prange

from .engine import as_matrix
from .errors import InvalidInput, InvalidParameter

MINUTE_MS = 60_000
TIMEFRAMES_MS: dict[str, int] = {
    "1m": MINUTE_MS,
    "3m": 3 * MINUTE_MS,
    "5m": 5 * MINUTE_MS,
    "15m": 15 * MINUTE_MS,
    "30m": 30 * MINUTE_MS,
    "1h": 60 * MINUTE_MS,
    "2h": 120 * MINUTE_MS,
    "4h": 240 * MINUTE_MS,
    "1d": 1440 * MINUTE_MS,
}


@dataclass(frozen=True, eq=False)
class Resampled:
    """Candles on the coarser timeframe; arrays are (symbols, buckets)."""

    timeframe: str
    timestamp: np.ndarray  # int64 ms, each bucket's open time (UTC-aligned)
    open: np.ndarray
    high: np.ndarray
    low: np.ndarray
    close: np.ndarray
    volume: np.ndarray
    complete: np.ndarray  # bool (buckets,)

    @property
    def candles(self) -> dict[str, np.ndarray]:
        """The OHLCV arrays by name, ready for `compute`."""
        return {
            "open": self.open,
            "high": self.high,
            "low": self.low,
            "close": self.close,
            "volume": self.volume,
        }


@njit(parallel=True, cache=True)
def _aggregate(bucket, buckets, open_, high, low, close, volume, out):  # pragma: no cover
    symbols, bars = close.shape
    for s in prange(symbols):
        for b in range(buckets):
            for f in range(5):
                out[f, s, b] = np.nan
        for t in range(bars):
            o = open_[s, t]
            h = high[s, t]
            lo = low[s, t]
            c = close[s, t]
            v = volume[s, t]
            if not (
                np.isfinite(o)
                and np.isfinite(h)
                and np.isfinite(lo)
                and np.isfinite(c)
                and np.isfinite(v)
            ):
                continue
            b = bucket[t]
            if np.isnan(out[0, s, b]):
                out[0, s, b] = o
                out[1, s, b] = h
                out[2, s, b] = lo
                out[4, s, b] = v
            else:
                if h > out[1, s, b]:
                    out[1, s, b] = h
                if lo < out[2, s, b]:
                    out[2, s, b] = lo
                out[4, s, b] += v
            out[3, s, b] = c


def _timeframe(name: str, value: str) -> int:
    if value not in TIMEFRAMES_MS:
        raise InvalidParameter(name, f"must be one of {list(TIMEFRAMES_MS)}, got {value!r}")
    return TIMEFRAMES_MS[value]


def resample(
    timestamp: Any,
    open: Any,
    high: Any,
    low: Any,
    close: Any,
    volume: Any,
    *,
    timeframe: str = "15m",
    base: str = "5m",
) -> Resampled:
    """Aggregate `base` candles (symbols, bars) on one time axis into `timeframe` candles.

    `timestamp` is the shared (bars,) axis in epoch milliseconds (each bar's open time),
    strictly increasing and on `base` boundaries; a symbol's missing bars are NaN.
    """
    base_ms = _timeframe("base", base)
    frame_ms = _timeframe("timeframe", timeframe)
    if frame_ms % base_ms:
        raise InvalidParameter("timeframe", f"{timeframe} is not a multiple of base {base}")
    axis = np.asarray(timestamp)
    if axis.ndim != 1 or axis.dtype.kind not in "iu":
        raise InvalidInput("timestamp must be a 1-D integer array of epoch milliseconds")
    axis = axis.astype(np.int64)
    if axis.size and (np.any(np.diff(axis) <= 0) or np.any(axis % base_ms)):
        raise InvalidInput(f"timestamp must be strictly increasing and on {base} boundaries")
    fields = [
        as_matrix(name, values)
        for name, values in zip(
            ("open", "high", "low", "close", "volume"),
            (open, high, low, close, volume),
            strict=True,
        )
    ]
    fields = [f.reshape(1, -1) if f.ndim == 1 else f for f in fields]
    if any(f.shape != fields[3].shape for f in fields) or fields[3].shape[1] != axis.size:
        raise InvalidInput(
            f"open/high/low/close/volume must share one shape (symbols, {axis.size})"
        )
    starts = axis - axis % frame_ms
    bucket_open, bucket, counts = np.unique(starts, return_inverse=True, return_counts=True)
    out = np.empty((5, fields[3].shape[0], bucket_open.size))
    _aggregate(bucket.astype(np.int64), bucket_open.size, *fields, out)
    return Resampled(
        timeframe=timeframe,
        timestamp=bucket_open,
        open=out[0],
        high=out[1],
        low=out[2],
        close=out[3],
        volume=out[4],
        complete=counts == frame_ms // base_ms,
    )


def warmup() -> None:
    """Compile (or load from cache) the resampling kernel."""
    axis = np.arange(3, dtype=np.int64) * TIMEFRAMES_MS["5m"]
    data = np.ones((1, 3))
    resample(axis, data, data, data, data, data, timeframe="15m")
