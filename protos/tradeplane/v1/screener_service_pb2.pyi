import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from tradeplane.v1 import screening_pb2 as _screening_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class GetSelectionRequest(_message.Message):
    __slots__ = ("universe",)
    UNIVERSE_FIELD_NUMBER: _ClassVar[int]
    universe: str
    def __init__(self, universe: _Optional[str] = ...) -> None: ...

class GetSelectionResponse(_message.Message):
    __slots__ = ("selection", "event_id", "run", "breakdowns")
    SELECTION_FIELD_NUMBER: _ClassVar[int]
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    RUN_FIELD_NUMBER: _ClassVar[int]
    BREAKDOWNS_FIELD_NUMBER: _ClassVar[int]
    selection: _screening_pb2.SelectionChanged
    event_id: str
    run: ScreeningRun
    breakdowns: _containers.RepeatedCompositeFieldContainer[ScoreBreakdown]
    def __init__(self, selection: _Optional[_Union[_screening_pb2.SelectionChanged, _Mapping]] = ..., event_id: _Optional[str] = ..., run: _Optional[_Union[ScreeningRun, _Mapping]] = ..., breakdowns: _Optional[_Iterable[_Union[ScoreBreakdown, _Mapping]]] = ...) -> None: ...

class StreamSelectionsRequest(_message.Message):
    __slots__ = ("universe",)
    UNIVERSE_FIELD_NUMBER: _ClassVar[int]
    universe: str
    def __init__(self, universe: _Optional[str] = ...) -> None: ...

class ScreeningRun(_message.Message):
    __slots__ = ("number", "bar_open_time_ms", "data_time_ms", "finished_at", "regime", "median_adx", "volatility_percentile", "breadth", "universe_size", "stage1", "stage2_checks", "stage2", "selected", "timings_ms", "dropped_by")
    class TimingsMsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: float
        def __init__(self, key: _Optional[str] = ..., value: _Optional[float] = ...) -> None: ...
    NUMBER_FIELD_NUMBER: _ClassVar[int]
    BAR_OPEN_TIME_MS_FIELD_NUMBER: _ClassVar[int]
    DATA_TIME_MS_FIELD_NUMBER: _ClassVar[int]
    FINISHED_AT_FIELD_NUMBER: _ClassVar[int]
    REGIME_FIELD_NUMBER: _ClassVar[int]
    MEDIAN_ADX_FIELD_NUMBER: _ClassVar[int]
    VOLATILITY_PERCENTILE_FIELD_NUMBER: _ClassVar[int]
    BREADTH_FIELD_NUMBER: _ClassVar[int]
    UNIVERSE_SIZE_FIELD_NUMBER: _ClassVar[int]
    STAGE1_FIELD_NUMBER: _ClassVar[int]
    STAGE2_CHECKS_FIELD_NUMBER: _ClassVar[int]
    STAGE2_FIELD_NUMBER: _ClassVar[int]
    SELECTED_FIELD_NUMBER: _ClassVar[int]
    TIMINGS_MS_FIELD_NUMBER: _ClassVar[int]
    DROPPED_BY_FIELD_NUMBER: _ClassVar[int]
    number: int
    bar_open_time_ms: int
    data_time_ms: int
    finished_at: _timestamp_pb2.Timestamp
    regime: str
    median_adx: float
    volatility_percentile: float
    breadth: float
    universe_size: int
    stage1: int
    stage2_checks: int
    stage2: int
    selected: int
    timings_ms: _containers.ScalarMap[str, float]
    dropped_by: _containers.RepeatedCompositeFieldContainer[DroppedBy]
    def __init__(self, number: _Optional[int] = ..., bar_open_time_ms: _Optional[int] = ..., data_time_ms: _Optional[int] = ..., finished_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., regime: _Optional[str] = ..., median_adx: _Optional[float] = ..., volatility_percentile: _Optional[float] = ..., breadth: _Optional[float] = ..., universe_size: _Optional[int] = ..., stage1: _Optional[int] = ..., stage2_checks: _Optional[int] = ..., stage2: _Optional[int] = ..., selected: _Optional[int] = ..., timings_ms: _Optional[_Mapping[str, float]] = ..., dropped_by: _Optional[_Iterable[_Union[DroppedBy, _Mapping]]] = ...) -> None: ...

