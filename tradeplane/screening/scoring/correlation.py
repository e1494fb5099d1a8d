"""Rolling correlation matrix of the candidates' returns."""

from __future__ import annotations

import numpy as np

from ..base import Parameter, Stage
from ..indicators import IndicatorSource
from ..statistics import correlation_matrix, log_returns


class ReturnCorrelation(Stage):
    """Pearson correlation of the candidates' log returns over the last `window` bars,
    computed for all pairs at once (pairwise-complete over missing bars). A pair sharing
    fewer than `minOverlap` returns has no correlation and never blocks a selection.
    """

    key = "correlation"
    stage = 3
    timeframe = Parameter("5m", description="Candle timeframe whose returns are correlated.")
    window = Parameter(
        288, minimum=2, maximum=100_000, unit="bars", description="Returns in the window."
    )
    min_overlap = Parameter(
        30,
        minimum=2,
        maximum=100_000,
        unit="bars",
        description="Fewest shared returns for a pair's correlation to count.",
    )

    def matrix(self, source: IndicatorSource, rows: np.ndarray) -> np.ndarray:
        """(rows x rows) correlations, NaN where undefined."""
        close = source.field(self.timeframe, "close", rows, self.window + 1)
        return correlation_matrix(log_returns(close), min_overlap=self.min_overlap)
