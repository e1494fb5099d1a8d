"""gRPC adapters: `EventStoreService` over the events table and `StateService` over the
state bucket. They translate messages and errors; the work happens in the store and bus."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime

import grpc
from google.protobuf.timestamp_pb2 import Timestamp

from tradeplane.bus.errors import StateConflict, StateNotFound
from tradeplane.bus.state import StateStore, StateVersion
from tradeplane.errors import TemporaryError
from tradeplane.services.eventstore.config import EventStoreConfig
from tradeplane.store.database import Database, StoreError
from tradeplane.store.events import EventFilter, StoredEvent, event_stats, read_events
from tradeplane.v1 import envelope_pb2, eventstore_pb2, eventstore_pb2_grpc

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000
REPLAY_CHUNK = 500

SCOPES = {
    eventstore_pb2.STATE_SCOPE_UNIVERSE: "universe",
    eventstore_pb2.STATE_SCOPE_STRATEGY: "strategy",
}
SCOPE_VALUES = {name: value for value, name in SCOPES.items()}


def _timestamp(moment: datetime) -> Timestamp:
    stamp = Timestamp()
    stamp.FromDatetime(moment)
    return stamp


def to_message(stored: StoredEvent) -> eventstore_pb2.StoredEvent:
    event = envelope_pb2.Event(
        id=stored.id,
        type=stored.type,
        source=stored.source,
        subject=stored.subject,
        time=_timestamp(stored.time),
        correlation_id=stored.correlation_id,
        causation_id=stored.causation_id,
        schema_version=stored.schema_version,
        payload=stored.payload,
    )
    return eventstore_pb2.StoredEvent(
        sequence=stored.sequence,
        event=event,
        stream=stored.stream,
        stream_sequence=stored.stream_sequence,
        published_at=_timestamp(stored.published_at),
        stored_at=_timestamp(stored.stored_at),
    )


def to_filter(message: eventstore_pb2.EventFilter) -> EventFilter:
    return EventFilter(
        subject=message.subject,
        types=tuple(message.types),
        since=message.since.ToDatetime(tzinfo=UTC) if message.HasField("since") else None,
        until=message.until.ToDatetime(tzinfo=UTC) if message.HasField("until") else None,
    )


async def _abort_on_errors(context: grpc.aio.ServicerContext, call: Awaitable):  # type: ignore[no-untyped-def]
    """Await `call`, turning the project's errors into gRPC status codes."""
    try:
        return await call
    except StateNotFound as error:
        await context.abort(grpc.StatusCode.NOT_FOUND, str(error))
    except StateConflict as error:
        await context.abort(grpc.StatusCode.ABORTED, str(error))
    except TemporaryError as error:  # BusUnavailable, StoreUnavailable
        await context.abort(grpc.StatusCode.UNAVAILABLE, str(error))
    except ValueError as error:
        await context.abort(grpc.StatusCode.INVALID_ARGUMENT, str(error))
    except StoreError as error:
        await context.abort(grpc.StatusCode.INTERNAL, str(error))


