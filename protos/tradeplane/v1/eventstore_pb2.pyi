import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from tradeplane.v1 import envelope_pb2 as _envelope_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class StateScope(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    STATE_SCOPE_UNSPECIFIED: _ClassVar[StateScope]
    STATE_SCOPE_UNIVERSE: _ClassVar[StateScope]
    STATE_SCOPE_STRATEGY: _ClassVar[StateScope]
STATE_SCOPE_UNSPECIFIED: StateScope
STATE_SCOPE_UNIVERSE: StateScope
STATE_SCOPE_STRATEGY: StateScope

class EventFilter(_message.Message):
    __slots__ = ("subject", "types", "since", "until")
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    TYPES_FIELD_NUMBER: _ClassVar[int]
    SINCE_FIELD_NUMBER: _ClassVar[int]
    UNTIL_FIELD_NUMBER: _ClassVar[int]
    subject: str
    types: _containers.RepeatedScalarFieldContainer[str]
    since: _timestamp_pb2.Timestamp
    until: _timestamp_pb2.Timestamp
    def __init__(self, subject: _Optional[str] = ..., types: _Optional[_Iterable[str]] = ..., since: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., until: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class StoredEvent(_message.Message):
    __slots__ = ("sequence", "event", "stream", "stream_sequence", "published_at", "stored_at")
    SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    EVENT_FIELD_NUMBER: _ClassVar[int]
    STREAM_FIELD_NUMBER: _ClassVar[int]
    STREAM_SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    PUBLISHED_AT_FIELD_NUMBER: _ClassVar[int]
    STORED_AT_FIELD_NUMBER: _ClassVar[int]
    sequence: int
    event: _envelope_pb2.Event
    stream: str
    stream_sequence: int
    published_at: _timestamp_pb2.Timestamp
    stored_at: _timestamp_pb2.Timestamp
    def __init__(self, sequence: _Optional[int] = ..., event: _Optional[_Union[_envelope_pb2.Event, _Mapping]] = ..., stream: _Optional[str] = ..., stream_sequence: _Optional[int] = ..., published_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., stored_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class QueryEventsRequest(_message.Message):
    __slots__ = ("filter", "page_size", "page_token")
    FILTER_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    filter: EventFilter
    page_size: int
    page_token: str
    def __init__(self, filter: _Optional[_Union[EventFilter, _Mapping]] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class QueryEventsResponse(_message.Message):
    __slots__ = ("events", "next_page_token")
    EVENTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    events: _containers.RepeatedCompositeFieldContainer[StoredEvent]
    next_page_token: str
    def __init__(self, events: _Optional[_Iterable[_Union[StoredEvent, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ReplayEventsRequest(_message.Message):
    __slots__ = ("filter", "after_sequence", "limit", "follow")
    FILTER_FIELD_NUMBER: _ClassVar[int]
    AFTER_SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    FOLLOW_FIELD_NUMBER: _ClassVar[int]
    filter: EventFilter
    after_sequence: int
    limit: int
    follow: bool
    def __init__(self, filter: _Optional[_Union[EventFilter, _Mapping]] = ..., after_sequence: _Optional[int] = ..., limit: _Optional[int] = ..., follow: _Optional[bool] = ...) -> None: ...

class EventStatsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class EventTypeCount(_message.Message):
    __slots__ = ("type", "count")
    TYPE_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    type: str
    count: int
    def __init__(self, type: _Optional[str] = ..., count: _Optional[int] = ...) -> None: ...

class ConsumerLag(_message.Message):
    __slots__ = ("stream", "consumer", "pending", "ack_pending", "redelivered")
    STREAM_FIELD_NUMBER: _ClassVar[int]
    CONSUMER_FIELD_NUMBER: _ClassVar[int]
    PENDING_FIELD_NUMBER: _ClassVar[int]
    ACK_PENDING_FIELD_NUMBER: _ClassVar[int]
    REDELIVERED_FIELD_NUMBER: _ClassVar[int]
    stream: str
    consumer: str
    pending: int
    ack_pending: int
    redelivered: int
    def __init__(self, stream: _Optional[str] = ..., consumer: _Optional[str] = ..., pending: _Optional[int] = ..., ack_pending: _Optional[int] = ..., redelivered: _Optional[int] = ...) -> None: ...

class EventStatsResponse(_message.Message):
    __slots__ = ("total_events", "last_sequence", "first_event_time", "last_event_time", "by_type", "consumers", "dead_letters", "retention_days", "stored_since_start", "duplicates_since_start")
    TOTAL_EVENTS_FIELD_NUMBER: _ClassVar[int]
    LAST_SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    FIRST_EVENT_TIME_FIELD_NUMBER: _ClassVar[int]
    LAST_EVENT_TIME_FIELD_NUMBER: _ClassVar[int]
    BY_TYPE_FIELD_NUMBER: _ClassVar[int]
    CONSUMERS_FIELD_NUMBER: _ClassVar[int]
    DEAD_LETTERS_FIELD_NUMBER: _ClassVar[int]
    RETENTION_DAYS_FIELD_NUMBER: _ClassVar[int]
    STORED_SINCE_START_FIELD_NUMBER: _ClassVar[int]
    DUPLICATES_SINCE_START_FIELD_NUMBER: _ClassVar[int]
    total_events: int
    last_sequence: int
    first_event_time: _timestamp_pb2.Timestamp
    last_event_time: _timestamp_pb2.Timestamp
    by_type: _containers.RepeatedCompositeFieldContainer[EventTypeCount]
    consumers: _containers.RepeatedCompositeFieldContainer[ConsumerLag]
    dead_letters: int
    retention_days: float
    stored_since_start: int
    duplicates_since_start: int
    def __init__(self, total_events: _Optional[int] = ..., last_sequence: _Optional[int] = ..., first_event_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., last_event_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., by_type: _Optional[_Iterable[_Union[EventTypeCount, _Mapping]]] = ..., consumers: _Optional[_Iterable[_Union[ConsumerLag, _Mapping]]] = ..., dead_letters: _Optional[int] = ..., retention_days: _Optional[float] = ..., stored_since_start: _Optional[int] = ..., duplicates_since_start: _Optional[int] = ...) -> None: ...

class StateVersion(_message.Message):
    __slots__ = ("scope", "name", "revision", "document_json", "reason", "updated_at", "restored_revision")
    SCOPE_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    REVISION_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_JSON_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    RESTORED_REVISION_FIELD_NUMBER: _ClassVar[int]
    scope: StateScope
    name: str
    revision: int
    document_json: str
    reason: str
    updated_at: _timestamp_pb2.Timestamp
    restored_revision: int
    def __init__(self, scope: _Optional[_Union[StateScope, str]] = ..., name: _Optional[str] = ..., revision: _Optional[int] = ..., document_json: _Optional[str] = ..., reason: _Optional[str] = ..., updated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., restored_revision: _Optional[int] = ...) -> None: ...

class GetStateRequest(_message.Message):
    __slots__ = ("scope", "name", "revision")
    SCOPE_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    REVISION_FIELD_NUMBER: _ClassVar[int]
    scope: StateScope
    name: str
    revision: int
    def __init__(self, scope: _Optional[_Union[StateScope, str]] = ..., name: _Optional[str] = ..., revision: _Optional[int] = ...) -> None: ...

class PutStateRequest(_message.Message):
    __slots__ = ("scope", "name", "document_json", "reason", "expected_revision")
    SCOPE_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_JSON_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_REVISION_FIELD_NUMBER: _ClassVar[int]
    scope: StateScope
    name: str
    document_json: str
    reason: str
    expected_revision: int
    def __init__(self, scope: _Optional[_Union[StateScope, str]] = ..., name: _Optional[str] = ..., document_json: _Optional[str] = ..., reason: _Optional[str] = ..., expected_revision: _Optional[int] = ...) -> None: ...

class ListStateHistoryRequest(_message.Message):
    __slots__ = ("scope", "name")
    SCOPE_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    scope: StateScope
    name: str
    def __init__(self, scope: _Optional[_Union[StateScope, str]] = ..., name: _Optional[str] = ...) -> None: ...

class ListStateHistoryResponse(_message.Message):
    __slots__ = ("versions",)
    VERSIONS_FIELD_NUMBER: _ClassVar[int]
    versions: _containers.RepeatedCompositeFieldContainer[StateVersion]
    def __init__(self, versions: _Optional[_Iterable[_Union[StateVersion, _Mapping]]] = ...) -> None: ...

class RollbackStateRequest(_message.Message):
    __slots__ = ("scope", "name", "revision", "reason")
    SCOPE_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    REVISION_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    scope: StateScope
    name: str
    revision: int
    reason: str
    def __init__(self, scope: _Optional[_Union[StateScope, str]] = ..., name: _Optional[str] = ..., revision: _Optional[int] = ..., reason: _Optional[str] = ...) -> None: ...
