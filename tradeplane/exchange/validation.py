"""Reject impossible market data before anyone computes on it, and count what was dropped.

A record is rejected (never repaired) for: a NaN or infinite number, a price that is zero
or negative, a negative volume, a high below its low (or below the open/close), a
crossed book (bid above ask), or a timestamp further in the future than the allowed
clock skew. The `check_*` functions are pure and return the reason or None; `Validator`
filters batches and counts rejections in `tradeplane_marketdata_rejected_records_total`.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Iterable, Mapping
from typing import TypeVar

from tradeplane.exchange import metrics
from tradeplane.exchange.records import BookTop, Candle, OrderBook, Ticker

logger = logging.getLogger(__name__)

NAN = "nan"
NON_POSITIVE_PRICE = "non_positive_price"
NEGATIVE_VOLUME = "negative_volume"
HIGH_BELOW_LOW = "high_below_low"
CROSSED_BOOK = "crossed_book"
FUTURE_TIMESTAMP = "future_timestamp"
MALFORMED = "malformed"

R = TypeVar("R")


def _numbers_problem(prices: Iterable[float | None], volumes: Iterable[float | None]) -> str | None:
    prices, volumes = list(prices), list(volumes)
    for value in (*prices, *volumes):
        if value is not None and not math.isfinite(value):
            return NAN
    if any(price is not None and price <= 0 for price in prices):
        return NON_POSITIVE_PRICE
    if any(volume is not None and volume < 0 for volume in volumes):
        return NEGATIVE_VOLUME
    return None


def _future(timestamp_ms: int, now_ms: int, skew_ms: int) -> bool:
    return timestamp_ms > now_ms + skew_ms


def check_ticker(ticker: Ticker, *, now_ms: int, skew_ms: int) -> str | None:
    t = ticker
    problem = _numbers_problem(
        (t.last, t.bid, t.ask, t.open, t.high, t.low, t.vwap),
        (t.bid_size, t.ask_size, t.base_volume, t.quote_volume),
    )
    if problem:
        return problem
    if t.change_percent is not None and not math.isfinite(t.change_percent):
        return NAN
    if t.high is not None and t.low is not None and t.high < t.low:
        return HIGH_BELOW_LOW
    if t.bid is not None and t.ask is not None and t.bid > t.ask:
        return CROSSED_BOOK
    if _future(t.timestamp_ms, now_ms, skew_ms):
        return FUTURE_TIMESTAMP
    return None


def check_book_top(top: BookTop, *, now_ms: int, skew_ms: int) -> str | None:
    problem = _numbers_problem((top.bid, top.ask), (top.bid_size, top.ask_size))
    if problem:
        return problem
    if top.bid > top.ask:
        return CROSSED_BOOK
    if _future(top.timestamp_ms, now_ms, skew_ms):
        return FUTURE_TIMESTAMP
    return None


def check_order_book(book: OrderBook, *, now_ms: int, skew_ms: int) -> str | None:
    problem = _numbers_problem(
        [price for price, _ in (*book.bids, *book.asks)],
        [size for _, size in (*book.bids, *book.asks)],
    )
    if problem:
        return problem
    if book.bids and book.asks and book.bids[0][0] > book.asks[0][0]:
        return CROSSED_BOOK
    if _future(book.timestamp_ms, now_ms, skew_ms):
        return FUTURE_TIMESTAMP
    return None


def check_candle(candle: Candle, *, now_ms: int, skew_ms: int) -> str | None:
    c = candle
    problem = _numbers_problem((c.open, c.high, c.low, c.close), (c.volume,))
    if problem:
        return problem
    if c.high < c.low or c.high < max(c.open, c.close) or c.low > min(c.open, c.close):
        return HIGH_BELOW_LOW
    if c.timestamp_ms < 0:
        return NAN
    if _future(c.timestamp_ms, now_ms, skew_ms):
        return FUTURE_TIMESTAMP
    return None


class Validator:
    """Filters records of one exchange, counting each rejection by kind and reason."""

    def __init__(
        self,
        *,
        exchange: str,
        max_clock_skew_seconds: float = 5.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.exchange = exchange
        self.skew_ms = int(max_clock_skew_seconds * 1000)
        self._clock = clock

    def _now_ms(self) -> int:
        return int(self._clock() * 1000)

    def reject(self, kind: str, reason: str, *, symbol: str = "", count: int = 1) -> None:
        metrics.REJECTED_RECORDS.labels(exchange=self.exchange, kind=kind, reason=reason).inc(count)
        logger.warning(
            "market data rejected",
            extra={
                "exchange": self.exchange,
                "kind": kind,
                "reason": reason,
                "symbols": symbol,
                "count": count,
            },
        )

    def _filter(
        self,
        kind: str,
        items: Iterable[tuple[str, R]],
        check: Callable[..., str | None],
    ) -> list[tuple[str, R]]:
        now_ms, kept = self._now_ms(), []
        rejected: dict[str, list[str]] = {}
        for key, record in items:
            reason = check(record, now_ms=now_ms, skew_ms=self.skew_ms)
            if reason is None:
                kept.append((key, record))
            else:
                rejected.setdefault(reason, []).append(key)
        for reason, keys in rejected.items():  # one log line per reason and batch
            self.reject(kind, reason, symbol=",".join(keys[:5]), count=len(keys))
        return kept

    def tickers(self, tickers: Mapping[str, Ticker]) -> dict[str, Ticker]:
        return dict(self._filter("ticker", tickers.items(), check_ticker))

    def book_tops(self, tops: Mapping[str, BookTop]) -> dict[str, BookTop]:
        return dict(self._filter("book_top", tops.items(), check_book_top))

    def order_book(self, book: OrderBook) -> OrderBook | None:
        kept = self._filter("order_book", [(book.symbol, book)], check_order_book)
        return kept[0][1] if kept else None

    def candles(self, symbol: str, candles: Iterable[Candle]) -> list[Candle]:
        kept = self._filter("candle", ((symbol, c) for c in candles), check_candle)
        return [candle for _, candle in kept]
