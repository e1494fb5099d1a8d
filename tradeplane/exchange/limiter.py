"""One weight budget per exchange account, shared by every consumer in the process.

Exchanges like Binance count request *weight* per fixed window (6000 per minute) and say
in a response header how much of it is spent (`X-MBX-USED-WEIGHT-1M`), which also
counts other clients on the same IP. ccxt's own throttle knows neither, so the gateway
turns it off and every request first takes its weight from a `WeightLimiter`:

- a request that would pass the budget waits for the next window (FIFO, so no consumer
  starves another);
- the exchange's used-weight header raises the local count when it is higher;
- a 429/418 with `Retry-After` pauses every caller of the account until then.

`LimiterRegistry.shared(...)` hands out one limiter per (exchange, account), so N
strategies in one process spend one budget. Clock and sleep are injectable for tests.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from tradeplane.exchange import metrics
from tradeplane.exchange.capabilities import Capabilities
from tradeplane.exchange.errors import RateLimited

logger = logging.getLogger(__name__)

Clock = Callable[[], float]
NOTICEABLE_WAIT_SECONDS = 0.001  # shorter waits (taking the lock) are not counted
Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True)
class Permit:
    """Weight taken for one request, in which window, after how long a wait."""

    weight: int
    window: int
    waited: float


class WeightLimiter:
    """A fixed-window weight budget with server feedback and Retry-After pauses."""

    def __init__(
        self,
        *,
        exchange: str,
        account: str,
        budget: int,
        window_seconds: float,
        clock: Clock = time.time,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        if budget < 1 or window_seconds <= 0:
            raise ValueError("budget must be >= 1 and window_seconds > 0")
        self.exchange = exchange
        self.account = account
        self.budget = budget
        self.window_seconds = window_seconds
        self._clock = clock
        self._sleep = sleep
        self._window = -1
        self._used = 0
        self._paused_until = 0.0
        self._lock = asyncio.Lock()
        self._labels = {"exchange": exchange, "account": account}

    # -- state ----------------------------------------------------------------------------
    def _roll(self, now: float) -> int:
        window = int(now // self.window_seconds)
        if window != self._window:
            self._window, self._used = window, 0
        return window

    @property
    def used(self) -> int:
        """Weight used in the current window (ours, or the exchange's count if higher)."""
        self._roll(self._clock())
        return self._used

    @property
    def paused_for(self) -> float:
        """Seconds until a Retry-After pause ends (0 when not paused)."""
        return max(0.0, self._paused_until - self._clock())

    def delay_for(self, weight: int) -> float:
        """Seconds a request of `weight` would wait now (pure read, for planning)."""
        now = self._clock()
        window = int(now // self.window_seconds)
        used = self._used if window == self._window else 0
        if now < self._paused_until:
            return self._paused_until - now
        if used + min(weight, self.budget) > self.budget:
            return (window + 1) * self.window_seconds - now
        return 0.0

    # -- taking weight --------------------------------------------------------------------
    async def acquire(
        self, weight: int, *, endpoint: str = "", max_wait: float | None = None
    ) -> Permit:
        """Take `weight` from the budget, waiting (FIFO) until it fits.

        Raises `RateLimited` (taking nothing) instead when the wait would pass `max_wait`
        seconds, e.g. during a long ban, so the caller can serve cached data meanwhile."""
        weight = min(max(weight, 0), self.budget)  # one request bigger than the budget waits
        entered = self._clock()
        waited = 0.0  # sleeping here; the wait for the lock is in the total below
        async with self._lock:
            while True:
                now = self._clock()
                window = self._roll(now)
                if now < self._paused_until:
                    delay = self._paused_until - now
                elif self._used + weight > self.budget:
                    delay = (window + 1) * self.window_seconds - now
                else:
                    self._used += weight
                    break
                if max_wait is not None and waited + delay > max_wait:
                    raise RateLimited(
                        f"{self.exchange} ({self.account}): request weight unavailable for "
                        f"{delay:.1f}s",
                        exchange=self.exchange,
                        endpoint=endpoint,
                        retry_after=delay,
                    )
                if waited == 0.0:
                    logger.debug(
                        "waiting for request weight",
                        extra={**self._labels, "weight": weight, "seconds": round(delay, 3)},
                    )
                waited += delay
                await self._sleep(delay)
        total = max(waited, self._clock() - entered)
        if total > NOTICEABLE_WAIT_SECONDS:
            metrics.LIMITER_WAITS.labels(**self._labels).inc()
            metrics.LIMITER_WAIT_SECONDS.labels(**self._labels).inc(total)
        metrics.WEIGHT_USED.labels(**self._labels, endpoint=endpoint or "other").inc(weight)
        metrics.WEIGHT_REPORTED.labels(**self._labels).set(self._used)
        return Permit(weight=weight, window=window, waited=total)

    # -- feedback from the exchange -------------------------------------------------------
    def observe_used(self, used: int, permit: Permit | None = None) -> None:
        """The exchange says `used` weight is spent in the window of `permit`'s request.

        A count from a request sent in an earlier window is ignored: it describes a window
        that is already over."""
        window = self._roll(self._clock())
        if permit is not None and permit.window != window:
            return
        if used > self._used:
            self._used = used
        metrics.WEIGHT_REPORTED.labels(**self._labels).set(self._used)

    def pause(self, seconds: float, *, status: int = 429) -> None:
        """Honour `Retry-After`: nobody on this account sends before `seconds` from now."""
        until = self._clock() + max(seconds, 0.0)
        if until > self._paused_until:
            self._paused_until = until
        metrics.RATE_LIMITED.labels(**self._labels, status=str(status)).inc()
        logger.warning(
            "exchange asked us to back off",
            extra={**self._labels, "status": status, "retry_after_seconds": seconds},
        )


class LimiterRegistry:
    """One `WeightLimiter` per (exchange, account): every consumer shares the budget."""

    def __init__(self, *, clock: Clock = time.time, sleep: Sleep = asyncio.sleep) -> None:
        self._clock = clock
        self._sleep = sleep
        self._limiters: dict[tuple[str, str], WeightLimiter] = {}

    def shared(self, exchange: str, account: str, capabilities: Capabilities) -> WeightLimiter:
        key = (exchange, account)
        limiter = self._limiters.get(key)
        if limiter is None:
            limiter = WeightLimiter(
                exchange=exchange,
                account=account,
                budget=capabilities.budget,
                window_seconds=capabilities.weight_window_seconds,
                clock=self._clock,
                sleep=self._sleep,
            )
            self._limiters[key] = limiter
        return limiter

    def __len__(self) -> int:
        return len(self._limiters)


#: The process-wide registry gateways use unless given another.
LIMITERS = LimiterRegistry()
