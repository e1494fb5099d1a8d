"""RSI agreement across timeframes."""

from __future__ import annotations

import numpy as np

from ..base import Parameter, Stage
from ..indicators import IndicatorSource


class RsiAgreement(Stage):
    """Stage-3 component: how strongly RSI points the same way on every timeframe.

    Each timeframe's RSI gives a lean (RSI - 50) / `fullScale` clipped to [-1, 1]; the
    component is |mean lean|: 1 when every RSI is at least 50 + `fullScale` (or at most
    50 - `fullScale`), 0 when the timeframes cancel out or all sit at 50.
    """

    key = "rsi_agreement"
    stage = 3
    timeframes: Parameter[tuple[str, ...]] = Parameter(
        ("5m", "15m", "1h"), min_items=1, description="Candle timeframes whose RSIs are compared."
    )
    period = Parameter(14, minimum=2, maximum=1000, unit="bars", description="RSI period.")
    full_scale = Parameter(
        25.0,
        minimum=1.0,
        maximum=50.0,
        description="Distance of RSI from 50 that counts as a full lean.",
    )

    def component(
        self, source: IndicatorSource, rows: np.ndarray
    ) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """(component in [0, 1], latest RSI per timeframe) per row."""
        readings = {
            timeframe: source.latest(timeframe, "rsi", self.period, rows)
            for timeframe in self.timeframes
        }
        leans = np.array(
            [np.clip((rsi - 50.0) / self.full_scale, -1.0, 1.0) for rsi in readings.values()]
        )
        return np.abs(leans.mean(axis=0)), readings
