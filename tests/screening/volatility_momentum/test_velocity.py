"""Price velocity: rate of change over lookbacks, z-scored across the universe."""

import math

import numpy as np
import pytest

from tradeplane.screening.volatility_momentum import VelocityMeasure

from ..helpers import candidate_context, make_candles

Z = math.sqrt(1.5)  # z-scores of (+c, 0, -c): +-sqrt(3/2) and 0


def test_rate_of_change_is_z_scored_across_symbols() -> None:
    close = np.array([[64.0, 64.0, 65.0], [64.0, 64.0, 64.0], [64.0, 64.0, 63.0]])
    measurement = VelocityMeasure(lookbacks=[1]).measure(candidate_context(make_candles(close)))
    assert measurement.raw["roc_1"].tolist() == [1.5625, 0.0, -1.5625]
    assert measurement.raw["velocity"] == pytest.approx([Z, 0.0, -Z])
    # |velocity| ranks: the two movers tie above the flat one
    assert measurement.component == pytest.approx([2 / 3, 1 / 6, 2 / 3])
    assert measurement.check.passed.all()
    assert measurement.check.comparison == ""


def test_velocity_averages_the_lookbacks() -> None:
    close = np.array([[64.0, 64.0, 65.0], [64.0, 66.0, 64.0], [64.0, 62.0, 63.0]])
    measurement = VelocityMeasure(lookbacks=[1, 2]).measure(candidate_context(make_candles(close)))
    roc_1, roc_2 = measurement.raw["roc_1"], measurement.raw["roc_2"]
    assert roc_2.tolist() == [1.5625, 0.0, -1.5625]
    expected = ((roc_1 - roc_1.mean()) / roc_1.std() + (roc_2 - roc_2.mean()) / roc_2.std()) / 2
    assert measurement.raw["velocity"] == pytest.approx(expected)


def test_a_lookback_longer_than_the_history_fails() -> None:
    close = np.ones((2, 10))
    measurement = VelocityMeasure().measure(candidate_context(make_candles(close)))
    assert np.isnan(measurement.raw["velocity"]).all()
    assert measurement.check.describe(0) == (
        "velocity: mean ROC z-score is unknown; not enough 5m candles (needs 49 finite bars)"
    )
