"""Candle bookkeeping without I/O: what each stream has closed, where bars are missing,
and when the rows gathered for a timeframe make a frame.

`CandleBook` keeps the recent bars of every (symbol, timeframe) the service streams (the
data GetCandles serves) and turns backfills and live updates into rows to publish, each
closed bar once. `CandleBatcher` gathers one timeframe's rows from all symbols so that a
frame carries a bar of every symbol rather than one message per symbol.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from tradeplane.exchange import Candle, CandleUpdate, Quality
from tradeplane.services.marketdata.config import timeframe_ms


@dataclass(frozen=True)
class Gap:
    """Bars of one series that opened in [since_ms, before_ms) and were never seen closed."""

    symbol: str
    timeframe: str
    since_ms: int
    before_ms: int

    def bars(self, step_ms: int) -> int:
        return max(0, (self.before_ms - self.since_ms + step_ms - 1) // step_ms)


@dataclass
class Series:
    """The recent bars of one (symbol, timeframe): closed ones, then the forming one."""

    step_ms: int
    closed: deque[Candle]
    forming: Candle | None = None
    updated_at: float = 0.0
    """When the series last changed (the caller's clock, seconds)."""
    checked_before_ms: int = 0
    """Bars opened before this were looked for already (a gap is fetched once)."""

    @property
    def last_closed_ms(self) -> int | None:
        return self.closed[-1].timestamp_ms if self.closed else None


def _ordered(candles: Iterable[Candle]) -> list[Candle]:
    return list({c.timestamp_ms: c for c in sorted(candles, key=lambda c: c.timestamp_ms)}.values())


def series_quality(age_seconds: float, *, stale_after: float, exchange_up: bool) -> Quality:
    """Fresh while updates keep coming; then stale, or degraded while the exchange is down."""
    if age_seconds <= stale_after:
        return Quality.FRESH
    return Quality.STALE if exchange_up else Quality.DEGRADED


class CandleBook:
    """Recent bars per (symbol, timeframe) and the rows each change adds (pure)."""

    def __init__(self, *, history_bars: int) -> None:
        self.history_bars = history_bars
        self._series: dict[tuple[str, str], Series] = {}

    def get(self, symbol: str, timeframe: str) -> Series | None:
        return self._series.get((symbol, timeframe))

    def symbols(self, timeframe: str) -> list[str]:
        return sorted(symbol for symbol, tf in self._series if tf == timeframe)

    def drop(self, symbol: str) -> None:
        for key in [key for key in self._series if key[0] == symbol]:
            del self._series[key]

    def seed(
        self, symbol: str, timeframe: str, candles: Iterable[Candle], *, now: float
    ) -> list[CandleUpdate]:
        """Start the series from a backfill: every bar closed but the newest (forming).
        Returns the rows to publish."""
        ordered = _ordered(candles)[-self.history_bars :]
        series = Series(timeframe_ms(timeframe), deque(maxlen=self.history_bars), updated_at=now)
        self._series[(symbol, timeframe)] = series
        if not ordered:
            return []
        *closed, forming = ordered
        series.closed.extend(closed)
        series.forming = forming
        series.checked_before_ms = forming.timestamp_ms
        rows = [CandleUpdate(symbol, timeframe, candle, closed=True) for candle in closed]
        rows.append(CandleUpdate(symbol, timeframe, forming, closed=False))
        return rows

    def gap_before(self, update: CandleUpdate) -> Gap | None:
        """The bars missing between the series' last closed bar and `update`, if any
        (e.g. a bar that closed between the backfill and the stream's first message)."""
        series = self._series.get((update.symbol, update.timeframe))
        if series is None or series.last_closed_ms is None:
            return None
        since = max(series.last_closed_ms + series.step_ms, series.checked_before_ms)
        if update.candle.timestamp_ms <= since:
            return None
        return Gap(update.symbol, update.timeframe, since, update.candle.timestamp_ms)

    def fill(self, gap: Gap, candles: Iterable[Candle], *, now: float) -> list[CandleUpdate]:
        """Close the gap's bars found in `candles` (fetched over REST); an empty list gives
        up on the gap. Returns the rows to publish."""
        series = self._series.get((gap.symbol, gap.timeframe))
        if series is None:
            return []
        series.checked_before_ms = max(series.checked_before_ms, gap.before_ms)
        last = series.last_closed_ms
        rows = []
        for candle in _ordered(candles):
            if not gap.since_ms <= candle.timestamp_ms < gap.before_ms:
                continue
            if last is not None and candle.timestamp_ms <= last:
                continue
            series.closed.append(candle)
            rows.append(CandleUpdate(gap.symbol, gap.timeframe, candle, closed=True))
        if rows:
            series.updated_at = now
            if series.forming is not None and series.forming.timestamp_ms < gap.before_ms:
                series.forming = None
        return rows

    def apply(self, update: CandleUpdate, *, now: float) -> list[CandleUpdate]:
        """Take one live update; returns it as a row unless it repeats a closed bar."""
        key = (update.symbol, update.timeframe)
        series = self._series.get(key)
        if series is None:
            series = Series(timeframe_ms(update.timeframe), deque(maxlen=self.history_bars))
            self._series[key] = series
        opened = update.candle.timestamp_ms
        last = series.last_closed_ms
        if last is not None and opened <= last:
            return []
        if update.closed:
            series.closed.append(update.candle)
            if series.forming is not None and series.forming.timestamp_ms <= opened:
                series.forming = None
        else:
            if series.forming is not None and opened < series.forming.timestamp_ms:
                return []
            series.forming = update.candle
        series.checked_before_ms = max(series.checked_before_ms, opened)
        series.updated_at = now
        return [update]

    def latest(
        self, symbol: str, timeframe: str, *, limit: int, closed_only: bool
    ) -> list[CandleUpdate]:
        """The newest `limit` bars of a series, oldest first (the forming one last)."""
        series = self._series.get((symbol, timeframe))
        if series is None or limit <= 0:
            return []
        rows = [CandleUpdate(symbol, timeframe, candle, closed=True) for candle in series.closed]
        if series.forming is not None and not closed_only:
            rows.append(CandleUpdate(symbol, timeframe, series.forming, closed=False))
        return rows[-limit:]


def boundary_quiet_in(
    now_ms: int, timeframes: Iterable[str], *, before: float, after: float
) -> float:
    """Seconds until no timeframe's bar boundary (UTC-aligned) is nearer than `before`
    ahead or `after` behind `now_ms` (0 when none is).

    Bars close on these boundaries; their closes reach the platform within a moment
    after, so work put off from [boundary - before, boundary + after] keeps out of them.
    """
    wait = 0.0
    for timeframe in timeframes:
        step = timeframe_ms(timeframe)
        since = (now_ms % step) / 1000  # seconds since the last boundary
        until = step / 1000 - since
        if since < after:
            wait = max(wait, after - since)
        elif until < before:
            wait = max(wait, until + after)
    return wait


@dataclass
class CandleBatcher:
    """Gathers one timeframe's rows and says when they are due as a frame (pure).

    Closed bars are due once every expected symbol has sent one, or `close_wait` after
    the first arrived; forming bars at most every `forming_interval` (None: never sent).
    """

    close_wait: float
    forming_interval: float | None
    expected: frozenset[str] = frozenset()
    _closed: dict[tuple[str, int], CandleUpdate] = field(default_factory=dict)
    _forming: dict[str, CandleUpdate] = field(default_factory=dict)
    _first_closed_at: float | None = None
    _last_forming_sent: float = float("-inf")
    _last_closed_sent: float = float("-inf")

    def __len__(self) -> int:
        return len(self._closed) + len(self._forming)

    def add(self, rows: Sequence[CandleUpdate], *, now: float) -> None:
        for row in rows:
            opened = row.candle.timestamp_ms
            if row.closed:
                self._closed[(row.symbol, opened)] = row
                forming = self._forming.get(row.symbol)
                if forming is not None and forming.candle.timestamp_ms <= opened:
                    del self._forming[row.symbol]
                if self._first_closed_at is None:
                    self._first_closed_at = now
            elif self.forming_interval is not None:
                current = self._forming.get(row.symbol)
                if current is None or current.candle.timestamp_ms <= opened:
                    self._forming[row.symbol] = row

    def due(self, *, now: float) -> bool:
        if self._first_closed_at is not None:
            if now - self._first_closed_at >= self.close_wait:
                return True
            reported = {symbol for symbol, _ in self._closed}
            return bool(self.expected) and self.expected <= reported
        if self._forming and self.forming_interval is not None:
            return now - self._last_forming_sent >= self.forming_interval
        return False

    def quiet_in(self, *, now: float, quiet: float) -> float:
        """Seconds until this timeframe's latest close has been sent for `quiet` seconds.

        While closed bars are gathering, that is the rest of `close_wait` plus `quiet`:
        other work (the ticker refresh) waits so that a close's frame, and the indicators
        and screening it sets off, do not queue behind it.
        """
        if self._first_closed_at is not None:
            return max(0.0, self._first_closed_at + self.close_wait - now) + quiet
        return max(0.0, self._last_closed_sent + quiet - now)

    def take(self, *, now: float) -> list[CandleUpdate]:
        """Everything gathered, by symbol then open time; the batcher starts empty again."""
        rows = [*self._closed.values(), *self._forming.values()]
        rows.sort(key=lambda row: (row.symbol, row.candle.timestamp_ms))
        if self._forming:
            self._last_forming_sent = now
        if self._closed:
            self._last_closed_sent = now
        self._closed.clear()
        self._forming.clear()
        self._first_closed_at = None
        return rows