class DroppedBy(_message.Message):
    __slots__ = ("stage", "check", "symbols", "example")
    STAGE_FIELD_NUMBER: _ClassVar[int]
    CHECK_FIELD_NUMBER: _ClassVar[int]
    SYMBOLS_FIELD_NUMBER: _ClassVar[int]
    EXAMPLE_FIELD_NUMBER: _ClassVar[int]
    stage: int
    check: str
    symbols: int
    example: str
    def __init__(self, stage: _Optional[int] = ..., check: _Optional[str] = ..., symbols: _Optional[int] = ..., example: _Optional[str] = ...) -> None: ...

class ScoreBreakdown(_message.Message):
    __slots__ = ("symbol", "score", "regime", "components", "weights", "contributions", "inputs")
    class ComponentsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: float
        def __init__(self, key: _Optional[str] = ..., value: _Optional[float] = ...) -> None: ...
    class WeightsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: float
        def __init__(self, key: _Optional[str] = ..., value: _Optional[float] = ...) -> None: ...
    class ContributionsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: float
        def __init__(self, key: _Optional[str] = ..., value: _Optional[float] = ...) -> None: ...
    class InputsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: float
        def __init__(self, key: _Optional[str] = ..., value: _Optional[float] = ...) -> None: ...
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    REGIME_FIELD_NUMBER: _ClassVar[int]
    COMPONENTS_FIELD_NUMBER: _ClassVar[int]
    WEIGHTS_FIELD_NUMBER: _ClassVar[int]
    CONTRIBUTIONS_FIELD_NUMBER: _ClassVar[int]
    INPUTS_FIELD_NUMBER: _ClassVar[int]
    symbol: str
    score: float
    regime: str
    components: _containers.ScalarMap[str, float]
    weights: _containers.ScalarMap[str, float]
    contributions: _containers.ScalarMap[str, float]
    inputs: _containers.ScalarMap[str, float]
    def __init__(self, symbol: _Optional[str] = ..., score: _Optional[float] = ..., regime: _Optional[str] = ..., components: _Optional[_Mapping[str, float]] = ..., weights: _Optional[_Mapping[str, float]] = ..., contributions: _Optional[_Mapping[str, float]] = ..., inputs: _Optional[_Mapping[str, float]] = ...) -> None: ...

class CheckOutcome(_message.Message):
    __slots__ = ("stage", "name", "measure", "value", "value_text", "comparison", "threshold", "unit", "passed", "text")
    STAGE_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    MEASURE_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    VALUE_TEXT_FIELD_NUMBER: _ClassVar[int]
    COMPARISON_FIELD_NUMBER: _ClassVar[int]
    THRESHOLD_FIELD_NUMBER: _ClassVar[int]
    UNIT_FIELD_NUMBER: _ClassVar[int]
    PASSED_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    stage: int
    name: str
    measure: str
    value: float
    value_text: str
    comparison: str
    threshold: str
    unit: str
    passed: bool
    text: str
    def __init__(self, stage: _Optional[int] = ..., name: _Optional[str] = ..., measure: _Optional[str] = ..., value: _Optional[float] = ..., value_text: _Optional[str] = ..., comparison: _Optional[str] = ..., threshold: _Optional[str] = ..., unit: _Optional[str] = ..., passed: _Optional[bool] = ..., text: _Optional[str] = ...) -> None: ...

class ExplainSymbolRequest(_message.Message):
    __slots__ = ("universe", "symbol")
    UNIVERSE_FIELD_NUMBER: _ClassVar[int]
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    universe: str
    symbol: str
    def __init__(self, universe: _Optional[str] = ..., symbol: _Optional[str] = ...) -> None: ...

