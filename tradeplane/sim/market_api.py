"""Public market-data endpoints (`/api/v3/...`) plus what ccxt asks while loading markets.

Each handler takes the request, the simulator state and the merged parameters and
returns what the endpoint answers (JSON-able data or a ready response).
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from tradeplane.sim import errors, params, payloads
from tradeplane.sim.config import INTERVAL_MS
from tradeplane.sim.state import SimState

Params = dict[str, str]


def exchange_info(request: web.Request, state: SimState, query: Params) -> web.Response:
    chosen = None
    if "symbol" in query or "symbols" in query:
        chosen = tuple(params.symbols(state, query))
    body = payloads.exchange_info_body(
        state.symbols_json(chosen),
        server_time=state.wall_ms(),
        weight_limit=state.config.weight_limit,
    )
    return web.Response(text=body, content_type="application/json")


def ticker_24hr(request: web.Request, state: SimState, query: Params) -> Any:
    mini = query.get("type", "FULL").upper() == "MINI"
    rows = payloads.tickers_24h(state.market, state.books, params.symbols(state, query), mini=mini)
    return rows[0] if "symbol" in query else rows


def ticker_price(request: web.Request, state: SimState, query: Params) -> Any:
    rows = payloads.price_tickers(state.market, params.symbols(state, query))
    return rows[0] if "symbol" in query else rows


def book_ticker(request: web.Request, state: SimState, query: Params) -> Any:
    rows = payloads.book_tickers(state.market, state.books, params.symbols(state, query))
    return rows[0] if "symbol" in query else rows


def depth(request: web.Request, state: SimState, query: Params) -> Any:
    index = params.symbol(state, query)
    bids, asks = state.books.depth(index, params.integer(query, "limit", 100, low=1, high=5000))
    return {
        "lastUpdateId": state.books.update_id(index),
        "bids": payloads.levels(state.universe, index, bids),
        "asks": payloads.levels(state.universe, index, asks),
    }


def klines(request: web.Request, state: SimState, query: Params) -> Any:
    index = params.symbol(state, query)
    interval = query.get("interval")
    if interval is None:
        raise errors.mandatory_parameter("interval")
    interval_ms = INTERVAL_MS.get(interval)
    if interval_ms is None or interval_ms % state.market.bars.interval_ms:
        raise errors.invalid_interval()
    rows = state.market.klines(
        index,
        interval_ms,
        start=params.optional_int(query, "startTime"),
        end=params.optional_int(query, "endTime"),
        limit=params.integer(query, "limit", 500, low=1, high=1000),
    )
    return [payloads.kline(state.market, index, row, interval_ms) for row in rows]


def trades(request: web.Request, state: SimState, query: Params) -> Any:
    """Recent trades (`trades`) or the same as aggregate trades (`aggTrades`)."""
    index = params.symbol(state, query)
    limit = params.integer(query, "limit", 500, low=1, high=1000)
    start, end = params.optional_int(query, "startTime"), params.optional_int(query, "endTime")
    from_id = params.optional_int(query, "fromId")
    rows = [
        t
        for t in state.market.recent_trades(index, 1000)
        if (start is None or t.time_ms >= start)
        and (end is None or t.time_ms <= end)
        and (from_id is None or t.id >= from_id)
    ]
    rows = rows[:limit] if from_id is not None or start is not None else rows[-limit:]
    aggregate = request.path.endswith("aggTrades")
    return [payloads.trade(state.universe, index, t, aggregate=aggregate) for t in rows]


def avg_price(request: web.Request, state: SimState, query: Params) -> Any:
    row = payloads.price_tickers(state.market, [params.symbol(state, query)])[0]
    return {"mins": 5, "price": row["price"], "closeTime": state.market.now_ms}


def coins(request: web.Request, state: SimState, query: Params) -> Any:
    """`sapi/v1/capital/config/getall`: every asset, deposits and withdrawals enabled."""
    assets = sorted(set(state.universe.bases) | set(state.universe.quotes))
    return [
        {
            "coin": a,
            "name": a,
            "depositAllEnable": True,
            "withdrawAllEnable": True,
            "free": "0",
            "locked": "0",
            "trading": True,
            "isLegalMoney": False,
            "networkList": [
                {
                    "network": a,
                    "coin": a,
                    "isDefault": True,
                    "depositEnable": True,
                    "withdrawEnable": True,
                    "withdrawFee": "0",
                    "withdrawMin": "0",
                    "withdrawMax": "9999999999",
                    "withdrawIntegerMultiple": "0",
                }
            ],
        }
        for a in assets
    ]


def empty_exchange_info(request: web.Request, state: SimState, query: Params) -> Any:
    """Futures product lines list no markets."""
    return {
        "timezone": "UTC",
        "serverTime": state.wall_ms(),
        "rateLimits": [],
        "exchangeFilters": [],
        "symbols": [],
    }
