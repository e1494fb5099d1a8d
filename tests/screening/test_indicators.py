"""Indicator values for a subset of rows: precomputed or computed on the bars that matter."""

import numpy as np
import pytest

from tradeplane import kernels
from tradeplane.screening.indicators import SETTLE_PERIODS, IndicatorSource

from .helpers import make_candles, random_walk


def test_latest_wilder_values_settle_within_their_window() -> None:
    close = random_walk(4, 2_000, seed=8)
    candles = make_candles(close, spread=0.004)
    source = IndicatorSource({"5m": candles})
    rows = np.array([0, 2, 3])
    hlc = (candles.high[rows], candles.low[rows], candles.close[rows])
    for name, function in (("natr", kernels.natr), ("adx", kernels.adx)):
        full = function(*hlc, timeperiod=14)[:, -1]
        assert source.latest("5m", name, 14, rows) == pytest.approx(full, rel=1e-5)
    full_rsi = kernels.rsi(candles.close[rows], timeperiod=14)[:, -1]
    assert source.latest("5m", "rsi", 14, rows) == pytest.approx(full_rsi, rel=1e-5)
    assert source.computed == ["5m natr_14 x3", "5m adx_14 x3", "5m rsi_14 x3"]
    assert SETTLE_PERIODS == 12


def test_history_before_the_window_is_not_read() -> None:
    close = random_walk(1, 1_000, seed=3)
    candles = make_candles(close)
    damaged = close.copy()
    damaged[:, : 1_000 - 14 * (1 + SETTLE_PERIODS)] *= 3.0  # only bars outside the window
    source = IndicatorSource({"5m": candles})
    other = IndicatorSource({"5m": make_candles(damaged)})
    rows = np.arange(1)
    assert source.latest("5m", "natr", 14, rows) == other.latest("5m", "natr", 14, rows)


def test_trailing_values_are_exact_on_their_window() -> None:
    candles = make_candles(random_walk(3, 600, seed=9))
    source = IndicatorSource({"5m": candles})
    values = source.trailing("5m", "bandwidth", 20, np.arange(3), values=121, warmup=19)
    full = kernels.bandwidth(candles.close, timeperiod=20)[:, -121:]
    assert values == pytest.approx(full, rel=1e-12)


def test_precomputed_series_are_used_as_given() -> None:
    candles = make_candles(random_walk(2, 50, seed=1))
    given = np.arange(100.0).reshape(2, 50)
    source = IndicatorSource({"5m": candles.with_indicators({"rsi_14": given})})
    assert source.latest("5m", "rsi", 14, np.array([1])).tolist() == [99.0]
    assert source.trailing("5m", "rsi", 14, np.array([0]), values=2, warmup=0).tolist() == [
        [48.0, 49.0]
    ]
    assert source.computed == []
