"""Every gateway call with the real ccxt client against the simulator."""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable

import pytest

from tests.exchange.conftest import BAR_MS, sample, server_weight
from tradeplane.exchange import (
    BadSymbol,
    Candle,
    ExchangeGateway,
    InsufficientFunds,
    Market,
    OrderNotFound,
    Ticker,
)
from tradeplane.sim import Simulator

MakeGateway = Callable[..., Awaitable[ExchangeGateway]]


async def test_markets_are_typed_records(sim: Simulator, gateway_for: MakeGateway) -> None:
    gateway = await gateway_for(sim)
    assert len(gateway.markets) == len(sim.state.universe)
    btc = gateway.markets["BTC/USDT"]
    assert isinstance(btc, Market)
    assert (btc.base, btc.quote, btc.exchange_symbol, btc.spot) == ("BTC", "USDT", "BTCUSDT", True)
    assert btc.tick_size and btc.tick_size > 0 and btc.min_notional and btc.min_notional > 0
    # the exchange's own status and listing time, as the simulator lists them
    universe = sim.state.universe
    for market in gateway.markets.values():
        index = universe.index[market.exchange_symbol]
        assert market.status == universe.statuses[index].lower()
        assert market.active == (market.status == "trading")
        assert market.listed_ms == int(universe.onboard_ms[index])
    assert {m.status for m in gateway.markets.values()} > {"trading"}  # some break or halt


async def test_all_tickers_cost_one_request(sim: Simulator, gateway_for: MakeGateway) -> None:
    gateway = await gateway_for(sim)
    before = server_weight(sim)
    tickers = await gateway.fetch_tickers()
    assert server_weight(sim) - before == 80  # one /ticker/24hr, not one per symbol
    assert len(tickers) == sum(sim.state.universe.trading) or len(tickers) == len(gateway.markets)
    btc = tickers["BTC/USDT"]
    assert isinstance(btc, Ticker) and btc.bid < btc.ask and btc.low <= btc.last <= btc.high
    assert btc.quote_volume and btc.quote_volume > 0
    assert btc.timestamp_ms == sim.state.market.now_ms
    single = await gateway.fetch_ticker("BTC/USDT")
    assert single.last == btc.last
    labels = {"exchange": gateway.name, "account": "default"}
    assert sample("tradeplane_exchange_weight_used_total", **labels, endpoint="tickers") == 80


async def test_book_tops_and_order_book(sim: Simulator, gateway_for: MakeGateway) -> None:
    gateway = await gateway_for(sim)
    tops = await gateway.fetch_book_tops()
    book = await gateway.fetch_order_book("ETH/USDT", depth=3)
    assert len(book.bids) == len(book.asks) == 3
    assert book.bids[0][0] < book.asks[0][0]
    assert [p for p, _ in book.bids] == sorted((p for p, _ in book.bids), reverse=True)
    assert book.top is not None and book.top.bid == tops["ETH/USDT"].bid
    assert tops["ETH/USDT"].ask == book.asks[0][0] and tops["ETH/USDT"].spread_ratio > 0


async def test_ohlcv_page_and_paginated_backfill(
    start_sim: Callable[..., Awaitable[Simulator]], gateway_for: MakeGateway
) -> None:
    sim = await start_sim(history_bars=700)
    gateway = await gateway_for(sim, ohlcv_page_limit=200)
    latest = await gateway.fetch_ohlcv("BTC/USDT", "5m", limit=3)
    assert [c.timestamp_ms for c in latest] == [
        latest[-1].timestamp_ms - 2 * BAR_MS,
        latest[-1].timestamp_ms - BAR_MS,
        latest[-1].timestamp_ms,
    ]
    since = latest[-1].timestamp_ms - 650 * BAR_MS
    before = server_weight(sim)
    candles = await gateway.backfill_ohlcv("BTC/USDT", "5m", since=since)
    assert server_weight(sim) - before == 2 * 4  # 651 bars in pages of 200: 4 requests
    assert len(candles) == 651 and isinstance(candles[0], Candle)
    assert candles[0].timestamp_ms == since and candles[-1].timestamp_ms == latest[-1].timestamp_ms
    steps = {b.timestamp_ms - a.timestamp_ms for a, b in itertools.pairwise(candles)}
    assert steps == {BAR_MS}
    assert candles[-3:] == latest
    hourly = await gateway.backfill_ohlcv(
        "BTC/USDT", "1h", since=since, until=since + 24 * 3_600_000
    )
    assert len(hourly) == 24 or len(hourly) == 25
    assert all(c.timestamp_ms % 3_600_000 == 0 for c in hourly)


async def test_a_bad_symbol_fails_at_once(sim: Simulator, gateway_for: MakeGateway) -> None:
    gateway = await gateway_for(sim)
    with pytest.raises(BadSymbol):
        await gateway.fetch_ohlcv("NOPE/USDT", "5m")
    with pytest.raises(BadSymbol):
        await gateway.fetch_order_book("NOPE/USDT")


async def test_balances_and_the_order_lifecycle(
    start_sim: Callable[..., Awaitable[Simulator]], gateway_for: MakeGateway
) -> None:
    sim = await start_sim()
    gateway = await gateway_for(sim)
    balances = await gateway.fetch_balances()
    assert balances["USDT"].free == 100_000.0 and balances["BTC"].total == 2.0
    price = (await gateway.fetch_ticker("BTC/USDT")).last
    resting = await gateway.create_order("BTC/USDT", "buy", "limit", 0.1, round(price * 0.9, 1))
    assert resting.status == "open" and resting.client_order_id.startswith("tp")
    assert (await gateway.fetch_balances())["USDT"].used == pytest.approx(0.1 * resting.price)
    found = await gateway.fetch_order(None, "BTC/USDT", client_order_id=resting.client_order_id)
    assert found.id == resting.id
    assert [o.id for o in await gateway.fetch_open_orders("BTC/USDT")] == [resting.id]
    assert [o.id for o in await gateway.fetch_open_orders()] == [resting.id]
    cancelled = await gateway.cancel_order(resting.id, "BTC/USDT")
    assert cancelled.status == "canceled" and await gateway.fetch_open_orders() == []
    with pytest.raises(OrderNotFound):
        await gateway.cancel_order(resting.id, "BTC/USDT")

    bought = await gateway.create_order("BTC/USDT", "buy", "market", 0.05)
    assert bought.status == "closed" and bought.filled == pytest.approx(0.05)
    fills = await gateway.fetch_my_trades("BTC/USDT")
    assert sum(f.amount for f in fills) == pytest.approx(0.05)
    assert all(f.order_id == bought.id and f.fee_cost is not None for f in fills)
    assert (await gateway.fetch_balances())["BTC"].total > 2.0
    with pytest.raises(InsufficientFunds):
        await gateway.create_order("BTC/USDT", "buy", "market", 1000.0)
    assert await gateway.fetch_time() > 0
