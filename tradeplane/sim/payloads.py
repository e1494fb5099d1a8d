"""Binance's JSON shapes (spot REST API and market streams), built from simulator state.

Pure formatting: numbers become strings with each symbol's precision, as Binance sends
them. Nothing here changes state.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import numpy as np

from tradeplane.sim.book import Books
from tradeplane.sim.market import Market, Trade
from tradeplane.sim.universe import DAY_MS, Universe

ORDER_TYPES = ["LIMIT", "LIMIT_MAKER", "MARKET"]
QUOTE_DECIMALS = 8
ZERO = "0.00000000"


def fmt(value: float, decimals: int) -> str:
    return f"{value:.{decimals}f}"


def fmt_decimal(value: Decimal, decimals: int = QUOTE_DECIMALS) -> str:
    return f"{value:.{decimals}f}"


def rate_limits(weight_limit: int) -> list[dict[str, Any]]:
    return [
        {
            "rateLimitType": "REQUEST_WEIGHT",
            "interval": "MINUTE",
            "intervalNum": 1,
            "limit": weight_limit,
        },
        {"rateLimitType": "ORDERS", "interval": "SECOND", "intervalNum": 10, "limit": 100},
        {"rateLimitType": "ORDERS", "interval": "DAY", "intervalNum": 1, "limit": 200000},
        {"rateLimitType": "RAW_REQUESTS", "interval": "MINUTE", "intervalNum": 5, "limit": 61000},
    ]


def symbol_info(universe: Universe, i: int) -> dict[str, Any]:
    """One `exchangeInfo` symbol; `onboardDate` (listing time) is the simulator's addition,
    read by ccxt as the market's `created`."""
    pd, qd = int(universe.price_decimals[i]), int(universe.qty_decimals[i])
    tick, step = fmt(10.0**-pd, max(pd, 1)), fmt(10.0**-qd, max(qd, 1))
    min_notional = fmt(5.0 / float(universe.quote_usd[i]), QUOTE_DECIMALS)
    return {
        "symbol": universe.symbols[i],
        "status": universe.statuses[i],
        "baseAsset": universe.bases[i],
        "baseAssetPrecision": 8,
        "quoteAsset": universe.quotes[i],
        "quotePrecision": 8,
        "quoteAssetPrecision": 8,
        "baseCommissionPrecision": 8,
        "quoteCommissionPrecision": 8,
        "orderTypes": ORDER_TYPES,
        "icebergAllowed": False,
        "ocoAllowed": False,
        "otoAllowed": False,
        "quoteOrderQtyMarketAllowed": True,
        "allowTrailingStop": False,
        "cancelReplaceAllowed": False,
        "amendAllowed": False,
        "isSpotTradingAllowed": True,
        "isMarginTradingAllowed": False,
        "filters": [
            {
                "filterType": "PRICE_FILTER",
                "minPrice": tick,
                "maxPrice": "1000000.00000000",
                "tickSize": tick,
            },
            {
                "filterType": "LOT_SIZE",
                "minQty": step,
                "maxQty": "90000000.00000000",
                "stepSize": step,
            },
            {
                "filterType": "MARKET_LOT_SIZE",
                "minQty": "0.00000000",
                "maxQty": "90000000.00000000",
                "stepSize": "0.00000000",
            },
            {
                "filterType": "NOTIONAL",
                "minNotional": min_notional,
                "applyMinToMarket": True,
                "maxNotional": "9000000.00000000",
                "applyMaxToMarket": False,
                "avgPriceMins": 5,
            },
            {"filterType": "MAX_NUM_ORDERS", "maxNumOrders": 200},
        ],
        "permissions": [],
        "permissionSets": [["SPOT"]],
        "defaultSelfTradePreventionMode": "EXPIRE_MAKER",
        "allowedSelfTradePreventionModes": ["EXPIRE_TAKER", "EXPIRE_MAKER", "EXPIRE_BOTH"],
        "onboardDate": int(universe.onboard_ms[i]),
    }


def exchange_info_body(symbols_json: str, *, server_time: int, weight_limit: int) -> str:
    """`exchangeInfo` as text around an already serialised symbol list (cached per set)."""
    return (
        f'{{"timezone":"UTC","serverTime":{server_time},"rateLimits":'
        f'{json.dumps(rate_limits(weight_limit))},"exchangeFilters":[],'
        f'"symbols":{symbols_json}}}'
    )


