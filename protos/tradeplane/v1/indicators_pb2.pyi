from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class IndicatorColumn(_message.Message):
    __slots__ = ("name", "values")
    NAME_FIELD_NUMBER: _ClassVar[int]
    VALUES_FIELD_NUMBER: _ClassVar[int]
    name: str
    values: _containers.RepeatedScalarFieldContainer[float]
    def __init__(self, name: _Optional[str] = ..., values: _Optional[_Iterable[float]] = ...) -> None: ...

class IndicatorFrame(_message.Message):
    __slots__ = ("universe", "exchange", "timeframe", "bar_open_time_ms", "symbols", "columns", "backend")
    UNIVERSE_FIELD_NUMBER: _ClassVar[int]
    EXCHANGE_FIELD_NUMBER: _ClassVar[int]
    TIMEFRAME_FIELD_NUMBER: _ClassVar[int]
    BAR_OPEN_TIME_MS_FIELD_NUMBER: _ClassVar[int]
    SYMBOLS_FIELD_NUMBER: _ClassVar[int]
    COLUMNS_FIELD_NUMBER: _ClassVar[int]
    BACKEND_FIELD_NUMBER: _ClassVar[int]
    universe: str
    exchange: str
    timeframe: str
    bar_open_time_ms: int
    symbols: _containers.RepeatedScalarFieldContainer[str]
    columns: _containers.RepeatedCompositeFieldContainer[IndicatorColumn]
    backend: str
    def __init__(self, universe: _Optional[str] = ..., exchange: _Optional[str] = ..., timeframe: _Optional[str] = ..., bar_open_time_ms: _Optional[int] = ..., symbols: _Optional[_Iterable[str]] = ..., columns: _Optional[_Iterable[_Union[IndicatorColumn, _Mapping]]] = ..., backend: _Optional[str] = ...) -> None: ...
