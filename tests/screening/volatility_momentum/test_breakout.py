"""Breakout potential: Donchian proximity and Bollinger squeeze."""

import numpy as np
import pytest

from tradeplane.screening.volatility_momentum import BreakoutMeasure

from ..helpers import candidate_context, make_candles


def test_proximity_is_one_at_either_edge_and_zero_mid_channel() -> None:
    close = np.array(
        [[1.0, 2.0, 3.0, 4.0], [4.0, 3.0, 2.0, 1.0], [1.0, 3.0, 3.0, 2.0], [2.0, 2.0, 2.0, 2.0]]
    )
    stage = BreakoutMeasure(channel_period=4, bands_period=2, squeeze_lookback=2)
    measurement = stage.measure(candidate_context(make_candles(close, spread=0.0)))
    raw = measurement.raw
    assert raw["distance_to_high"].tolist() == [0.0, 3.0, 0.5, 0.0]
    assert raw["distance_to_low"].tolist() == [0.75, 0.0, 0.5, 0.0]
    proximity = 2 * raw["breakout"] - (1 - raw["squeeze_percentile"])
    assert proximity == pytest.approx([1.0, 1.0, 0.0, 1.0])


def test_tightest_bands_of_the_lookback_score_the_squeeze_fully() -> None:
    close = np.array(
        [[100.0, 120.0, 100.0, 115.0, 100.0, 101.0], [100.0, 101.0, 100.0, 101.0, 100.0, 120.0]]
    )
    stage = BreakoutMeasure(channel_period=2, bands_period=2, squeeze_lookback=3)
    measurement = stage.measure(candidate_context(make_candles(close, spread=0.0)))
    assert measurement.raw["squeeze_percentile"].tolist() == [0.0, 1.0]
    # both closes sit on their channel high: potential = (1 + 1 - percentile) / 2
    assert measurement.component.tolist() == [1.0, 0.5]
    assert measurement.check.passed.all()


def test_not_enough_bars_for_the_bands_fails() -> None:
    stage = BreakoutMeasure(bands_period=20)
    measurement = stage.measure(candidate_context(make_candles(np.ones((1, 10)))))
    assert measurement.check.passed.tolist() == [False]
    assert "needs 21 finite bars" in measurement.check.describe(0)
