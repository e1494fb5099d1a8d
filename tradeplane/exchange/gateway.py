"""`ExchangeGateway`: one exchange account over ccxt (REST) and ccxt.pro (websockets).

Every REST call takes the `CallPath` (circuit breaker, shared weight limiter, ccxt,
used-weight and Retry-After headers, error mapping, retries), then parsing and
validation into frozen records. Nothing of ccxt leaks out: results are
`tradeplane.exchange.records`, errors are `tradeplane.exchange.errors`.

    async with ExchangeGateway(ExchangeConfig(exchange_id="binance")) as gateway:
        tickers = await gateway.fetch_tickers()          # every symbol, one request
        async for update in gateway.watch_candles("BTC/USDT", "5m"):
            ...
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
import uuid
from collections.abc import AsyncIterator, Callable, Mapping
from typing import TypeVar

import ccxt

from tradeplane.exchange import capabilities as caps
from tradeplane.exchange import errors, parsing
from tradeplane.exchange.breaker import BreakerBoard
from tradeplane.exchange.calls import CallPath
from tradeplane.exchange.client import create_client
from tradeplane.exchange.config import ExchangeConfig
from tradeplane.exchange.limiter import LIMITERS, LimiterRegistry, Sleep
from tradeplane.exchange.records import (
    Balance,
    BookTop,
    Candle,
    CandleUpdate,
    Fill,
    Market,
    Order,
    OrderBook,
    Ticker,
)
from tradeplane.exchange.redact import Redactor
from tradeplane.exchange.streams import CandleTracker
from tradeplane.exchange.validation import Validator

logger = logging.getLogger(__name__)

R = TypeVar("R")


class ExchangeGateway:
    """Typed, rate-limited, fault-tolerant access to one exchange account."""

    def __init__(
        self,
        config: ExchangeConfig,
        *,
        limiters: LimiterRegistry = LIMITERS,
        breakers: BreakerBoard | None = None,
        clock: Callable[[], float] = time.time,
        sleep: Sleep = asyncio.sleep,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        self.config = config
        self.name = config.label
        credentials = config.credentials(environ)
        self.has_credentials = "apiKey" in credentials
        self._redact = Redactor(credentials.values())
        known = caps.KNOWN.get(config.exchange_id)
        self._client = create_client(
            config,
            credentials,
            self._redact,
            venue_options=known.ccxt_options if known else None,
        )
        self._closed = False
        found = caps.capabilities_for(config.exchange_id, rate_limit_ms=self._client.rateLimit)
        self.capabilities = dataclasses.replace(
            found,
            weight_limit=config.weight_limit or found.weight_limit,
            safety_margin=config.weight_safety_margin or found.safety_margin,
            ohlcv_page_limit=config.ohlcv_page_limit or found.ohlcv_page_limit,
        )
        self.limiter = limiters.shared(self.name, config.account, self.capabilities)
        self.breakers = BreakerBoard(config.breaker.settings()) if breakers is None else breakers
        self.validator = Validator(
            exchange=self.name, max_clock_skew_seconds=config.max_clock_skew_seconds, clock=clock
        )
        self._policy = config.retry.policy()
        self._request = CallPath(
            name=self.name,
            capabilities=self.capabilities,
            limiter=self.limiter,
            breakers=self.breakers,
            policy=self._policy,
            validator=self.validator,
            redact=self._redact,
            sleep=sleep,
        )
        self._clock = clock
        self._sleep = sleep
        self.markets: dict[str, Market] = {}

    def __repr__(self) -> str:
        credentials = "set" if self.has_credentials else "none"
        return (
            f"ExchangeGateway(name={self.name!r}, exchange_id={self.config.exchange_id!r}, "
            f"account={self.config.account!r}, credentials={credentials})"
        )

    # -- lifecycle ------------------------------------------------------------------------
    async def start(self) -> None:
        """Load the markets: the first request, so a wrong URL fails here."""
        await self.load_markets()

    async def close(self) -> None:
        self._closed = True
        await self._client.close()

    async def __aenter__(self) -> ExchangeGateway:
        try:
            await self.start()
        except BaseException:
            await self.close()
            raise
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    def _now_ms(self) -> int:
        return int(self._clock() * 1000)

    # -- market data ----------------------------------------------------------------------
    async def load_markets(self) -> dict[str, Market]:
        raw = await self._request(caps.MARKETS, lambda: self._client.load_markets(reload=True))
        markets = {symbol: parsing.market(data) for symbol, data in parsing.symbol_map(raw, "m")}
        self.markets = markets
        return markets

    async def fetch_tickers(self) -> dict[str, Ticker]:
        """24h tickers of every symbol in ONE request (never one per symbol)."""
        if not self._client.has.get("fetchTickers"):
            raise errors.NotSupported(f"{self.name} has no all-symbols ticker endpoint")
        raw = await self._request(caps.TICKERS, self._client.fetch_tickers)
        received = self._now_ms()
        return self.validator.tickers(
            {
                symbol: parsing.ticker(data, received_ms=received)
                for symbol, data in parsing.symbol_map(raw, "tickers")
            }
        )

    async def fetch_ticker(self, symbol: str) -> Ticker:
        """One symbol's ticker (prefer `fetch_tickers` for more than a few symbols)."""
        raw = await self._request(caps.TICKER, lambda: self._client.fetch_ticker(symbol))
        ticker = parsing.ticker(raw, received_ms=self._now_ms())
        return self._one(self.validator.tickers({symbol: ticker}), symbol, "ticker")

    async def fetch_book_tops(self) -> dict[str, BookTop]:
        """Best bid/ask of every symbol in one request (where the venue has it)."""
        if not self.capabilities.has_book_tops or not self._client.has.get("fetchBidsAsks"):
            raise errors.NotSupported(f"{self.name} has no all-symbols book-top endpoint")
        raw = await self._request(caps.BOOK_TOPS, self._client.fetch_bids_asks)
        received = self._now_ms()
        return self.validator.book_tops(
            {
                symbol: parsing.book_top(data, received_ms=received)
                for symbol, data in parsing.symbol_map(raw, "book tops")
            }
        )

    async def fetch_order_book(self, symbol: str, depth: int = 5) -> OrderBook:
        limit = self.capabilities.book_depth(depth)
        raw = await self._request(
            caps.ORDER_BOOK,
            lambda: self._client.fetch_order_book(symbol, limit),
            weight=self.capabilities.weight(caps.ORDER_BOOK, depth=limit),
        )
        book = parsing.order_book(raw, symbol=symbol, depth=depth, received_ms=self._now_ms())
        checked = self.validator.order_book(book)
        if checked is None:
            raise self._rejected(caps.ORDER_BOOK, symbol)
        return checked

    async def _ohlcv_page(
        self, symbol: str, timeframe: str, since: int | None, limit: int | None
    ) -> tuple[list[Candle], list[Candle]]:
        """(valid candles, every row received); pagination follows the raw rows."""
        raw = await self._request(
            caps.OHLCV, lambda: self._client.fetch_ohlcv(symbol, timeframe, since, limit)
        )
        rows = parsing.candles(raw)
        return self.validator.candles(symbol, rows), rows

    async def fetch_ohlcv(
        self, symbol: str, timeframe: str, *, since: int | None = None, limit: int | None = None
    ) -> list[Candle]:
        """One page of candles, oldest first (the last one may still be forming)."""
        candles, _ = await self._ohlcv_page(symbol, timeframe, since, limit)
        return _ordered(candles)

    async def backfill_ohlcv(
        self, symbol: str, timeframe: str, *, since: int, until: int | None = None
    ) -> list[Candle]:
        """Every candle from `since` to `until` (default now), paging as the venue allows."""
        page = self.capabilities.ohlcv_page_limit
        step_ms = int(self._client.parse_timeframe(timeframe) * 1000)
        until = self._now_ms() if until is None else until
        found: list[Candle] = []
        cursor = since
        while cursor <= until:
            candles, rows = await self._ohlcv_page(symbol, timeframe, cursor, page)
            found.extend(c for c in candles if c.timestamp_ms <= until)
            last_ms = max((row.timestamp_ms for row in rows), default=cursor - 1)
            if len(rows) < page or last_ms < cursor:
                break  # a short page is the last one
            cursor = last_ms + step_ms
        return _ordered(found)

    async def watch_candles(self, symbol: str, timeframe: str) -> AsyncIterator[CandleUpdate]:
        """Live candles over the websocket, until the gateway closes or the stream meets a
        permanent error (bad symbol). A dropped connection or an outage is retried without
        end (capped backoff); the bars missed meanwhile are then fetched over REST, so no
        closed bar is skipped."""
        tracker = CandleTracker(symbol, timeframe)
        failures = 0
        resync = False
        while not self._closed:
            try:
                if resync and tracker.current is not None:
                    since = tracker.current.timestamp_ms
                    candles = await self.fetch_ohlcv(symbol, timeframe, since=since)
                else:
                    raw = await self._client.watch_ohlcv(symbol, timeframe)
                    candles = self.validator.candles(symbol, parsing.candles(raw))
            except asyncio.CancelledError:
                task = asyncio.current_task()
                if self._closed and task is not None and not task.cancelling():
                    return  # ccxt.pro cancels pending watches when the gateway closes
                raise
            except (ccxt.BaseError, errors.ExchangeTemporaryError) as error:
                if self._closed:
                    return  # the gateway was closed under the stream
                failure = (
                    error
                    if isinstance(error, errors.ExchangeError)
                    else self._request.map_error(error, "watch_ohlcv")
                )
                if not isinstance(failure, errors.ExchangeTemporaryError):
                    raise failure from error
                failures += 1
                delay = failure.retry_after or self._policy.backoff(min(failures, 10))
                logger.warning(
                    "candle stream interrupted; reconnecting",
                    extra={
                        "exchange": self.name,
                        "symbol": symbol,
                        "error": str(failure),
                        "delay_seconds": round(delay, 3),
                    },
                )
                resync = True
                await self._sleep(delay)
                continue
            failures, resync = 0, False
            for update in tracker.feed(candles):
                yield update

    # -- account --------------------------------------------------------------------------
    async def fetch_balances(self) -> dict[str, Balance]:
        raw = await self._request(caps.BALANCES, self._client.fetch_balance)
        return parsing.balances(raw)

    async def create_order(
        self,
        symbol: str,
        side: str,
        order_type: str,
        amount: float,
        price: float | None = None,
        *,
        client_order_id: str | None = None,
    ) -> Order:
        """Place an order. Not retried after a timeout or 5xx (it may have been placed):
        look it up by `client_order_id` (generated when not given) instead."""
        client_order_id = client_order_id or "tp" + uuid.uuid4().hex[:30]
        params = {"clientOrderId": client_order_id}
        raw = await self._request(
            caps.CREATE_ORDER,
            lambda: self._client.create_order(symbol, order_type, side, amount, price, params),
            idempotent=False,
        )
        return parsing.order(raw)

    async def cancel_order(self, order_id: str, symbol: str) -> Order:
        raw = await self._request(
            caps.CANCEL_ORDER, lambda: self._client.cancel_order(order_id, symbol), idempotent=False
        )
        return parsing.order(raw)

    async def fetch_order(
        self, order_id: str | None, symbol: str, *, client_order_id: str | None = None
    ) -> Order:
        """An order by exchange id, or by the client order id given when placing it."""
        params = {"origClientOrderId": client_order_id} if client_order_id else {}
        raw = await self._request(
            caps.FETCH_ORDER, lambda: self._client.fetch_order(order_id, symbol, params)
        )
        return parsing.order(raw)

    async def fetch_open_orders(self, symbol: str | None = None) -> list[Order]:
        weight = self.capabilities.weight(caps.OPEN_ORDERS, symbols=1 if symbol else None)
        raw = await self._request(
            caps.OPEN_ORDERS, lambda: self._client.fetch_open_orders(symbol), weight=weight
        )
        return [parsing.order(item) for item in raw]

    async def fetch_my_trades(
        self, symbol: str, *, since: int | None = None, limit: int | None = None
    ) -> list[Fill]:
        raw = await self._request(
            caps.MY_TRADES, lambda: self._client.fetch_my_trades(symbol, since, limit)
        )
        return [parsing.fill(item) for item in raw]

    async def fetch_time(self) -> int:
        """The exchange's clock, epoch milliseconds."""
        return int(await self._request(caps.TIME, self._client.fetch_time))

    # -- helpers --------------------------------------------------------------------------
    def _one(self, found: Mapping[str, R], symbol: str, endpoint: str) -> R:
        if symbol not in found:
            raise self._rejected(endpoint, symbol)
        return found[symbol]

    def _rejected(self, endpoint: str, symbol: str) -> errors.MalformedResponse:
        return errors.MalformedResponse(
            f"{self.name} {endpoint}: the {symbol} record held impossible values",
            exchange=self.name,
            endpoint=endpoint,
        )


def _ordered(candles: list[Candle]) -> list[Candle]:
    """Oldest first, one candle per open time (pages may overlap)."""
    return list({c.timestamp_ms: c for c in sorted(candles, key=lambda c: c.timestamp_ms)}.values())