def _top_of_book(market: Market, books: Books) -> tuple[np.ndarray, ...]:
    """Best bid, its size, best ask, its size of every symbol (ticks, steps)."""
    return market.cached("top_of_book", lambda: _build_top_of_book(market, books))


def _build_top_of_book(market: Market, books: Books) -> tuple[np.ndarray, ...]:
    bid, ask = market.quotes()
    bid_qty, ask_qty = books.top_sizes()
    bid, ask, bid_qty, ask_qty = bid.copy(), ask.copy(), bid_qty.copy(), ask_qty.copy()
    for i in books.touched():
        best_bid, best_ask = books.best(i)
        bid[i], bid_qty[i] = best_bid or (0, 0)
        ask[i], ask_qty[i] = best_ask or (0, 0)
    closed = ~market.universe.trading
    bid_qty[closed] = ask_qty[closed] = 0
    return bid, bid_qty, ask, ask_qty


def tickers_24h(
    market: Market, books: Books, indices: list[int], *, mini: bool = False, event: bool = False
) -> list[dict[str, Any]]:
    """24h rolling tickers (REST `ticker/24hr` FULL or MINI, or stream events)."""
    u = market.universe
    stats = market.day_stats()
    bid, bid_qty, ask, ask_qty = _top_of_book(market, books)
    last_qty = market.last_trade_qty()
    now = market.now_ms
    out = []
    for i in indices:
        pd, qd = int(u.price_decimals[i]), int(u.qty_decimals[i])
        tick, step = float(u.tick[i]), float(u.step[i])
        last, opened = float(stats["last"][i]), float(stats["open"][i])
        volume, quote_volume = float(stats["volume"][i]), float(stats["quote_volume"][i])
        count = int(stats["trades"][i])
        last_id = int(market.trade_ids[i])
        common = {
            "openPrice": fmt(opened, pd),
            "highPrice": fmt(float(stats["high"][i]), pd),
            "lowPrice": fmt(float(stats["low"][i]), pd),
            "lastPrice": fmt(last, pd),
            "volume": fmt(volume, qd),
            "quoteVolume": fmt(quote_volume, QUOTE_DECIMALS),
        }
        if event:
            data: dict[str, Any] = {
                "e": "24hrMiniTicker" if mini else "24hrTicker",
                "E": now,
                "s": u.symbols[i],
                "c": common["lastPrice"],
                "o": common["openPrice"],
                "h": common["highPrice"],
                "l": common["lowPrice"],
                "v": common["volume"],
                "q": common["quoteVolume"],
            }
            if not mini:
                change = last - opened
                data.update(
                    {
                        "p": fmt(change, pd),
                        "P": fmt(100 * change / opened if opened else 0.0, 3),
                        "w": fmt(quote_volume / volume if volume else last, pd),
                        "x": fmt(float(stats["prev_close"][i]), pd),
                        "Q": fmt(float(last_qty[i]), qd),
                        "b": fmt(bid[i] * tick, pd),
                        "B": fmt(bid_qty[i] * step, qd),
                        "a": fmt(ask[i] * tick, pd),
                        "A": fmt(ask_qty[i] * step, qd),
                        "O": now - DAY_MS,
                        "C": now,
                        "F": max(0, last_id - count + 1),
                        "L": last_id,
                        "n": count,
                    }
                )
            out.append(data)
            continue
        row: dict[str, Any] = {"symbol": u.symbols[i]}
        if not mini:
            change = last - opened
            row.update(
                {
                    "priceChange": fmt(change, pd),
                    "priceChangePercent": fmt(100 * change / opened if opened else 0.0, 3),
                    "weightedAvgPrice": fmt(quote_volume / volume if volume else last, pd),
                    "prevClosePrice": fmt(float(stats["prev_close"][i]), pd),
                }
            )
        row.update(
            common
            if mini
            else {
                "lastPrice": common["lastPrice"],
                "lastQty": fmt(float(last_qty[i]), qd),
                "bidPrice": fmt(bid[i] * tick, pd),
                "bidQty": fmt(bid_qty[i] * step, qd),
                "askPrice": fmt(ask[i] * tick, pd),
                "askQty": fmt(ask_qty[i] * step, qd),
                **common,
            }
        )
        row.update(
            {
                "openTime": now - DAY_MS,
                "closeTime": now,
                "firstId": max(0, last_id - count + 1),
                "lastId": last_id,
                "count": count,
            }
        )
        out.append(row)
    return out


