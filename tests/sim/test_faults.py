"""Fault injection by configuration and by the admin endpoint, seen by the real ccxt client."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
import ccxt.async_support as ccxt
import pytest

from tradeplane.sim import FaultConfig, FaultKind, Simulator

EXPECTED = {
    FaultKind.RATE_LIMITED: ccxt.DDoSProtection,
    FaultKind.BANNED: ccxt.DDoSProtection,
    FaultKind.SERVER_ERROR: ccxt.ExchangeNotAvailable,
    FaultKind.BAD_GATEWAY: ccxt.ExchangeNotAvailable,
    FaultKind.UNAVAILABLE: ccxt.ExchangeNotAvailable,
    FaultKind.GATEWAY_TIMEOUT: ccxt.RequestTimeout,
    FaultKind.TIMEOUT: ccxt.RequestTimeout,
}


async def assert_fault(exchange: Any, kind: FaultKind) -> None:
    """One ticker request shows the fault the way the gateway will meet it."""
    if kind is FaultKind.MALFORMED:
        # ccxt does not notice: it returns an empty ticker; the gateway must validate
        ticker = await exchange.fetch_ticker("BTC/USDT")
        assert ticker["last"] is None and exchange.last_json_response is None
        with pytest.raises(json.JSONDecodeError):
            json.loads(exchange.last_http_response)
        assert exchange.last_http_response.startswith('{"symbol":"BTCUSDT"')
        return
    with pytest.raises(EXPECTED[kind]):
        await exchange.fetch_ticker("BTC/USDT")
    if kind in (FaultKind.RATE_LIMITED, FaultKind.BANNED):
        assert exchange.last_response_headers["Retry-After"] == "3"


@pytest.mark.parametrize("kind", list(FaultKind))
async def test_each_fault_by_config(
    kind: FaultKind, start_sim: Callable[..., Awaitable[Simulator]], client: Any
) -> None:
    faults = FaultConfig(
        rates={kind: 1.0}, paths=("/api/v3/ticker",), retry_after_seconds=3, timeout_seconds=5
    )
    sim = await start_sim(faults=faults)
    exchange = client(sim, timeout=400)
    await exchange.load_markets()  # exchangeInfo is outside the faulted paths
    await assert_fault(exchange, kind)
    assert sim.state.faults.injected[kind] == 1
    assert await exchange.fetch_time() > 0


async def test_each_fault_by_admin_endpoint(
    start_sim: Callable[..., Awaitable[Simulator]], client: Any
) -> None:
    sim = await start_sim()
    exchange = client(sim, timeout=400)
    await exchange.load_markets()
    async with aiohttp.ClientSession(headers={"X-MBX-APIKEY": sim.api_key}) as session:
        for kind in FaultKind:
            body = {
                "rates": {kind.value: 1.0},
                "count": 1,
                "retry_after_seconds": 3,
                "timeout_seconds": 5,
            }
            async with session.post(f"{sim.rest_url}/admin/faults", json=body) as response:
                assert response.status == 200
            await assert_fault(exchange, kind)
            assert (await exchange.fetch_ticker("BTC/USDT"))["last"] > 0  # count: 1 used up
        async with session.get(f"{sim.rest_url}/admin/faults") as response:
            report = await response.json()
        assert report["injected"] == {kind.value: 1 for kind in FaultKind}
        body = {"rates": {"503": 1.0}}
        async with session.post(f"{sim.rest_url}/admin/faults", json=body) as response:
            assert response.status == 200
        with pytest.raises(ccxt.ExchangeNotAvailable):
            await exchange.fetch_time()
        async with session.delete(f"{sim.rest_url}/admin/faults") as response:
            assert (await response.json())["config"]["rates"] == {}
        assert await exchange.fetch_time() > 0
        bad = {"rates": {"503": 0.8, "500": 0.8}}
        async with session.post(f"{sim.rest_url}/admin/faults", json=bad) as response:
            assert response.status == 400 and (await response.json())["code"] == -1104


async def test_rate_is_a_probability_per_request(
    start_sim: Callable[..., Awaitable[Simulator]], client: Any
) -> None:
    sim = await start_sim(
        faults=FaultConfig(rates={FaultKind.SERVER_ERROR: 0.25}, paths=("/api/v3/time",))
    )
    failures = 0
    async with aiohttp.ClientSession() as session:
        for _ in range(200):
            async with session.get(f"{sim.rest_url}/api/v3/time") as response:
                failures += response.status == 500
    assert 25 <= failures <= 75
    assert sim.state.faults.injected[FaultKind.SERVER_ERROR] == failures
