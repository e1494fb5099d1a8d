"""Signed account endpoints: account, order (POST/GET/DELETE), open/all orders, my trades.

Handlers run after the signature check; they take the request, the simulator state and
the merged parameters and return the JSON-able answer.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from tradeplane.sim import account_payloads, errors, params
from tradeplane.sim.matching import Order
from tradeplane.sim.payloads import ORDER_TYPES
from tradeplane.sim.state import SimState

Params = dict[str, str]


def account(request: web.Request, state: SimState, query: Params) -> Any:
    omit = query.get("omitZeroBalances", "false").lower() == "true"
    return account_payloads.account_info(state.account, now_ms=state.market.now_ms, omit_zero=omit)


def new_order(request: web.Request, state: SimState, query: Params) -> Any:
    index = params.symbol(state, query)
    side = query.get("side", "").upper()
    if side not in ("BUY", "SELL"):
        raise errors.invalid_value("side")
    order_type = query.get("type", "").upper()
    if order_type not in ORDER_TYPES:
        raise errors.ApiError(-1116, "Invalid orderType.")
    time_in_force = query.get("timeInForce", "").upper()
    if order_type == "LIMIT" and time_in_force not in ("GTC", "IOC", "FOK"):
        raise errors.ApiError(-1115, "Invalid timeInForce.")
    time_in_force = time_in_force or "GTC"  # shown as GTC on market orders too
    if request.path.endswith("/test"):
        return {}
    order = state.account.place(
        index,
        side=side,
        type=order_type,
        quantity=params.decimal(query, "quantity"),
        price=params.decimal(query, "price"),
        quote_quantity=params.decimal(query, "quoteOrderQty"),
        time_in_force=time_in_force,
        client_order_id=query.get("newClientOrderId"),
    )
    if order.is_open:
        state.book_changed(order.symbol)
    default = "FULL" if order_type in ("MARKET", "LIMIT") else "ACK"
    response = query.get("newOrderRespType", default).upper()
    return account_payloads.order(state.account, order, response=response)


def _find(state: SimState, query: Params, *, cancelling: bool = False) -> Order:
    index = params.symbol(state, query)
    order_id = params.optional_int(query, "orderId")
    client_id = query.get("origClientOrderId")
    if order_id is None and not client_id:
        raise errors.mandatory_parameter("orderId")
    return state.account.find(
        index, order_id=order_id, client_order_id=client_id, cancelling=cancelling
    )


def query_order(request: web.Request, state: SimState, query: Params) -> Any:
    return account_payloads.order_status(state.account, _find(state, query))


def cancel_order(request: web.Request, state: SimState, query: Params) -> Any:
    order = state.account.cancel(_find(state, query, cancelling=True))
    state.book_changed(order.symbol)
    cancel_id = query.get("newClientOrderId") or f"cancel{order.order_id}"
    return account_payloads.cancelled(state.account, order, cancel_id)


def open_orders(request: web.Request, state: SimState, query: Params) -> Any:
    orders = state.account.open_orders(params.optional_symbol(state, query))
    return [account_payloads.order_status(state.account, o) for o in orders]


def cancel_open_orders(request: web.Request, state: SimState, query: Params) -> Any:
    index = params.symbol(state, query)
    orders = [state.account.cancel(o) for o in state.account.open_orders(index)]
    if orders:
        state.book_changed(index)
    return [account_payloads.cancelled(state.account, o, f"cancel{o.order_id}") for o in orders]


def _orders_of(state: SimState, query: Params, *, by_time: bool) -> list[Order]:
    index = params.symbol(state, query)
    start, end = params.optional_int(query, "startTime"), params.optional_int(query, "endTime")
    if not by_time:
        start = end = None
    return [
        o
        for o in state.account.orders.values()
        if o.symbol == index
        and (start is None or o.time_ms >= start)
        and (end is None or o.time_ms <= end)
    ]


def all_orders(request: web.Request, state: SimState, query: Params) -> Any:
    first_id = params.integer(query, "orderId", 0)
    orders = [o for o in _orders_of(state, query, by_time=True) if o.order_id >= first_id]
    limit = params.integer(query, "limit", 500, low=1, high=1000)
    return [account_payloads.order_status(state.account, o) for o in orders[:limit]]


def my_trades(request: web.Request, state: SimState, query: Params) -> Any:
    orders = _orders_of(state, query, by_time=False)
    order_id = params.optional_int(query, "orderId")
    if order_id is not None:
        orders = [o for o in orders if o.order_id == order_id]
    start, end = params.optional_int(query, "startTime"), params.optional_int(query, "endTime")
    from_id = params.optional_int(query, "fromId")
    rows = [
        r
        for r in account_payloads.my_trades(state.account, orders)
        if (start is None or r["time"] >= start)
        and (end is None or r["time"] <= end)
        and (from_id is None or r["id"] >= from_id)
    ]
    limit = params.integer(query, "limit", 500, low=1, high=1000)
    return rows[:limit] if from_id is not None or start is not None else rows[-limit:]