class ExplainSymbolResponse(_message.Message):
    __slots__ = ("symbol", "bar_open_time_ms", "stages_passed", "dropped_at", "rank", "selected", "reasons", "checks", "breakdown", "text")
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    BAR_OPEN_TIME_MS_FIELD_NUMBER: _ClassVar[int]
    STAGES_PASSED_FIELD_NUMBER: _ClassVar[int]
    DROPPED_AT_FIELD_NUMBER: _ClassVar[int]
    RANK_FIELD_NUMBER: _ClassVar[int]
    SELECTED_FIELD_NUMBER: _ClassVar[int]
    REASONS_FIELD_NUMBER: _ClassVar[int]
    CHECKS_FIELD_NUMBER: _ClassVar[int]
    BREAKDOWN_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    symbol: str
    bar_open_time_ms: int
    stages_passed: int
    dropped_at: int
    rank: int
    selected: bool
    reasons: _containers.RepeatedScalarFieldContainer[str]
    checks: _containers.RepeatedCompositeFieldContainer[CheckOutcome]
    breakdown: ScoreBreakdown
    text: str
    def __init__(self, symbol: _Optional[str] = ..., bar_open_time_ms: _Optional[int] = ..., stages_passed: _Optional[int] = ..., dropped_at: _Optional[int] = ..., rank: _Optional[int] = ..., selected: _Optional[bool] = ..., reasons: _Optional[_Iterable[str]] = ..., checks: _Optional[_Iterable[_Union[CheckOutcome, _Mapping]]] = ..., breakdown: _Optional[_Union[ScoreBreakdown, _Mapping]] = ..., text: _Optional[str] = ...) -> None: ...

class GetScoresRequest(_message.Message):
    __slots__ = ("universe", "page_size", "page_token", "min_stages_passed")
    UNIVERSE_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    MIN_STAGES_PASSED_FIELD_NUMBER: _ClassVar[int]
    universe: str
    page_size: int
    page_token: str
    min_stages_passed: int
    def __init__(self, universe: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., min_stages_passed: _Optional[int] = ...) -> None: ...

class SymbolScore(_message.Message):
    __slots__ = ("symbol", "stages_passed", "stage2_score", "score", "rank")
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    STAGES_PASSED_FIELD_NUMBER: _ClassVar[int]
    STAGE2_SCORE_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    RANK_FIELD_NUMBER: _ClassVar[int]
    symbol: str
    stages_passed: int
    stage2_score: float
    score: float
    rank: int
    def __init__(self, symbol: _Optional[str] = ..., stages_passed: _Optional[int] = ..., stage2_score: _Optional[float] = ..., score: _Optional[float] = ..., rank: _Optional[int] = ...) -> None: ...

class GetScoresResponse(_message.Message):
    __slots__ = ("scores", "next_page_token", "total_size", "run")
    SCORES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TOTAL_SIZE_FIELD_NUMBER: _ClassVar[int]
    RUN_FIELD_NUMBER: _ClassVar[int]
    scores: _containers.RepeatedCompositeFieldContainer[SymbolScore]
    next_page_token: str
    total_size: int
    run: ScreeningRun
    def __init__(self, scores: _Optional[_Iterable[_Union[SymbolScore, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., total_size: _Optional[int] = ..., run: _Optional[_Union[ScreeningRun, _Mapping]] = ...) -> None: ...

class ScreenerHeartbeat(_message.Message):
    __slots__ = ("universe", "exchange", "runs", "bar_open_time_ms", "regime", "selected", "selection_event_id", "data_age_seconds")
    UNIVERSE_FIELD_NUMBER: _ClassVar[int]
    EXCHANGE_FIELD_NUMBER: _ClassVar[int]
    RUNS_FIELD_NUMBER: _ClassVar[int]
    BAR_OPEN_TIME_MS_FIELD_NUMBER: _ClassVar[int]
    REGIME_FIELD_NUMBER: _ClassVar[int]
    SELECTED_FIELD_NUMBER: _ClassVar[int]
    SELECTION_EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    DATA_AGE_SECONDS_FIELD_NUMBER: _ClassVar[int]
    universe: str
    exchange: str
    runs: int
    bar_open_time_ms: int
    regime: str
    selected: _containers.RepeatedCompositeFieldContainer[_screening_pb2.SelectedSymbol]
    selection_event_id: str
    data_age_seconds: float
    def __init__(self, universe: _Optional[str] = ..., exchange: _Optional[str] = ..., runs: _Optional[int] = ..., bar_open_time_ms: _Optional[int] = ..., regime: _Optional[str] = ..., selected: _Optional[_Iterable[_Union[_screening_pb2.SelectedSymbol, _Mapping]]] = ..., selection_event_id: _Optional[str] = ..., data_age_seconds: _Optional[float] = ...) -> None: ...
