from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class SignalDirection(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SIGNAL_DIRECTION_UNSPECIFIED: _ClassVar[SignalDirection]
    SIGNAL_DIRECTION_LONG: _ClassVar[SignalDirection]
    SIGNAL_DIRECTION_SHORT: _ClassVar[SignalDirection]
    SIGNAL_DIRECTION_FLAT: _ClassVar[SignalDirection]
SIGNAL_DIRECTION_UNSPECIFIED: SignalDirection
SIGNAL_DIRECTION_LONG: SignalDirection
SIGNAL_DIRECTION_SHORT: SignalDirection
SIGNAL_DIRECTION_FLAT: SignalDirection

class Signal(_message.Message):
    __slots__ = ("symbol", "direction", "score", "confidence", "expected_return", "risk_adjusted_return", "reference_price", "factor_scores", "weights")
    class FactorScoresEntry(_message.Message):
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
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    DIRECTION_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    CONFIDENCE_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_RETURN_FIELD_NUMBER: _ClassVar[int]
    RISK_ADJUSTED_RETURN_FIELD_NUMBER: _ClassVar[int]
    REFERENCE_PRICE_FIELD_NUMBER: _ClassVar[int]
    FACTOR_SCORES_FIELD_NUMBER: _ClassVar[int]
    WEIGHTS_FIELD_NUMBER: _ClassVar[int]
    symbol: str
    direction: SignalDirection
    score: float
    confidence: float
    expected_return: float
    risk_adjusted_return: float
    reference_price: float
    factor_scores: _containers.ScalarMap[str, float]
    weights: _containers.ScalarMap[str, float]
    def __init__(self, symbol: _Optional[str] = ..., direction: _Optional[_Union[SignalDirection, str]] = ..., score: _Optional[float] = ..., confidence: _Optional[float] = ..., expected_return: _Optional[float] = ..., risk_adjusted_return: _Optional[float] = ..., reference_price: _Optional[float] = ..., factor_scores: _Optional[_Mapping[str, float]] = ..., weights: _Optional[_Mapping[str, float]] = ...) -> None: ...

class SignalsGenerated(_message.Message):
    __slots__ = ("strategy", "universe", "bar_open_time_ms", "regime", "signals")
    STRATEGY_FIELD_NUMBER: _ClassVar[int]
    UNIVERSE_FIELD_NUMBER: _ClassVar[int]
    BAR_OPEN_TIME_MS_FIELD_NUMBER: _ClassVar[int]
    REGIME_FIELD_NUMBER: _ClassVar[int]
    SIGNALS_FIELD_NUMBER: _ClassVar[int]
    strategy: str
    universe: str
    bar_open_time_ms: int
    regime: str
    signals: _containers.RepeatedCompositeFieldContainer[Signal]
    def __init__(self, strategy: _Optional[str] = ..., universe: _Optional[str] = ..., bar_open_time_ms: _Optional[int] = ..., regime: _Optional[str] = ..., signals: _Optional[_Iterable[_Union[Signal, _Mapping]]] = ...) -> None: ...
