"""Building and reading the `Event` envelope that every message on the bus travels in.

`new_event` gives a fresh ULID id (also the JetStream `Nats-Msg-Id`, so a retried publish
is stored once), the payload's full type name, and correlation/causation ids carried over
from the event that caused it.
"""

from __future__ import annotations

import functools
import re
from datetime import UTC, datetime

from google.protobuf import descriptor_pool, message_factory
from google.protobuf.message import DecodeError, Message
from ulid import ULID

from tradeplane.bus import subjects
from tradeplane.bus.errors import UndecodableEvent

# Importing the payload modules registers their types, so `decode_payload` finds them.
from tradeplane.v1 import (  # noqa: F401
    indicators_pb2,
    marketdata_pb2,
    orders_pb2,
    screener_service_pb2,
    screening_pb2,
    signals_pb2,
)
from tradeplane.v1.envelope_pb2 import Event

__all__ = ["Event", "decode_envelope", "decode_payload", "event_time", "headers_for", "new_event"]

SCHEMA_VERSION = 1

# Crockford base32, 26 characters, the first at most 7 (48-bit time).
_ULID = re.compile(r"[0-7][0-9A-HJKMNP-TV-Z]{25}\Z")


def new_event(
    payload: Message,
    *,
    subject: str,
    source: str,
    cause: Event | None = None,
    correlation_id: str = "",
    time: datetime | None = None,
    schema_version: int = SCHEMA_VERSION,
) -> Event:
    """Wrap `payload` in an envelope with a new ULID id.

    The correlation id comes from `correlation_id`, else from `cause`, else is the new id
    (the event starts a flow); `causation_id` is `cause.id` when given.
    """
    event_id = str(ULID())
    event = Event(
        id=event_id,
        type=payload.DESCRIPTOR.full_name,
        source=source,
        subject=subject,
        correlation_id=correlation_id or (cause.correlation_id if cause else "") or event_id,
        causation_id=cause.id if cause else "",
        schema_version=schema_version,
        payload=payload.SerializeToString(),
    )
    event.time.FromDatetime(time or datetime.now(UTC))
    return event


def headers_for(event: Event) -> dict[str, str]:
    """Headers published with `event`: only the dedupe id (every header costs each reader
    a parse; the type is in the envelope)."""
    return {subjects.MSG_ID_HEADER: event.id}


def decode_envelope(data: bytes) -> Event:
    """Parse and validate an envelope; `UndecodableEvent` says what is wrong with it."""
    event = Event()
    try:
        event.ParseFromString(data)
    except DecodeError as error:
        raise UndecodableEvent(f"not a tradeplane.v1.Event envelope: {error}") from None
    if not _ULID.match(event.id):
        raise UndecodableEvent(
            f"envelope id {event.id[:40]!r} is not a ULID (build events with new_event())"
        )
    if not event.type:
        raise UndecodableEvent(f"envelope {event.id} has no payload type")
    return event


@functools.lru_cache(maxsize=1024)
def payload_class(type_name: str) -> type[Message] | None:
    """The generated class of payload type `type_name`, or None if this process lacks it."""
    try:
        descriptor = descriptor_pool.Default().FindMessageTypeByName(type_name)
    except KeyError:
        return None
    return message_factory.GetMessageClass(descriptor)


def decode_payload(event: Event) -> Message:
    """The envelope's payload as its message; `UndecodableEvent` if unknown or corrupt."""
    message_class = payload_class(event.type)
    if message_class is None:
        raise UndecodableEvent(f"event {event.id} has unknown payload type {event.type!r}")
    payload = message_class()
    try:
        payload.ParseFromString(event.payload)
    except DecodeError as error:
        raise UndecodableEvent(
            f"payload of event {event.id} does not decode as {event.type}: {error}"
        ) from None
    return payload


def event_time(event: Event) -> datetime:
    """The envelope's time as an aware UTC datetime."""
    return event.time.ToDatetime(tzinfo=UTC)
