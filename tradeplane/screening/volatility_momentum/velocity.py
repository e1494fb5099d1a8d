"""Price velocity: rate of change over set lookbacks, z-scored across the universe."""

from __future__ import annotations

import numpy as np

from ..base import Parameter
from ..statistics import percentile_ranks, zscores
from .common import CandidateContext, CandidateMeasure, Measurement, not_enough


class VelocityMeasure(CandidateMeasure):
    """Rate of change of the close over each lookback (TA-Lib ROC, percent), z-scored
    across the stage-1 survivors per lookback and averaged: `velocity` > 0 moves up
    faster than the universe. The score component is the percentile rank of |velocity|
    (movement either way counts); the measure has no threshold.
    """

    key = "velocity"
    measure_name = "mean ROC z-score"
    lookbacks: Parameter[tuple[int, ...]] = Parameter(
        (3, 12, 48),
        minimum=1,
        maximum=10_000,
        min_items=1,
        unit="bars",
        description="Rate-of-change lookbacks, in bars of the stage-2 timeframe.",
    )

    def measure(self, context: CandidateContext) -> Measurement:
        longest = max(self.lookbacks)
        close = context.field("close", longest + 1)
        raw: dict[str, np.ndarray] = {}
        scores = np.full((len(self.lookbacks), len(context.rows)), np.nan)
        for number, lookback in enumerate(self.lookbacks):
            if close.shape[1] > lookback:
                with np.errstate(invalid="ignore", divide="ignore"):
                    change = (close[:, -1] / close[:, -1 - lookback] - 1.0) * 100.0
            else:
                change = np.full(len(context.rows), np.nan)
            raw[f"roc_{lookback}"] = change
            scores[number] = zscores(change)
        velocity = scores.mean(axis=0)
        raw["velocity"] = velocity
        check = self.make_check(
            context,
            velocity,
            np.isfinite(velocity),
            missing_note=not_enough(longest + 1, context.timeframe),
        )
        component = percentile_ranks(np.abs(velocity))
        return Measurement(self.alias(), check, component, self.weight, raw)
