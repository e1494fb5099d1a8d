"""ATR % ranking."""

from __future__ import annotations

from ..base import Parameter
from ..statistics import percentile_ranks
from .common import CandidateContext, CandidateMeasure, Measurement, not_enough


class AtrMeasure(CandidateMeasure):
    """Average true range as a percentage of the close (TA-Lib NATR), ranked across the
    stage-1 survivors: the score component is the percentile rank, 1 for the most volatile.

    Symbols below `minPercent` fail (inclusive: exactly `minPercent` passes).
    """

    key = "atr"
    measure_name = "ATR %"
    period = Parameter(
        14, minimum=1, maximum=1000, unit="bars", description="ATR smoothing period (Wilder)."
    )
    min_percent = Parameter(
        0.0,
        minimum=0.0,
        maximum=100.0,
        unit="%",
        description="Smallest ATR, in percent of the close, a symbol needs (0: no minimum).",
    )

    def measure(self, context: CandidateContext) -> Measurement:
        natr = context.source.latest(context.timeframe, "natr", self.period, context.rows)
        check = self.make_check(
            context,
            natr,
            natr >= self.min_percent,
            comparison=">=",
            threshold=self.min_percent,
            unit="%",
            missing_note=not_enough(self.period + 1, context.timeframe),
        )
        return Measurement(
            self.alias(), check, percentile_ranks(natr), self.weight, {"atr_percent": natr}
        )
