"""Read-through cached market data of one gateway: what the marketdata service serves.

Each read returns a `Cached` record (value, age, quality fresh/stale/degraded). Two pods
(or two gateways in one process) with caches on the same KV bucket share fetches: the
second reader of a key within its TTL gets it from L2 without calling the exchange.

    cache = await MarketDataCache.open(jetstream, settings=CacheSettings(ttl_seconds=5))
    data = CachedMarketData(gateway, cache)
    tickers = await data.tickers()      # Cached[dict[str, Ticker]]
    if tickers.quality is not Quality.FRESH: ...
"""

from __future__ import annotations

from dataclasses import dataclass

from tradeplane.exchange.cache import Cached, MarketDataCache, cache_key
from tradeplane.exchange.codec import RecordCodec
from tradeplane.exchange.gateway import ExchangeGateway
from tradeplane.exchange.records import BookTop, Candle, Market, OrderBook, Ticker

MARKETS = RecordCodec(Market, "map")
TICKERS = RecordCodec(Ticker, "map")
BOOK_TOPS = RecordCodec(BookTop, "map")
ORDER_BOOK = RecordCodec(OrderBook, "one")
CANDLES = RecordCodec(Candle, "list")


@dataclass(frozen=True)
class Freshness:
    """TTL per kind of data, seconds; None takes the cache's default TTL."""

    markets: float | None = 3600.0
    tickers: float | None = None
    book_tops: float | None = None
    order_book: float | None = None
    ohlcv: float | None = None


class CachedMarketData:
    """The gateway's market-data calls behind the two-tier cache."""

    def __init__(
        self,
        gateway: ExchangeGateway,
        cache: MarketDataCache,
        *,
        freshness: Freshness | None = None,
    ) -> None:
        self.gateway = gateway
        self.cache = cache
        self.freshness = freshness or Freshness()

    def key(self, *parts: str) -> str:
        """The cache key of `parts` for this gateway (its name is the namespace)."""
        return cache_key(self.gateway.name, *parts)

    async def markets(self) -> Cached[dict[str, Market]]:
        return await self.cache.get(
            self.key("markets"), self.gateway.load_markets, MARKETS, ttl=self.freshness.markets
        )

    async def tickers(self) -> Cached[dict[str, Ticker]]:
        return await self.cache.get(
            self.key("tickers"), self.gateway.fetch_tickers, TICKERS, ttl=self.freshness.tickers
        )

    async def book_tops(self) -> Cached[dict[str, BookTop]]:
        return await self.cache.get(
            self.key("book_tops"),
            self.gateway.fetch_book_tops,
            BOOK_TOPS,
            ttl=self.freshness.book_tops,
        )

    async def order_book(self, symbol: str, depth: int = 5) -> Cached[OrderBook]:
        return await self.cache.get(
            self.key("book", symbol, str(depth)),
            lambda: self.gateway.fetch_order_book(symbol, depth),
            ORDER_BOOK,
            ttl=self.freshness.order_book,
        )

    async def ohlcv(self, symbol: str, timeframe: str, *, limit: int = 500) -> Cached[list[Candle]]:
        """The latest `limit` candles (the last may still be forming)."""
        return await self.cache.get(
            self.key("ohlcv", symbol, timeframe, str(limit)),
            lambda: self.gateway.fetch_ohlcv(symbol, timeframe, limit=limit),
            CANDLES,
            ttl=self.freshness.ohlcv,
        )
