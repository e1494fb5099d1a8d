"""Consumer failure handling: backoff, dead letters with their reason, in-place retries,
and in-order redelivery after lost deliveries."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Sequence

from tests.bus.helpers import eventually, read_stream, unique_token
from tradeplane.bus import subjects
from tradeplane.bus.config import ConsumerSettings
from tradeplane.bus.connection import BusConnection
from tradeplane.bus.consumer import Delivery, PullConsumer
from tradeplane.bus.publisher import Publisher
from tradeplane.errors import TemporaryError
from tradeplane.v1 import orders_pb2

FAST = ConsumerSettings(
    batch_size=50, fetch_timeout_seconds=0.5, nak_backoff_seconds=(0.3,), max_deliver=3
)


async def _publish(bus: BusConnection, subject: str, count: int) -> list[str]:
    publisher = Publisher(bus, source="test")
    return [
        (
            await publisher.publish_payload(
                orders_pb2.OrderFilled(client_order_id=str(i)), subject=subject
            )
        ).id
        for i in range(count)
    ]


def _consumer(bus, strategy, handler, settings=FAST) -> PullConsumer:  # type: ignore[no-untyped-def]
    return PullConsumer(
        bus,
        stream=subjects.EXEC,
        durable=strategy,
        handler=handler,
        settings=settings,
        filter_subjects=[f"exec.{strategy}.>"],
    )


async def test_a_failing_message_is_retried_with_backoff_then_dead_lettered_with_its_reason(
    bus: BusConnection,
) -> None:
    strategy = unique_token("s")
    subject = subjects.order_event(strategy, "filled")
    ids = await _publish(bus, subject, 4)
    failing = ids[1]
    attempts: list[float] = []
    handled: list[str] = []

    async def handle(batch: Sequence[Delivery]) -> None:
        for delivery in batch:
            if delivery.event.id == failing:
                attempts.append(time.monotonic())
                delivery.retry("venue said no")
            else:
                handled.append(delivery.event.id)

    consumer = _consumer(bus, strategy, handle)
    await consumer.start()
    dead = f"dlq.EXEC.{strategy}"
    await eventually(lambda: _count(bus, dead, 1), what="the dead letter")
    await consumer.stop()

    assert handled == [ids[0], ids[2], ids[3]]  # the others were not held up
    assert len(attempts) == 3
    assert all(later - earlier >= 0.25 for earlier, later in itertools.pairwise(attempts))
    (letter,) = await read_stream(bus, "DLQ", dead)
    original = (await read_stream(bus, "EXEC", subject))[1]
    assert letter.data == original.data
    assert letter.headers["Tradeplane-Dlq-Original-Msg-Id"] == failing
    assert letter.headers["Nats-Msg-Id"] == f"{failing}.{strategy}"
    assert letter.headers["Tradeplane-Dlq-Reason"] == (
        "failed 3 deliveries; last failure: venue said no"
    )
    assert letter.headers["Tradeplane-Dlq-Deliveries"] == "3"
    assert letter.headers["Tradeplane-Dlq-Subject"] == subject
    assert letter.headers["Tradeplane-Dlq-Stream"] == "EXEC"
    assert letter.headers["Tradeplane-Dlq-Consumer"] == strategy
    assert letter.headers["Tradeplane-Dlq-Stream-Sequence"] == str(
        original.metadata.sequence.stream
    )


async def test_a_poison_message_goes_to_the_dlq_at_once_and_does_not_block_the_rest(
    bus: BusConnection,
) -> None:
    strategy = unique_token("s")
    subject = subjects.order_event(strategy, "filled")
    before = await _publish(bus, subject, 3)
    await bus.jetstream.publish(
        subject,
        b"\x08\x96\x01 not an envelope \xff",
        headers={"Nats-Msg-Id": "poison-1", "X-Origin": "fuzzer"},
    )
    after = await _publish(bus, subject, 3)
    handled: list[str] = []

    async def handle(batch: Sequence[Delivery]) -> None:
        handled.extend(delivery.event.id for delivery in batch)

    consumer = _consumer(bus, strategy, handle)
    await consumer.start()
    await eventually(lambda: len(handled) == 6, what="every good event")
    await eventually(lambda: _count(bus, f"dlq.EXEC.{strategy}", 1), what="the dead letter")
    await consumer.stop()

    assert handled == before + after
    (letter,) = await read_stream(bus, "DLQ", f"dlq.EXEC.{strategy}")
    assert letter.headers["Tradeplane-Dlq-Reason"].startswith("not a tradeplane.v1.Event envelope:")
    assert letter.headers["Tradeplane-Dlq-Deliveries"] == "1"
    assert letter.headers["X-Origin"] == "fuzzer"  # original headers kept
    assert letter.headers["Tradeplane-Dlq-Original-Msg-Id"] == "poison-1"


async def test_a_handler_may_dead_letter_a_message_itself(bus: BusConnection) -> None:
    strategy = unique_token("s")
    (only,) = await _publish(bus, subjects.order_command(strategy, "submit"), 1)

    async def handle(batch: Sequence[Delivery]) -> None:
        batch[0].dead_letter("quantity below the venue minimum")

    consumer = _consumer(bus, strategy, handle)
    await consumer.start()
    await eventually(lambda: _count(bus, f"dlq.EXEC.{strategy}", 1), what="the dead letter")
    await consumer.stop()
    (letter,) = await read_stream(bus, "DLQ", f"dlq.EXEC.{strategy}")
    assert letter.headers["Tradeplane-Dlq-Reason"] == "quantity below the venue minimum"
    assert letter.headers["Tradeplane-Dlq-Original-Msg-Id"] == only


async def test_a_temporary_failure_retries_the_batch_in_place_without_redelivery(
    bus: BusConnection,
) -> None:
    strategy = unique_token("s")
    ids = await _publish(bus, subjects.order_event(strategy, "accepted"), 5)
    calls: list[list[int]] = []

    async def handle(batch: Sequence[Delivery]) -> None:
        calls.append([delivery.deliveries for delivery in batch])
        if len(calls) < 4:
            raise TemporaryError("database restarting")

    consumer = _consumer(bus, strategy, handle)
    await consumer.start()
    await eventually(lambda: len(calls) == 4, what="the fourth attempt")
    await asyncio.sleep(0.3)
    await consumer.stop()

    assert calls == [[1] * 5] * 4  # the same five, never handed back to JetStream
    info = await consumer.info()
    assert (info.num_ack_pending, info.num_redelivered) == (0, 0)
    assert not await _count(bus, f"dlq.EXEC.{strategy}", 1)
    assert len(ids) == 5


async def test_an_ordered_consumer_rewinds_after_lost_deliveries(bus: BusConnection) -> None:
    strategy = unique_token("s")
    ids = await _publish(bus, subjects.order_event(strategy, "filled"), 30)
    settings = FAST.model_copy(update={"ordered": True, "batch_size": 10})
    seen: list[str] = []
    dropped = asyncio.Event()

    async def handle(batch: Sequence[Delivery]) -> None:
        seen.extend(delivery.event.id for delivery in batch)

    consumer = _consumer(bus, strategy, handle, settings)
    original_fetch = consumer._fetch

    def losing_fetch():  # type: ignore[no-untyped-def]
        # The second batch is lost on its way, as in a NATS restart.
        task = original_fetch()
        if len(seen) == 10 and not dropped.is_set():
            dropped.set()

            async def lose() -> list:
                await task
                return []

            return asyncio.ensure_future(lose())
        return task

    consumer._fetch = losing_fetch  # type: ignore[method-assign]
    await consumer.start()
    await eventually(lambda: len(set(seen)) == 30, what="all thirty")
    await asyncio.sleep(0.3)
    await consumer.stop()

    assert dropped.is_set()
    assert seen == ids  # in order, nothing skipped, nothing twice


async def _count(bus: BusConnection, subject: str, at_least: int) -> bool:
    return len(await read_stream(bus, "DLQ", subject)) >= at_least
