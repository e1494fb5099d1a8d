"""What every stage-2 measure shares: `CandidateMeasure`, its context and its result."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

from ..base import Parameter, Stage
from ..checks import Check, LazyNotes, row_check
from ..indicators import IndicatorSource


@dataclass(frozen=True, eq=False)
class CandidateContext:
    """Stage 2's inputs: the stage-1 survivors (`rows` of the universe) and their candles."""

    size: int  # symbols in the universe
    rows: np.ndarray  # universe indices of the stage-1 survivors, increasing
    timeframe: str
    source: IndicatorSource

    def field(self, name: str, window: int = 0) -> np.ndarray:
        return self.source.field(self.timeframe, name, self.rows, window)


@dataclass(frozen=True, eq=False)
class Measurement:
    """One measure over the stage-1 survivors.

    `component` (per row, in [0, 1]) enters the stage-2 score with `weight`; `raw` holds
    the measured values per row (stage 3 and the score breakdown read them); `check` is
    the measure's pass/fail over the universe (a NaN value always fails).
    """

    name: str
    check: Check
    component: np.ndarray
    weight: float
    raw: Mapping[str, np.ndarray] = field(default_factory=dict)


class CandidateMeasure(Stage):
    """A stage-2 measure: values for the stage-1 survivors, a score component, a check."""

    stage: ClassVar[int] = 2
    measure_name: ClassVar[str] = ""
    weight = Parameter(
        1.0,
        minimum=0.0,
        maximum=100.0,
        description="Weight of this measure in the stage-2 score (0 leaves it out).",
    )

    def measure(self, context: CandidateContext) -> Measurement:
        raise NotImplementedError

    def make_check(
        self,
        context: CandidateContext,
        values: np.ndarray,
        passed: np.ndarray,
        *,
        comparison: str = "",
        threshold: Any = "",
        unit: str = "",
        missing_note: str = "",
    ) -> Check:
        """A check over `context.rows`; NaN values fail with `missing_note`."""
        missing = context.rows[np.isnan(values)]
        notes = LazyNotes(missing, lambda index: missing_note) if missing_note else None
        return row_check(
            context.size,
            context.rows,
            values=values,
            passed=np.asarray(passed) & ~np.isnan(values),
            notes=notes,
            stage=2,
            name=self.alias(),
            measure=self.measure_name,
            comparison=comparison,
            threshold=threshold,
            unit=unit,
        )


def not_enough(bars: int, timeframe: str) -> str:
    return f"not enough {timeframe} candles (needs {bars} finite bars)"
