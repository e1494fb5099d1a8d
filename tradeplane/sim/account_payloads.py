"""Binance's JSON shapes for the account: orders, fills, trades and balances.

Amounts are `Decimal`s formatted with each symbol's precision (8 decimals for quote
amounts and commissions), as Binance sends them.
"""

from __future__ import annotations

from typing import Any

from tradeplane.sim.book import BUY
from tradeplane.sim.matching import Account, Order
from tradeplane.sim.payloads import ZERO, fmt_decimal


def _order_common(account: Account, order: Order) -> dict[str, Any]:
    i = order.symbol
    pd, qd = (
        int(account.market.universe.price_decimals[i]),
        int(account.market.universe.qty_decimals[i]),
    )
    return {
        "price": fmt_decimal(account.price_of(i, order.price), pd),
        "origQty": fmt_decimal(account.qty_of(i, order.quantity), qd),
        "executedQty": fmt_decimal(account.qty_of(i, order.executed), qd),
        "origQuoteOrderQty": fmt_decimal(order.quote_quantity),
        "cummulativeQuoteQty": fmt_decimal(order.cumulative_quote),
        "status": order.status,
        "timeInForce": order.time_in_force,
        "type": order.type,
        "side": order.side,
    }


def order(account: Account, order: Order, *, response: str = "FULL") -> dict[str, Any]:
    """An order as POST /order answers it (`response`: ACK, RESULT or FULL)."""
    i = order.symbol
    u = account.market.universe
    head = {
        "symbol": u.symbols[i],
        "orderId": order.order_id,
        "orderListId": -1,
        "clientOrderId": order.client_order_id,
        "transactTime": order.time_ms,
    }
    if response == "ACK":
        return head
    body = {
        **head,
        **_order_common(account, order),
        "workingTime": order.time_ms,
        "selfTradePreventionMode": "EXPIRE_MAKER",
    }
    if response == "FULL":
        pd, qd = int(u.price_decimals[i]), int(u.qty_decimals[i])
        body["fills"] = [
            {
                "price": fmt_decimal(account.price_of(i, f.price), pd),
                "qty": fmt_decimal(account.qty_of(i, f.qty), qd),
                "commission": fmt_decimal(f.commission),
                "commissionAsset": f.commission_asset,
                "tradeId": f.trade_id,
            }
            for f in order.fills
        ]
    return body


def order_status(account: Account, order: Order) -> dict[str, Any]:
    """An order as GET /order, /openOrders and /allOrders show it."""
    u = account.market.universe
    return {
        "symbol": u.symbols[order.symbol],
        "orderId": order.order_id,
        "orderListId": -1,
        "clientOrderId": order.client_order_id,
        **_order_common(account, order),
        "stopPrice": ZERO,
        "icebergQty": ZERO,
        "time": order.time_ms,
        "updateTime": order.update_ms,
        "isWorking": order.is_open,
        "workingTime": order.time_ms,
        "selfTradePreventionMode": "EXPIRE_MAKER",
    }


def cancelled(account: Account, order: Order, cancel_id: str) -> dict[str, Any]:
    u = account.market.universe
    return {
        "symbol": u.symbols[order.symbol],
        "origClientOrderId": order.client_order_id,
        "orderId": order.order_id,
        "orderListId": -1,
        "clientOrderId": cancel_id,
        "transactTime": order.update_ms,
        **_order_common(account, order),
        "selfTradePreventionMode": "EXPIRE_MAKER",
    }


def my_trades(account: Account, orders: list[Order]) -> list[dict[str, Any]]:
    u = account.market.universe
    out: list[dict[str, Any]] = []
    for o in orders:
        i = o.symbol
        pd, qd = int(u.price_decimals[i]), int(u.qty_decimals[i])
        for f in o.fills:
            price, qty = account.price_of(i, f.price), account.qty_of(i, f.qty)
            out.append(
                {
                    "symbol": u.symbols[i],
                    "id": f.trade_id,
                    "orderId": o.order_id,
                    "orderListId": -1,
                    "price": fmt_decimal(price, pd),
                    "qty": fmt_decimal(qty, qd),
                    "quoteQty": fmt_decimal(price * qty),
                    "commission": fmt_decimal(f.commission),
                    "commissionAsset": f.commission_asset,
                    "time": f.time_ms,
                    "isBuyer": o.side == BUY,
                    "isMaker": f.maker,
                    "isBestMatch": True,
                }
            )
    out.sort(key=lambda t: t["id"])
    return out


def account_info(account: Account, *, now_ms: int, omit_zero: bool) -> dict[str, Any]:
    maker, taker = fmt_decimal(account.maker_fee), fmt_decimal(account.taker_fee)
    return {
        "makerCommission": int(account.maker_fee * 10000),
        "takerCommission": int(account.taker_fee * 10000),
        "buyerCommission": 0,
        "sellerCommission": 0,
        "commissionRates": {"maker": maker, "taker": taker, "buyer": ZERO, "seller": ZERO},
        "canTrade": True,
        "canWithdraw": True,
        "canDeposit": True,
        "brokered": False,
        "requireSelfTradePrevention": False,
        "preventSor": False,
        "updateTime": now_ms,
        "accountType": "SPOT",
        "balances": [
            {"asset": a, "free": fmt_decimal(f), "locked": fmt_decimal(lk)}
            for a, f, lk in account.balances()
            if not (omit_zero and not f and not lk)
        ],
        "permissions": ["SPOT"],
        "uid": 100000001,
    }
