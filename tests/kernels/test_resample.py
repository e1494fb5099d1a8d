"""5m -> 15m / 1h resampling against a plain loop over each bucket."""

from __future__ import annotations

import numpy as np
import pytest
import talib

from tradeplane import kernels

from .helpers import FIVE_MINUTES_MS, assert_matches

FIELDS = ("open", "high", "low", "close", "volume")


def reference(timestamp, candles, frame_ms):
    """Per symbol and UTC bucket: first open, max high, min low, last close, sum volume."""
    starts = timestamp - timestamp % frame_ms
    buckets = sorted(set(starts.tolist()))
    symbols = candles["close"].shape[0]
    out = {f: np.full((symbols, len(buckets)), np.nan) for f in FIELDS}
    for b, start in enumerate(buckets):
        columns = np.flatnonzero(starts == start)
        for s in range(symbols):
            rows = [t for t in columns if all(np.isfinite(candles[f][s, t]) for f in FIELDS)]
            if not rows:
                continue
            out["open"][s, b] = candles["open"][s, rows[0]]
            out["high"][s, b] = max(candles["high"][s, t] for t in rows)
            out["low"][s, b] = min(candles["low"][s, t] for t in rows)
            out["close"][s, b] = candles["close"][s, rows[-1]]
            out["volume"][s, b] = sum(candles["volume"][s, t] for t in rows)
    counts = [np.count_nonzero(starts == start) for start in buckets]
    complete = np.array(counts) == frame_ms // FIVE_MINUTES_MS
    return np.array(buckets, dtype=np.int64), out, complete


@pytest.mark.parametrize(("timeframe", "frame_ms"), [("15m", 900_000), ("1h", 3_600_000)])
def test_matches_the_bucket_loop_on_real_candles(candles, timeframe, frame_ms):
    timestamp = candles["timestamp"][8:-3]  # 05:35 .. 04:35, both ends partial
    data = {f: candles[f][:, 8:-3] for f in FIELDS}
    got = kernels.resample(timestamp, *(data[f] for f in FIELDS), timeframe=timeframe)
    buckets, want, complete = reference(timestamp, data, frame_ms)
    np.testing.assert_array_equal(got.timestamp, buckets)
    assert np.all(got.timestamp % frame_ms == 0)  # UTC-aligned
    np.testing.assert_array_equal(got.complete, complete)
    assert not got.complete[0] and not got.complete[-1] and got.complete[1:-1].all()
    for field in FIELDS:
        assert_matches(getattr(got, field), want[field], f"{timeframe} {field}")


def test_the_unfinished_last_hour_is_flagged():
    timestamp = np.arange(14, dtype=np.int64) * FIVE_MINUTES_MS  # 00:00 .. 01:05
    values = np.arange(14.0)[None, :] + 1
    got = kernels.resample(timestamp, values, values, values, values, values, timeframe="1h")
    np.testing.assert_array_equal(got.complete, [True, False])
    np.testing.assert_array_equal(got.open[0], [1.0, 13.0])
    np.testing.assert_array_equal(got.close[0], [12.0, 14.0])
    np.testing.assert_array_equal(got.volume[0], [78.0, 27.0])


def test_a_bucket_without_bars_is_nan():
    timestamp = np.arange(6, dtype=np.int64) * FIVE_MINUTES_MS
    close = np.array([[1.0, 2.0, 3.0, np.nan, np.nan, np.nan], [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]])
    got = kernels.resample(timestamp, close, close, close, close, close, timeframe="15m")
    assert np.isnan(got.close[0, 1]) and got.close[1, 1] == 6.0


def test_indicators_per_timeframe(candles):
    hourly = kernels.resample(candles["timestamp"], *(candles[f] for f in FIELDS), timeframe="1h")
    rsi = kernels.compute(hourly.candles, kernels.Suite(outputs=("rsi",)), backend="cpu")["rsi"]
    assert rsi.shape == hourly.close.shape
    eth = hourly.close[0]  # no gaps on ETH-BTC
    assert_matches(rsi[0], talib.RSI(eth, 14), "hourly rsi")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"timeframe": "7m"}, "timeframe"),
        ({"timeframe": "15m", "base": "1h"}, "multiple"),
    ],
)
def test_bad_timeframes_are_refused(kwargs, message):
    timestamp = np.arange(3, dtype=np.int64) * FIVE_MINUTES_MS
    values = np.ones((1, 3))
    with pytest.raises(kernels.InvalidParameter, match=message):
        kernels.resample(timestamp, values, values, values, values, values, **kwargs)


def test_an_unordered_axis_is_refused():
    timestamp = np.array([0, 600_000, 300_000], dtype=np.int64)
    values = np.ones((1, 3))
    with pytest.raises(kernels.InvalidInput, match="increasing"):
        kernels.resample(timestamp, values, values, values, values, values)
