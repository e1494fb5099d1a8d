"""Server-side request weight: the used-weight header, 429 with Retry-After, then 418."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
import ccxt.async_support as ccxt
import pytest

from tradeplane.sim import Simulator
from tradeplane.sim.weights import WeightLimiter, request_weight


class FakeClock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_binance_weights_per_endpoint() -> None:
    assert request_weight("GET", "/api/v3/ticker/24hr", {}) == 80
    assert request_weight("GET", "/api/v3/ticker/24hr", {"symbol": "BTCUSDT"}) == 2
    assert request_weight("GET", "/api/v3/ticker/24hr", {"symbols": '["A","B"]'}) == 2
    assert request_weight("GET", "/api/v3/exchangeInfo", {}) == 20
    assert [
        request_weight("GET", "/api/v3/depth", {"limit": str(n)}) for n in (5, 100, 500, 1000, 5000)
    ] == [5, 5, 25, 50, 250]
    assert request_weight("GET", "/api/v3/openOrders", {}) == 80
    assert request_weight("GET", "/api/v3/openOrders", {"symbol": "X"}) == 6
    assert request_weight("POST", "/api/v3/order", {}) == 1
    assert request_weight("GET", "/api/v3/order", {}) == 4
    assert request_weight("GET", "/api/v3/klines", {}) == 2


def test_limiter_windows_refusals_and_bans() -> None:
    clock = FakeClock(1_000.0)  # 1000 s: a window boundary for 60 s windows is at 1020 s
    limiter = WeightLimiter(limit=100, window_seconds=60, ban_after=2, ban_seconds=30, clock=clock)
    assert limiter.admit("ip", 80).used == 80
    assert limiter.admit("ip", 20).status == 200
    refused = limiter.admit("ip", 1)
    assert (refused.status, refused.used, refused.retry_after) == (429, 100, 20)
    assert limiter.admit("ip", 1).status == 429
    assert limiter.admit("other", 50).status == 200  # budgets are per caller
    banned = limiter.admit("ip", 1)  # third refusal in the window: banned
    assert (banned.status, banned.retry_after) == (418, 30)
    clock.now = 1_021.0  # new window, still banned
    assert limiter.admit("ip", 1).status == 418
    clock.now = 1_031.0
    assert limiter.admit("ip", 1).status == 200
    for _ in range(3):
        limiter.admit("ip", 100)
    assert limiter.admit("ip", 1).retry_after == 60  # second ban lasts twice as long


async def test_used_weight_header_then_429_then_418(
    start_sim: Callable[..., Awaitable[Simulator]], client: Any
) -> None:
    sim = await start_sim(weight_limit=110, ban_after_rejections=1)
    exchange = client(sim)
    await exchange.load_markets()  # exchangeInfo: 20
    await exchange.fetch_tickers()  # every symbol: 80
    assert exchange.last_response_headers["X-MBX-USED-WEIGHT-1M"] == "100"
    await exchange.fetch_ticker("BTC/USDT")
    assert exchange.last_response_headers["X-MBX-USED-WEIGHT-1M"] == "102"
    with pytest.raises(ccxt.DDoSProtection, match=r"429.*-1003"):
        await exchange.fetch_tickers()
    retry_after = int(exchange.last_response_headers["Retry-After"])
    assert 1 <= retry_after <= 60
    with pytest.raises(ccxt.DDoSProtection, match="418"):
        await exchange.fetch_tickers()
    assert int(exchange.last_response_headers["Retry-After"]) >= 100
    with pytest.raises(ccxt.DDoSProtection, match="418"):
        await exchange.fetch_time()  # banned: even weight 1 is refused
    async with (
        aiohttp.ClientSession(headers={"X-MBX-APIKEY": sim.api_key}) as session,
        session.post(f"{sim.rest_url}/admin/weights/reset") as response,
    ):
        assert response.status == 200
    assert await exchange.fetch_time() > 0
    assert exchange.last_response_headers["X-MBX-USED-WEIGHT-1M"] == "1"
