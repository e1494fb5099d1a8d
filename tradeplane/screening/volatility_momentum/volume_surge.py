"""Volume surge ratio."""

from __future__ import annotations

import numpy as np

from ..base import Parameter
from ..statistics import percentile_ranks
from .common import CandidateContext, CandidateMeasure, Measurement, not_enough


class VolumeSurgeMeasure(CandidateMeasure):
    """Current bar's volume over the mean volume of the last `period` bars (the current
    one included, as `kernels.volume_surge`; 0 when that mean is 0).

    With `required`, symbols below `minRatio` fail (inclusive: exactly `minRatio`, by
    default 2.0 = 200 % of the average, passes); otherwise the ratio only scores. The
    score component is the ratio's percentile rank across the stage-1 survivors.
    """

    key = "volume_surge"
    measure_name = "volume surge ratio"
    period = Parameter(
        20, minimum=2, maximum=10_000, unit="bars", description="Bars in the average volume."
    )
    min_ratio = Parameter(
        2.0,
        minimum=0.0,
        maximum=1000.0,
        unit="times the average",
        description="Smallest current-to-average volume ratio a symbol needs (2.0 = 200 %).",
    )
    required = Parameter(
        True, description="Whether a ratio below minRatio drops the symbol (else it only scores)."
    )

    def measure(self, context: CandidateContext) -> Measurement:
        volume = context.field("volume", self.period)
        finite = np.isfinite(volume)
        counted = finite.sum(axis=1)
        total = np.where(finite, volume, 0.0).sum(axis=1)
        current = volume[:, -1] if volume.shape[1] else np.full(len(context.rows), np.nan)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = total / counted
            ratio = np.where(mean == 0.0, 0.0, current / mean)
        ratio = np.where(np.isfinite(current) & (counted > 0), ratio, np.nan)
        passed = ratio >= self.min_ratio if self.required else np.isfinite(ratio)
        check = self.make_check(
            context,
            ratio,
            passed,
            comparison=">=" if self.required else "",
            threshold=self.min_ratio if self.required else "",
            unit="x",
            missing_note=not_enough(self.period, context.timeframe),
        )
        component = percentile_ranks(ratio)
        return Measurement(self.alias(), check, component, self.weight, {"volume_surge": ratio})
