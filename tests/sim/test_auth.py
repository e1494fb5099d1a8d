"""Signed endpoints: API key, HMAC signature, timestamp and recvWindow, as Binance checks."""

from __future__ import annotations

import logging
from typing import Any

import aiohttp
import ccxt.async_support as ccxt
import pytest

from tradeplane.logs import JsonFormatter
from tradeplane.sim import Simulator, SimulatorConfig
from tradeplane.sim import errors as sim_errors
from tradeplane.sim.auth import sign, verify_signed

KEY, SECRET = "K" * 64, "S" * 64


def check(raw_query: str = "", raw_body: str = "", now_ms: int = 10_000, **params: str) -> None:
    verify_signed(
        api_key_header=KEY,
        raw_query=raw_query,
        raw_body=raw_body,
        params={"timestamp": "10000", **params},
        api_key=KEY,
        api_secret=SECRET,
        now_ms=now_ms,
        recv_window_max_ms=60_000,
    )


def test_signature_covers_query_then_body_as_sent() -> None:
    query, body = "symbol=BTCUSDT&timestamp=10000", "side=BUY&quantity=1"
    signature = sign(query + body, SECRET)
    check(f"{query}&signature={signature}", body)
    check(query, f"{body}&signature={signature}")
    with pytest.raises(sim_errors.ApiError) as error:
        check(f"{query}&signature={signature}", "side=SELL&quantity=1")
    assert error.value.code == -1022


@pytest.mark.parametrize(
    ("now_ms", "recv_window", "code"),
    [
        (10_000 + 5_000, "5000", None),  # exactly at the edge of the window
        (10_000 + 5_001, "5000", -1021),  # too old
        (10_000 + 5_001, "6000", None),  # a wider window admits it
        (10_000 - 1_000, "5000", -1021),  # from the future beyond the 1 s tolerance
        (10_000, "60001", -1131),  # window larger than allowed
    ],
)
def test_timestamp_must_fall_in_recv_window(
    now_ms: int, recv_window: str, code: int | None
) -> None:
    query = f"timestamp=10000&recvWindow={recv_window}"
    raw = f"{query}&signature={sign(query, SECRET)}"
    if code is None:
        check(raw, now_ms=now_ms, recvWindow=recv_window)
    else:
        with pytest.raises(sim_errors.ApiError) as error:
            check(raw, now_ms=now_ms, recvWindow=recv_window)
        assert error.value.code == code


async def test_real_client_sees_binance_auth_errors(sim: Simulator, client: Any) -> None:
    good = client(sim)
    assert (await good.fetch_balance())["USDT"]["free"] > 0
    wrong_secret = client(sim, secret="x" * 64)
    with pytest.raises(ccxt.AuthenticationError, match="-1022"):
        await wrong_secret.fetch_balance()
    wrong_key = client(sim, apiKey="A" * 64)
    with pytest.raises(ccxt.AuthenticationError, match="-2015"):
        await wrong_key.fetch_open_orders("BTC/USDT")
    late = client(sim, options={**good.options, "timeDifference": 120_000})
    with pytest.raises(ccxt.InvalidNonce, match="-1021"):
        await late.fetch_balance()
    early = client(sim, options={**good.options, "timeDifference": -5_000})
    with pytest.raises(ccxt.InvalidNonce, match="-1021"):
        await early.fetch_balance()
    with pytest.raises(ccxt.ExchangeError, match="-1131"):
        await good.fetch_balance({"recvWindow": 70_000})
    assert (await good.fetch_balance({"recvWindow": 1_000}))["BTC"]["total"] >= 0


async def test_missing_key_or_signature(sim: Simulator) -> None:
    async with aiohttp.ClientSession() as session:
        url = f"{sim.rest_url}/api/v3/account?timestamp=1"
        async with session.get(url) as response:
            assert response.status == 401
            assert (await response.json())["code"] == -2014
        async with session.get(url, headers={"X-MBX-APIKEY": sim.api_key}) as response:
            assert (await response.json())["code"] == -1102
        async with session.post(f"{sim.rest_url}/admin/step") as response:
            assert response.status == 401  # admin endpoints want the key too


async def test_keys_never_reach_the_logs(caplog: pytest.LogCaptureFixture, client: Any) -> None:
    caplog.set_level(logging.DEBUG)
    async with Simulator(
        SimulatorConfig(
            clock="manual", symbols=20, api_key="KeyKeyKey123", api_secret="SecretSecret456"
        )
    ) as simulator:
        exchange = client(simulator, verbose=False)
        await exchange.fetch_balance()
        await exchange.create_market_buy_order("BTC/USDT", 0.001)
        with pytest.raises(ccxt.AuthenticationError):
            await client(simulator, secret="wrong").fetch_balance()
    formatter = JsonFormatter()
    # the server's own records (ccxt's client-side debug log shows its own key: not ours)
    ours = [r for r in caplog.records if r.name.startswith(("tradeplane", "aiohttp"))]
    text = "\n".join(formatter.format(record) for record in ours)
    assert "exchange simulator started" in text and "/api/v3/order" in text
    leaked = "KeyKeyKey123" in text or "SecretSecret456" in text
    assert not leaked
