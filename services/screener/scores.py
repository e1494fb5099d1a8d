"""A screening result -> `symbol_scores` rows (pure): one row per symbol and stage it
entered, with that stage's check values and thresholds as a JSON object.

Stage 1 rows cover every symbol; stage 2 rows the stage-1 survivors (`score`: the stage-2
score); stage 3 rows the candidates (`score`: the composite, `rank` and `selected` for
the selection, `components` with the score breakdown). Non-finite numbers become null.
"""

from __future__ import annotations

import json
import math
from datetime import datetime
from typing import Any

import numpy as np

from tradeplane.screening import ScreeningResult
from tradeplane.store.symbol_scores import SymbolScore


def _plain(value: Any) -> Any:
    """A JSON-safe copy: numpy scalars unwrapped, tuples as lists, NaN/inf as null."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, tuple | list):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    return value


def _plain_array(values: np.ndarray) -> list[Any]:
    if values.dtype.kind == "f":
        return np.where(np.isfinite(values), values, None).tolist()  # type: ignore[call-overload,no-any-return]
    return [_plain(value) for value in values.tolist()]


def _stage_components(result: ScreeningResult) -> dict[int, dict[int, dict[str, Any]]]:
    """{stage: {row: {check name: {"value", "threshold", "passed"}}}} for evaluated rows."""
    stages: dict[int, dict[int, dict[str, Any]]] = {1: {}, 2: {}, 3: {}}
    for check in result.checks:
        rows = np.flatnonzero(check.evaluated)
        threshold = _plain(check.threshold)
        target = stages.setdefault(check.stage, {})
        values = _plain_array(check.values[rows])
        passed_rows = check.passed[rows].tolist()
        for row, value, passed in zip(rows.tolist(), values, passed_rows, strict=True):
            target.setdefault(row, {})[check.name] = {
                "value": value,
                "threshold": threshold,
                "passed": passed,
            }
    return stages


def _optional(value: float) -> float | None:
    return value if math.isfinite(value) else None


def score_rows(universe: str, result: ScreeningResult, scored_at: datetime) -> list[SymbolScore]:
    """The rows of one run, stage by stage, symbols in the result's order."""
    symbols = result.symbols.tolist()
    passed_stages = result.stages_passed.tolist()
    stage2_scores = result.stage2_scores.tolist()
    scores = result.scores.tolist()
    ranks = {member.symbol: member.rank for member in result.selection}
    regime = result.regime.regime.value
    components = _stage_components(result)
    rows: list[SymbolScore] = []
    for stage in (1, 2, 3):
        for row, symbol in enumerate(symbols):
            reached = passed_stages[row]
            if reached < stage - 1:
                continue
            detail = components[stage].get(row, {})
            score: float | None = None
            rank = None
            if stage == 2:
                score = _optional(stage2_scores[row])
            elif stage == 3:
                score = _optional(scores[row])
                rank = ranks.get(symbol)
                breakdown = result.breakdowns.get(symbol)
                if breakdown is not None:
                    detail = {
                        **detail,
                        "breakdown": _plain(
                            {
                                "components": dict(breakdown.components),
                                "contributions": dict(breakdown.contributions),
                                "inputs": dict(breakdown.inputs),
                            }
                        ),
                    }
            rows.append(
                SymbolScore(
                    universe=universe,
                    symbol=symbol,
                    scored_at=scored_at,
                    stage=stage,
                    passed=reached >= stage,
                    score=score,
                    components=json.dumps(detail, separators=(",", ":"), allow_nan=False),
                    regime=regime,
                    rank=rank,
                    selected=rank is not None,
                )
            )
    return rows
