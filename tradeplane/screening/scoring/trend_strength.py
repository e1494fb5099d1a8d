"""Trend strength component: ADX."""

from __future__ import annotations

import numpy as np

from ..base import Parameter, Stage
from ..indicators import IndicatorSource


class TrendStrength(Stage):
    """Stage-3 component: ADX on `timeframe` over `fullScale`, capped at 1 (ADX of
    `fullScale` or more counts fully)."""

    key = "trend_strength"
    stage = 3
    timeframe = Parameter("15m", description="Candle timeframe the ADX is read on.")
    adx_period = Parameter(14, minimum=2, maximum=1000, unit="bars", description="ADX period.")
    full_scale = Parameter(
        50.0, minimum=1.0, maximum=100.0, description="ADX at which the component reaches 1."
    )

    def component(self, source: IndicatorSource, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(component in [0, 1], latest ADX) per row."""
        adx = source.latest(self.timeframe, "adx", self.adx_period, rows)
        return np.clip(adx / self.full_scale, 0.0, 1.0), adx
