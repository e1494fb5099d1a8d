"""`CandleStreams`: the candle I/O of one exchange (backfill, live streams, gap fills,
frames to the outbox, GetCandles answers); the decisions are in `candles` and `selection`.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

from tradeplane.bus import subjects
from tradeplane.exchange import (
    CachedMarketData,
    Candle,
    CandleUpdate,
    ExchangeError,
    ExchangeTemporaryError,
    Quality,
    Ticker,
)
from tradeplane.exchange.cache import Cached
from tradeplane.services.marketdata import frames, metrics
from tradeplane.services.marketdata.candles import (
    CandleBatcher,
    CandleBook,
    Gap,
    boundary_quiet_in,
    series_quality,
)
from tradeplane.services.marketdata.config import FeedConfig, MarketDataConfig, timeframe_ms
from tradeplane.services.marketdata.errors import DataUnavailable, InvalidRequest, NotFound
from tradeplane.services.marketdata.publishing import Outbox, OutgoingFrame
from tradeplane.services.marketdata.selection import changes, select_symbols

logger = logging.getLogger(__name__)

R = TypeVar("R")
RETRY_INITIAL_SECONDS = 1.0
RETRY_MAX_SECONDS = 30.0
_QUALITY_ORDER = (Quality.FRESH, Quality.STALE, Quality.DEGRADED)


@dataclass(frozen=True)
class CandleAnswer:
    rows: list[CandleUpdate]
    quality: Quality
    """The lowest quality among the symbols answered."""
    age_seconds: float


def backoff(attempt: int) -> float:
    return min(RETRY_MAX_SECONDS, RETRY_INITIAL_SECONDS * 2 ** max(0, attempt - 1))


def report_failure(exchange: str, stage: str, error: Exception) -> None:
    """Count and log a failed exchange call (a warning when it is temporary)."""
    metrics.ERRORS.labels(exchange, stage).inc()
    level = logging.WARNING if isinstance(error, ExchangeTemporaryError) else logging.ERROR
    logger.log(level, f"{stage} failed", extra={"exchange": exchange, "error": str(error)})


async def retrying(exchange: str, stage: str, call: Callable[[], Awaitable[R]]) -> R:
    """`call()` until it succeeds; temporary errors back off, others are raised."""
    attempt = 0
    while True:
        try:
            return await call()
        except ExchangeTemporaryError as error:
            attempt += 1
            report_failure(exchange, stage, error)
            await asyncio.sleep(error.retry_after or backoff(attempt))


def _now() -> float:
    return time.monotonic()


class CandleStreams:
    """Streams the candles of the chosen symbols and serves them; `sync()` chooses."""

    def __init__(
        self,
        config: FeedConfig,
        settings: MarketDataConfig,
        *,
        data: CachedMarketData,
        outbox: Outbox,
        exchange_up: Callable[[], bool],
    ) -> None:
        self.config = config
        self.settings = settings
        self.label = config.label
        self.data = data
        self.gateway = data.gateway
        self.outbox = outbox
        self._exchange_up = exchange_up
        self.book = CandleBook(history_bars=config.history_bars)
        self.batchers = {
            tf: CandleBatcher(settings.close_wait_seconds, settings.forming_interval_seconds)
            for tf in config.timeframes
        }
        self.symbols: tuple[str, ...] = ()
        self.ready = asyncio.Event()
        """Set once the first chosen symbols are backfilled (or given up on)."""
        self._tasks: dict[tuple[str, str], asyncio.Task[None]] = {}
        self._initial: set[tuple[str, str]] | None = None
        self._backfill_slots = asyncio.Semaphore(settings.backfill_concurrency)

    # -- choosing and running streams -----------------------------------------------------
    def sync(self, tickers: Mapping[str, Ticker]) -> None:
        """Stream the symbols chosen now: start new ones (backfill first), stop dropped."""
        selection = select_symbols(
            self.gateway.markets,
            tickers,
            configured=self.config.symbols,
            top=self.config.top_symbols,
            quote_assets=self.config.quote_assets,
        )
        if selection.missing:
            logger.warning(
                "configured symbols not listed or not active; skipped",
                extra={"exchange": self.label, "symbols": list(selection.missing)},
            )
        added, removed = changes(self.symbols, selection.symbols)
        for symbol in removed:
            for timeframe in self.config.timeframes:
                task = self._tasks.pop((symbol, timeframe), None)
                if task is not None:
                    task.cancel()
            self.book.drop(symbol)
        self.symbols = selection.symbols
        for batcher in self.batchers.values():
            batcher.expected = frozenset(self.symbols)
        metrics.STREAMED_SYMBOLS.labels(self.label).set(len(self.symbols))
        started = sorted((symbol, tf) for symbol in added for tf in self.config.timeframes)
        if self._initial is None:
            self._initial = set(started)
            if not started:
                self.ready.set()
        for symbol, timeframe in started:
            self._tasks[(symbol, timeframe)] = asyncio.create_task(
                self._follow(symbol, timeframe), name=f"candles-{self.label}-{symbol}-{timeframe}"
            )
        if added or removed:
            logger.info(
                "streamed symbols changed",
                extra={"exchange": self.label, "added": added, "removed": removed},
            )

    async def stop(self) -> None:
        """Cancel every stream, then send the rows gathered so far."""
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._tasks.clear()
        for timeframe in self.batchers:
            self.flush(timeframe, force=True)

    async def _follow(self, symbol: str, timeframe: str) -> None:
        """Backfill one series, then follow its live candles until cancelled."""
        try:
            candles = await retrying(
                self.label, "backfill", lambda: self._backfill(symbol, timeframe)
            )
            self._add(timeframe, self.book.seed(symbol, timeframe, candles, now=_now()))
        except ExchangeError as error:  # permanent (e.g. the symbol was delisted)
            report_failure(self.label, "backfill", error)
            return
        finally:
            self._initial_done(symbol, timeframe)
        try:
            async for update in self.gateway.watch_candles(symbol, timeframe):
                gap = self.book.gap_before(update)
                rows = await self._fill(gap) if gap is not None else []
                rows += self.book.apply(update, now=_now())
                self._add(timeframe, rows)
        except ExchangeError as error:  # permanent: the stream ends
            report_failure(self.label, "stream", error)
        except Exception:  # a bug must not pass silently
            metrics.ERRORS.labels(self.label, "stream").inc()
            logger.exception(
                "candle stream failed",
                extra={"exchange": self.label, "symbol": symbol, "timeframe": timeframe},
            )

    async def _backfill(self, symbol: str, timeframe: str) -> list[Candle]:
        """The latest `history_bars` candles: one request when a page holds them."""
        wanted = self.config.history_bars
        page = self.gateway.capabilities.ohlcv_page_limit
        async with self._backfill_slots:
            latest = await self.gateway.fetch_ohlcv(symbol, timeframe, limit=min(wanted, page))
            if wanted <= page or not latest:
                return latest
            first = latest[-1].timestamp_ms - (wanted - 1) * timeframe_ms(timeframe)
            older = await self.gateway.backfill_ohlcv(
                symbol, timeframe, since=first, until=latest[0].timestamp_ms - 1
            )
            return older + latest

    async def _fill(self, gap: Gap) -> list[CandleUpdate]:
        """Fetch the bars a stream skipped over REST (once; a failure gives them up)."""
        step = timeframe_ms(gap.timeframe)
        try:
            candles = await self.gateway.fetch_ohlcv(
                gap.symbol, gap.timeframe, since=gap.since_ms, limit=gap.bars(step) + 1
            )
        except ExchangeError as error:
            report_failure(self.label, "gap", error)
            candles = []
        return self.book.fill(gap, candles, now=_now())

    def _initial_done(self, symbol: str, timeframe: str) -> None:
        if self._initial:
            self._initial.discard((symbol, timeframe))
            if not self._initial:
                self.ready.set()

    # -- frames ---------------------------------------------------------------------------
    def _add(self, timeframe: str, rows: list[CandleUpdate]) -> None:
        if rows:
            self.batchers[timeframe].add(rows, now=_now())
            self.flush(timeframe)

    def flush(self, timeframe: str, *, force: bool = False) -> None:
        """Hand the timeframe's gathered rows to the outbox when due (or `force`)."""
        batcher = self.batchers[timeframe]
        now = _now()
        if not batcher or not (force or batcher.due(now=now)):
            return
        rows = batcher.take(now=now)
        for chunk in frames.chunked(rows, self.settings.max_frame_rows):
            frame = OutgoingFrame(
                subjects.candles(self.label, timeframe),
                frames.candle_frame(self.label, timeframe, chunk),
                datetime.now(UTC),
                self.label,
                "candles",
                timeframe,
                len(chunk),
            )
            self.outbox.offer(frame)

    def close_quiet_in(self) -> float:
        """Seconds to put off other work so that it keeps out of bar closes: until every
        timeframe's latest close has been sent for `close_quiet_seconds`, and away from
        the bar boundaries on the clock (0 when the time is clear)."""
        quiet = self.settings.close_quiet_seconds
        if quiet <= 0:
            return 0.0
        now = _now()
        gathering = (b.quiet_in(now=now, quiet=quiet) for b in self.batchers.values())
        # closes arrive shortly after a boundary (later for a quiet symbol, whose close is
        # known only from its next bar's first trade): keep clear of the window until
        # the first of them starts the batcher's wait
        near_boundary = boundary_quiet_in(
            int(time.time() * 1000),
            self.batchers,
            before=quiet,
            after=quiet + self.settings.close_wait_seconds,
        )
        return max(near_boundary, *gathering)

    async def flush_loop(self) -> None:
        """Send batches whose wait is over (closes of slow symbols, forming bars)."""
        periods = [self.settings.close_wait_seconds, self.settings.forming_interval_seconds or 1.0]
        tick = max(0.01, min(periods) / 4)
        while True:
            await asyncio.sleep(tick)
            for timeframe in self.batchers:
                self.flush(timeframe)

    # -- answers --------------------------------------------------------------------------
    async def answer(
        self, timeframe: str, symbols: Sequence[str], *, limit: int, closed_only: bool
    ) -> CandleAnswer:
        """Candles from the book (streamed symbols) or read through the cache (others)."""
        try:
            timeframe_ms(timeframe)
        except ValueError as error:
            raise InvalidRequest(str(error)) from None
        if not symbols and timeframe not in self.config.timeframes:
            raise InvalidRequest(
                f"{self.label} streams {', '.join(self.config.timeframes)}, not {timeframe}; "
                "name the symbols to read through"
            )
        wanted = list(symbols) or self.book.symbols(timeframe)
        other = [s for s in wanted if self.book.get(s, timeframe) is None]
        unknown = [s for s in other if s not in self.gateway.markets]
        if unknown:
            raise NotFound(f"{self.label} lists no {', '.join(unknown[:5])}")
        if len(other) > self.settings.max_read_through_symbols:
            raise InvalidRequest(
                f"{len(other)} symbols are not streamed for {timeframe}; ask for at most "
                f"{self.settings.max_read_through_symbols} of those per request"
            )
        rows: list[CandleUpdate] = []
        qualities, ages = [Quality.FRESH], [0.0]
        for symbol in wanted:
            series = self.book.get(symbol, timeframe)
            if series is not None:
                age = max(0.0, _now() - series.updated_at)
                rows += self.book.latest(symbol, timeframe, limit=limit, closed_only=closed_only)
                stale_after = self.settings.candle_stale_seconds
                qualities.append(
                    series_quality(age, stale_after=stale_after, exchange_up=self._exchange_up())
                )
                ages.append(age)
                continue
            cached = await self._read_through(symbol, timeframe, limit + closed_only)
            fetched = [CandleUpdate(symbol, timeframe, c, closed=True) for c in cached.value]
            if fetched:  # the newest bar of a fetch is the forming one
                fetched[-1] = CandleUpdate(symbol, timeframe, fetched[-1].candle, closed=False)
            rows += (fetched[:-1] if closed_only else fetched)[-limit:]
            qualities.append(cached.quality)
            ages.append(cached.age_seconds)
        return CandleAnswer(rows, max(qualities, key=_QUALITY_ORDER.index), max(ages))

    async def _read_through(self, symbol: str, timeframe: str, limit: int) -> Cached[Any]:
        try:
            return await self.data.ohlcv(symbol, timeframe, limit=limit)
        except ExchangeError as error:
            raise DataUnavailable(f"no cached {symbol} {timeframe} candles and {error}") from None
