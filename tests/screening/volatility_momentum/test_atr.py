"""ATR % ranking."""

import numpy as np
import pytest

from tradeplane.screening.volatility_momentum import AtrMeasure

from ..helpers import candidate_context, make_candles


def constant_range_candles(half_ranges: list[float], bars: int = 30):
    close = np.full((len(half_ranges), bars), 100.0)
    offsets = np.asarray(half_ranges)[:, None]
    return make_candles(close, high=close + offsets, low=close - offsets)


def test_natr_is_ranked_and_the_minimum_is_inclusive() -> None:
    candles = constant_range_candles([0.5, 1.0, 1.5])  # true range 1, 2, 3 on a close of 100
    measurement = AtrMeasure(min_percent=2.0).measure(candidate_context(candles))
    assert measurement.raw["atr_percent"].tolist() == [1.0, 2.0, 3.0]
    assert measurement.component == pytest.approx([1 / 6, 1 / 2, 5 / 6])
    assert measurement.check.passed.tolist() == [False, True, True]
    assert measurement.check.describe(0) == "atr: ATR % is 1%, needs >= 2%"
    assert measurement.weight == 1.0


def test_too_short_a_history_fails_with_a_note() -> None:
    candles = constant_range_candles([1.0, 1.0], bars=14)  # ATR(14) needs 15 bars
    measurement = AtrMeasure().measure(candidate_context(candles))
    assert np.isnan(measurement.raw["atr_percent"]).all()
    assert measurement.check.passed.tolist() == [False, False]
    assert measurement.check.describe(0) == (
        "atr: ATR % is unknown, needs >= 0%; not enough 5m candles (needs 15 finite bars)"
    )


def test_only_the_given_rows_are_measured() -> None:
    candles = constant_range_candles([0.5, 1.0, 1.5])
    measurement = AtrMeasure().measure(candidate_context(candles, rows=[0, 2]))
    assert measurement.raw["atr_percent"].tolist() == [1.0, 3.0]
    assert measurement.check.evaluated.tolist() == [True, False, True]
    assert measurement.check.describe(1) == "atr: not evaluated"
