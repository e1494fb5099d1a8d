"""Trend strength: ADX over its full scale."""

import numpy as np
import pytest

from tradeplane import kernels
from tradeplane.screening.indicators import IndicatorSource
from tradeplane.screening.scoring import TrendStrength

from ..helpers import make_candles, random_walk


def test_component_is_adx_over_full_scale_capped_at_one() -> None:
    close = np.vstack([random_walk(2, 200, seed=11), 100.0 * np.exp(0.01 * np.arange(200))])
    candles = make_candles(close, timeframe="15m", step_ms=900_000, spread=0.002)
    component, adx = TrendStrength().component(IndicatorSource({"15m": candles}), np.arange(3))
    expected = kernels.adx(candles.high, candles.low, candles.close, timeperiod=14)[:, -1]
    # computed over the last (2 + 12) x 14 bars: the 200-bar history's older bars barely count
    assert adx == pytest.approx(expected, rel=1e-5)
    assert adx != pytest.approx(expected, rel=1e-12)
    assert component[:2].tolist() == (adx[:2] / 50.0).tolist()
    assert adx[2] > 50.0 and component[2] == 1.0