class EventStoreServicer(eventstore_pb2_grpc.EventStoreServiceServicer):
    def __init__(
        self,
        database: Database,
        config: EventStoreConfig,
        *,
        live_figures: Callable[[], Awaitable[eventstore_pb2.EventStatsResponse]],
    ) -> None:
        self._database = database
        self._config = config
        self._live_figures = live_figures

    async def Query(
        self, request: eventstore_pb2.QueryEventsRequest, context: grpc.aio.ServicerContext
    ) -> eventstore_pb2.QueryEventsResponse:
        page_size = min(request.page_size or DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)
        try:
            after = int(request.page_token or 0)
        except ValueError:
            await context.abort(
                grpc.StatusCode.INVALID_ARGUMENT,
                "page_token must be the next_page_token of a previous response",
            )
        rows = await _abort_on_errors(
            context,
            read_events(
                self._database, to_filter(request.filter), after_sequence=after,
                limit=page_size + 1,
            ),
        )  # fmt: skip
        more = len(rows) > page_size
        rows = rows[:page_size]
        return eventstore_pb2.QueryEventsResponse(
            events=[to_message(row) for row in rows],
            next_page_token=str(rows[-1].sequence) if more else "",
        )

    async def Replay(
        self, request: eventstore_pb2.ReplayEventsRequest, context: grpc.aio.ServicerContext
    ) -> AsyncIterator[eventstore_pb2.StoredEvent]:
        event_filter = to_filter(request.filter)
        after, sent = request.after_sequence, 0
        while True:
            chunk = REPLAY_CHUNK
            if request.limit:
                chunk = min(chunk, request.limit - sent)
            rows = await _abort_on_errors(
                context,
                read_events(self._database, event_filter, after_sequence=after, limit=chunk),
            )
            for row in rows:
                yield to_message(row)
            sent += len(rows)
            if rows:
                after = rows[-1].sequence
            if request.limit and sent >= request.limit:
                return
            if len(rows) < chunk:
                if not request.follow:
                    return
                await asyncio.sleep(self._config.follow_poll_seconds)

    async def Stats(
        self, request: eventstore_pb2.EventStatsRequest, context: grpc.aio.ServicerContext
    ) -> eventstore_pb2.EventStatsResponse:
        stats = await _abort_on_errors(context, event_stats(self._database))
        response = await _abort_on_errors(context, self._live_figures())
        response.total_events = stats.total_events
        response.last_sequence = stats.last_sequence
        if stats.first_event_time is not None:
            response.first_event_time.FromDatetime(stats.first_event_time)
        if stats.last_event_time is not None:
            response.last_event_time.FromDatetime(stats.last_event_time)
        for name, count in stats.by_type.items():
            response.by_type.add(type=name, count=count)
        response.retention_days = self._config.retention_days
        return response


def to_version_message(version: StateVersion) -> eventstore_pb2.StateVersion:
    return eventstore_pb2.StateVersion(
        scope=SCOPE_VALUES[version.scope],
        name=version.name,
        revision=version.revision,
        document_json=json.dumps(version.document, sort_keys=True),
        reason=version.reason,
        updated_at=_timestamp(version.updated_at),
        restored_revision=version.restored_revision,
    )


class StateServicer(eventstore_pb2_grpc.StateServiceServicer):
    def __init__(self, state: StateStore) -> None:
        self._state = state

    @staticmethod
    async def _scope(request: object, context: grpc.aio.ServicerContext) -> str:
        scope = SCOPES.get(request.scope)  # type: ignore[attr-defined]
        if scope is None:
            await context.abort(
                grpc.StatusCode.INVALID_ARGUMENT, "scope must be STATE_SCOPE_UNIVERSE or _STRATEGY"
            )
        return scope  # type: ignore[return-value]

    async def GetState(
        self, request: eventstore_pb2.GetStateRequest, context: grpc.aio.ServicerContext
    ) -> eventstore_pb2.StateVersion:
        scope = await self._scope(request, context)
        call = self._state.get(scope, request.name, request.revision or None)
        return to_version_message(await _abort_on_errors(context, call))

    async def PutState(
        self, request: eventstore_pb2.PutStateRequest, context: grpc.aio.ServicerContext
    ) -> eventstore_pb2.StateVersion:
        scope = await self._scope(request, context)
        try:
            document = json.loads(request.document_json)
        except json.JSONDecodeError as error:
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, f"document_json: {error}")
        call = self._state.put(
            scope,
            request.name,
            document,
            reason=request.reason,
            expected_revision=request.expected_revision or None,
        )
        return to_version_message(await _abort_on_errors(context, call))

    async def ListStateHistory(
        self, request: eventstore_pb2.ListStateHistoryRequest, context: grpc.aio.ServicerContext
    ) -> eventstore_pb2.ListStateHistoryResponse:
        scope = await self._scope(request, context)
        versions = await _abort_on_errors(context, self._state.history(scope, request.name))
        return eventstore_pb2.ListStateHistoryResponse(
            versions=[to_version_message(version) for version in versions]
        )

    async def RollbackState(
        self, request: eventstore_pb2.RollbackStateRequest, context: grpc.aio.ServicerContext
    ) -> eventstore_pb2.StateVersion:
        scope = await self._scope(request, context)
        call = self._state.rollback(scope, request.name, request.revision, reason=request.reason)
        return to_version_message(await _abort_on_errors(context, call))
