"""`MarketDataServicer`: the gRPC MarketDataService as a thin adapter over the feeds."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from typing import Any, NoReturn

import grpc

from tradeplane.exchange import Quality
from tradeplane.exchange.cache import Cached
from tradeplane.services.marketdata import frames
from tradeplane.services.marketdata.errors import DataUnavailable, InvalidRequest, NotFound
from tradeplane.services.marketdata.feed import ExchangeFeed
from tradeplane.v1 import marketdata_service_pb2 as pb
from tradeplane.v1 import marketdata_service_pb2_grpc as pb_grpc

DEFAULT_CANDLES = 100

QUALITY = {
    Quality.FRESH: pb.DATA_QUALITY_FRESH,
    Quality.STALE: pb.DATA_QUALITY_STALE,
    Quality.DEGRADED: pb.DATA_QUALITY_DEGRADED,
}
STATUS = {
    NotFound: grpc.StatusCode.NOT_FOUND,
    InvalidRequest: grpc.StatusCode.INVALID_ARGUMENT,
    DataUnavailable: grpc.StatusCode.UNAVAILABLE,
}


def tickers_response(feed: ExchangeFeed, cached: Cached[Any], symbols: list[str]) -> Any:
    return pb.GetTickersResponse(
        frame=feed.ticker_frame(cached, symbols),
        quality=QUALITY[cached.quality],
        age_seconds=cached.age_seconds,
    )


class MarketDataServicer(pb_grpc.MarketDataServiceServicer):
    def __init__(self, feeds: Mapping[str, ExchangeFeed]) -> None:
        self._feeds = dict(feeds)

    async def _feed(self, exchange: str, context: grpc.aio.ServicerContext) -> ExchangeFeed:
        if not exchange and len(self._feeds) == 1:
            return next(iter(self._feeds.values()))
        feed = self._feeds.get(exchange)
        if feed is None:
            known = ", ".join(sorted(self._feeds))
            await _abort(
                context, grpc.StatusCode.NOT_FOUND, f"exchange {exchange!r} unknown; ask {known}"
            )
        assert feed is not None
        return feed

    async def GetTickers(
        self, request: pb.GetTickersRequest, context: grpc.aio.ServicerContext
    ) -> pb.GetTickersResponse:
        feed = await self._feed(request.exchange, context)
        cached = await feed.tickers()
        if cached is None:
            await _abort(
                context,
                grpc.StatusCode.UNAVAILABLE,
                f"no {feed.label} tickers cached yet (the exchange has not answered)",
            )
        assert cached is not None
        return tickers_response(feed, cached, list(request.symbols))

    async def GetCandles(
        self, request: pb.GetCandlesRequest, context: grpc.aio.ServicerContext
    ) -> pb.GetCandlesResponse:
        feed = await self._feed(request.exchange, context)
        try:
            answer = await feed.candles(
                request.timeframe,
                list(request.symbols),
                limit=request.limit or DEFAULT_CANDLES,
                closed_only=request.closed_only,
            )
        except (NotFound, InvalidRequest, DataUnavailable) as error:
            code = next(c for kind, c in STATUS.items() if isinstance(error, kind))
            await _abort(context, code, str(error))
        return pb.GetCandlesResponse(
            frame=frames.candle_frame(feed.label, request.timeframe, answer.rows),
            quality=QUALITY[answer.quality],
            age_seconds=answer.age_seconds,
        )

    async def StreamTickers(
        self, request: pb.StreamTickersRequest, context: grpc.aio.ServicerContext
    ) -> AsyncIterator[pb.GetTickersResponse]:
        feed = await self._feed(request.exchange, context)
        symbols = list(request.symbols)
        queue = feed.watch()
        try:
            cached = await feed.tickers()
            if cached is not None:
                yield tickers_response(feed, cached, symbols)
            while True:
                cached = await queue.get()
                if cached is None:  # the service stops
                    return
                yield tickers_response(feed, cached, symbols)
        finally:
            feed.unwatch(queue)


async def _abort(
    context: grpc.aio.ServicerContext, code: grpc.StatusCode, message: str
) -> NoReturn:
    await context.abort(code, message)
    raise AssertionError("unreachable")  # context.abort raises
