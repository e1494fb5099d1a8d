"""Which failures are retried, and after how long (pure decisions, no sleeping here).

- `ExchangeUnavailable` (network, timeout, 5xx) and `MalformedResponse`: exponential
  backoff with jitter, up to `max_attempts` in all.
- `RateLimited` (429/418): retried once the exchange's `Retry-After` has passed; that wait
  happens in the shared limiter (every consumer pauses), so the delay here is 0. A
  Retry-After longer than `max_retry_after_seconds` (a long ban) is not waited out: the
  caller gets the error at once with `retry_after` set.
- `CircuitOpen`: never retried here; the point is to fail fast.
- Everything else (auth, bad symbol, invalid order): permanent, never retried.

Calls that are not idempotent (placing an order) are not retried after a timeout or a
server error, since the exchange may have applied them; only refusals that happen before
the exchange looked at the request (429/418) are retried.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from tradeplane.exchange.errors import (
    CircuitOpen,
    ExchangeUnavailable,
    MalformedResponse,
    RateLimited,
)


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 4
    """Attempts in all, the first included."""
    initial_delay_seconds: float = 0.5
    max_delay_seconds: float = 10.0
    multiplier: float = 2.0
    jitter: float = 0.2
    """Each delay is scaled by a random factor in [1 - jitter, 1 + jitter]."""
    max_retry_after_seconds: float = 60.0
    random: Callable[[], float] = field(default=random.random, compare=False, repr=False)

    def backoff(self, attempt: int) -> float:
        """The pause after failed attempt number `attempt` (1-based)."""
        base = self.initial_delay_seconds * self.multiplier ** (attempt - 1)
        base = min(base, self.max_delay_seconds)
        factor = 1.0 + self.jitter * (2.0 * self.random() - 1.0)
        return max(0.0, base * factor)

    def decide(self, error: Exception, attempt: int, *, idempotent: bool = True) -> float | None:
        """Seconds to wait before attempt `attempt + 1`, or None to give up now."""
        if attempt >= self.max_attempts:
            return None
        if isinstance(error, RateLimited):
            wait = error.retry_after or 0.0
            return 0.0 if wait <= self.max_retry_after_seconds else None
        if isinstance(error, CircuitOpen):
            return None
        if isinstance(error, ExchangeUnavailable | MalformedResponse):
            return self.backoff(attempt) if idempotent else None
        return None


#: Used by the gateway unless its config says otherwise.
DEFAULT_POLICY = RetryPolicy()
