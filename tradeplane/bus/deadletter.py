"""Moving a message to the DLQ stream with the reason, keeping its payload and headers."""

from __future__ import annotations

import logging

import nats.errors
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.errors import APIError

from tradeplane.bus import metrics, subjects

logger = logging.getLogger(__name__)


def dead_letter_headers(
    original: dict[str, str],
    *,
    reason: str,
    stream: str,
    consumer: str,
    subject: str,
    stream_sequence: int,
    deliveries: int,
) -> dict[str, str]:
    """The original headers plus the failure's details (pure).

    The original `Nats-Msg-Id` moves to `Tradeplane-Dlq-Original-Msg-Id` (the copy's own id
    adds the consumer, so two consumers may both dead-letter one event). JetStream publish
    preconditions (`Nats-Expected-*`) are dropped: they would fail the DLQ publish.
    """
    headers = {k: v for k, v in original.items() if not k.startswith("Nats-Expected-")}
    original_id = original.get(subjects.MSG_ID_HEADER) or f"{stream}.{stream_sequence}"
    headers[subjects.DLQ_ORIGINAL_MSG_ID_HEADER] = original_id
    headers[subjects.MSG_ID_HEADER] = f"{original_id}.{consumer}"
    headers[subjects.DLQ_REASON_HEADER] = " ".join(reason.split())[:1000]  # one header line
    headers[subjects.DLQ_STREAM_HEADER] = stream
    headers[subjects.DLQ_CONSUMER_HEADER] = consumer
    headers[subjects.DLQ_SUBJECT_HEADER] = subject
    headers[subjects.DLQ_SEQUENCE_HEADER] = str(stream_sequence)
    headers[subjects.DLQ_DELIVERIES_HEADER] = str(deliveries)
    return headers


async def dead_letter(
    jetstream: JetStreamContext,
    message: Msg,
    *,
    reason: str,
    cause: str,
    stream: str,
    consumer: str,
    timeout: float,
) -> bool:
    """Publish a copy to `dlq.<stream>.<consumer>`, then end the original's redeliveries.

    Returns False (the original left unsettled, so JetStream redelivers it and the move is
    tried again) when the DLQ publish is not acknowledged.
    """
    metadata = message.metadata
    headers = dead_letter_headers(
        message.headers or {},
        reason=reason,
        stream=stream,
        consumer=consumer,
        subject=message.subject,
        stream_sequence=metadata.sequence.stream,
        deliveries=metadata.num_delivered,
    )
    try:
        await jetstream.publish(
            subjects.dead_letter(stream, consumer), message.data, headers=headers, timeout=timeout
        )
    except (nats.errors.Error, APIError, TimeoutError) as error:
        logger.warning(
            "dead-letter publish failed; the message will come back",
            extra={"stream": stream, "consumer": consumer, "error": repr(error)},
        )
        return False
    await message.term()
    metrics.DEAD_LETTERED.labels(stream, consumer, cause).inc()
    logger.warning(
        "message moved to the DLQ stream",
        extra={"stream": stream, "consumer": consumer, "reason": reason,
               "subject": message.subject, "sequence": metadata.sequence.stream},
    )  # fmt: skip
    return True
