"""Bus wiring: the durable consumers that feed the screener, its subjects, and what it
reads back from the bus at start.

The screener's state lives in memory, and so does the position of its consumers: at
start each durable consumer is recreated to begin where the held data needs it (the
latest ticker frame, the latest indicator frames, and as many candle frames as the
buffers hold, within the stream's retention). While running they are ordinary durable
pull consumers: explicit acks, redelivery with backoff, dead letters.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import nats.errors
from nats.js import api
from nats.js.errors import NotFoundError

from tradeplane.bus import subjects
from tradeplane.bus.connection import BusConnection
from tradeplane.bus.consumer import PullConsumer
from tradeplane.bus.delivery import BatchHandler
from tradeplane.bus.envelope import decode_envelope, decode_payload
from tradeplane.bus.errors import BusUnavailable, UndecodableEvent
from tradeplane.screening import timeframe_ms
from tradeplane.services.screener.board import Announcement
from tradeplane.services.screener.config import ScreenerConfig
from tradeplane.v1 import screening_pb2

logger = logging.getLogger(__name__)


class PositionedConsumer(PullConsumer):
    """A `PullConsumer` recreated at every start to deliver from a chosen position: the
    last message of each subject, or everything since `start_time`."""

    def __init__(
        self,
        *args: Any,
        deliver_policy: api.DeliverPolicy,
        start_time: datetime | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.deliver_policy = deliver_policy
        self.start_time = start_time

    def consumer_config(self) -> api.ConsumerConfig:
        config = super().consumer_config()
        config.deliver_policy = self.deliver_policy
        config.opt_start_time = self.start_time
        return config

    async def start(self) -> None:
        with contextlib.suppress(NotFoundError):
            await self.connection.jetstream.delete_consumer(self.stream.name, self.durable)
        await super().start()


def build_consumers(
    connection: BusConnection,
    config: ScreenerConfig,
    timeframes: Sequence[str],
    handler: BatchHandler,
    *,
    now: datetime | None = None,
) -> list[PullConsumer]:
    """The three consumers: tickers, candles (of `timeframes`) and indicator frames."""
    now = now or datetime.now(UTC)
    history = max(timeframe_ms(timeframe) for timeframe in timeframes) * config.history_bars
    common: dict[str, Any] = {"handler": handler, "settings": config.consumer}
    return [
        PositionedConsumer(
            connection,
            stream=subjects.MARKET,
            durable=config.durable("tickers"),
            filter_subjects=[subjects.tickers(config.exchange)],
            deliver_policy=api.DeliverPolicy.LAST_PER_SUBJECT,
            **common,
        ),
        PositionedConsumer(
            connection,
            stream=subjects.MARKET,
            durable=config.durable("candles"),
            filter_subjects=[subjects.candles(config.exchange, tf) for tf in timeframes],
            deliver_policy=api.DeliverPolicy.BY_START_TIME,
            start_time=now - timedelta(milliseconds=history),
            **common,
        ),
        PositionedConsumer(
            connection,
            stream=subjects.INDICATORS,
            durable=config.durable("indicators"),
            filter_subjects=[subjects.indicators(config.universe, tf) for tf in timeframes],
            deliver_policy=api.DeliverPolicy.LAST_PER_SUBJECT,
            **common,
        ),
    ]


async def last_announcement(connection: BusConnection, universe: str) -> Announcement | None:
    """The latest SelectionChanged of `universe` kept by the SCREEN stream, if any: a
    restarted screener announces only what differs from it."""
    subject = subjects.selection(universe)
    try:
        message = await connection.jetstream.get_last_msg(subjects.SCREEN.name, subject)
    except NotFoundError:
        return None
    except (nats.errors.Error, TimeoutError) as error:
        raise BusUnavailable(f"cannot read the last message of {subject}: {error!r}") from error
    try:
        event = decode_envelope(message.data or b"")
        payload = decode_payload(event)
    except UndecodableEvent as error:
        logger.warning("last selection unreadable; ignored", extra={"error": str(error)})
        return None
    if not isinstance(payload, screening_pb2.SelectionChanged):
        return None
    return Announcement(selection=payload, event_id=event.id)
