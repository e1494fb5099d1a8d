"""A universe's JetStream stream and KV bucket, managed through nats-py's JetStream API.

`ensure` creates what is missing and updates a stream whose sources drifted; `remove`
deletes everything planned and only returns once nothing is left, so a finalizer that
retries on error never leaves a half-removed universe. NATS not answering is
`tradeplane.bus.BusUnavailable` (retry with backoff).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import nats.errors
from nats.js import JetStreamContext, api
from nats.js.errors import APIError, NotFoundError, ServiceUnavailableError

from tradeplane.bus import BusConnection, BusError, BusUnavailable
from tradeplane.bus.config import ConnectionSettings
from tradeplane.bus.connection import redact_url
from tradeplane.operator.planning.universe import StreamPlan

logger = logging.getLogger(__name__)

KV_STREAM_PREFIX = "KV_"


def stream_config(plan: StreamPlan) -> api.StreamConfig:
    return api.StreamConfig(
        name=plan.name,
        description=plan.description,
        sources=[
            api.StreamSource(name=origin, filter_subject=subject)
            for origin, subject in plan.sources
        ],
        max_age=plan.max_age_seconds,
        storage=api.StorageType.FILE,
        discard=api.DiscardPolicy.OLD,
    )


def _source_set(config: api.StreamConfig) -> set[tuple[str, str]]:
    return {(source.name, source.filter_subject or "") for source in config.sources or []}


@contextmanager
def _as_bus_errors(doing: str, url: str) -> Iterator[None]:
    try:
        yield
    except (
        nats.errors.TimeoutError,
        nats.errors.NoRespondersError,
        ServiceUnavailableError,
        nats.errors.ConnectionClosedError,
        TimeoutError,
    ) as error:
        raise BusUnavailable(
            f"JetStream at {redact_url(url)} did not answer while {doing} ({error!r})"
        ) from error
    except APIError as error:
        raise BusError(f"JetStream refused {doing}: {error.description}") from error


class JetStreamManager:
    """One lazily opened NATS connection for the operator's stream management."""

    def __init__(self, url: str, *, connect_deadline_seconds: float = 5.0) -> None:
        self.url = url
        # A finite reconnect budget: with -1 (reconnect forever) nats-py never gives up on
        # the first connection either, and the deadline below would never be reached.
        self._settings = ConnectionSettings(
            name="tradeplane-operator",
            connect_timeout_seconds=min(2.0, connect_deadline_seconds),
            initial_connect_deadline_seconds=connect_deadline_seconds,
            max_reconnect_attempts=10,
            request_timeout_seconds=5.0,
        )
        self._deadline = connect_deadline_seconds
        self._connection: BusConnection | None = None
        self._lock = asyncio.Lock()

    async def _jetstream(self) -> JetStreamContext:
        async with self._lock:
            if self._connection is None or self._connection.client.is_closed:
                try:
                    self._connection = await asyncio.wait_for(
                        BusConnection.connect(self.url, self._settings), self._deadline + 2.0
                    )
                except TimeoutError as error:
                    raise BusUnavailable(
                        f"NATS at {redact_url(self.url)} unreachable for {self._deadline:.0f}s"
                    ) from error
            if not self._connection.connected:
                raise BusUnavailable(f"NATS at {redact_url(self.url)} is disconnected")
            return self._connection.jetstream

    async def ensure(self, plans: Sequence[StreamPlan]) -> list[str]:
        """Create or update every planned stream and bucket; returns their names."""
        jetstream = await self._jetstream()
        for plan in plans:
            with _as_bus_errors(f"provisioning {plan.kind} {plan.name}", self.url):
                if plan.kind == "kv":
                    try:
                        await jetstream.stream_info(KV_STREAM_PREFIX + plan.name)
                    except NotFoundError:
                        await jetstream.create_key_value(
                            api.KeyValueConfig(
                                bucket=plan.name,
                                description=plan.description,
                                history=plan.history,
                            )
                        )
                        logger.info("KV bucket created", extra={"bucket": plan.name})
                    continue
                wanted = stream_config(plan)
                try:
                    info = await jetstream.stream_info(plan.name)
                except NotFoundError:
                    await jetstream.add_stream(wanted)
                    logger.info("stream created", extra={"stream": plan.name})
                    continue
                if _source_set(info.config) != _source_set(wanted) or round(
                    float(info.config.max_age or 0), 3
                ) != round(plan.max_age_seconds, 3):
                    await jetstream.update_stream(wanted)
                    logger.info("stream updated", extra={"stream": plan.name})
        return [plan.name for plan in plans]

    async def remove(self, plans: Sequence[StreamPlan]) -> list[str]:
        """Delete every planned stream and bucket (absent ones count as removed); raises
        after trying all of them if any is left, so the caller retries the rest."""
        jetstream = await self._jetstream()
        removed, failures = [], []
        for plan in plans:
            try:
                with _as_bus_errors(f"deleting {plan.kind} {plan.name}", self.url):
                    try:
                        if plan.kind == "kv":
                            await jetstream.delete_key_value(plan.name)
                        else:
                            await jetstream.delete_stream(plan.name)
                        logger.info("deleted", extra={"kind": plan.kind, "object": plan.name})
                    except NotFoundError:
                        pass
                removed.append(plan.name)
            except (BusError, BusUnavailable) as error:
                failures.append(error)
        if failures:
            raise failures[0]
        return removed

    async def existing(self, plans: Sequence[StreamPlan]) -> list[str]:
        """Which planned streams and buckets exist now."""
        jetstream = await self._jetstream()
        found = []
        for plan in plans:
            name = KV_STREAM_PREFIX + plan.name if plan.kind == "kv" else plan.name
            with _as_bus_errors(f"looking up {plan.kind} {plan.name}", self.url):
                try:
                    await jetstream.stream_info(name)
                    found.append(plan.name)
                except NotFoundError:
                    pass
        return found

    async def close(self) -> None:
        if self._connection is not None:
            await self._connection.close()
            self._connection = None
