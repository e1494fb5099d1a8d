"""A fetched message as a handler sees it, and the fate the handler gives it."""

from __future__ import annotations

import enum
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from nats.aio.msg import Msg

from tradeplane.bus.envelope import Event


class Verdict(enum.Enum):
    ACK = "ack"
    RETRY = "retry"
    DEAD_LETTER = "dead_letter"


@dataclass
class Delivery:
    """One fetched message with its decoded envelope; the handler may mark its fate."""

    message: Msg
    event: Event
    stream_sequence: int
    deliveries: int
    published_at: datetime
    verdict: Verdict = Verdict.ACK
    reason: str = field(default="")

    @property
    def subject(self) -> str:
        return self.message.subject

    def retry(self, reason: str) -> None:
        """Hand the message back for a later redelivery (dead-lettered at max_deliver)."""
        self.verdict, self.reason = Verdict.RETRY, reason

    def dead_letter(self, reason: str) -> None:
        """Move the message to the DLQ stream now; retrying cannot help."""
        self.verdict, self.reason = Verdict.DEAD_LETTER, reason


BatchHandler = Callable[[Sequence[Delivery]], Awaitable[None]]
