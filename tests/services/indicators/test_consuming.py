"""The frame handler with a publisher that fails: the bar's frame is kept, not lost."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest

from tests.services.indicators.helpers import bars_of, candle_frame, open_time, random_candles
from tradeplane.bus import BusUnavailable, Delivery, new_event, subjects
from tradeplane.bus.envelope import Event
from tradeplane.errors import TemporaryError
from tradeplane.services.indicators import IndicatorsConfig
from tradeplane.services.indicators.consuming import KernelThread, TimeframeFeed


class FlakyPublisher:
    """Refuses the first `failures` publishes, then records the events."""

    source = "indicators/u"

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.events: list[Event] = []

    async def publish(self, event: Event) -> None:
        if self.failures:
            self.failures -= 1
            raise BusUnavailable("NATS is away")
        self.events.append(event)


@pytest.fixture
async def kernels() -> AsyncIterator[KernelThread]:
    thread = KernelThread()
    yield thread
    thread.close()


def delivery(payload: Any) -> Delivery:
    event = new_event(payload, subject="md.ex.candles.5m", source="test")
    return Delivery(
        message=None,  # type: ignore[arg-type]
        event=event,
        stream_sequence=1,
        deliveries=1,
        published_at=datetime.now(UTC),
    )


async def test_a_frame_that_cannot_be_published_is_published_on_the_retry(
    kernels: KernelThread,
) -> None:
    config = IndicatorsConfig(universe="u", exchange="ex", timeframes=("5m",))
    publisher = FlakyPublisher(failures=1)
    feed = TimeframeFeed(
        config,
        "5m",
        connection=None,
        publisher=publisher,
        kernels=kernels,
    )
    candles = random_candles(2, 40)
    batch = [delivery(candle_frame(candles, ("A/USDT", "B/USDT"), bars_of([0, 1], range(40))))]
    with pytest.raises(TemporaryError, match=r"not published on ind\.u\.5m"):
        await feed.handle(batch)
    await feed.handle(batch)  # the consumer's retry: duplicates now, but the frame goes out
    (event,) = publisher.events
    assert event.subject == subjects.indicators("u", "5m")
    assert event.causation_id == batch[0].event.id
    assert event.time.ToMilliseconds() == open_time(39) + 300_000  # when the bar closed
    await feed.handle(batch)
    assert len(publisher.events) == 1  # nothing new: nothing published
