"""Breakout potential: distance to the Donchian channel and Bollinger squeeze."""

from __future__ import annotations

import numpy as np

from ..base import Parameter
from ..statistics import trailing_percentile
from .common import CandidateContext, CandidateMeasure, Measurement, not_enough


class BreakoutMeasure(CandidateMeasure):
    """How ready a symbol looks to break out of its recent range, in [0, 1].

    Proximity: where the close sits in the Donchian channel of the last `channelPeriod`
    bars (current bar included): 1 on either edge, 0 in the middle, i.e.
    1 - 2 min(to high, to low) / channel width. Squeeze: the Bollinger bandwidth's
    percentile within its own last `squeezeLookback` values (0: the tightest bands of
    the lookback). The component is (proximity + 1 - squeeze percentile) / 2; no threshold.
    """

    key = "breakout"
    measure_name = "breakout potential"
    channel_period = Parameter(
        20, minimum=1, maximum=10_000, unit="bars", description="Donchian channel length."
    )
    bands_period = Parameter(
        20, minimum=2, maximum=10_000, unit="bars", description="Bollinger Bands period."
    )
    squeeze_lookback = Parameter(
        120,
        minimum=2,
        maximum=10_000,
        unit="bars",
        description="Bandwidth history the current bandwidth is ranked against.",
    )

    def measure(self, context: CandidateContext) -> Measurement:
        high = context.field("high", self.channel_period)
        low = context.field("low", self.channel_period)
        close = context.field("close", 1)[:, -1]
        rows = len(context.rows)
        if rows and high.shape[1]:
            upper = np.fmax.reduce(high, axis=1)
            lower = np.fmin.reduce(low, axis=1)
        else:
            upper = lower = np.full(rows, np.nan)
        with np.errstate(invalid="ignore", divide="ignore"):
            to_high = (upper - close) / close
            to_low = (close - lower) / close
            width = to_high + to_low
            proximity = np.where(width > 0, 1.0 - 2.0 * np.minimum(to_high, to_low) / width, 1.0)
        proximity = np.where(np.isfinite(width), np.clip(proximity, 0.0, 1.0), np.nan)
        bandwidth = context.source.trailing(
            context.timeframe,
            "bandwidth",
            self.bands_period,
            context.rows,
            values=self.squeeze_lookback + 1,
            warmup=self.bands_period - 1,
        )
        squeeze = trailing_percentile(bandwidth)
        potential = (proximity + 1.0 - squeeze) / 2.0
        check = self.make_check(
            context,
            potential,
            np.isfinite(potential),
            missing_note=not_enough(self.bands_period + 1, context.timeframe),
        )
        raw = {
            "distance_to_high": to_high,
            "distance_to_low": to_low,
            "squeeze_percentile": squeeze,
            "breakout": potential,
        }
        return Measurement(self.alias(), check, potential, self.weight, raw)
