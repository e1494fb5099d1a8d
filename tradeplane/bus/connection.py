"""One NATS connection per process: first connect with backoff, reconnect forever, drain."""

from __future__ import annotations

import asyncio
import logging
import random

import nats
from nats.aio.client import Client
from nats.js import JetStreamContext

from tradeplane.bus.config import ConnectionSettings
from tradeplane.bus.errors import BusUnavailable

logger = logging.getLogger(__name__)


def backoff_delays(initial: float, maximum: float) -> list[float]:
    """Exponential delays with full jitter, capped at `maximum` (20 steps; last repeats)."""
    delays, delay = [], initial
    for _ in range(20):
        delays.append(random.uniform(delay / 2, delay))
        delay = min(delay * 2, maximum)
    return delays


def redact_url(url: str) -> str:
    """The server URL(s) without credentials, safe for logs."""
    redacted = []
    for server in url.split(","):
        scheme, separator, rest = server.strip().partition("://")
        if separator and "@" in rest:
            rest = rest.rpartition("@")[2]
        redacted.append(f"{scheme}{separator}{rest}")
    return ",".join(redacted)


class BusConnection:
    """A connected NATS client and its JetStream context.

    Use `await BusConnection.connect(url, settings)`; `close()` drains subscriptions and
    pending publishes before closing.
    """

    def __init__(self, client: Client, settings: ConnectionSettings, url: str) -> None:
        self.client = client
        self.settings = settings
        self.url = url
        self.jetstream: JetStreamContext = client.jetstream(
            timeout=settings.request_timeout_seconds
        )
        self._closing: list[bool] = []

    @classmethod
    async def connect(cls, url: str, settings: ConnectionSettings | None = None) -> BusConnection:
        """Connect, retrying every `reconnect_wait_seconds` for up to
        `initial_connect_deadline_seconds`; afterwards reconnect forever on disconnects."""
        settings = settings or ConnectionSettings()
        shown = redact_url(url)
        closing: list[bool] = []  # set once close() starts, so the drain is not a warning

        async def disconnected() -> None:
            if closing:
                logger.info("disconnected from NATS (closing)", extra={"url": shown})
            else:
                logger.warning("disconnected from NATS; reconnecting", extra={"url": shown})

        async def reconnected() -> None:
            logger.info("reconnected to NATS", extra={"url": shown})

        async def failed(error: Exception) -> None:
            logger.warning("NATS connection error", extra={"url": shown, "error": repr(error)})

        attempt = nats.connect(
            [server.strip() for server in url.split(",")],
            name=settings.name,
            connect_timeout=settings.connect_timeout_seconds,  # type: ignore[arg-type]
            reconnect_time_wait=settings.reconnect_wait_seconds,  # type: ignore[arg-type]
            max_reconnect_attempts=settings.max_reconnect_attempts,
            drain_timeout=settings.drain_timeout_seconds,  # type: ignore[arg-type]
            allow_reconnect=True,
            error_cb=failed,
            disconnected_cb=disconnected,
            reconnected_cb=reconnected,
        )
        try:
            client = await asyncio.wait_for(attempt, settings.initial_connect_deadline_seconds)
        except (TimeoutError, OSError, nats.errors.Error) as error:
            raise BusUnavailable(
                f"NATS at {shown} unreachable for "
                f"{settings.initial_connect_deadline_seconds:.0f}s ({error!r}); check "
                "nats.url (TRADEPLANE_NATS__URL) and that nats-server runs with -js"
            ) from error
        logger.info("connected to NATS", extra={"url": shown})
        connection = cls(client, settings, url)
        connection._closing = closing
        return connection

    async def stream_messages(self, stream: str) -> int:
        """How many messages `stream` holds now."""
        try:
            return int((await self.jetstream.stream_info(stream)).state.messages)
        except (nats.errors.Error, TimeoutError) as error:
            raise BusUnavailable(f"no stream info for {stream}: {error!r}") from error

    @property
    def connected(self) -> bool:
        return bool(self.client.is_connected)

    async def close(self) -> None:
        """Drain (finish pending publishes and acks) then close; safe to call twice."""
        if self.client.is_closed:
            return
        self._closing.append(True)
        try:
            await self.client.drain()
        except (TimeoutError, nats.errors.Error) as error:
            logger.warning("NATS drain incomplete; closing", extra={"error": repr(error)})
            await self.client.close()
