"""Screening results -> the messages the screener publishes and serves (pure).

Bus payloads (`SelectionChanged`, `UniverseScreened`, `ScreenerHeartbeat`) and gRPC
answers (`ScreeningRun`, `ScoreBreakdown`, `ExplainSymbolResponse`, `SymbolScore`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from tradeplane.screening import CheckOutcome, Explanation, ScoreBreakdown
from tradeplane.screening.checks import format_number
from tradeplane.services.screener.board import RunRecord
from tradeplane.services.screener.logic import SelectionChange
from tradeplane.v1 import screener_service_pb2 as pb
from tradeplane.v1 import screening_pb2


def selection_changed(record: RunRecord, change: SelectionChange) -> screening_pb2.SelectionChanged:
    result = record.result
    return screening_pb2.SelectionChanged(
        universe=record.universe,
        exchange=record.exchange,
        bar_open_time_ms=record.bar_open_time_ms,
        regime=result.regime.regime.value,
        selected=[
            screening_pb2.SelectedSymbol(symbol=m.symbol, rank=m.rank, score=m.score)
            for m in result.selection
        ],
        added=change.added,
        removed=change.removed,
    )


def universe_screened(record: RunRecord) -> screening_pb2.UniverseScreened:
    """Every symbol's outcome; `stages_passed` as in the pipeline (3: selected)."""
    result = record.result
    return screening_pb2.UniverseScreened(
        universe=record.universe,
        exchange=record.exchange,
        bar_open_time_ms=record.bar_open_time_ms,
        symbols=result.symbols.tolist(),
        stages_passed=result.stages_passed.tolist(),
        scores=result.scores.tolist(),
        regime=result.regime.regime.value,
    )


def screening_run(record: RunRecord) -> pb.ScreeningRun:
    result, counts, reading = record.result, record.result.counts, record.result.regime
    run = pb.ScreeningRun(
        number=record.number,
        bar_open_time_ms=record.bar_open_time_ms,
        data_time_ms=record.data_time_ms,
        regime=reading.regime.value,
        median_adx=reading.median_adx,
        volatility_percentile=reading.volatility_percentile,
        breadth=reading.breadth,
        universe_size=counts.universe,
        stage1=counts.stage1,
        stage2_checks=counts.stage2_checks,
        stage2=counts.stage2,
        selected=counts.selected,
        timings_ms={name: seconds * 1000 for name, seconds in result.timings.items()},
        dropped_by=[
            pb.DroppedBy(stage=d.stage, check=d.check, symbols=d.symbols, example=d.example)
            for d in result.drops
        ],
    )
    run.finished_at.FromDatetime(record.finished_at)
    return run


def score_breakdown(breakdown: ScoreBreakdown) -> pb.ScoreBreakdown:
    return pb.ScoreBreakdown(
        symbol=breakdown.symbol,
        score=breakdown.score,
        regime=breakdown.regime,
        components=dict(breakdown.components),
        weights=dict(breakdown.weights),
        contributions=dict(breakdown.contributions),
        inputs=dict(breakdown.inputs),
    )


def selection_breakdowns(record: RunRecord) -> list[pb.ScoreBreakdown]:
    return [score_breakdown(member.breakdown) for member in record.result.selection]


def _number(value: object) -> float:
    if isinstance(value, bool | np.bool_ | str | np.str_) or value is None:
        return math.nan
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return math.nan


def threshold_text(outcome: CheckOutcome) -> str:
    threshold = outcome.threshold
    if isinstance(threshold, str):
        return threshold
    if outcome.comparison == "between" and isinstance(threshold, tuple | list):
        return " and ".join(format_number(value, outcome.unit) for value in threshold)
    return format_number(threshold, outcome.unit)


def check_outcome(outcome: CheckOutcome) -> pb.CheckOutcome:
    return pb.CheckOutcome(
        stage=outcome.stage,
        name=outcome.name,
        measure=outcome.measure,
        value=_number(outcome.value),
        value_text=format_number(outcome.value, outcome.unit),
        comparison=outcome.comparison,
        threshold=threshold_text(outcome),
        unit=outcome.unit,
        passed=outcome.passed,
        text=outcome.text,
    )


def explanation(record: RunRecord, explained: Explanation) -> pb.ExplainSymbolResponse:
    response = pb.ExplainSymbolResponse(
        symbol=explained.symbol,
        bar_open_time_ms=record.bar_open_time_ms,
        stages_passed=explained.stages_passed,
        dropped_at=explained.dropped_at or 0,
        rank=explained.rank or 0,
        selected=explained.selected,
        reasons=explained.reasons,
        checks=[check_outcome(outcome) for outcome in explained.checks],
        text=str(explained),
    )
    if explained.breakdown is not None:
        response.breakdown.CopyFrom(score_breakdown(explained.breakdown))
    return response


def symbol_scores(record: RunRecord, rows: Sequence[int]) -> list[pb.SymbolScore]:
    result, ranks = record.result, record.ranks
    symbols = result.symbols
    return [
        pb.SymbolScore(
            symbol=str(symbols[row]),
            stages_passed=int(result.stages_passed[row]),
            stage2_score=float(result.stage2_scores[row]),
            score=float(result.scores[row]),
            rank=ranks.get(str(symbols[row]), 0),
        )
        for row in rows
    ]


def heartbeat(
    *,
    universe: str,
    exchange: str,
    runs: int,
    latest: RunRecord | None,
    selection: screening_pb2.SelectionChanged | None,
    selection_event_id: str,
    now_ms: int,
) -> pb.ScreenerHeartbeat:
    message = pb.ScreenerHeartbeat(
        universe=universe,
        exchange=exchange,
        runs=runs,
        selection_event_id=selection_event_id,
        data_age_seconds=-1.0,
    )
    if latest is not None:
        message.bar_open_time_ms = latest.bar_open_time_ms
        message.regime = latest.result.regime.regime.value
        message.data_age_seconds = max(0.0, (now_ms - latest.data_time_ms) / 1000)
    if selection is not None:
        message.selected.extend(selection.selected)
    return message
