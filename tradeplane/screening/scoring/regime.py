"""Market-regime detection: trending, ranging or high volatility."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from ..base import Parameter, Stage
from ..indicators import IndicatorSource
from ..statistics import trailing_percentile


class Regime(StrEnum):
    """The market regime; the values are the ones carried on the bus."""

    TREND = "trend"
    RANGE = "range"
    HIGH_VOLATILITY = "high_volatility"


@dataclass(frozen=True)
class RegimeReading:
    """The detected regime and the three readings it was decided from."""

    regime: Regime
    median_adx: float  # median latest ADX across the population
    volatility_percentile: float  # median of each symbol's volatility percentile, 0..1
    breadth: float  # share of the population on the majority side of its average, 0.5..1
    advancing: float  # share of the population above its moving average, 0..1
    population: int  # symbols the readings were taken over (the stage-1 survivors)

    def describe(self) -> str:
        return (
            f"{self.regime.value}: median ADX {self.median_adx:.1f}, volatility percentile "
            f"{self.volatility_percentile:.2f}, breadth {self.breadth:.2f} "
            f"({self.advancing:.0%} above average) over {self.population} symbols"
        )


def _median(values: np.ndarray) -> float:
    finite = values[np.isfinite(values)]
    return float(np.median(finite)) if len(finite) else float("nan")


class RegimeDetector(Stage):
    """Reads the market regime from the stage-1 survivors on the `timeframe` candles.

    High volatility when the median of each symbol's volatility percentile (the current
    `volatilityPeriod`-bar standard deviation of log returns against its own last
    `volatilityLookback` values) is at least `highVolatilityPercentile`; else trending
    when the median ADX is at least `trendAdx` and at least `minBreadth` of the symbols
    sit on the same side of their `breadthPeriod`-bar moving average; else ranging.
    All thresholds are inclusive. The regime selects the stage-3 weights.
    """

    key = "regime"
    stage = 3
    timeframe = Parameter("1h", description="Candle timeframe the regime is read on.")
    adx_period = Parameter(14, minimum=2, maximum=1000, unit="bars", description="ADX period.")
    trend_adx = Parameter(
        25.0,
        minimum=0.0,
        maximum=100.0,
        description="Median ADX from which the market counts as trending.",
    )
    breadth_period = Parameter(
        20,
        minimum=2,
        maximum=10_000,
        unit="bars",
        description="Moving-average length that breadth compares each close with.",
    )
    min_breadth = Parameter(
        0.6,
        minimum=0.5,
        maximum=1.0,
        unit="fraction",
        description="Share of symbols on one side of their average needed for a trend.",
    )
    volatility_period = Parameter(
        20,
        minimum=2,
        maximum=10_000,
        unit="bars",
        description="Log returns in each volatility reading.",
    )
    volatility_lookback = Parameter(
        100,
        minimum=2,
        maximum=10_000,
        unit="bars",
        description="Volatility history the current reading is ranked against.",
    )
    high_volatility_percentile = Parameter(
        0.8,
        minimum=0.0,
        maximum=1.0,
        unit="fraction",
        description="Median volatility percentile from which the market is highly volatile.",
    )

    def detect(self, source: IndicatorSource, rows: np.ndarray) -> RegimeReading:
        """The regime over the universe `rows` (an empty population reads as ranging)."""
        if len(rows) == 0:
            return RegimeReading(Regime.RANGE, float("nan"), float("nan"), 0.5, 0.0, 0)
        adx = _median(source.latest(self.timeframe, "adx", self.adx_period, rows))
        volatility = source.trailing(
            self.timeframe,
            "volatility",
            self.volatility_period,
            rows,
            values=self.volatility_lookback + 1,
            warmup=self.volatility_period,
        )
        percentile = _median(trailing_percentile(volatility))
        close = source.field(self.timeframe, "close", rows, self.breadth_period)
        finite = np.isfinite(close).all(axis=1) & (close.shape[1] == self.breadth_period)
        average = close.mean(axis=1)
        counted = max(int(finite.sum()), 1)
        advancing = float((finite & (close[:, -1] > average)).sum()) / counted
        declining = float((finite & (close[:, -1] < average)).sum()) / counted
        breadth = max(advancing, declining)
        if percentile >= self.high_volatility_percentile:
            regime = Regime.HIGH_VOLATILITY
        elif adx >= self.trend_adx and breadth >= self.min_breadth:
            regime = Regime.TREND
        else:
            regime = Regime.RANGE
        return RegimeReading(regime, adx, percentile, breadth, advancing, len(rows))
