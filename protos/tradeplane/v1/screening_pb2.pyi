from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class UniverseScreened(_message.Message):
    __slots__ = ("universe", "exchange", "bar_open_time_ms", "symbols", "stages_passed", "scores", "regime")
    UNIVERSE_FIELD_NUMBER: _ClassVar[int]
    EXCHANGE_FIELD_NUMBER: _ClassVar[int]
    BAR_OPEN_TIME_MS_FIELD_NUMBER: _ClassVar[int]
    SYMBOLS_FIELD_NUMBER: _ClassVar[int]
    STAGES_PASSED_FIELD_NUMBER: _ClassVar[int]
    SCORES_FIELD_NUMBER: _ClassVar[int]
    REGIME_FIELD_NUMBER: _ClassVar[int]
    universe: str
    exchange: str
    bar_open_time_ms: int
    symbols: _containers.RepeatedScalarFieldContainer[str]
    stages_passed: _containers.RepeatedScalarFieldContainer[int]
    scores: _containers.RepeatedScalarFieldContainer[float]
    regime: str
    def __init__(self, universe: _Optional[str] = ..., exchange: _Optional[str] = ..., bar_open_time_ms: _Optional[int] = ..., symbols: _Optional[_Iterable[str]] = ..., stages_passed: _Optional[_Iterable[int]] = ..., scores: _Optional[_Iterable[float]] = ..., regime: _Optional[str] = ...) -> None: ...

class SelectedSymbol(_message.Message):
    __slots__ = ("symbol", "rank", "score")
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    RANK_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    symbol: str
    rank: int
    score: float
    def __init__(self, symbol: _Optional[str] = ..., rank: _Optional[int] = ..., score: _Optional[float] = ...) -> None: ...

class SelectionChanged(_message.Message):
    __slots__ = ("universe", "exchange", "bar_open_time_ms", "regime", "selected", "added", "removed")
    UNIVERSE_FIELD_NUMBER: _ClassVar[int]
    EXCHANGE_FIELD_NUMBER: _ClassVar[int]
    BAR_OPEN_TIME_MS_FIELD_NUMBER: _ClassVar[int]
    REGIME_FIELD_NUMBER: _ClassVar[int]
    SELECTED_FIELD_NUMBER: _ClassVar[int]
    ADDED_FIELD_NUMBER: _ClassVar[int]
    REMOVED_FIELD_NUMBER: _ClassVar[int]
    universe: str
    exchange: str
    bar_open_time_ms: int
    regime: str
    selected: _containers.RepeatedCompositeFieldContainer[SelectedSymbol]
    added: _containers.RepeatedScalarFieldContainer[str]
    removed: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, universe: _Optional[str] = ..., exchange: _Optional[str] = ..., bar_open_time_ms: _Optional[int] = ..., regime: _Optional[str] = ..., selected: _Optional[_Iterable[_Union[SelectedSymbol, _Mapping]]] = ..., added: _Optional[_Iterable[str]] = ..., removed: _Optional[_Iterable[str]] = ...) -> None: ...
