"""RSI agreement across 5m, 15m and 1h."""

import numpy as np
import pytest

from tradeplane.screening.indicators import IndicatorSource
from tradeplane.screening.scoring import RsiAgreement

from ..helpers import make_candles

RISING = np.arange(1.0, 41.0)
FALLING = RISING[::-1].copy()
STEPS = {"5m": 300_000, "15m": 900_000, "1h": 3_600_000}


def source(per_timeframe: dict[str, list[np.ndarray]]) -> IndicatorSource:
    return IndicatorSource(
        {
            timeframe: make_candles(np.vstack(rows), timeframe=timeframe, step_ms=STEPS[timeframe])
            for timeframe, rows in per_timeframe.items()
        }
    )


def test_agreement_is_the_absolute_mean_lean() -> None:
    # symbol 0 rises everywhere (RSI 100), symbol 1 falls everywhere (RSI 0),
    # symbol 2 rises on 5m and 15m but falls on 1h
    data = source(
        {
            "5m": [RISING, FALLING, RISING],
            "15m": [RISING, FALLING, RISING],
            "1h": [RISING, FALLING, FALLING],
        }
    )
    component, readings = RsiAgreement().component(data, np.arange(3))
    assert readings["5m"].tolist() == [100.0, 0.0, 100.0]
    assert readings["1h"].tolist() == [100.0, 0.0, 0.0]
    assert component == pytest.approx([1.0, 1.0, 1.0 / 3.0])


def test_timeframes_are_configurable() -> None:
    data = source({"5m": [RISING], "1h": [FALLING]})
    component, readings = RsiAgreement(timeframes=["5m", "1h"]).component(data, np.arange(1))
    assert set(readings) == {"5m", "1h"}
    assert component.tolist() == [0.0]
