"""Stale candles."""

import numpy as np

from tradeplane.screening import CandleSet
from tradeplane.screening.universe import CandleLagFilter

from ..helpers import make_candles, make_snapshot, universe_context

NAN = np.nan


def test_a_missing_latest_bar_is_a_lag_of_one() -> None:
    close = np.array([[1.0, 1.0, 1.0], [1.0, 1.0, NAN], [1.0, NAN, NAN], [NAN, NAN, NAN]])
    snapshot = make_snapshot(["A/USDT", "B/USDT", "C/USDT", "D/USDT"])
    context = universe_context(snapshot, {"5m": make_candles(close)})
    check = CandleLagFilter().check(context)
    assert check.values.tolist() == [0.0, 1.0, 2.0, np.inf]
    assert check.passed.tolist() == [True, False, False, False]
    assert check.describe(1) == "candleLag: candle lag is 1 bars, needs <= 0 bars; worst on 5m"
    assert CandleLagFilter(max_bars=1).check(context).passed.tolist() == [True, True, False, False]


def test_a_candle_set_that_stopped_updating_makes_every_symbol_lag() -> None:
    fresh = make_candles(np.ones((1, 4)))
    stopped = CandleSet(
        "5m",
        fresh.timestamps - 2 * 300_000,
        fresh.open,
        fresh.high,
        fresh.low,
        fresh.close,
        fresh.volume,
    )
    check = CandleLagFilter().check(universe_context(make_snapshot(["A/USDT"]), {"5m": stopped}))
    assert check.values.tolist() == [2.0]


def test_the_worst_timeframe_counts() -> None:
    snapshot = make_snapshot(["A/USDT"])
    five = make_candles(np.ones((1, 6)))
    hourly = make_candles(np.array([[1.0, 1.0, NAN]]), timeframe="1h", step_ms=3_600_000)
    check = CandleLagFilter().check(universe_context(snapshot, {"5m": five, "1h": hourly}))
    assert check.values.tolist() == [1.0]
    assert check.describe(0).endswith("worst on 1h")
