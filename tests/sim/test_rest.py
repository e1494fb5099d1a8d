"""Public market data through the real ccxt binance client, changed only by URL/options."""

from __future__ import annotations

import itertools
from typing import Any

import aiohttp
import ccxt.async_support as ccxt
import pytest

from tradeplane.sim import Simulator, client_overrides


async def test_load_markets_is_one_weighted_request_with_statuses_and_listing(
    sim: Simulator, client: Any
) -> None:
    exchange = client(sim)
    markets = await exchange.load_markets()
    assert len(markets) == 300
    assert exchange.last_response_headers["X-MBX-USED-WEIGHT-1M"]  # exchangeInfo answered
    btc = markets["BTC/USDT"]
    assert btc["spot"] and btc["active"] and btc["id"] == "BTCUSDT"
    assert btc["precision"]["price"] == 0.1 and btc["limits"]["cost"]["min"] == 5
    assert btc["created"] < sim.state.market.now_ms - 365 * 86_400_000
    inactive = [m for m in markets.values() if not m["active"]]
    assert inactive and all(m["info"]["status"] in ("BREAK", "HALT") for m in inactive)
    assert {m["quote"] for m in markets.values()} == {"USDT", "BTC"}


async def test_all_tickers_come_in_one_request(sim: Simulator, exchange: Any) -> None:
    tickers = await exchange.fetch_tickers()
    assert len(tickers) == 300
    assert exchange.last_http_response.count('"symbol"') == 300
    btc = tickers["BTC/USDT"]
    assert btc["bid"] <= btc["last"] <= btc["ask"] and btc["bid"] < btc["ask"]
    assert btc["low"] <= btc["last"] <= btc["high"]
    assert btc["quoteVolume"] > 1e8 and btc["timestamp"] == sim.state.market.now_ms
    some = await exchange.fetch_tickers(["BTC/USDT", "ETH/USDT"])
    assert set(some) == {"BTC/USDT", "ETH/USDT"}
    single = await exchange.fetch_ticker("ETH/USDT")
    assert single["last"] == tickers["ETH/USDT"]["last"]


async def test_book_ticker_and_depth_agree(sim: Simulator, exchange: Any) -> None:
    book = await exchange.fetch_order_book("ETH/USDT", 20)
    assert len(book["bids"]) == len(book["asks"]) == 20
    assert book["bids"][0][0] < book["asks"][0][0]
    assert [p for p, _ in book["bids"]] == sorted((p for p, _ in book["bids"]), reverse=True)
    assert book["nonce"] == sim.state.books.update_id(sim.state.universe.index["ETHUSDT"])
    top = await exchange.fetch_bids_asks(["ETH/USDT"])
    assert top["ETH/USDT"]["bid"] == book["bids"][0][0]
    assert top["ETH/USDT"]["askVolume"] == book["asks"][0][1]


async def test_ohlcv_backfill_paginates_without_gaps(sim: Simulator, exchange: Any) -> None:
    latest = await exchange.fetch_ohlcv("BTC/USDT", "5m", limit=3)
    assert latest[-1][0] == sim.state.market.bars.times[sim.state.market.bars.last]
    since = latest[-1][0] - 1000 * 300_000
    first = await exchange.fetch_ohlcv("BTC/USDT", "5m", since=since, limit=600)
    second = await exchange.fetch_ohlcv("BTC/USDT", "5m", since=first[-1][0] + 1, limit=600)
    rows = first + second
    assert len(rows) == 1001
    assert all(b[0] - a[0] == 300_000 for a, b in itertools.pairwise(rows))
    assert all(r[3] <= min(r[1], r[4]) <= max(r[1], r[4]) <= r[2] for r in rows)
    hours = await exchange.fetch_ohlcv("BTC/USDT", "1h", since=since, limit=10)
    assert hours[0][0] % 3_600_000 == 0 and len(hours) == 10
    until = await exchange.fetch_ohlcv("BTC/USDT", "15m", params={"endTime": since}, limit=4)
    assert until[-1][0] <= since and len(until) == 4


async def test_time_trades_and_bad_requests(sim: Simulator, exchange: Any) -> None:
    server_time = await exchange.fetch_time()
    assert abs(server_time - exchange.milliseconds()) < 5_000
    await sim.step(3)
    trades = await exchange.fetch_trades("BTC/USDT", limit=2)
    assert len(trades) == 2 and trades[0]["id"] < trades[1]["id"]
    assert trades[-1]["timestamp"] == sim.state.market.now_ms
    with pytest.raises(ccxt.BadSymbol):
        await exchange.publicGetKlines({"symbol": "NOPENOPE", "interval": "5m"})
    with pytest.raises(ccxt.BadRequest, match="-1120"):
        await exchange.publicGetKlines({"symbol": "BTCUSDT", "interval": "1m"})


async def test_stepping_moves_the_last_price_and_the_open_bar(
    sim: Simulator, exchange: Any
) -> None:
    before = await exchange.fetch_ohlcv("ETH/USDT", "5m", limit=1)
    await sim.step(5)
    after = await exchange.fetch_ohlcv("ETH/USDT", "5m", limit=1)
    assert after[-1][5] > before[-1][5] or after[-1][0] > before[-1][0]
    ticker = await exchange.fetch_ticker("ETH/USDT")
    assert ticker["last"] == after[-1][4]


async def test_default_ccxt_options_also_load_markets(sim: Simulator) -> None:
    """Only URLs and keys overridden: ccxt asks for futures, margin and wallet lists too."""
    config = client_overrides(sim)
    exchange = ccxt.binance(
        {
            "urls": config["urls"],
            "apiKey": sim.api_key,
            "secret": sim.api_secret,
            "enableRateLimit": False,
        }
    )
    try:
        markets = await exchange.load_markets()
        assert len(markets) == 300 and "BTC" in exchange.currencies
    finally:
        await exchange.close()


async def test_unknown_api_paths_answer_binance_json(sim: Simulator) -> None:
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{sim.rest_url}/api/v3/nothingHere") as response:
            assert response.status == 404
            assert (await response.json())["code"] == -5000
        async with session.get(f"{sim.rest_url}/api/v3/ping") as response:
            assert await response.json() == {}
            assert int(response.headers["X-MBX-USED-WEIGHT-1M"]) >= 1
