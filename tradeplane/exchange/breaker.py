"""Circuit breakers per exchange and endpoint: stop hammering a failing exchange.

    closed --(N consecutive failures, or error rate >= R over the last W calls)--> open
    open --(open_seconds elapsed)--> half-open: `half_open_probes` calls go through
    half-open --probe succeeds--> closed;  --probe fails--> open again

While open, `before_call()` raises `CircuitOpen` with the seconds left, so callers fail
fast (and serve cached data) instead of waiting on timeouts. Only temporary failures
(network, timeout, 5xx, malformed answers) count; an answer that refuses the request
(bad symbol, auth) proves the exchange is up and counts as a success. Pure logic with an
injected clock; no I/O.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from tradeplane.exchange import metrics
from tradeplane.exchange.errors import CircuitOpen

logger = logging.getLogger(__name__)


class BreakerState(StrEnum):
    CLOSED = "closed"
    HALF_OPEN = "half_open"
    OPEN = "open"


_GAUGE = {BreakerState.CLOSED: 0, BreakerState.HALF_OPEN: 1, BreakerState.OPEN: 2}


@dataclass(frozen=True)
class BreakerSettings:
    failure_threshold: int = 5
    """Consecutive failures that open the breaker."""
    error_rate_threshold: float = 0.5
    """Share of failures among the last `window_size` calls that opens it..."""
    window_size: int = 20
    minimum_calls: int = 10
    """...once at least this many calls are in the window."""
    open_seconds: float = 30.0
    """How long the breaker stays open before letting a probe through."""
    half_open_probes: int = 1
    """Calls allowed at once while half-open."""


class CircuitBreaker:
    """The breaker of one (exchange, endpoint)."""

    def __init__(
        self,
        *,
        exchange: str,
        endpoint: str,
        settings: BreakerSettings | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.exchange = exchange
        self.endpoint = endpoint
        self.settings = settings or BreakerSettings()
        self._clock = clock
        self._state = BreakerState.CLOSED
        self._consecutive = 0
        self._outcomes: deque[bool] = deque(maxlen=self.settings.window_size)
        self._opened_at = 0.0
        self._probes = 0
        self._labels = {"exchange": exchange, "endpoint": endpoint}
        metrics.BREAKER_STATE.labels(**self._labels).set(0)

    @property
    def state(self) -> BreakerState:
        if (
            self._state is BreakerState.OPEN
            and self._clock() - self._opened_at >= self.settings.open_seconds
        ):
            self._enter(BreakerState.HALF_OPEN)
        return self._state

    @property
    def retry_after(self) -> float:
        """Seconds until an open breaker lets a probe through (0 otherwise)."""
        if self.state is not BreakerState.OPEN:
            return 0.0
        return max(0.0, self._opened_at + self.settings.open_seconds - self._clock())

    def before_call(self) -> None:
        """Raise `CircuitOpen` unless a call may go out now (counts half-open probes)."""
        state = self.state
        if state is BreakerState.CLOSED:
            return
        if state is BreakerState.HALF_OPEN and self._probes < self.settings.half_open_probes:
            self._probes += 1
            return
        wait = self.retry_after or self.settings.open_seconds
        raise CircuitOpen(
            f"{self.exchange} {self.endpoint}: circuit open after repeated failures; "
            f"next probe in {wait:.1f}s",
            exchange=self.exchange,
            endpoint=self.endpoint,
            retry_after=wait,
        )

    def record_success(self) -> None:
        self._consecutive = 0
        self._outcomes.append(True)
        if self._state is BreakerState.HALF_OPEN:
            self._enter(BreakerState.CLOSED)

    def record_failure(self) -> None:
        self._consecutive += 1
        self._outcomes.append(False)
        probe_failed = self._state is BreakerState.HALF_OPEN
        if probe_failed or (self._state is BreakerState.CLOSED and self._should_open()):
            self._enter(BreakerState.OPEN)

    def record_neutral(self) -> None:
        """The call ended without telling anything about health (e.g. a 429): a half-open
        probe slot is given back, nothing else changes."""
        if self._state is BreakerState.HALF_OPEN and self._probes > 0:
            self._probes -= 1

    def _should_open(self) -> bool:
        if self._consecutive >= self.settings.failure_threshold:
            return True
        calls = len(self._outcomes)
        if calls < self.settings.minimum_calls:
            return False
        failures = calls - sum(self._outcomes)
        return failures / calls >= self.settings.error_rate_threshold

    def _enter(self, state: BreakerState) -> None:
        previous, self._state = self._state, state
        self._probes = 0
        if state is BreakerState.OPEN:
            self._opened_at = self._clock()
        elif state is BreakerState.CLOSED:
            self._consecutive = 0
            self._outcomes.clear()
        metrics.BREAKER_STATE.labels(**self._labels).set(_GAUGE[state])
        metrics.BREAKER_TRANSITIONS.labels(**self._labels, state=state.value).inc()
        log = logger.warning if state is BreakerState.OPEN else logger.info
        log(
            "circuit breaker state changed",
            extra={**self._labels, "from_state": previous.value, "to_state": state.value},
        )


class BreakerBoard:
    """The breakers of the process, one per (exchange, endpoint), created on first use."""

    def __init__(
        self,
        settings: BreakerSettings | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.settings = settings or BreakerSettings()
        self._clock = clock
        self._breakers: dict[tuple[str, str], CircuitBreaker] = {}

    def breaker(self, exchange: str, endpoint: str) -> CircuitBreaker:
        key = (exchange, endpoint)
        found = self._breakers.get(key)
        if found is None:
            found = CircuitBreaker(
                exchange=exchange, endpoint=endpoint, settings=self.settings, clock=self._clock
            )
            self._breakers[key] = found
        return found

    def states(self, exchange: str) -> dict[str, BreakerState]:
        return {
            endpoint: breaker.state
            for (name, endpoint), breaker in self._breakers.items()
            if name == exchange
        }
