"""Order matching through the real ccxt client: limit, market, partial fills, fees, funds."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import ccxt.async_support as ccxt
import pytest

from tradeplane.sim import Simulator

FEE = 0.001
START_USDT, START_BTC = 100_000.0, 2.0


@pytest.fixture
async def trading(
    start_sim: Callable[..., Awaitable[Simulator]], client: Any
) -> tuple[Simulator, Any]:
    simulator = await start_sim()
    exchange = client(simulator)
    await exchange.load_markets()
    return simulator, exchange


async def test_limit_order_rests_then_fills_as_maker(trading: tuple[Simulator, Any]) -> None:
    sim, exchange = trading
    book = await exchange.fetch_order_book("BTC/USDT")
    price = float(exchange.price_to_precision("BTC/USDT", book["bids"][0][0] * 0.99))
    order = await exchange.create_limit_buy_order("BTC/USDT", 0.01, price)
    assert order["status"] == "open" and order["filled"] == 0 and order["price"] == price
    balance = await exchange.fetch_balance()
    assert balance["USDT"]["used"] == pytest.approx(price * 0.01)
    assert balance["USDT"]["free"] == pytest.approx(START_USDT - price * 0.01)
    assert [o["id"] for o in await exchange.fetch_open_orders("BTC/USDT")] == [order["id"]]
    book = await exchange.fetch_order_book("BTC/USDT", 1000)
    assert any(p == price and q >= 0.01 for p, q in book["bids"])  # shown in the book

    await sim.step(1)  # the market has not come down yet
    assert (await exchange.fetch_order(order["id"], "BTC/USDT"))["status"] == "open"
    sim.set_price("BTCUSDT", price * 0.995)
    await sim.step(1)

    filled = await exchange.fetch_order(order["id"], "BTC/USDT")
    assert filled["status"] == "closed" and filled["filled"] == 0.01
    assert filled["average"] == price
    trades = await exchange.fetch_my_trades("BTC/USDT")
    assert len(trades) == 1 and trades[0]["takerOrMaker"] == "maker"
    assert trades[0]["fee"]["currency"] == "BTC"
    assert trades[0]["fee"]["cost"] == pytest.approx(0.01 * FEE)
    balance = await exchange.fetch_balance()
    assert balance["BTC"]["free"] == pytest.approx(START_BTC + 0.01 * (1 - FEE))
    assert balance["USDT"]["total"] == pytest.approx(START_USDT - price * 0.01)
    assert balance["USDT"]["used"] == 0
    assert await exchange.fetch_open_orders("BTC/USDT") == []


async def test_market_order_fills_across_levels_with_taker_fees(
    trading: tuple[Simulator, Any],
) -> None:
    _, exchange = trading
    book = await exchange.fetch_order_book("BTC/USDT", 10)
    asks = book["asks"]
    amount = float(
        exchange.amount_to_precision("BTC/USDT", asks[0][1] + asks[1][1] + asks[2][1] / 2)
    )
    order = await exchange.create_market_buy_order("BTC/USDT", amount)
    assert order["status"] == "closed" and order["filled"] == pytest.approx(amount)
    fills = order["trades"]
    assert [t["price"] for t in fills] == [asks[0][0], asks[1][0], asks[2][0]]
    assert fills[0]["amount"] == asks[0][1] and fills[1]["amount"] == asks[1][1]
    cost = sum(t["price"] * t["amount"] for t in fills)
    assert order["cost"] == pytest.approx(cost)
    assert asks[0][0] < order["average"] < asks[2][0]
    assert order["fee"]["currency"] == "BTC"
    assert order["fee"]["cost"] == pytest.approx(amount * FEE, abs=2e-8)
    balance = await exchange.fetch_balance()
    assert balance["BTC"]["free"] == pytest.approx(START_BTC + amount - order["fee"]["cost"])
    assert balance["USDT"]["free"] == pytest.approx(START_USDT - cost)
    after = await exchange.fetch_order_book("BTC/USDT", 10)
    assert after["asks"][0] == [asks[2][0], pytest.approx(asks[2][1] - fills[2]["amount"])]
    # selling pays the fee in the quote asset
    sold = await exchange.create_market_sell_order("BTC/USDT", 0.1)
    assert sold["fee"]["currency"] == "USDT"
    assert sold["fee"]["cost"] == pytest.approx(sold["cost"] * FEE, abs=1e-6)
    trades = await exchange.fetch_my_trades("BTC/USDT")
    assert len(trades) == len(fills) + len(sold["trades"])
    assert {t["takerOrMaker"] for t in trades} == {"taker"}


async def test_crossing_limit_fills_partially_and_rests_the_rest(
    trading: tuple[Simulator, Any],
) -> None:
    _, exchange = trading
    asks = (await exchange.fetch_order_book("ETH/USDT", 5))["asks"]
    available = asks[0][1] + asks[1][1]
    amount = float(exchange.amount_to_precision("ETH/USDT", available + 1.5))
    order = await exchange.create_limit_buy_order("ETH/USDT", amount, asks[1][0])
    assert order["status"] == "open"
    assert order["filled"] == pytest.approx(available)
    assert order["remaining"] == pytest.approx(1.5)
    assert order["info"]["status"] == "PARTIALLY_FILLED"
    book = await exchange.fetch_order_book("ETH/USDT", 5)
    assert book["bids"][0][0] == asks[1][0] and book["bids"][0][1] >= 1.5
    assert book["asks"][0][0] > asks[1][0]
    cancelled = await exchange.cancel_order(order["id"], "ETH/USDT")
    assert cancelled["status"] == "canceled"
    balance = await exchange.fetch_balance()
    assert balance["USDT"]["used"] == 0
    assert balance["ETH"]["free"] == pytest.approx(20 + available * (1 - FEE))
    with pytest.raises(ccxt.OrderNotFound):
        await exchange.cancel_order(order["id"], "ETH/USDT")
    with pytest.raises(ccxt.OrderNotFound):
        await exchange.fetch_order("999", "ETH/USDT")
    history = await exchange.fetch_orders("ETH/USDT")
    assert [o["status"] for o in history] == ["canceled"]


async def test_insufficient_funds_and_closed_markets_are_rejected(
    trading: tuple[Simulator, Any],
) -> None:
    _, exchange = trading
    bid = (await exchange.fetch_order_book("BTC/USDT", 1))["bids"][0][0]
    with pytest.raises(ccxt.InsufficientFunds):
        await exchange.create_limit_buy_order("BTC/USDT", 10, bid)  # ~600k USDT
    with pytest.raises(ccxt.InsufficientFunds):
        await exchange.create_market_sell_order("BTC/USDT", 3)  # holds 2 BTC
    broke = next(
        m["symbol"]
        for m in exchange.markets.values()
        if m["quote"] == "USDT" and m["active"] and m["base"] not in ("BTC", "ETH", "BNB")
    )
    with pytest.raises(ccxt.InsufficientFunds):
        await exchange.create_market_sell_order(broke, 1000)
    closed = next(m for m in exchange.markets.values() if not m["active"])
    with pytest.raises(ccxt.MarketClosed):
        await exchange.create_market_buy_order(closed["symbol"], 1000)
    balance = await exchange.fetch_balance()
    assert balance["USDT"]["free"] == START_USDT and balance["BTC"]["free"] == START_BTC
    assert await exchange.fetch_orders("BTC/USDT") == []


async def test_order_options_post_only_ioc_quote_cost_and_filters(
    trading: tuple[Simulator, Any],
) -> None:
    _, exchange = trading
    book = await exchange.fetch_order_book("BTC/USDT", 5)
    with pytest.raises(ccxt.OrderImmediatelyFillable):
        await exchange.create_limit_buy_order(
            "BTC/USDT", 0.01, book["asks"][0][0], {"postOnly": True}
        )
    big = float(exchange.amount_to_precision("BTC/USDT", book["asks"][0][1] + 0.5))
    ioc = await exchange.create_limit_buy_order(
        "BTC/USDT", big, book["asks"][0][0], {"timeInForce": "IOC"}
    )
    assert ioc["status"] == "expired" and ioc["filled"] == book["asks"][0][1]
    assert (await exchange.fetch_balance())["USDT"]["used"] == 0
    spent = await exchange.create_market_buy_order_with_cost("BTC/USDT", 1000)
    assert 990 < spent["cost"] <= 1000 and spent["status"] == "closed"
    with pytest.raises(ccxt.InvalidOrder, match="LOT_SIZE"):
        await exchange.privatePostOrder(
            {"symbol": "BTCUSDT", "side": "BUY", "type": "MARKET", "quantity": "0.0000001"}
        )
    with pytest.raises(ccxt.BadRequest, match="NOTIONAL"):  # -1013, as ccxt maps it live
        await exchange.create_limit_buy_order("BTC/USDT", 0.00001, book["bids"][0][0])
    resting = await exchange.create_limit_sell_order(
        "BTC/USDT", 0.01, book["asks"][0][0] * 1.5, {"clientOrderId": "mine-1"}
    )
    with pytest.raises(ccxt.InvalidOrder, match="Duplicate"):
        await exchange.create_limit_sell_order(
            "BTC/USDT", 0.01, book["asks"][0][0] * 1.5, {"clientOrderId": "mine-1"}
        )
    found = await exchange.fetch_order(None, "BTC/USDT", {"origClientOrderId": "mine-1"})
    assert found["id"] == resting["id"] and found["clientOrderId"] == "mine-1"
    assert (await exchange.fetch_balance())["BTC"]["used"] == pytest.approx(0.01)
