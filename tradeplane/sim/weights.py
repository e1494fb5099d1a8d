"""Server-side request weight, as Binance counts it per IP and per minute.

Every API request costs a weight (see `request_weight`); the running total of the
current window is sent back in `X-MBX-USED-WEIGHT-1M`. A request that would pass the
limit is refused with 429 and `Retry-After` (seconds to the next window); a caller that
keeps going after `ban_after_rejections` refusals in one window is banned with 418 for
`ban_seconds`, doubled on each repeat.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

_FIXED = {
    "/api/v3/ping": 1,
    "/api/v1/ping": 1,
    "/api/v3/time": 1,
    "/api/v3/exchangeInfo": 20,
    "/api/v3/trades": 25,
    "/api/v3/historicalTrades": 25,
    "/api/v3/aggTrades": 4,
    "/api/v3/klines": 2,
    "/api/v3/uiKlines": 2,
    "/api/v3/avgPrice": 2,
    "/api/v3/account": 20,
    "/api/v3/allOrders": 20,
    "/api/v3/myTrades": 20,
    "/api/v3/order/test": 1,
    "/sapi/v1/system/status": 1,
    "/sapi/v1/capital/config/getall": 10,
}


def _by_symbol_count(
    params: Mapping[str, str], *, one: int, some: tuple[int, int, int], everything: int
) -> int:
    if "symbol" in params:
        return one
    symbols = params.get("symbols")
    if symbols is None:
        return everything
    count = symbols.count(",") + 1
    return some[0] if count <= 20 else some[1] if count <= 100 else some[2]


def request_weight(method: str, path: str, params: Mapping[str, str]) -> int:
    """Binance's spot weight of one request (unknown endpoints cost 1)."""
    if path in _FIXED:
        return _FIXED[path]
    if path == "/api/v3/depth":
        raw = params.get("limit") or "100"
        limit = int(raw) if raw.isdigit() else 100  # a bad value is refused by the endpoint
        return 5 if limit <= 100 else 25 if limit <= 500 else 50 if limit <= 1000 else 250
    if path == "/api/v3/ticker/24hr":
        return _by_symbol_count(params, one=2, some=(2, 40, 80), everything=80)
    if path in ("/api/v3/ticker/price", "/api/v3/ticker/bookTicker"):
        return _by_symbol_count(params, one=2, some=(4, 4, 4), everything=4)
    if path == "/api/v3/order":
        return 4 if method == "GET" else 1
    if path == "/api/v3/openOrders":
        return 1 if method == "DELETE" else 6 if "symbol" in params else 80
    return 1


@dataclass(frozen=True)
class Admission:
    status: int  # 200 admitted, 429 over the limit, 418 banned
    used: int  # weight used in the current window, this request included when admitted
    retry_after: int  # seconds, for 429 and 418


@dataclass
class _Caller:
    window: int = -1
    used: int = 0
    rejections: int = 0
    bans: int = 0
    banned_until: float = 0.0


class WeightLimiter:
    """Weight budget per caller (IP) and window; the clock is injectable for tests."""

    def __init__(
        self,
        *,
        limit: int,
        window_seconds: float,
        ban_after: int,
        ban_seconds: float,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.limit = limit
        self.window_seconds = window_seconds
        self.ban_after = ban_after
        self.ban_seconds = ban_seconds
        self.clock = clock
        self._callers: dict[str, _Caller] = {}

    def reset(self) -> None:
        self._callers.clear()

    def used(self, caller: str) -> int:
        state = self._callers.get(caller)
        now = self.clock()
        if state is None or state.window != int(now // self.window_seconds):
            return 0
        return state.used

    def admit(self, caller: str, weight: int) -> Admission:
        now = self.clock()
        state = self._callers.setdefault(caller, _Caller())
        window = int(now // self.window_seconds)
        if state.window != window:
            state.window, state.used, state.rejections = window, 0, 0
        if now < state.banned_until:
            return Admission(418, state.used, math.ceil(state.banned_until - now))
        if state.used + weight <= self.limit:
            state.used += weight
            return Admission(200, state.used, 0)
        state.rejections += 1
        if state.rejections > self.ban_after:
            state.bans += 1
            state.banned_until = now + self.ban_seconds * 2 ** (state.bans - 1)
            return Admission(418, state.used, math.ceil(state.banned_until - now))
        window_end = (window + 1) * self.window_seconds
        return Admission(429, state.used, max(1, math.ceil(window_end - now)))
