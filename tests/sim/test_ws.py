"""Market streams through ccxt.pro and raw websockets: ticker, kline, trade, depth diffs."""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import aiohttp
import pytest

from tradeplane.sim import Simulator

T = TypeVar("T")


async def stepping(sim: Simulator, awaitable: Awaitable[T], *, every: float = 0.01) -> T:
    """Await `awaitable` while the market ticks (a watch needs a push to return)."""
    task = asyncio.ensure_future(awaitable)
    for _ in range(500):
        done, _ = await asyncio.wait({task}, timeout=every)
        if done:
            return task.result()
        await sim.step(1)
    task.cancel()
    raise AssertionError("no stream message within 500 ticks")


@pytest.fixture
async def pro_sim(start_sim: Callable[..., Awaitable[Simulator]]) -> Simulator:
    return await start_sim(ticks_per_bar=10)


@pytest.fixture
async def pro(pro_sim: Simulator, client: Any) -> Any:
    exchange = client(pro_sim, pro=True)
    await exchange.load_markets()
    return exchange


async def test_watch_ticker_trades_and_ohlcv(pro_sim: Simulator, pro: Any) -> None:
    ticker = await stepping(pro_sim, pro.watch_ticker("BTC/USDT"))
    assert ticker["symbol"] == "BTC/USDT" and ticker["timestamp"] == pro_sim.state.market.now_ms
    rest = await pro.fetch_ticker("BTC/USDT")
    assert ticker["last"] == rest["last"] and ticker["quoteVolume"] == rest["quoteVolume"]

    trades = await stepping(pro_sim, pro.watch_trades("ETH/USDT"))
    trades += await stepping(pro_sim, pro.watch_trades("ETH/USDT"))
    assert [t["id"] for t in trades] == sorted({t["id"] for t in trades})
    assert trades[-1]["price"] == (await pro.fetch_ticker("ETH/USDT"))["last"]

    latest: dict[int, list[float]] = {}  # ccxt.pro returns only the updates since last call
    while len(latest) < 2:  # tick until the bar closes and the next one opens
        for candle in await stepping(pro_sim, pro.watch_ohlcv("BTC/USDT", "5m")):
            latest[candle[0]] = candle
    open_time = min(latest)
    rest_bars = await pro.fetch_ohlcv("BTC/USDT", "5m", since=open_time, limit=2)
    assert latest[open_time] == rest_bars[0]
    quarter = await stepping(pro_sim, pro.watch_ohlcv("BTC/USDT", "15m"))
    assert quarter[-1] == (await pro.fetch_ohlcv("BTC/USDT", "15m", limit=1))[-1]


async def test_watch_order_book_stays_in_sync(pro_sim: Simulator, pro: Any) -> None:
    book = await stepping(pro_sim, pro.watch_order_book("BTC/USDT"))
    for _ in range(5):
        book = await stepping(pro_sim, pro.watch_order_book("BTC/USDT"))
    # a resting user order changes the book between ticks: a diff is pushed at once
    bid = book["bids"][0][0]
    price = float(pro.price_to_precision("BTC/USDT", bid * 0.999))
    watching = asyncio.ensure_future(pro.watch_order_book("BTC/USDT"))
    await pro.create_limit_buy_order("BTC/USDT", 0.5, price)
    book = await asyncio.wait_for(watching, 5)  # no tick in between
    assert any(p == price and q >= 0.5 for p, q in book["bids"])
    for _ in range(3):
        book = await stepping(pro_sim, pro.watch_order_book("BTC/USDT"))
    rest = await pro.fetch_order_book("BTC/USDT", 1000)
    assert book["nonce"] == rest["nonce"]
    assert book["bids"] == rest["bids"] and book["asks"] == rest["asks"]


async def read_json(ws: aiohttp.ClientWebSocketResponse) -> Any:
    return json.loads((await asyncio.wait_for(ws.receive(), 5)).data)


