"""The market clock: bars of every symbol, advanced one tick at a time by a price source.

A price source (the factor model or a replay) writes the history and then, per tick, the
new last price and traded quantity of every symbol. `Market` keeps the bars (time-major
arrays, one column per symbol), the open bar, recent trades, the market makers' best bid
and ask, the order-book update ids and the 24h statistics, all vectorised over symbols.
Market time is discrete: `ticks_per_bar` ticks per bar; nothing here reads a clock.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, TypeVar

import numpy as np

from tradeplane.sim.universe import DAY_MS, Universe

T = TypeVar("T")
WEEK_OFFSET_MS = 4 * DAY_MS  # Binance weeks start on Monday; 1970-01-01 was a Thursday
TRADE_RING_TICKS = 512
AVERAGE_TRADE_USD = 400.0


class PriceSource(Protocol):
    universe: Universe

    def next_tick(self, tick_in_bar: int) -> tuple[np.ndarray, np.ndarray] | None: ...
    def next_bar_open(self, close: np.ndarray) -> tuple[np.ndarray, np.ndarray | None] | None:
        """Open prices of the next bar and which symbols have it (None: all); None: the end."""

    def spread_mult(self) -> np.ndarray: ...
    def set_price(self, index: int, price: float) -> None: ...


class BarStore:
    """OHLCV bars of every symbol, time-major: `close[bar, symbol]`."""

    def __init__(self, symbols: int, *, interval_ms: int, capacity: int, dtype: type) -> None:
        self.interval_ms = interval_ms
        self.capacity = capacity
        self.times = np.zeros(capacity, dtype=np.int64)
        shape = (capacity, symbols)
        self.open: np.ndarray = np.zeros(shape, dtype=dtype)
        self.high: np.ndarray = np.zeros(shape, dtype=dtype)
        self.low: np.ndarray = np.zeros(shape, dtype=dtype)
        self.close: np.ndarray = np.zeros(shape, dtype=dtype)
        self.volume: np.ndarray = np.zeros(shape, dtype=dtype)
        self.present: np.ndarray | None = None  # replay: False where a symbol had no bar
        self.length = 0

    @property
    def last(self) -> int:
        return self.length - 1

    def append(
        self, open_time: int, open_prices: np.ndarray, present: np.ndarray | None = None
    ) -> None:
        """Open a new bar at `open_time`, dropping the oldest quarter when full."""
        if self.length == self.capacity:
            drop = max(1, self.capacity // 4)
            for array in (self.times, self.open, self.high, self.low, self.close, self.volume):
                array[:-drop] = array[drop:]
            if self.present is not None:
                self.present[:-drop] = self.present[drop:]
            self.length -= drop
        i = self.length
        self.times[i] = open_time
        for array in (self.open, self.high, self.low, self.close):
            array[i] = open_prices
        self.volume[i] = 0
        if self.present is not None:
            self.present[i] = True if present is None else present
        self.length += 1

    def set_last(
        self, *, high: np.ndarray, low: np.ndarray, close: np.ndarray, volume: np.ndarray
    ) -> None:
        i = self.last
        self.high[i], self.low[i], self.close[i], self.volume[i] = high, low, close, volume

    def index_of(self, open_time: int) -> int:
        return int((open_time - self.times[0]) // self.interval_ms)


@dataclass(frozen=True, eq=False)
class TickEvent:
    """What one tick changed: the bar that moved and the trade printed per symbol."""

    time_ms: int
    bar_open_ms: int
    closed: bool  # the tick completed that bar
    trade_price: np.ndarray
    trade_qty: np.ndarray  # 0 where a symbol did not trade
    trade_id: np.ndarray
    buyer_maker: np.ndarray


@dataclass(frozen=True)
class Trade:
    id: int
    time_ms: int
    price: float
    qty: float
    buyer_maker: bool


def align(time_ms: int | np.ndarray, interval_ms: int) -> int | np.ndarray:
    """Open time of the `interval_ms` bar containing `time_ms` (weeks start on Monday)."""
    offset = WEEK_OFFSET_MS if interval_ms == 7 * DAY_MS else 0
    return (time_ms - offset) // interval_ms * interval_ms + offset


class Market:
    """Bars, trades and top of book of every symbol, one tick at a time."""

    def __init__(
        self,
        universe: Universe,
        source: PriceSource,
        store: BarStore,
        *,
        ticks_per_bar: int,
        seed: int,
    ) -> None:
        self.universe = universe
        self.source = source
        self.bars = store
        self.ticks_per_bar = ticks_per_bar
        self.tick_ms = store.interval_ms // ticks_per_bar
        self.tick_in_bar = 0
        self.tick_count = 0
        self.exhausted = False
        n = len(universe)
        rng = np.random.default_rng([seed, 4])
        self.trade_ids = rng.integers(10**6, 10**8, n).astype(np.int64)
        self.update_ids = rng.integers(10**8, 10**9, n).astype(np.int64)
        self._ring_price = np.zeros((TRADE_RING_TICKS, n), dtype=store.close.dtype)
        self._ring_qty = np.zeros((TRADE_RING_TICKS, n), dtype=store.close.dtype)
        self._ring_id = np.zeros((TRADE_RING_TICKS, n), dtype=np.int64)
        self._ring_maker = np.zeros((TRADE_RING_TICKS, n), dtype=bool)
        self._ring_time = np.zeros(TRADE_RING_TICKS, dtype=np.int64)
        self._user_trades: dict[int, deque[Trade]] = {}
        self._cache: dict[str, tuple[int, object]] = {}
        self.version = 0  # changes whenever prices, volumes or books change
        self.trade_listeners: list[Callable[[int, Trade], None]] = []  # user fills

    # -- clock ----------------------------------------------------------------------------
    @property
    def now_ms(self) -> int:
        """Market time: the open of the live bar plus the ticks it has had."""
        return int(self.bars.times[self.bars.last]) + self.tick_in_bar * self.tick_ms

    def step(self) -> TickEvent | None:
        """Advance one tick; None once a replay has no more bars."""
        if self.exhausted:
            return None
        moved = self.source.next_tick(self.tick_in_bar)
        if moved is None:
            self.exhausted = True
            return None
        price, qty = moved
        bars, i = self.bars, self.bars.last
        previous = bars.close[i].copy()
        bars.close[i] = price
        np.maximum(bars.high[i], price, out=bars.high[i])
        np.minimum(bars.low[i], price, out=bars.low[i])
        bars.volume[i] += qty
        self.version += 1
        traded = qty > 0
        self.trade_ids += traded
        self.update_ids += 1
        self.tick_in_bar += 1
        self.tick_count += 1
        row = self.tick_count % TRADE_RING_TICKS
        self._ring_time[row] = self.now_ms
        self._ring_price[row] = price
        self._ring_qty[row] = qty
        self._ring_id[row] = self.trade_ids
        self._ring_maker[row] = price < previous
        bar_open = int(bars.times[i])
        event = TickEvent(
            time_ms=self.now_ms,
            bar_open_ms=bar_open,
            closed=self.tick_in_bar == self.ticks_per_bar,
            trade_price=price,
            trade_qty=qty,
            trade_id=self.trade_ids.copy(),
            buyer_maker=self._ring_maker[row].copy(),
        )
        if event.closed:
            following = self.source.next_bar_open(bars.close[i])
            if following is None:
                self.exhausted = True
            else:
                bars.append(bar_open + bars.interval_ms, *following)
                self.tick_in_bar = 0
        return event

    def set_price(self, index: int, price: float) -> None:
        self.source.set_price(index, price)

    def cached(self, key: str, build: Callable[[], T]) -> T:
        """`build()`, computed once per market version (prices, volumes, books)."""
        hit = self._cache.get(key)
        if hit is not None and hit[0] == self.version:
            return hit[1]  # type: ignore[return-value]
        value = build()
        self._cache[key] = (self.version, value)
        return value

    # -- top of book ----------------------------------------------------------------------
    def last_ticks(self) -> np.ndarray:
        """Last price of every symbol in ticks (int64)."""
        return self.cached(
            "last",
            lambda: np.rint(self.bars.close[self.bars.last] / self.universe.tick).astype(np.int64),
        )

    def quotes(self) -> tuple[np.ndarray, np.ndarray]:
        """Market makers' best bid and ask of every symbol, in ticks."""

        def build() -> tuple[np.ndarray, np.ndarray]:
            last = self.last_ticks()
            half = last * self.universe.spread_frac * self.source.spread_mult() / 2
            bid = np.maximum(np.floor(last - half), 1).astype(np.int64)
            ask = np.maximum(np.ceil(last + half).astype(np.int64), bid + 1)
            return bid, ask

        return self.cached("quotes", build)

    def touch_book(self, index: int) -> int:
        """A user order changed the book of symbol `index`: next update id."""
        self.update_ids[index] += 1
        self.version += 1
        return int(self.update_ids[index])

    # -- 24h statistics -------------------------------------------------------------------
    def day_stats(self) -> dict[str, np.ndarray]:
        """Rolling 24h open/high/low/volume/quote volume of every symbol."""

        def build() -> dict[str, np.ndarray]:
            bars, last = self.bars, self.bars.last
            first = max(0, last - DAY_MS // bars.interval_ms + 1)
            window = slice(first, last + 1)
            high = bars.high[window]
            low = bars.low[window]
            volume = bars.volume[window].astype(np.float64)
            typical = (high.astype(np.float64) + low + bars.close[window]) / 3
            quote_volume = (volume * typical).sum(axis=0)
            return {
                "open": bars.open[first].astype(np.float64),
                "prev_close": bars.close[max(0, first - 1)].astype(np.float64),
                "high": high.max(axis=0).astype(np.float64),
                "low": low.min(axis=0).astype(np.float64),
                "last": bars.close[last].astype(np.float64),
                "volume": volume.sum(axis=0),
                "quote_volume": quote_volume,
                "trades": self.trade_count(quote_volume),
                "open_time": np.int64(self.now_ms - DAY_MS),
            }

        return self.cached("day", build)

    def trade_count(self, quote_volume: np.ndarray | float, index: int | None = None) -> np.ndarray:
        """Number of trades behind a quote volume (every symbol, or symbol `index`)."""
        quote_usd = self.universe.quote_usd if index is None else self.universe.quote_usd[index]
        usd = np.asarray(quote_volume) * quote_usd
        return np.where(usd > 0, np.maximum(1, np.rint(usd / AVERAGE_TRADE_USD)), 0).astype(
            np.int64
        )

    # -- klines ---------------------------------------------------------------------------
    def klines(
        self, index: int, interval_ms: int, *, start: int | None, end: int | None, limit: int
    ) -> list[tuple[int, float, float, float, float, float, float]]:
        """Bars of symbol `index` at `interval_ms` (a multiple of the base interval), as
        (open_time, open, high, low, close, volume, quote_volume), Binance's selection:
        from `start` forwards, else up to `end` backwards, else the latest `limit`.
        Bars a symbol does not have (before its listing, replay outages) are skipped."""
        bars = self.bars
        base = bars.interval_ms
        last = bars.last
        first_time = int(bars.times[0])
        # last base bar of the group that contains `end`
        end_bar = (
            last
            if end is None
            else ((int(align(end, interval_ms)) + interval_ms - first_time) // base - 1)
        )
        span = (limit + 1) * (interval_ms // base)
        while True:  # widen the window until it holds `limit` rows or reaches an end
            if start is not None:
                lo = max(0, (int(align(max(start, first_time), interval_ms)) - first_time) // base)
                hi = min(last, end_bar, lo + span)
                reached_end = hi == min(last, end_bar)
            else:
                hi = min(last, end_bar)
                lo = max(0, hi - span)
                reached_end = lo == 0
            if hi < lo or hi < 0:
                return []
            out = self._aggregate(index, interval_ms, lo, hi)
            if start is not None:
                out = [row for row in out if row[0] >= start]
            if end is not None:
                out = [row for row in out if row[0] <= end]
            if len(out) >= limit or reached_end:
                return out[:limit] if start is not None else out[-limit:]
            span *= 2

    def _aggregate(
        self, index: int, interval_ms: int, lo: int, hi: int
    ) -> list[tuple[int, float, float, float, float, float, float]]:
        bars = self.bars
        rows = slice(lo, hi + 1)
        times = bars.times[rows]
        keep = times >= self.universe.onboard_ms[index]
        if bars.present is not None:
            keep &= bars.present[rows, index]
        if not keep.any():
            return []
        times = times[keep]
        o = bars.open[rows, index][keep].astype(np.float64)
        h = bars.high[rows, index][keep].astype(np.float64)
        low = bars.low[rows, index][keep].astype(np.float64)
        c = bars.close[rows, index][keep].astype(np.float64)
        v = bars.volume[rows, index][keep].astype(np.float64)
        q = v * (h + low + c) / 3
        groups = np.asarray(align(times, interval_ms))
        starts = np.flatnonzero(np.r_[True, groups[1:] != groups[:-1]])
        ends = np.r_[starts[1:], len(groups)] - 1
        return list(
            zip(
                groups[starts].tolist(),
                o[starts].tolist(),
                np.maximum.reduceat(h, starts).tolist(),
                np.minimum.reduceat(low, starts).tolist(),
                c[ends].tolist(),
                np.add.reduceat(v, starts).tolist(),
                np.add.reduceat(q, starts).tolist(),
                strict=True,
            )
        )

    # -- trades ---------------------------------------------------------------------------
    def record_user_trade(self, index: int, price: float, qty: float, buyer_maker: bool) -> int:
        """A user fill is a market trade too: it gets the next trade id and adds volume."""
        self.trade_ids[index] += 1
        trade = Trade(int(self.trade_ids[index]), self.now_ms, price, qty, buyer_maker)
        self._user_trades.setdefault(index, deque(maxlen=TRADE_RING_TICKS)).append(trade)
        self.bars.volume[self.bars.last, index] += qty
        self.version += 1
        for listener in self.trade_listeners:
            listener(index, trade)
        return trade.id

    def last_trade_qty(self) -> np.ndarray:
        """Quantity of the latest market trade of every symbol (0: none this tick)."""
        if self.tick_count == 0:
            return np.zeros(len(self.universe))
        return self._ring_qty[self.tick_count % TRADE_RING_TICKS]

    def recent_trades(self, index: int, limit: int) -> list[Trade]:
        """The latest `limit` trades of symbol `index`, oldest first."""
        ticks = min(self.tick_count, TRADE_RING_TICKS - 1)
        rows = [(self.tick_count - k) % TRADE_RING_TICKS for k in range(ticks - 1, -1, -1)]
        trades = [
            Trade(
                int(self._ring_id[r, index]),
                int(self._ring_time[r]),
                float(self._ring_price[r, index]),
                float(self._ring_qty[r, index]),
                bool(self._ring_maker[r, index]),
            )
            for r in rows
            if self._ring_qty[r, index] > 0
        ]
        trades.extend(self._user_trades.get(index, ()))
        trades.sort(key=lambda trade: trade.id)
        return trades[-limit:]
