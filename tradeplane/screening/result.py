"""The immutable outcome of one screening run, and the explanation of any symbol in it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from typing import Any

import numpy as np

from .base import readonly
from .checks import Check, format_number
from .errors import UnknownSymbol
from .scoring import RegimeReading


@dataclass(frozen=True)
class ScoreBreakdown:
    """How a stage-3 candidate's composite score came about.

    `components` are in [0, 1]; `contributions[name] = weights[name] x components[name] /
    sum(weights)` and they add up to `score`; `inputs` are the raw readings behind them.
    """

    symbol: str
    score: float
    regime: str
    components: Mapping[str, float]
    weights: Mapping[str, float]
    contributions: Mapping[str, float]
    inputs: Mapping[str, float]

    def __post_init__(self) -> None:
        for name in ("components", "weights", "contributions", "inputs"):
            object.__setattr__(self, name, MappingProxyType(dict(getattr(self, name))))

    def describe(self) -> str:
        parts = ", ".join(
            f"{name} {self.components[name]:.3f} x {self.weights[name]:g}"
            f" = {self.contributions[name]:.3f}"
            for name in self.components
        )
        return f"score {self.score:.4f} ({self.regime} weights): {parts}"


@dataclass(frozen=True)
class SelectedSymbol:
    """One member of the selection; rank 1 is the best score."""

    symbol: str
    rank: int
    score: float
    breakdown: ScoreBreakdown


@dataclass(frozen=True)
class StageCounts:
    """How many symbols entered and survived each stage."""

    universe: int  # symbols in the snapshot
    stage1: int  # passed every stage-1 filter
    stage2_checks: int  # also passed every stage-2 check
    stage2: int  # kept by stage 2 (the top K): the stage-3 candidates
    selected: int  # selected by stage 3


@dataclass(frozen=True)
class CheckOutcome:
    """One check of one symbol: its value against the threshold."""

    stage: int
    name: str
    measure: str
    value: Any
    comparison: str
    threshold: Any
    unit: str
    passed: bool
    text: str


@dataclass(frozen=True)
class DropCount:
    """How many symbols one check dropped in a run, with the first of them as an example.

    A symbol failing several checks of the stage that dropped it counts in each.
    """

    stage: int
    check: str
    symbols: int
    example: str  # "SYMBOL: its failed check", e.g. "ETH/BTC: quoteVolume: ..., needs ..."

    def __str__(self) -> str:
        return f"stage {self.stage} {self.check}: {self.symbols} (e.g. {self.example})"


@dataclass(frozen=True)
class Explanation:
    """Why a symbol was dropped (the stage and its failed checks) or how it was selected.

    `stages_passed` is 0 (dropped in stage 1), 1 (dropped in stage 2), 2 (a stage-3
    candidate not selected) or 3 (selected). `reasons` are the failed checks of the
    stage that dropped it; `checks` are every check it went through.
    """

    symbol: str
    stages_passed: int
    dropped_at: int | None
    rank: int | None
    reasons: tuple[str, ...]
    checks: tuple[CheckOutcome, ...]
    breakdown: ScoreBreakdown | None

    @property
    def selected(self) -> bool:
        return self.rank is not None

    def __str__(self) -> str:
        if self.rank is not None and self.breakdown is not None:
            head = f"{self.symbol}: selected, rank {self.rank}; {self.breakdown.describe()}"
            return head
        lines = [f"{self.symbol}: dropped in stage {self.dropped_at}"]
        lines += [f"  - {reason}" for reason in self.reasons]
        if self.breakdown is not None:
            lines.append(f"  {self.breakdown.describe()}")
        return "\n".join(lines)


@dataclass(frozen=True, eq=False)
class ScreeningResult:
    """Everything one run decided; arrays are read-only, one entry per universe symbol.

    `stages_passed`: see `Explanation`. `stage2_scores` is NaN for symbols not ranked in
    stage 2 and `scores` (the composite) NaN outside the stage-3 candidates.
    `candidates` are the stage-3 candidates, best composite score first (ties by symbol),
    and `correlation` their return-correlation matrix in that order. `timings` are
    seconds per stage ("stage1", "stage2", "stage3", "total") and within stage 3
    ("regime", "components", "correlation", "selection").
    """

    time_ms: int
    symbols: np.ndarray
    selection: tuple[SelectedSymbol, ...]
    regime: RegimeReading
    stages_passed: np.ndarray
    stage2_scores: np.ndarray
    scores: np.ndarray
    checks: tuple[Check, ...]
    breakdowns: Mapping[str, ScoreBreakdown]
    candidates: tuple[str, ...]
    correlation: np.ndarray
    counts: StageCounts
    timings: Mapping[str, float]
    computed_indicators: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        for name in ("symbols", "stages_passed", "stage2_scores", "scores", "correlation"):
            object.__setattr__(self, name, readonly(np.asarray(getattr(self, name))))
        object.__setattr__(self, "breakdowns", MappingProxyType(dict(self.breakdowns)))
        object.__setattr__(self, "timings", MappingProxyType(dict(self.timings)))

    @property
    def selected_symbols(self) -> tuple[str, ...]:
        return tuple(member.symbol for member in self.selection)

    @cached_property
    def _positions(self) -> dict[str, int]:
        return {symbol: index for index, symbol in enumerate(self.symbols.tolist())}

    def index(self, symbol: str) -> int:
        try:
            return self._positions[symbol]
        except KeyError:
            raise UnknownSymbol(f"{symbol!r} is not in the screened universe") from None

    def check_outcomes(self, symbol: str) -> tuple[CheckOutcome, ...]:
        """Every check the symbol went through, in stage order."""
        index = self.index(symbol)
        outcomes = []
        for check in self.checks:
            if not check.evaluated[index]:
                continue
            value = check.values[index]
            outcomes.append(
                CheckOutcome(
                    stage=check.stage,
                    name=check.name,
                    measure=check.measure,
                    value=value.item() if isinstance(value, np.generic) else value,
                    comparison=check.comparison,
                    threshold=check.threshold,
                    unit=check.unit,
                    passed=bool(check.passed[index]),
                    text=check.describe(index),
                )
            )
        return tuple(outcomes)

    def explain(self, symbol: str) -> Explanation:
        """The stage that dropped `symbol` and why, or its rank and score breakdown."""
        index = self.index(symbol)
        passed = int(self.stages_passed[index])
        outcomes = self.check_outcomes(symbol)
        rank = next((m.rank for m in self.selection if m.symbol == symbol), None)
        dropped_at = None if rank is not None else passed + 1
        reasons = tuple(
            outcome.text
            for outcome in outcomes
            if outcome.stage == dropped_at and not outcome.passed
        )
        return Explanation(
            symbol=symbol,
            stages_passed=passed,
            dropped_at=dropped_at,
            rank=rank,
            reasons=reasons,
            checks=outcomes,
            breakdown=self.breakdowns.get(symbol),
        )

    @cached_property
    def drops(self) -> tuple[DropCount, ...]:
        """Symbols dropped per failed check, by stage, then most symbols first."""
        counts = []
        for check in self.checks:
            # dropped at stage k: passed k - 1 stages (selected symbols passed all 3)
            dropped_here = self.stages_passed == check.stage - 1
            failed = np.flatnonzero(dropped_here & check.evaluated & ~check.passed)
            if len(failed):
                first = int(failed[0])
                example = f"{self.symbols[first]}: {check.describe(first)}"
                counts.append(DropCount(check.stage, check.name, len(failed), example))
        return tuple(sorted(counts, key=lambda drop: (drop.stage, -drop.symbols, drop.check)))

    def summary(self) -> str:
        """A few lines for logs and terminals: regime, counts, selection, timings."""
        counts = self.counts
        lines = [
            f"regime {self.regime.describe()}",
            f"symbols {counts.universe} -> stage 1 {counts.stage1} -> stage 2 {counts.stage2} "
            f"-> selected {counts.selected}",
        ]
        lines += [
            f"  {member.rank}. {member.symbol} {format_number(member.score)}"
            for member in self.selection
        ]
        lines += [f"dropped: {drop}" for drop in self.drops]
        lines.append(
            "timings "
            + ", ".join(f"{name} {seconds * 1000:.2f} ms" for name, seconds in self.timings.items())
        )
        return "\n".join(lines)
