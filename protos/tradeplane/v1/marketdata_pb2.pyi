import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class TickerFrame(_message.Message):
    __slots__ = ("exchange", "time", "symbols", "timestamps_ms", "last", "bid", "ask", "bid_size", "ask_size", "open_24h", "high_24h", "low_24h", "base_volume_24h", "quote_volume_24h", "percent_change_24h", "statuses", "listing_times_ms")
    EXCHANGE_FIELD_NUMBER: _ClassVar[int]
    TIME_FIELD_NUMBER: _ClassVar[int]
    SYMBOLS_FIELD_NUMBER: _ClassVar[int]
    TIMESTAMPS_MS_FIELD_NUMBER: _ClassVar[int]
    LAST_FIELD_NUMBER: _ClassVar[int]
    BID_FIELD_NUMBER: _ClassVar[int]
    ASK_FIELD_NUMBER: _ClassVar[int]
    BID_SIZE_FIELD_NUMBER: _ClassVar[int]
    ASK_SIZE_FIELD_NUMBER: _ClassVar[int]
    OPEN_24H_FIELD_NUMBER: _ClassVar[int]
    HIGH_24H_FIELD_NUMBER: _ClassVar[int]
    LOW_24H_FIELD_NUMBER: _ClassVar[int]
    BASE_VOLUME_24H_FIELD_NUMBER: _ClassVar[int]
    QUOTE_VOLUME_24H_FIELD_NUMBER: _ClassVar[int]
    PERCENT_CHANGE_24H_FIELD_NUMBER: _ClassVar[int]
    STATUSES_FIELD_NUMBER: _ClassVar[int]
    LISTING_TIMES_MS_FIELD_NUMBER: _ClassVar[int]
    exchange: str
    time: _timestamp_pb2.Timestamp
    symbols: _containers.RepeatedScalarFieldContainer[str]
    timestamps_ms: _containers.RepeatedScalarFieldContainer[int]
    last: _containers.RepeatedScalarFieldContainer[float]
    bid: _containers.RepeatedScalarFieldContainer[float]
    ask: _containers.RepeatedScalarFieldContainer[float]
    bid_size: _containers.RepeatedScalarFieldContainer[float]
    ask_size: _containers.RepeatedScalarFieldContainer[float]
    open_24h: _containers.RepeatedScalarFieldContainer[float]
    high_24h: _containers.RepeatedScalarFieldContainer[float]
    low_24h: _containers.RepeatedScalarFieldContainer[float]
    base_volume_24h: _containers.RepeatedScalarFieldContainer[float]
    quote_volume_24h: _containers.RepeatedScalarFieldContainer[float]
    percent_change_24h: _containers.RepeatedScalarFieldContainer[float]
    statuses: _containers.RepeatedScalarFieldContainer[str]
    listing_times_ms: _containers.RepeatedScalarFieldContainer[float]
    def __init__(self, exchange: _Optional[str] = ..., time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., symbols: _Optional[_Iterable[str]] = ..., timestamps_ms: _Optional[_Iterable[int]] = ..., last: _Optional[_Iterable[float]] = ..., bid: _Optional[_Iterable[float]] = ..., ask: _Optional[_Iterable[float]] = ..., bid_size: _Optional[_Iterable[float]] = ..., ask_size: _Optional[_Iterable[float]] = ..., open_24h: _Optional[_Iterable[float]] = ..., high_24h: _Optional[_Iterable[float]] = ..., low_24h: _Optional[_Iterable[float]] = ..., base_volume_24h: _Optional[_Iterable[float]] = ..., quote_volume_24h: _Optional[_Iterable[float]] = ..., percent_change_24h: _Optional[_Iterable[float]] = ..., statuses: _Optional[_Iterable[str]] = ..., listing_times_ms: _Optional[_Iterable[float]] = ...) -> None: ...

class CandleFrame(_message.Message):
    __slots__ = ("exchange", "timeframe", "symbols", "open_times_ms", "open", "high", "low", "close", "volume", "closed")
    EXCHANGE_FIELD_NUMBER: _ClassVar[int]
    TIMEFRAME_FIELD_NUMBER: _ClassVar[int]
    SYMBOLS_FIELD_NUMBER: _ClassVar[int]
    OPEN_TIMES_MS_FIELD_NUMBER: _ClassVar[int]
    OPEN_FIELD_NUMBER: _ClassVar[int]
    HIGH_FIELD_NUMBER: _ClassVar[int]
    LOW_FIELD_NUMBER: _ClassVar[int]
    CLOSE_FIELD_NUMBER: _ClassVar[int]
    VOLUME_FIELD_NUMBER: _ClassVar[int]
    CLOSED_FIELD_NUMBER: _ClassVar[int]
    exchange: str
    timeframe: str
    symbols: _containers.RepeatedScalarFieldContainer[str]
    open_times_ms: _containers.RepeatedScalarFieldContainer[int]
    open: _containers.RepeatedScalarFieldContainer[float]
    high: _containers.RepeatedScalarFieldContainer[float]
    low: _containers.RepeatedScalarFieldContainer[float]
    close: _containers.RepeatedScalarFieldContainer[float]
    volume: _containers.RepeatedScalarFieldContainer[float]
    closed: _containers.RepeatedScalarFieldContainer[bool]
    def __init__(self, exchange: _Optional[str] = ..., timeframe: _Optional[str] = ..., symbols: _Optional[_Iterable[str]] = ..., open_times_ms: _Optional[_Iterable[int]] = ..., open: _Optional[_Iterable[float]] = ..., high: _Optional[_Iterable[float]] = ..., low: _Optional[_Iterable[float]] = ..., close: _Optional[_Iterable[float]] = ..., volume: _Optional[_Iterable[float]] = ..., closed: _Optional[_Iterable[bool]] = ...) -> None: ...