async def test_combined_stream_wraps_payloads_and_depth_ids_are_contiguous(
    pro_sim: Simulator,
) -> None:
    url = f"{pro_sim.rest_url}/stream?streams=ethusdt@depth@100ms/ethusdt@kline_5m"
    async with aiohttp.ClientSession() as session, session.ws_connect(url) as ws:
        await ws.send_json({"method": "LIST_SUBSCRIPTIONS", "id": 1})  # subscribed by now
        assert len((await read_json(ws))["result"]) == 2
        await pro_sim.step(12)  # crosses a bar close (10 ticks per bar)
        messages = []
        while len(messages) < 24:
            messages.append(await read_json(ws))
    depth = [m["data"] for m in messages if m["stream"] == "ethusdt@depth@100ms"]
    klines = [m["data"] for m in messages if m["stream"] == "ethusdt@kline_5m"]
    assert len(depth) == len(klines) == 12
    assert all(d["e"] == "depthUpdate" and d["s"] == "ETHUSDT" for d in depth)
    assert all(b["U"] == a["u"] + 1 and b["u"] >= b["U"] for a, b in itertools.pairwise(depth))
    closed = [k["k"] for k in klines if k["k"]["x"]]
    assert len(closed) == 1 and closed[0]["T"] == closed[0]["t"] + 300_000 - 1
    assert klines[-1]["k"]["t"] == closed[0]["t"] + 300_000


async def test_subscribe_methods_and_raw_paths(pro_sim: Simulator) -> None:
    async with aiohttp.ClientSession() as session:
        async with session.ws_connect(f"{pro_sim.ws_url}/btcusdt@trade") as ws:
            await ws.send_json({"method": "LIST_SUBSCRIPTIONS", "id": 1})
            assert await read_json(ws) == {"result": ["btcusdt@trade"], "id": 1}
            await pro_sim.step(1)
            trade = await read_json(ws)
            assert trade["e"] == "trade" and trade["s"] == "BTCUSDT"
            await ws.send_json(
                {
                    "method": "SUBSCRIBE",
                    "params": ["ethusdt@bookTicker", "!miniTicker@arr"],
                    "id": 7,
                }
            )
            assert await read_json(ws) == {"result": None, "id": 7}
            await ws.send_json({"method": "LIST_SUBSCRIPTIONS", "id": 8})
            listed = await read_json(ws)
            assert listed["result"] == ["!miniTicker@arr", "btcusdt@trade", "ethusdt@bookTicker"]
            await ws.send_json({"method": "UNSUBSCRIBE", "params": ["btcusdt@trade"], "id": 9})
            assert await read_json(ws) == {"result": None, "id": 9}
            await pro_sim.step(1)
            kinds = {}
            for _ in range(2):
                message = await read_json(ws)
                kinds["arr" if isinstance(message, list) else "book"] = message
            trading = sum(pro_sim.state.universe.trading)
            assert len(kinds["arr"]) == trading and kinds["arr"][0]["e"] == "24hrMiniTicker"
            assert kinds["book"]["s"] == "ETHUSDT" and "b" in kinds["book"]
            await ws.send_json({"method": "SUBSCRIBE", "params": ["nosuch@trade"], "id": 10})
            error = await read_json(ws)
            assert error["id"] == 10 and error["error"]["code"] == 2
        async with session.ws_connect(pro_sim.ws_url) as ws:
            headers = {"X-MBX-APIKEY": pro_sim.api_key}
            async with session.post(
                f"{pro_sim.rest_url}/admin/ws/disconnect", headers=headers
            ) as response:
                assert (await response.json())["closed"] >= 1
            message = await asyncio.wait_for(ws.receive(), 5)
            assert message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED)


async def test_user_fills_appear_on_the_trade_stream(pro_sim: Simulator, client: Any) -> None:
    exchange = client(pro_sim)
    async with (
        aiohttp.ClientSession() as session,
        session.ws_connect(pro_sim.ws_url) as ws,
    ):
        await ws.send_json({"method": "SUBSCRIBE", "params": ["btcusdt@trade"], "id": 1})
        assert await read_json(ws) == {"result": None, "id": 1}
        order = await exchange.create_market_buy_order("BTC/USDT", 0.01)
        event = await read_json(ws)
    fill = order["trades"][0]
    assert event["e"] == "trade" and event["t"] == int(fill["id"])
    assert float(event["p"]) == fill["price"] and float(event["q"]) == fill["amount"]
    assert event["m"] is False  # the buyer took liquidity
