"""`tradeplane events tail|replay|stats`: read the event store over gRPC."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from typing import Any, TextIO

from google.protobuf.json_format import MessageToDict

from tradeplane.bus.envelope import payload_class
from tradeplane.cli.grpc_client import add_target_option, channel
from tradeplane.v1 import eventstore_pb2, eventstore_pb2_grpc


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("events", help="read the event store: tail, replay, stats")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

    tail = actions.add_parser("tail", help="print events as they are stored (Ctrl-C stops)")
    _add_filter_options(tail)
    tail.add_argument(
        "--from-sequence", type=int, help="start after this store sequence (default: now)"
    )
    tail.add_argument("--count", type=int, default=0, help="exit after this many events")
    tail.set_defaults(handler=events_tail)

    replay = actions.add_parser("replay", help="print stored events in their original order")
    _add_filter_options(replay)
    replay.add_argument("--since", type=_parse_time, help="event time from (ISO 8601)")
    replay.add_argument("--until", type=_parse_time, help="event time before (ISO 8601)")
    replay.add_argument("--from-sequence", type=int, default=0, help="start after this sequence")
    replay.add_argument("--limit", type=int, default=0, help="stop after this many events")
    replay.set_defaults(handler=events_replay)

    stats = actions.add_parser("stats", help="counts, time range, consumer lag, dead letters")
    add_target_option(stats)
    stats.add_argument("--json", action="store_true", help="print JSON")
    stats.set_defaults(handler=events_stats)


def _add_filter_options(parser: argparse.ArgumentParser) -> None:
    add_target_option(parser)
    parser.add_argument("--subject", default="", help="subject or NATS wildcard, e.g. 'md.>'")
    parser.add_argument(
        "--type", dest="types", action="append", default=[], help="payload type (repeatable)"
    )
    parser.add_argument("--json", action="store_true", help="one JSON object per event")


def _parse_time(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an ISO 8601 time, e.g. 2025-01-31T12:00:00Z"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _filter(args: argparse.Namespace) -> eventstore_pb2.EventFilter:
    event_filter = eventstore_pb2.EventFilter(subject=args.subject, types=args.types)
    if getattr(args, "since", None):
        event_filter.since.FromDatetime(args.since)
    if getattr(args, "until", None):
        event_filter.until.FromDatetime(args.until)
    return event_filter


def describe(stored: eventstore_pb2.StoredEvent) -> dict[str, Any]:
    """A stored event as plain data, with its payload decoded when the type is known."""
    event = stored.event
    described: dict[str, Any] = {
        "sequence": stored.sequence,
        "id": event.id,
        "time": event.time.ToDatetime(tzinfo=UTC).isoformat(),
        "subject": event.subject,
        "type": event.type,
        "source": event.source,
        "correlation_id": event.correlation_id,
        "causation_id": event.causation_id,
        "stream": stored.stream,
        "stream_sequence": stored.stream_sequence,
    }
    message_class = payload_class(event.type)
    if message_class is not None:
        payload = message_class()
        payload.ParseFromString(event.payload)
        described["payload"] = MessageToDict(payload, preserving_proto_field_name=True)
    else:
        described["payload_bytes"] = len(event.payload)
    return described


def print_event(stored: eventstore_pb2.StoredEvent, *, as_json: bool, out: TextIO) -> None:
    if as_json:
        out.write(json.dumps(describe(stored)) + "\n")
    else:
        event = stored.event
        moment = event.time.ToDatetime(tzinfo=UTC).isoformat(timespec="milliseconds")
        out.write(f"{stored.sequence:>10}  {moment}  {event.subject}  {event.type}  {event.id}\n")
    out.flush()


def events_tail(args: argparse.Namespace) -> int:
    with channel(args.target) as opened:
        stub = eventstore_pb2_grpc.EventStoreServiceStub(opened)
        start = args.from_sequence
        if start is None:
            start = stub.Stats(eventstore_pb2.EventStatsRequest()).last_sequence
        request = eventstore_pb2.ReplayEventsRequest(
            filter=_filter(args), after_sequence=start, follow=True, limit=args.count
        )
        for stored in stub.Replay(request):
            print_event(stored, as_json=args.json, out=sys.stdout)
    return 0


def events_replay(args: argparse.Namespace) -> int:
    request = eventstore_pb2.ReplayEventsRequest(
        filter=_filter(args), after_sequence=args.from_sequence, limit=args.limit
    )
    with channel(args.target) as opened:
        stub = eventstore_pb2_grpc.EventStoreServiceStub(opened)
        for stored in stub.Replay(request):
            print_event(stored, as_json=args.json, out=sys.stdout)
    return 0


def events_stats(args: argparse.Namespace) -> int:
    with channel(args.target) as opened:
        response = eventstore_pb2_grpc.EventStoreServiceStub(opened).Stats(
            eventstore_pb2.EventStatsRequest()
        )
    stats = MessageToDict(
        response, preserving_proto_field_name=True, always_print_fields_with_no_presence=True
    )
    if args.json:
        print(json.dumps(stats, indent=2))
        return 0
    print(f"events stored      {response.total_events}")
    print(f"last sequence      {response.last_sequence}")
    if response.HasField("first_event_time"):
        first = response.first_event_time.ToDatetime(tzinfo=UTC).isoformat()
        last = response.last_event_time.ToDatetime(tzinfo=UTC).isoformat()
        print(f"event times        {first} .. {last}")
    print(f"dead letters       {response.dead_letters}")
    retention = f"{response.retention_days:g} days" if response.retention_days else "forever"
    print(f"retention          {retention}")
    print(
        f"since start        {response.stored_since_start} stored, "
        f"{response.duplicates_since_start} duplicates skipped"
    )
    for consumer in response.consumers:
        print(
            f"consumer {consumer.stream:<11} pending {consumer.pending}, unacknowledged "
            f"{consumer.ack_pending}, redelivered {consumer.redelivered}"
        )
    for count in response.by_type:
        print(f"  {count.count:>10}  {count.type}")
    return 0