def book_tickers(
    market: Market, books: Books, indices: list[int], *, event: bool = False
) -> list[dict[str, Any]]:
    u = market.universe
    bid, bid_qty, ask, ask_qty = _top_of_book(market, books)
    out = []
    for i in indices:
        pd, qd = int(u.price_decimals[i]), int(u.qty_decimals[i])
        values = (
            fmt(bid[i] * u.tick[i], pd),
            fmt(bid_qty[i] * u.step[i], qd),
            fmt(ask[i] * u.tick[i], pd),
            fmt(ask_qty[i] * u.step[i], qd),
        )
        if event:
            out.append(
                {
                    "u": books.update_id(i),
                    "s": u.symbols[i],
                    "b": values[0],
                    "B": values[1],
                    "a": values[2],
                    "A": values[3],
                }
            )
        else:
            out.append(
                {
                    "symbol": u.symbols[i],
                    "bidPrice": values[0],
                    "bidQty": values[1],
                    "askPrice": values[2],
                    "askQty": values[3],
                }
            )
    return out


def price_tickers(market: Market, indices: list[int]) -> list[dict[str, str]]:
    u = market.universe
    last = market.last_ticks()
    return [
        {"symbol": u.symbols[i], "price": fmt(last[i] * u.tick[i], int(u.price_decimals[i]))}
        for i in indices
    ]


def levels(universe: Universe, i: int, side: list[tuple[int, int]]) -> list[list[str]]:
    pd, qd = int(universe.price_decimals[i]), int(universe.qty_decimals[i])
    tick, step = float(universe.tick[i]), float(universe.step[i])
    return [[fmt(price * tick, pd), fmt(qty * step, qd)] for price, qty in side]


def kline(market: Market, i: int, row: tuple, interval_ms: int) -> list[Any]:
    """A REST kline array from a `Market.klines` row."""
    u = market.universe
    pd, qd = int(u.price_decimals[i]), int(u.qty_decimals[i])
    open_time, o, h, low, c, v, q = row
    share = min(0.95, max(0.05, 0.5 + 0.4 * (c - o) / (h - low))) if h > low else 0.5
    return [
        open_time,
        fmt(o, pd),
        fmt(h, pd),
        fmt(low, pd),
        fmt(c, pd),
        fmt(v, qd),
        open_time + interval_ms - 1,
        fmt(q, QUOTE_DECIMALS),
        int(market.trade_count(q, i)),
        fmt(v * share, qd),
        fmt(q * share, QUOTE_DECIMALS),
        "0",
    ]


def kline_event(
    market: Market, i: int, row: tuple, interval: str, interval_ms: int, *, closed: bool
) -> dict[str, Any]:
    k = kline(market, i, row, interval_ms)
    symbol = market.universe.symbols[i]
    return {
        "e": "kline",
        "E": market.now_ms,
        "s": symbol,
        "k": {
            "t": k[0],
            "T": k[6],
            "s": symbol,
            "i": interval,
            "f": -1,
            "L": -1,
            "o": k[1],
            "c": k[4],
            "h": k[2],
            "l": k[3],
            "v": k[5],
            "n": k[8],
            "x": closed,
            "q": k[7],
            "V": k[9],
            "Q": k[10],
            "B": "0",
        },
    }


def trade(
    universe: Universe,
    i: int,
    t: Trade,
    *,
    aggregate: bool = False,
    event: bool = False,
    event_time: int = 0,
) -> dict[str, Any]:
    price = fmt(t.price, int(universe.price_decimals[i]))
    qty = fmt(t.qty, int(universe.qty_decimals[i]))
    if event:
        data: dict[str, Any] = {
            "e": "aggTrade" if aggregate else "trade",
            "E": event_time,
            "s": universe.symbols[i],
        }
        if aggregate:
            data.update({"a": t.id, "p": price, "q": qty, "f": t.id, "l": t.id})
        else:
            data.update({"t": t.id, "p": price, "q": qty})
        data.update({"T": t.time_ms, "m": t.buyer_maker, "M": True})
        return data
    if aggregate:
        return {
            "a": t.id,
            "p": price,
            "q": qty,
            "f": t.id,
            "l": t.id,
            "T": t.time_ms,
            "m": t.buyer_maker,
            "M": True,
        }
    quote = fmt(t.price * t.qty, QUOTE_DECIMALS)
    return {
        "id": t.id,
        "price": price,
        "qty": qty,
        "quoteQty": quote,
        "time": t.time_ms,
        "isBuyerMaker": t.buyer_maker,
        "isBestMatch": True,
    }
