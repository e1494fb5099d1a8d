"""Keep the top K by the stage-2 score."""

from __future__ import annotations

import numpy as np

from ..base import Parameter, Stage
from ..checks import Check, LazyNotes, row_check
from ..statistics import best_first
from .common import CandidateContext, Measurement


class TopRanking(Stage):
    """Combines the measures into the stage-2 score and keeps the best `keepTop`.

    score = sum(weight x component) / sum(weight) over the measures, in [0, 1]. Only
    symbols that pass every measure's check are ranked; ties are broken by symbol name
    (ascending), so the cut is deterministic.
    """

    key = "ranking"
    stage = 2
    timeframe = Parameter(
        "5m", description="Candle timeframe the stage-2 measures read (a ccxt timeframe)."
    )
    keep_top = Parameter(
        50,
        minimum=1,
        maximum=100_000,
        unit="symbols",
        description="How many symbols stage 2 passes on to stage 3.",
    )

    def rank(
        self,
        context: CandidateContext,
        measurements: list[Measurement],
        symbols: np.ndarray,
    ) -> tuple[np.ndarray, np.ndarray, Check]:
        """(stage-2 score per row, universe indices kept in rank order, the ranking check)."""
        rows = context.rows
        eligible = np.ones(len(rows), dtype=bool)
        weighted = np.zeros(len(rows))
        total_weight = 0.0
        for measurement in measurements:
            eligible &= measurement.check.passed[rows]
            if measurement.weight > 0:
                weighted += measurement.weight * measurement.component
                total_weight += measurement.weight
        score = weighted / total_weight if total_weight > 0 else np.zeros(len(rows))
        score = np.where(eligible, score, np.nan)
        positions = np.flatnonzero(eligible)
        order = positions[best_first(score[positions], symbols[rows[positions]])]
        kept = order[: self.keep_top]
        places = np.empty(len(rows), dtype=np.int64)
        places[order] = np.arange(1, len(order) + 1)
        cutoff = float(score[kept[-1]]) if len(kept) else float("nan")
        passed = np.zeros(len(rows), dtype=bool)
        passed[kept] = True

        def note(index: int) -> str:
            place = places[np.searchsorted(rows, index)]
            return f"ranked {place} of {len(order)}; the last kept scored {cutoff:.4f}"

        check = row_check(
            context.size,
            rows[positions],
            values=score[positions],
            passed=passed[positions],
            notes=LazyNotes(rows[order[self.keep_top :]], note),
            stage=2,
            name=self.alias(),
            measure="stage-2 score",
            comparison="in the top",
            threshold=self.keep_top,
            unit="",
        )
        return score, rows[kept], check
