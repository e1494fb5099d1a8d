"""`ExchangeFeed`: everything the service does for one exchange.

It loads the markets, refreshes every ticker on an interval (one request), caches and
publishes them, snapshots them to PostgreSQL, tells StreamTickers callers, and runs the
exchange's `CandleStreams`. Temporary exchange failures never end it: loops count, log,
back off and go on, and the cached data is served marked stale or degraded meanwhile.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from datetime import UTC, datetime
from typing import Any

from tradeplane.bus import subjects
from tradeplane.bus.config import KeyValueSettings
from tradeplane.exchange import (
    CachedMarketData,
    CacheSettings,
    ExchangeError,
    ExchangeGateway,
    Freshness,
    MarketDataCache,
    Ticker,
)
from tradeplane.exchange.cache import Cached
from tradeplane.exchange.cached import TICKERS
from tradeplane.services.marketdata import frames, metrics
from tradeplane.services.marketdata.config import FeedConfig, MarketDataConfig
from tradeplane.services.marketdata.publishing import Outbox, OutgoingFrame
from tradeplane.services.marketdata.recording import SnapshotRecorder
from tradeplane.services.marketdata.streams import (
    CandleAnswer,
    CandleStreams,
    report_failure,
    retrying,
)

logger = logging.getLogger(__name__)

Tickers = Cached[dict[str, Ticker]]


class ExchangeFeed:
    """One exchange: `start()`, `wait_ready()`, `stop()`, `close()`; and the reads the
    servicer makes (`tickers()`, `ticker_frame()`, `watch()`, `candles()`)."""

    def __init__(
        self,
        config: FeedConfig,
        settings: MarketDataConfig,
        *,
        gateway: ExchangeGateway,
        cache: MarketDataCache,
        outbox: Outbox,
        recorder: SnapshotRecorder | None = None,
    ) -> None:
        self.config = config
        self.settings = settings
        self.label = config.label
        self.gateway = gateway
        self.cache = cache
        self.data = CachedMarketData(
            gateway, cache, freshness=Freshness(ohlcv=settings.cache.candles_ttl_seconds)
        )
        self.outbox = outbox
        self.recorder = recorder
        self.exchange_up = False
        self.candle_streams = CandleStreams(
            config, settings, data=self.data, outbox=outbox, exchange_up=lambda: self.exchange_up
        )
        self._tickers_ready = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._main: asyncio.Task[None] | None = None
        self._watchers: set[asyncio.Queue[Tickers | None]] = set()
        self._last_snapshot = float("-inf")
        self._frame_memo: tuple[float, Any] | None = None

    @classmethod
    async def open(
        cls,
        config: FeedConfig,
        settings: MarketDataConfig,
        *,
        jetstream: Any,
        kv_settings: KeyValueSettings,
        outbox: Outbox,
        recorder: SnapshotRecorder | None,
    ) -> ExchangeFeed:
        """A feed with its own gateway and a cache whose L2 is the shared KV bucket."""
        cache = await MarketDataCache.open(
            jetstream,
            name=f"marketdata-{config.label}",
            settings=CacheSettings(
                ttl_seconds=settings.cache.ttl_seconds,
                max_stale_seconds=settings.cache.max_stale_seconds,
                l1_max_bytes=settings.cache.l1_max_bytes,
            ),
            kv_settings=kv_settings,
        )
        gateway = ExchangeGateway(config.exchange)
        return cls(config, settings, gateway=gateway, cache=cache, outbox=outbox, recorder=recorder)

    # -- lifecycle ------------------------------------------------------------------------
    def start(self) -> None:
        self._main = asyncio.create_task(self._run(), name=f"marketdata-{self.label}")

    async def wait_ready(self, timeout: float) -> bool:
        """Wait until tickers and the first backfills are in; False on timeout. Re-raises
        the permanent error (bad configuration) that ended the feed, if one did."""
        assert self._main is not None, "start() first"
        ready = asyncio.ensure_future(self._ready())
        done, _ = await asyncio.wait(
            {ready, self._main}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED
        )
        ready.cancel()
        if self._main in done:
            error = self._main.exception()
            if error is not None:
                raise error
        return ready in done

    async def _ready(self) -> None:
        await self._tickers_ready.wait()
        await self.candle_streams.ready.wait()

    async def stop(self) -> None:
        """Cancel the loops and streams, send the bars gathered, end StreamTickers calls."""
        tasks = [task for task in (self._main, *self._tasks) if task is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._tasks.clear()
        await self.candle_streams.stop()
        for queue in self._watchers:
            _replace(queue, None)

    async def close(self) -> None:
        await self.cache.close()
        await self.gateway.close()

    async def _run(self) -> None:
        await retrying(self.label, "markets", self.gateway.load_markets)
        self._tasks.append(asyncio.create_task(self._ticker_loop(), name=f"tickers-{self.label}"))
        self._tasks.append(
            asyncio.create_task(self.candle_streams.flush_loop(), name=f"frames-{self.label}")
        )
        if not self.config.symbols:
            await self._tickers_ready.wait()  # the top by volume needs the tickers
        while True:
            cached = await self.tickers()
            try:
                self.candle_streams.sync(cached.value if cached is not None else {})
            except Exception:  # a bug must not end the feed; it is logged and counted
                metrics.ERRORS.labels(self.label, "symbols").inc()
                logger.exception("choosing symbols failed", extra={"exchange": self.label})
            await asyncio.sleep(self.config.universe_refresh_seconds)
            try:
                await self.gateway.load_markets()
            except ExchangeError as error:
                report_failure(self.label, "markets", error)

    # -- tickers --------------------------------------------------------------------------
    async def _ticker_loop(self) -> None:
        loop = asyncio.get_running_loop()
        interval = self.config.ticker_interval_seconds
        next_at = loop.time()
        while True:
            await self._after_closes()
            try:
                await self.refresh_tickers()
            except Exception:  # a bug must not end the refreshes; it is logged and counted
                metrics.ERRORS.labels(self.label, "tickers").inc()
                logger.exception("ticker refresh failed", extra={"exchange": self.label})
            next_at = max(next_at + interval, loop.time())
            await asyncio.sleep(next_at - loop.time())

    async def _after_closes(self) -> None:
        """Put off a refresh while a bar close travels through the platform.

        Parsing every ticker holds the event loop for tens of milliseconds at thousands
        of symbols; run during a close it delays that bar's indicators and screening.
        Bounded: at most twice close_wait plus close_quiet seconds.
        """
        loop = asyncio.get_running_loop()
        settings = self.candle_streams.settings
        deadline = loop.time() + 2 * (settings.close_wait_seconds + settings.close_quiet_seconds)
        while (delay := self.candle_streams.close_quiet_in()) > 0 and loop.time() < deadline:
            await asyncio.sleep(min(delay, deadline - loop.time()))

    async def refresh_tickers(self) -> Tickers | None:
        """Fetch every ticker (one request), cache, publish and maybe snapshot them; on
        failure mark the cached ones degraded. Returns what StreamTickers callers get."""
        key = self.data.key("tickers")
        started = time.perf_counter()
        try:
            tickers = await self.gateway.fetch_tickers()
        except ExchangeError as error:
            self.cache.mark_failed(key)
            self._set_up(False)
            report_failure(self.label, "tickers", error)
            cached = await self.tickers()
            if cached is not None:
                self._notify(cached)
            return cached
        metrics.REFRESH_SECONDS.labels(self.label).observe(time.perf_counter() - started)
        cached = await self.cache.put(key, tickers, TICKERS)
        self._set_up(True)
        metrics.LAST_REFRESH.labels(self.label).set(cached.fetched_at)
        self._tickers_ready.set()
        self._publish(frames.pick_tickers(tickers))
        self._snapshot(cached)
        self._notify(cached)
        return cached

    def _publish(self, tickers: list[Ticker]) -> None:
        for chunk in frames.chunked(tickers, self.settings.max_frame_rows):
            frame = frames.ticker_frame(self.label, chunk, self.gateway.markets)
            time_of_data = frame.time.ToDatetime(tzinfo=UTC)
            outgoing = OutgoingFrame(
                subjects.tickers(self.label), frame, time_of_data, self.label, "tickers",
                rows=len(chunk),
            )  # fmt: skip
            self.outbox.offer(outgoing)

    def _set_up(self, up: bool) -> None:
        if up != self.exchange_up:
            logger.info("exchange up" if up else "exchange down", extra={"exchange": self.label})
        self.exchange_up = up
        metrics.EXCHANGE_UP.labels(self.label).set(1 if up else 0)

    def _snapshot(self, cached: Tickers) -> None:
        settings = self.settings.snapshots
        now = time.monotonic()
        if self.recorder is None or now - self._last_snapshot < settings.interval_seconds:
            return
        symbols = self.candle_streams.symbols if settings.scope == "streamed" else ()
        if settings.scope == "streamed" and not symbols:
            return
        rows = frames.snapshot_rows(
            self.label,
            frames.pick_tickers(cached.value, symbols),
            captured_at=datetime.fromtimestamp(cached.fetched_at, UTC),
        )
        if self.recorder.record(self.label, rows):
            self._last_snapshot = now

    # -- reads ----------------------------------------------------------------------------
    async def tickers(self) -> Tickers | None:
        """The cached tickers (L1, then the shared L2), never calling the exchange."""
        found: Tickers | None = await self.cache.peek(self.data.key("tickers"), TICKERS)
        return found

    def ticker_frame(self, cached: Tickers, symbols: list[str]) -> Any:
        """The TickerFrame of `cached` (of every symbol: built once per refresh)."""
        if symbols:
            return frames.ticker_frame(self.label, frames.pick_tickers(cached.value, symbols))
        if self._frame_memo is None or self._frame_memo[0] != cached.fetched_at:
            frame = frames.ticker_frame(self.label, frames.pick_tickers(cached.value))
            self._frame_memo = (cached.fetched_at, frame)
        return self._frame_memo[1]

    def watch(self) -> asyncio.Queue[Tickers | None]:
        """A queue that gets the tickers after every refresh, failed ones too (only the
        latest is kept); None when the feed stops."""
        queue: asyncio.Queue[Tickers | None] = asyncio.Queue(maxsize=1)
        self._watchers.add(queue)
        return queue

    def unwatch(self, queue: asyncio.Queue[Tickers | None]) -> None:
        self._watchers.discard(queue)

    def _notify(self, cached: Tickers) -> None:
        for queue in self._watchers:
            _replace(queue, cached)

    async def candles(
        self, timeframe: str, symbols: list[str], *, limit: int, closed_only: bool
    ) -> CandleAnswer:
        return await self.candle_streams.answer(
            timeframe, symbols, limit=limit, closed_only=closed_only
        )


def _replace(queue: asyncio.Queue[Any], item: Any) -> None:
    """Put `item`, replacing what an unread queue of one holds."""
    with contextlib.suppress(asyncio.QueueEmpty):
        if queue.full():
            queue.get_nowait()
    queue.put_nowait(item)
