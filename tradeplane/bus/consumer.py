"""Durable pull consumers: batch fetch, explicit ack, nak with backoff, dead letters.

What happens to each fetched message:

- handled: acknowledged;
- `delivery.retry(reason)` or the handler raised: handed back with a delay from
  `nak_backoff_seconds`; on the `max_deliver`-th failure it moves to the DLQ stream;
- `delivery.dead_letter(reason)`, or not a valid envelope: moved to the DLQ stream now;
- the handler raised `TemporaryError` (a database or service is down): the same batch is
  retried in place with backoff, kept "in progress" so JetStream does not redeliver it
  meanwhile, and the failure does not count toward `max_deliver`.

With `ordered` settings (the event store), nothing is ever handed back: failed batches are
retried in place, then dead-lettered; and if deliveries were lost (a NATS restart, a crash
of the previous instance) the consumer rewinds to its ack floor, so every message is
handled in stream order, some more than once (handlers must be idempotent).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from datetime import UTC, datetime

import nats.errors
from nats.aio.msg import Msg
from nats.js import api
from nats.js.errors import APIError, ServiceUnavailableError

from tradeplane.bus import metrics, subjects
from tradeplane.bus.config import ConsumerSettings
from tradeplane.bus.connection import BusConnection, backoff_delays
from tradeplane.bus.deadletter import dead_letter
from tradeplane.bus.delivery import BatchHandler, Delivery, Verdict
from tradeplane.bus.envelope import decode_envelope
from tradeplane.bus.errors import BusUnavailable, UndecodableEvent
from tradeplane.bus.pull import Fetcher, FetchFailed
from tradeplane.bus.subjects import StreamSpec
from tradeplane.errors import TemporaryError

logger = logging.getLogger(__name__)

_BUS_ERRORS = (nats.errors.Error, APIError, TimeoutError)


class PullConsumer:
    """A durable pull consumer on one stream that hands batches to `handler`.

    `start()` creates or updates the durable consumer (idempotent) and starts fetching;
    `stop()` finishes the batch in hand, settles it, and stops.
    """

    def __init__(
        self,
        connection: BusConnection,
        *,
        stream: StreamSpec,
        durable: str,
        handler: BatchHandler,
        settings: ConsumerSettings | None = None,
        filter_subjects: Sequence[str] = (),
    ) -> None:
        self.connection = connection
        self.stream = stream
        self.durable = subjects.token(durable, what="durable consumer name")
        self.settings = settings or ConsumerSettings()
        self.filter_subjects = tuple(filter_subjects)
        self._handler = handler
        labels = (stream.name, durable)
        self._consumed = metrics.CONSUMED.labels(*labels)
        self._redelivered = metrics.REDELIVERED.labels(*labels)
        self._acked = metrics.ACKED.labels(*labels)
        self._naked = metrics.NAKED.labels(*labels)
        self._lag = metrics.CONSUMER_LAG.labels(*labels)
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._fetcher: Fetcher | None = None
        self._ahead: asyncio.Task[list[Msg]] | None = None  # the batch fetched ahead
        self._next_delivery = 1  # ordered mode: the consumer sequence expected next

    def consumer_config(self) -> api.ConsumerConfig:
        """The JetStream consumer configuration (pure). Deliveries are counted here, not by
        the server (max_deliver -1), so a message past the limit still reaches the DLQ."""
        config = api.ConsumerConfig(
            name=self.durable,
            durable_name=self.durable,
            description=f"tradeplane consumer {self.durable} of {self.stream.name}",
            deliver_policy=api.DeliverPolicy.ALL,
            ack_policy=api.AckPolicy.EXPLICIT,
            ack_wait=self.settings.ack_wait_seconds,
            max_deliver=-1,
            max_ack_pending=self.settings.max_ack_pending,
            replay_policy=api.ReplayPolicy.INSTANT,
        )
        if len(self.filter_subjects) == 1:
            config.filter_subject = self.filter_subjects[0]
        elif self.filter_subjects:
            config.filter_subjects = list(self.filter_subjects)
        return config

    async def start(self) -> None:
        await self._bind()
        if self.settings.ordered:  # a previous instance may have died holding deliveries
            await self._rewind()
        self._stopping.clear()
        self._task = asyncio.create_task(self._run(), name=f"consume {self.stream.name}")

    async def stop(self) -> None:
        """Stop fetching, let the batch in hand finish and settle, then unsubscribe."""
        self._stopping.set()
        if self._task is not None:
            grace = self.settings.fetch_timeout_seconds + self.settings.ack_wait_seconds
            try:
                await asyncio.wait_for(asyncio.shield(self._task), timeout=grace)
            except TimeoutError:
                logger.warning("consumer did not stop in time; cancelling", extra=self._log())
                self._task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await self._task
            self._task = None
        await self._release_fetcher(hand_back=True)

    async def info(self) -> api.ConsumerInfo:
        """The consumer's state on the server (pending, unacknowledged, redelivered)."""
        try:
            return await self.connection.jetstream.consumer_info(self.stream.name, self.durable)
        except (nats.errors.Error, TimeoutError) as error:
            raise BusUnavailable(f"no consumer info for {self.durable}: {error!r}") from error

    async def _bind(self) -> None:
        jetstream = self.connection.jetstream
        await jetstream.add_consumer(self.stream.name, config=self.consumer_config())
        await self._new_fetcher()

    async def _new_fetcher(self) -> None:
        """A fresh reply subject: deliveries still in flight to the old one are dropped."""
        await self._release_fetcher(hand_back=False)
        self._fetcher = Fetcher(
            self.connection.client,
            stream=self.stream.name,
            consumer=self.durable,
            api_prefix=self.connection.jetstream._prefix,
        )
        await self._fetcher.start()

    async def _release_fetcher(self, *, hand_back: bool) -> None:
        if self._fetcher is None:
            return
        leftovers = await self._fetcher.stop()
        self._fetcher = None
        if hand_back:  # fetched ahead but never handled: redeliver right away
            with contextlib.suppress(nats.errors.Error):
                for message in leftovers:
                    await message.nak()

    async def _rewind(self) -> None:
        """Redeliver from the ack floor on, in order (nats-server >= 2.14, ADR-60)."""
        await self._new_fetcher()
        try:
            await self.connection.jetstream.reset_consumer(self.stream.name, self.durable)
        except ServiceUnavailableError:
            raise  # JetStream still starting: the caller retries
        except APIError as error:
            logger.warning(
                "cannot rewind the consumer (nats-server < 2.14?); stream order is kept "
                "only while deliveries are not lost",
                extra=self._log(error=repr(error)),
            )
        self._next_delivery = 1

    def _fetch(self) -> asyncio.Task[list[Msg]]:
        assert self._fetcher is not None
        return asyncio.ensure_future(
            self._fetcher.fetch(self.settings.batch_size, self.settings.fetch_timeout_seconds)
        )

    async def _run(self) -> None:
        """Fetch, process, settle; the next batch is fetched while this one is processed."""
        delays = _Backoff(0.1, self.settings.temporary_failure_backoff_max_seconds)
        while not self._stopping.is_set():
            try:
                messages = await (self._ahead or self._fetch())
                self._ahead = None
                if not messages:
                    if self.settings.ordered and await self._holds_lost_deliveries():
                        await self._rewind()
                    continue
                in_order = self._in_order(messages)
                if len(in_order) < len(messages) or not in_order:
                    await self._process(in_order)
                    await self._rewind()  # what follows a lost delivery comes again
                    continue
                delays.reset()
                if not self._stopping.is_set():
                    self._ahead = self._fetch()
                await self._process(messages)
            except (*_BUS_ERRORS, FetchFailed) as error:
                await self._drop_ahead()
                logger.warning("bus operation failed; retrying", extra=self._log(error=repr(error)))
                await self._sleep(delays.next())
                with contextlib.suppress(*_BUS_ERRORS):
                    await self._bind()  # the consumer may be gone: recreate it
                    if self.settings.ordered:
                        await self._rewind()
            except Exception:  # a bug must not end consumption; JetStream redelivers
                await self._drop_ahead()
                logger.exception("batch processing failed", extra=self._log())
                await self._sleep(delays.next())
        await self._drop_ahead()

    async def _drop_ahead(self) -> None:
        """Cancel the fetch ahead; hand back what it already received."""
        ahead, self._ahead = self._ahead, None
        if ahead is None:
            return
        ahead.cancel()
        try:
            messages = await ahead
        except (asyncio.CancelledError, *_BUS_ERRORS, FetchFailed):
            return
        with contextlib.suppress(nats.errors.Error):
            for message in messages:
                await message.nak()

    async def _holds_lost_deliveries(self) -> bool:
        """Idle, so every handled message is settled: any unacknowledged delivery is one
        that never arrived (it would otherwise come back only after ack_wait)."""
        return bool((await self.info()).num_ack_pending)

    def _in_order(self, messages: list[Msg]) -> list[Msg]:
        """The leading messages that continue the consumer's delivery sequence (ordered
        mode); a gap means deliveries were lost and later ones must wait for a rewind."""
        if not self.settings.ordered:
            return messages
        kept = []
        for message in messages:
            if message.metadata.sequence.consumer != self._next_delivery:
                logger.warning(
                    "deliveries lost; rewinding to the ack floor",
                    extra=self._log(expected=self._next_delivery,
                                    received=message.metadata.sequence.consumer),
                )  # fmt: skip
                break
            self._next_delivery += 1
            kept.append(message)
        return kept

    async def _process(self, messages: list[Msg]) -> None:
        if not messages:
            return
        deliveries: list[Delivery] = []
        rejected: list[tuple[Msg, str, str]] = []  # (message, reason, cause)
        self._consumed.inc(len(messages))
        for message in messages:
            metadata = message.metadata
            if metadata.num_delivered > 1:
                self._redelivered.inc()
            if metadata.num_delivered > self.settings.max_deliver:
                reason = (
                    f"delivered {metadata.num_delivered} times without an acknowledgement "
                    f"(max_deliver {self.settings.max_deliver}); the consumer may crash on it"
                )
                rejected.append((message, reason, "max_deliver"))
                continue
            try:
                event = decode_envelope(message.data)
            except UndecodableEvent as error:
                rejected.append((message, str(error), "undecodable"))
                continue
            published_at = metadata.timestamp or datetime.now(UTC)
            deliveries.append(
                Delivery(
                    message=message,
                    event=event,
                    stream_sequence=metadata.sequence.stream,
                    deliveries=metadata.num_delivered,
                    published_at=published_at.astimezone(UTC),
                )
            )
        self._lag.set(messages[-1].metadata.num_pending)
        if deliveries:
            await self._handle(deliveries)
        for message, reason, cause in rejected:
            await self._dead_letter(message, reason, cause)
        acked = 0
        for delivery in deliveries:
            if delivery.verdict is Verdict.ACK:
                await delivery.message.ack()
                acked += 1
            else:
                await self._settle(delivery)
        self._acked.inc(acked)

    async def _handle(self, deliveries: list[Delivery]) -> None:
        keeper = asyncio.create_task(self._keep_in_progress(deliveries))
        delays = _Backoff(0.1, self.settings.temporary_failure_backoff_max_seconds)
        failures = 0
        try:
            while True:
                for delivery in deliveries:
                    delivery.verdict, delivery.reason = Verdict.ACK, ""
                try:
                    await self._handler(deliveries)
                    return
                except Exception as error:
                    temporary = isinstance(error, TemporaryError)
                    reason = f"{type(error).__name__}: {error}"
                    if not temporary:
                        failures += 1
                        logger.exception("handler failed", extra=self._log())
                    if self._stopping.is_set() or not (temporary or self.settings.ordered):
                        for delivery in deliveries:
                            delivery.retry(reason)
                        return
                    if failures >= self.settings.max_deliver:  # ordered: give up in place
                        for delivery in deliveries:
                            delivery.dead_letter(f"failed {failures} times; last: {reason}")
                        return
                    delay = delays.next()
                    logger.warning(
                        "handler failed; retrying the batch in place",
                        extra=self._log(error=str(error), delay=round(delay, 2)),
                    )
                    await self._sleep(delay)
        finally:
            keeper.cancel()

    async def _keep_in_progress(self, deliveries: list[Delivery]) -> None:
        """Tell JetStream the batch (and the one fetched ahead) is still being worked on,
        so a slow handler or a long outage does not make JetStream redeliver it."""
        interval = self.settings.ack_wait_seconds / 3
        while True:
            await asyncio.sleep(interval)
            held = [delivery.message for delivery in deliveries]
            ahead = self._ahead
            if ahead is not None and ahead.done() and not ahead.cancelled():
                held.extend(ahead.result() if ahead.exception() is None else [])
            with contextlib.suppress(nats.errors.Error):
                for message in held:
                    await message.in_progress()

    async def _settle(self, delivery: Delivery) -> None:
        """Hand back or dead-letter a delivery that was not handled."""
        if delivery.verdict is Verdict.DEAD_LETTER:
            await self._dead_letter(delivery.message, delivery.reason, "rejected")
        elif delivery.deliveries >= self.settings.max_deliver:
            reason = f"failed {delivery.deliveries} deliveries; last failure: {delivery.reason}"
            await self._dead_letter(delivery.message, reason, "max_deliver")
        else:
            await delivery.message.nak(delay=self.nak_delay(delivery.deliveries))
            self._naked.inc()

    def nak_delay(self, deliveries: int) -> float:
        backoff = self.settings.nak_backoff_seconds
        return backoff[min(deliveries, len(backoff)) - 1]

    async def _dead_letter(self, message: Msg, reason: str, cause: str) -> None:
        moved = await dead_letter(
            self.connection.jetstream,
            message,
            reason=reason,
            cause=cause,
            stream=self.stream.name,
            consumer=self.durable,
            timeout=self.settings.fetch_timeout_seconds * 5,
        )
        if not moved and not self.settings.ordered:
            await message.nak(delay=self.nak_delay(1))

    async def _sleep(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), timeout=seconds)

    def _log(self, **extra: object) -> dict[str, object]:
        return {"stream": self.stream.name, "consumer": self.durable, **extra}


class _Backoff:
    def __init__(self, initial: float, maximum: float) -> None:
        self._initial, self._maximum = initial, maximum
        self.reset()

    def reset(self) -> None:
        self._delays = iter(backoff_delays(self._initial, self._maximum))

    def next(self) -> float:
        return next(self._delays, self._maximum)
