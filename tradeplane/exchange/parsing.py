"""ccxt's unified dictionaries -> the gateway's records (pure).

Parsing is tolerant (missing fields become None, numeric strings become floats, NaN stays
NaN) so that validation, not a crash here, decides what is impossible and counts it. A
payload whose shape is wrong altogether raises `MalformedResponse`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

from tradeplane.exchange.errors import MalformedResponse
from tradeplane.exchange.records import (
    Balance,
    BookTop,
    Candle,
    Fill,
    Market,
    Order,
    OrderBook,
    Ticker,
)


def number(value: Any) -> float | None:
    """A float, or None when absent; NaN for values that are present but not numbers."""
    if value is None or value == "":
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


def integer(value: Any) -> int | None:
    result = number(value)
    return None if result is None or not math.isfinite(result) else int(result)


def _mapping(value: Any, what: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise MalformedResponse(f"expected an object for {what}, got {type(value).__name__}")
    return value


def _field(data: Mapping[str, Any], *path: str) -> Any:
    node: Any = data
    for key in path:
        if not isinstance(node, Mapping):
            return None
        node = node.get(key)
    return node


def market(data: Any) -> Market:
    data = _mapping(data, "market")
    active = data.get("active") is not False
    info = data.get("info")
    status = info.get("status") if isinstance(info, Mapping) else None
    return Market(
        symbol=str(data.get("symbol")),
        exchange_symbol=str(data.get("id")),
        base=str(data.get("base")),
        quote=str(data.get("quote")),
        active=active,
        spot=bool(data.get("spot", True)),
        tick_size=number(_field(data, "precision", "price")),
        step_size=number(_field(data, "precision", "amount")),
        min_amount=number(_field(data, "limits", "amount", "min")),
        min_notional=number(_field(data, "limits", "cost", "min")),
        maker_fee=number(data.get("maker")),
        taker_fee=number(data.get("taker")),
        status=str(status).lower() if status else ("trading" if active else "inactive"),
        listed_ms=integer(data.get("created")),
    )


def ticker(data: Any, *, received_ms: int) -> Ticker:
    data = _mapping(data, "ticker")
    last = number(data.get("last"))
    if last is None:
        last = number(data.get("close"))
    return Ticker(
        symbol=str(data.get("symbol")),
        timestamp_ms=integer(data.get("timestamp")) or received_ms,
        last=math.nan if last is None else last,
        bid=number(data.get("bid")),
        ask=number(data.get("ask")),
        bid_size=number(data.get("bidVolume")),
        ask_size=number(data.get("askVolume")),
        open=number(data.get("open")),
        high=number(data.get("high")),
        low=number(data.get("low")),
        base_volume=number(data.get("baseVolume")),
        quote_volume=number(data.get("quoteVolume")),
        change_percent=number(data.get("percentage")),
        vwap=number(data.get("vwap")),
    )


def book_top(data: Any, *, received_ms: int) -> BookTop:
    data = _mapping(data, "book ticker")

    def required(key: str) -> float:
        value = number(data.get(key))
        return math.nan if value is None else value

    return BookTop(
        symbol=str(data.get("symbol")),
        timestamp_ms=integer(data.get("timestamp")) or received_ms,
        bid=required("bid"),
        bid_size=required("bidVolume"),
        ask=required("ask"),
        ask_size=required("askVolume"),
    )


def _levels(levels: Any, depth: int) -> tuple[tuple[float, float], ...]:
    if not isinstance(levels, list | tuple):
        raise MalformedResponse("order book side is not a list")
    parsed = []
    for level in levels[:depth]:
        if not isinstance(level, list | tuple) or len(level) < 2:
            raise MalformedResponse("order book level is not [price, size]")
        parsed.append((number(level[0]) or math.nan, number(level[1]) or 0.0))
    return tuple(parsed)


def order_book(data: Any, *, symbol: str, depth: int, received_ms: int) -> OrderBook:
    data = _mapping(data, "order book")
    return OrderBook(
        symbol=symbol,
        timestamp_ms=integer(data.get("timestamp")) or received_ms,
        nonce=integer(data.get("nonce")),
        bids=_levels(data.get("bids"), depth),
        asks=_levels(data.get("asks"), depth),
    )


def candle(row: Any) -> Candle:
    if not isinstance(row, list | tuple) or len(row) < 6:
        raise MalformedResponse("OHLCV row is not [time, open, high, low, close, volume]")
    values = [number(value) for value in row[1:6]]
    open_, high, low, close, volume = (math.nan if v is None else v for v in values)
    timestamp = integer(row[0])
    return Candle(
        timestamp_ms=-1 if timestamp is None else timestamp,
        open=open_,
        high=high,
        low=low,
        close=close,
        volume=volume,
    )


def candles(rows: Any) -> list[Candle]:
    if not isinstance(rows, list | tuple):
        raise MalformedResponse("OHLCV answer is not a list")
    return [candle(row) for row in rows]


def balances(data: Any) -> dict[str, Balance]:
    data = _mapping(data, "balance")
    free, used, total = (_mapping(data.get(k) or {}, k) for k in ("free", "used", "total"))
    result = {}
    for asset in sorted(set(total) | set(free)):
        free_amount = number(free.get(asset)) or 0.0
        used_amount = number(used.get(asset)) or 0.0
        total_amount = number(total.get(asset))
        result[asset] = Balance(
            asset=asset,
            free=free_amount,
            used=used_amount,
            total=free_amount + used_amount if total_amount is None else total_amount,
        )
    return result


def order(data: Any) -> Order:
    data = _mapping(data, "order")
    fee = data.get("fee") or {}
    return Order(
        id=str(data.get("id")),
        client_order_id=data.get("clientOrderId"),
        symbol=str(data.get("symbol")),
        side=str(data.get("side")),
        type=str(data.get("type")),
        status=str(data.get("status")),
        price=number(data.get("price")),
        amount=number(data.get("amount")) or 0.0,
        filled=number(data.get("filled")) or 0.0,
        remaining=number(data.get("remaining")),
        average=number(data.get("average")),
        cost=number(data.get("cost")),
        fee_cost=number(fee.get("cost")) if isinstance(fee, Mapping) else None,
        fee_currency=fee.get("currency") if isinstance(fee, Mapping) else None,
        timestamp_ms=integer(data.get("timestamp")),
    )


def fill(data: Any) -> Fill:
    data = _mapping(data, "trade")
    fee = data.get("fee") or {}
    return Fill(
        id=str(data.get("id")),
        order_id=data.get("order"),
        symbol=str(data.get("symbol")),
        side=str(data.get("side")),
        price=number(data.get("price")) or math.nan,
        amount=number(data.get("amount")) or 0.0,
        cost=number(data.get("cost")) or 0.0,
        fee_cost=number(fee.get("cost")) if isinstance(fee, Mapping) else None,
        fee_currency=fee.get("currency") if isinstance(fee, Mapping) else None,
        taker_or_maker=data.get("takerOrMaker"),
        timestamp_ms=integer(data.get("timestamp")) or 0,
    )


def symbol_map(items: Any, what: str) -> Iterable[tuple[str, Any]]:
    """ccxt's `{symbol: dict}` answers, checked for shape."""
    return _mapping(items, what).items()
