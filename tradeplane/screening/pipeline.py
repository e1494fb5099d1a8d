"""`ScreeningPipeline`: runs the three stages over a snapshot and candles, purely.

    pipeline = ScreeningPipeline(spec["stages"])          # validated once
    result = pipeline.run(snapshot, {"5m": c5, "15m": c15, "1h": c1h})
    result.selection, result.regime, result.explain("ETH/USDT")

Stage 1 runs every filter on every symbol; stage 2 measures only the stage-1 survivors
and keeps the top K; stage 3 scores those K, reads the regime over the stage-1
survivors, and selects greedily. Inputs are never modified; the result is immutable.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

import numpy as np

from tradeplane.kernels import warmup as kernels_warmup

from .base import Stage
from .checks import Check, scatter
from .config import ScreeningConfig, load_config, stage_settings
from .errors import InvalidMarketData
from .indicators import IndicatorSource
from .inputs import CandleSet, MarketSnapshot, timeframe_ms
from .result import ScoreBreakdown, ScreeningResult, SelectedSymbol, StageCounts
from .scoring import (
    COMPONENTS,
    CompositeScore,
    RegimeDetector,
    ReturnCorrelation,
    RsiAgreement,
    TopSelection,
    TrendStrength,
)
from .statistics import best_first, percentile_ranks
from .universe import FILTERS, UniverseContext, UsdConversion
from .volatility_momentum import MEASURES, CandidateContext, Measurement, TopRanking


class ScreeningPipeline:
    """The three stages built from one validated `ScreeningConfig`.

    `backend` is passed to the kernels ("cpu" by default: stage 2 and 3 batches are small
    enough that a GPU round trip would cost more than it saves).
    """

    def __init__(
        self,
        config: ScreeningConfig | Mapping[str, Any] | None = None,
        *,
        backend: str = "cpu",
    ) -> None:
        self.config = load_config(config)
        self.backend = backend

        def build(group: str, stage: type[Stage]) -> Any:
            return stage(stage_settings(self.config, group, stage))

        self.conversion: UsdConversion = build("universe", UsdConversion)
        self.filters = tuple(build("universe", stage) for stage in FILTERS)
        self.measures = tuple(build("volatility_momentum", stage) for stage in MEASURES)
        self.ranking: TopRanking = build("volatility_momentum", TopRanking)
        self.regime: RegimeDetector = build("scoring", RegimeDetector)
        self.composite: CompositeScore = build("scoring", CompositeScore)
        self.trend_strength: TrendStrength = build("scoring", TrendStrength)
        self.rsi_agreement: RsiAgreement = build("scoring", RsiAgreement)
        self.correlation: ReturnCorrelation = build("scoring", ReturnCorrelation)
        self.selection: TopSelection = build("scoring", TopSelection)

    def timeframes(self) -> tuple[str, ...]:
        """The candle timeframes `run` needs, shortest first."""
        needed = {
            self.ranking.timeframe,
            self.regime.timeframe,
            self.trend_strength.timeframe,
            self.correlation.timeframe,
            *self.rsi_agreement.timeframes,
        }
        return tuple(sorted(needed, key=timeframe_ms))

    def warmup(self) -> None:
        """Load (or compile) the kernels the stages call, off the hot path."""
        kernels_warmup(self.backend)

    def _candles(
        self, snapshot: MarketSnapshot, candles: Mapping[str, CandleSet]
    ) -> dict[str, CandleSet]:
        chosen = {}
        for timeframe in self.timeframes():
            candle_set = candles.get(timeframe)
            if candle_set is None:
                raise InvalidMarketData(
                    f"no {timeframe} candles; the configuration needs {list(self.timeframes())}"
                )
            if candle_set.symbols != len(snapshot) or candle_set.timeframe != timeframe:
                raise InvalidMarketData(
                    f"{timeframe} candles have {candle_set.symbols} rows of "
                    f"{candle_set.timeframe}; expected {len(snapshot)} rows, one per symbol"
                )
            chosen[timeframe] = candle_set
        return chosen

    def run(self, snapshot: MarketSnapshot, candles: Mapping[str, CandleSet]) -> ScreeningResult:
        """Screen `snapshot` with `candles` ({timeframe: CandleSet}, rows in snapshot order)."""
        timer = _Timer()
        source = IndicatorSource(self._candles(snapshot, candles), backend=self.backend)
        size, symbols = len(snapshot), snapshot.symbols

        # stage 1: every filter over every symbol
        usd_per_quote, unpriced = self.conversion.usd_per_quote(snapshot)
        context = UniverseContext(snapshot, source, usd_per_quote, unpriced)
        checks: list[Check] = [stage.check(context) for stage in self.filters]
        rows = np.flatnonzero(np.logical_and.reduce([check.passed for check in checks]))
        timer.lap("stage1")

        # stage 2: measures over the stage-1 survivors, top K by score
        candidate_context = CandidateContext(size, rows, self.ranking.timeframe, source)
        measurements = [stage.measure(candidate_context) for stage in self.measures]
        stage2_scores, kept, rank_check = self.ranking.rank(
            candidate_context, measurements, symbols
        )
        checks += [*(measurement.check for measurement in measurements), rank_check]
        timer.lap("stage2")

        # stage 3: regime over the survivors, composite score, correlation, selection
        reading = self.regime.detect(source, rows)
        timer.lap("regime")
        components, inputs = self._components(source, rows, kept, measurements, stage2_scores)
        score, weights = self.composite.score(components, reading.regime)
        order = best_first(score, symbols[kept])
        ordered, score = kept[order], score[order]
        timer.lap("components")
        correlation = self.correlation.matrix(source, ordered)
        timer.lap("correlation")
        chosen, reasons = self.selection.select(
            symbols[ordered].tolist(), snapshot.bases[ordered].tolist(), correlation
        )
        checks.append(self._selection_check(size, ordered, score, chosen, reasons))
        timer.lap("selection")

        breakdowns = _breakdowns(
            symbols[ordered].tolist(),
            score,
            reading.regime.value,
            {name: values[order] for name, values in components.items()},
            weights,
            {name: values[order] for name, values in inputs.items()},
        )
        selection = tuple(
            SelectedSymbol(
                str(symbols[ordered[position]]),
                rank,
                float(score[position]),
                breakdowns[str(symbols[ordered[position]])],
            )
            for rank, position in enumerate(chosen, start=1)
        )
        stages_passed = np.zeros(size, dtype=np.int8)
        stages_passed[rows] = 1
        stages_passed[kept] = 2
        stages_passed[ordered[chosen]] = 3
        return ScreeningResult(
            time_ms=snapshot.time_ms,
            symbols=symbols,
            selection=selection,
            regime=reading,
            stages_passed=stages_passed,
            stage2_scores=scatter(size, rows, stage2_scores),
            scores=scatter(size, ordered, score),
            checks=tuple(checks),
            breakdowns=breakdowns,
            candidates=tuple(symbols[ordered].tolist()),
            correlation=correlation,
            counts=StageCounts(
                universe=size,
                stage1=len(rows),
                stage2_checks=int(np.isfinite(stage2_scores).sum()),
                stage2=len(kept),
                selected=len(selection),
            ),
            timings=timer.finish(),
            computed_indicators=tuple(source.computed),
        )

    def _selection_check(
        self,
        size: int,
        ordered: np.ndarray,
        score: np.ndarray,
        chosen: list[int],
        reasons: dict[int, str],
    ) -> Check:
        selected = np.zeros(len(ordered), dtype=bool)
        selected[chosen] = True
        return Check(
            stage=3,
            name=self.selection.alias(),
            measure="composite score",
            comparison="selected in the top",
            threshold=self.selection.top_n,
            unit="",
            values=scatter(size, ordered, score),
            passed=scatter(size, ordered, selected, False),
            evaluated=scatter(size, ordered, np.ones(len(ordered), dtype=bool), False),
            notes={int(ordered[position]): text for position, text in reasons.items()},
        )

    def _components(
        self,
        source: IndicatorSource,
        rows: np.ndarray,
        kept: np.ndarray,
        measurements: list[Measurement],
        stage2_rows: np.ndarray,
    ) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
        """The five stage-3 components per candidate (in `kept` order), and raw inputs."""
        positions = np.searchsorted(rows, kept)
        raw = {name: values[positions] for m in measurements for name, values in m.raw.items()}
        trend, adx = self.trend_strength.component(source, kept)
        agreement, rsi = self.rsi_agreement.component(source, kept)
        components = {
            "volatility": percentile_ranks(raw["atr_percent"]),
            "momentum": percentile_ranks(np.abs(raw["velocity"])),
            "volume": percentile_ranks(raw["volume_surge"]),
            "trend_strength": trend,
            "rsi_agreement": agreement,
        }
        inputs = {
            "stage2_score": stage2_rows[positions],
            "atr_percent": raw["atr_percent"],
            "velocity": raw["velocity"],
            "volume_surge": raw["volume_surge"],
            "breakout": raw["breakout"],
            f"adx_{self.trend_strength.timeframe}": adx,
            **{f"rsi_{timeframe}": values for timeframe, values in rsi.items()},
        }
        return components, inputs


class _Timer:
    """Seconds per named step: stage1, stage2, regime, components, correlation, selection."""

    def __init__(self) -> None:
        self.started = self.last = time.perf_counter()
        self.timings: dict[str, float] = {}

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.timings[name] = now - self.last
        self.last = now

    def finish(self) -> dict[str, float]:
        steps = ("regime", "components", "correlation", "selection")
        self.timings["stage3"] = sum(self.timings[name] for name in steps)
        self.timings["total"] = time.perf_counter() - self.started
        return self.timings


def _breakdowns(
    symbols: list[str],
    score: np.ndarray,
    regime: str,
    components: dict[str, np.ndarray],
    weights: dict[str, float],
    inputs: dict[str, np.ndarray],
) -> dict[str, ScoreBreakdown]:
    """One ScoreBreakdown per candidate (all arrays in candidate order)."""
    total = sum(weights.values())
    component_rows = {name: values.tolist() for name, values in components.items()}
    input_rows = {name: values.tolist() for name, values in inputs.items()}
    breakdowns = {}
    for position, symbol in enumerate(symbols):
        values = {name: component_rows[name][position] for name in COMPONENTS}
        breakdowns[symbol] = ScoreBreakdown(
            symbol=symbol,
            score=float(score[position]),
            regime=regime,
            components=values,
            weights=weights,
            contributions={
                name: weights[name] * (0.0 if value != value else value) / total
                for name, value in values.items()
            },
            inputs={name: rows[position] for name, rows in input_rows.items()},
        )
    return breakdowns


def screen(
    snapshot: MarketSnapshot,
    candles: Mapping[str, CandleSet],
    config: ScreeningConfig | Mapping[str, Any] | None = None,
    *,
    backend: str = "cpu",
) -> ScreeningResult:
    """One run with a one-off pipeline (build a `ScreeningPipeline` to reuse the config)."""
    return ScreeningPipeline(config, backend=backend).run(snapshot, candles)
