"""The three-stage symbol screen as a pure library: snapshot and candles in, an immutable
explainable selection out (no bus, no RPC, no I/O; the screener service wraps it).

Stages are classes over a small base (`base.Stage`), one per file, each declaring its
parameters once; the declarations generate `ScreeningConfig`, the SymbolUniverse CRD
schema (`openapi_schema`) and the docs (`parameters_markdown`).
"""

from .base import Group, Parameter, ParameterSet, Stage
from .checks import Check
from .config import STAGE_GROUPS, ScreeningConfig, StageGroup, load_config
from .errors import InvalidMarketData, InvalidScreeningConfig, ScreeningError, UnknownSymbol
from .inputs import CandleSet, MarketSnapshot, resample, snapshot_from_candles, timeframe_ms
from .pipeline import ScreeningPipeline, screen
from .result import (
    CheckOutcome,
    DropCount,
    Explanation,
    ScoreBreakdown,
    ScreeningResult,
    SelectedSymbol,
    StageCounts,
)
from .schema import openapi_schema, parameters_markdown
from .scoring import Regime, RegimeReading

__all__ = [
    "STAGE_GROUPS",
    "CandleSet",
    "Check",
    "CheckOutcome",
    "DropCount",
    "Explanation",
    "Group",
    "InvalidMarketData",
    "InvalidScreeningConfig",
    "MarketSnapshot",
    "Parameter",
    "ParameterSet",
    "Regime",
    "RegimeReading",
    "ScoreBreakdown",
    "ScreeningConfig",
    "ScreeningError",
    "ScreeningPipeline",
    "ScreeningResult",
    "SelectedSymbol",
    "Stage",
    "StageCounts",
    "StageGroup",
    "UnknownSymbol",
    "load_config",
    "openapi_schema",
    "parameters_markdown",
    "resample",
    "screen",
    "snapshot_from_candles",
    "timeframe_ms",
]
