"""What every stage-1 filter shares: the `UniverseFilter` base class and its context."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from ..base import Stage
from ..checks import Check, LazyNotes
from ..indicators import IndicatorSource
from ..inputs import MarketSnapshot


@dataclass(frozen=True, eq=False)
class UniverseContext:
    """Stage 1's inputs: the snapshot, the candles, and each symbol's quote price in USD."""

    snapshot: MarketSnapshot
    source: IndicatorSource
    usd_per_quote: np.ndarray  # USD value of one unit of each symbol's quote currency
    unpriced_quotes: frozenset[str]  # quote currencies with no USD conversion


class UniverseFilter(Stage):
    """A stage-1 filter: one vectorised test over every symbol of the snapshot.

    `check` returns a new `Check` (values and pass flags per symbol) and never modifies
    the snapshot.
    """

    stage: ClassVar[int] = 1
    measure: ClassVar[str] = ""

    def check(self, context: UniverseContext) -> Check:
        raise NotImplementedError

    def make_check(
        self,
        values: np.ndarray,
        passed: np.ndarray,
        *,
        comparison: str,
        threshold: Any,
        unit: str = "",
        notes: Mapping[int, str] | None = None,
    ) -> Check:
        """A `Check` over the whole universe (every symbol evaluated)."""
        return Check(
            stage=1,
            name=self.alias(),
            measure=self.measure,
            comparison=comparison,
            threshold=threshold,
            unit=unit,
            values=values,
            passed=passed,
            evaluated=np.ones(len(passed), dtype=bool),
            notes=notes if notes is not None else {},
        )


def at_least(values: np.ndarray, minimum: float) -> np.ndarray:
    """values >= minimum, False for NaN (thresholds are inclusive)."""
    with np.errstate(invalid="ignore"):
        return np.asarray(values >= minimum)


def at_most(values: np.ndarray, maximum: float) -> np.ndarray:
    """values <= maximum, False for NaN (thresholds are inclusive)."""
    with np.errstate(invalid="ignore"):
        return np.asarray(values <= maximum)


def unpriced_notes(context: UniverseContext, missing: np.ndarray, what: str) -> LazyNotes:
    """Why a USD value is unknown, for each row where it is."""

    def note(index: int) -> str:
        if np.isnan(context.usd_per_quote[index]):
            return f"no USD conversion for quote currency {context.snapshot.quotes[index]}"
        return f"{what} not reported"

    return LazyNotes(np.flatnonzero(missing), note)
