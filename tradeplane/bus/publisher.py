"""Publishing events to JetStream: awaited ack, retry on timeout, dedupe by event id."""

from __future__ import annotations

import asyncio
import logging
import time

import nats.errors
from google.protobuf.message import Message
from nats.js import api
from nats.js.errors import NoStreamResponseError, ServiceUnavailableError

from tradeplane.bus import subjects
from tradeplane.bus.config import PublisherSettings
from tradeplane.bus.connection import BusConnection, backoff_delays
from tradeplane.bus.envelope import Event, headers_for, new_event
from tradeplane.bus.errors import BusError, BusUnavailable
from tradeplane.bus.metrics import PUBLISH_RETRIES, PUBLISH_SECONDS, PUBLISHED

logger = logging.getLogger(__name__)

# Failures after which the same publish may simply be sent again: the event id makes
# JetStream drop the copy if the first attempt was stored after all.
RETRYABLE = (
    asyncio.TimeoutError,  # nats.errors.TimeoutError included
    NoStreamResponseError,  # no responders: JetStream not (yet) up after a restart
    ServiceUnavailableError,
    nats.errors.ConnectionReconnectingError,
    nats.errors.OutboundBufferLimitError,
)


class Publisher:
    """Publishes envelopes on their subject and waits until JetStream has stored them.

    A publish that times out is retried with the same `Nats-Msg-Id`, so JetStream stores
    the event once however often it is sent. Publish sequentially (await each call) where
    the order of a subject's events must survive a NATS restart.
    """

    def __init__(
        self,
        connection: BusConnection,
        settings: PublisherSettings | None = None,
        *,
        source: str,
    ) -> None:
        self.connection = connection
        self.settings = settings or PublisherSettings()
        self.source = source

    async def publish(self, event: Event) -> api.PubAck:
        """Publish `event` on `event.subject`; `BusUnavailable` once all attempts failed."""
        stream = _stream_label(event.subject)
        data = event.SerializeToString()
        headers = headers_for(event)
        started = time.perf_counter()
        delays = iter(
            backoff_delays(
                self.settings.retry_backoff_seconds, self.settings.retry_backoff_max_seconds
            )
        )
        for attempt in range(1, self.settings.max_attempts + 1):
            try:
                ack = await self.connection.jetstream.publish(
                    event.subject,
                    data,
                    timeout=self.settings.ack_timeout_seconds,
                    headers=headers,
                )
            except RETRYABLE as error:
                if attempt == self.settings.max_attempts:
                    raise BusUnavailable(
                        f"event {event.id} on {event.subject} not acknowledged after "
                        f"{attempt} attempts ({error!r}); check that NATS is up and that "
                        "ensure_streams() created the stream for this subject"
                    ) from error
                PUBLISH_RETRIES.labels(stream).inc()
                delay = next(delays, self.settings.retry_backoff_max_seconds)
                logger.debug("publish not acknowledged; retrying", extra={"attempt": attempt})
                await asyncio.sleep(delay)
                continue
            except nats.js.errors.APIError as error:
                raise BusError(
                    f"JetStream refused event {event.id} on {event.subject}: {error}"
                ) from error
            PUBLISHED.labels(stream).inc()
            PUBLISH_SECONDS.labels(stream).observe(time.perf_counter() - started)
            return ack
        raise AssertionError("unreachable")  # pragma: no cover

    async def publish_payload(
        self, payload: Message, *, subject: str, cause: Event | None = None
    ) -> Event:
        """Wrap `payload` in a new envelope from this publisher's source and publish it."""
        event = new_event(payload, subject=subject, source=self.source, cause=cause)
        await self.publish(event)
        return event


def _stream_label(subject: str) -> str:
    try:
        return subjects.stream_for(subject).name
    except ValueError:
        return "none"
