"""Volume surge ratio."""

import numpy as np

from tradeplane.screening.volatility_momentum import VolumeSurgeMeasure

from ..helpers import candidate_context, make_candles


def candles_with_last_volume(last_volumes: list[float], base: float = 9.0):
    volume = np.full((len(last_volumes), 25), base)
    volume[:, -1] = last_volumes
    return make_candles(np.ones_like(volume), volume=volume)


def test_ratio_of_exactly_two_passes_the_default_threshold() -> None:
    # 19 bars of 9 and a current bar of 19: mean 9.5, ratio 19 / 9.5 = 2.0 exactly
    candles = candles_with_last_volume([19.0, 18.99, 45.0, float("nan")])
    measurement = VolumeSurgeMeasure().measure(candidate_context(candles))
    ratio = measurement.raw["volume_surge"]
    assert ratio[0] == 2.0
    assert ratio[2] == 45.0 / 10.8
    assert measurement.check.passed.tolist() == [True, False, True, False]
    assert measurement.check.describe(1) == "volumeSurge: volume surge ratio is 1.999x, needs >= 2x"
    assert measurement.check.describe(3).endswith("not enough 5m candles (needs 20 finite bars)")


def test_when_not_required_the_ratio_only_scores() -> None:
    candles = candles_with_last_volume([9.0, 19.0])
    measurement = VolumeSurgeMeasure(required=False).measure(candidate_context(candles))
    assert measurement.check.passed.tolist() == [True, True]
    assert measurement.component.tolist() == [0.25, 0.75]


def test_zero_average_volume_gives_a_zero_ratio() -> None:
    candles = candles_with_last_volume([0.0], base=0.0)
    measurement = VolumeSurgeMeasure().measure(candidate_context(candles))
    assert measurement.raw["volume_surge"].tolist() == [0.0]
