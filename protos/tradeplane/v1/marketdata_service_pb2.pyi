from tradeplane.v1 import marketdata_pb2 as _marketdata_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class DataQuality(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DATA_QUALITY_UNSPECIFIED: _ClassVar[DataQuality]
    DATA_QUALITY_FRESH: _ClassVar[DataQuality]
    DATA_QUALITY_STALE: _ClassVar[DataQuality]
    DATA_QUALITY_DEGRADED: _ClassVar[DataQuality]
DATA_QUALITY_UNSPECIFIED: DataQuality
DATA_QUALITY_FRESH: DataQuality
DATA_QUALITY_STALE: DataQuality
DATA_QUALITY_DEGRADED: DataQuality

class GetTickersRequest(_message.Message):
    __slots__ = ("exchange", "symbols")
    EXCHANGE_FIELD_NUMBER: _ClassVar[int]
    SYMBOLS_FIELD_NUMBER: _ClassVar[int]
    exchange: str
    symbols: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, exchange: _Optional[str] = ..., symbols: _Optional[_Iterable[str]] = ...) -> None: ...

class GetTickersResponse(_message.Message):
    __slots__ = ("frame", "quality", "age_seconds")
    FRAME_FIELD_NUMBER: _ClassVar[int]
    QUALITY_FIELD_NUMBER: _ClassVar[int]
    AGE_SECONDS_FIELD_NUMBER: _ClassVar[int]
    frame: _marketdata_pb2.TickerFrame
    quality: DataQuality
    age_seconds: float
    def __init__(self, frame: _Optional[_Union[_marketdata_pb2.TickerFrame, _Mapping]] = ..., quality: _Optional[_Union[DataQuality, str]] = ..., age_seconds: _Optional[float] = ...) -> None: ...

class GetCandlesRequest(_message.Message):
    __slots__ = ("exchange", "timeframe", "symbols", "limit", "closed_only")
    EXCHANGE_FIELD_NUMBER: _ClassVar[int]
    TIMEFRAME_FIELD_NUMBER: _ClassVar[int]
    SYMBOLS_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    CLOSED_ONLY_FIELD_NUMBER: _ClassVar[int]
    exchange: str
    timeframe: str
    symbols: _containers.RepeatedScalarFieldContainer[str]
    limit: int
    closed_only: bool
    def __init__(self, exchange: _Optional[str] = ..., timeframe: _Optional[str] = ..., symbols: _Optional[_Iterable[str]] = ..., limit: _Optional[int] = ..., closed_only: _Optional[bool] = ...) -> None: ...

class GetCandlesResponse(_message.Message):
    __slots__ = ("frame", "quality", "age_seconds")
    FRAME_FIELD_NUMBER: _ClassVar[int]
    QUALITY_FIELD_NUMBER: _ClassVar[int]
    AGE_SECONDS_FIELD_NUMBER: _ClassVar[int]
    frame: _marketdata_pb2.CandleFrame
    quality: DataQuality
    age_seconds: float
    def __init__(self, frame: _Optional[_Union[_marketdata_pb2.CandleFrame, _Mapping]] = ..., quality: _Optional[_Union[DataQuality, str]] = ..., age_seconds: _Optional[float] = ...) -> None: ...

class StreamTickersRequest(_message.Message):
    __slots__ = ("exchange", "symbols")
    EXCHANGE_FIELD_NUMBER: _ClassVar[int]
    SYMBOLS_FIELD_NUMBER: _ClassVar[int]
    exchange: str
    symbols: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, exchange: _Optional[str] = ..., symbols: _Optional[_Iterable[str]] = ...) -> None: ...
