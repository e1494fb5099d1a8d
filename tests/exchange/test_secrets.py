"""API keys and secrets never reach logs, reprs or error messages (captured at DEBUG)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

import pytest

from tests.exchange.conftest import ticking
from tradeplane.exchange import (
    AuthenticationFailed,
    ExchangeGateway,
    ExchangeUnavailable,
    RateLimited,
)
from tradeplane.exchange.client import CCXT_LOGGER
from tradeplane.logs import JsonFormatter
from tradeplane.sim import FaultConfig, FaultKind, Simulator

MakeGateway = Callable[..., Awaitable[ExchangeGateway]]


async def test_credentials_appear_nowhere_in_the_logs(
    start_sim: Callable[..., Awaitable[Simulator]],
    gateway_for: MakeGateway,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)  # every logger, ccxt's and aiohttp's included
    sim = await start_sim(ticks_per_bar=10)
    key, secret = sim.api_key, sim.api_secret
    gateway = await gateway_for(sim, retry={"max_attempts": 2, "max_retry_after_seconds": 0})
    messages: list[str] = [repr(gateway), repr(gateway.config), str(gateway.config)]

    await gateway.fetch_tickers()
    await gateway.fetch_balances()
    order = await gateway.create_order("BTC/USDT", "buy", "limit", 0.01, 1000.0)
    await gateway.cancel_order(order.id, "BTC/USDT")
    await gateway.fetch_my_trades("BTC/USDT")
    sim.set_faults(FaultConfig(rates={FaultKind.SERVER_ERROR: 1.0}, paths=("/api/v3/account",)))
    with pytest.raises(ExchangeUnavailable) as unavailable:  # signed URL in ccxt's message
        await gateway.fetch_balances()
    sim.set_faults(FaultConfig(rates={FaultKind.RATE_LIMITED: 1.0}, count=1))
    with pytest.raises(RateLimited) as limited:
        await gateway.fetch_order(order.id, "BTC/USDT")
    sim.set_faults(FaultConfig())
    wrong = await gateway_for(sim, api_secret="s3cr3t-" * 9)
    with pytest.raises(AuthenticationFailed) as refused:
        await wrong.fetch_balances()
    updates = gateway.watch_candles("BTC/USDT", "5m")
    async with ticking(sim):
        await asyncio.wait_for(anext(updates), 10)
    await updates.aclose()

    for raised in (unavailable, limited, refused):
        messages += [str(raised.value), repr(raised.value), str(raised.value.__cause__)]
    assert "signature=***" in str(unavailable.value)
    formatter = JsonFormatter()
    for record in caplog.records:
        messages += [record.getMessage(), formatter.format(record), repr(vars(record))]
    for text in messages:
        assert key not in text and secret not in text and "s3cr3t-s3cr3t" not in text
    # ccxt's own request logging went through the redacting logger (the test can fail)
    ccxt_lines = [r.getMessage() for r in caplog.records if r.name == CCXT_LOGGER]
    assert any("X-MBX-APIKEY" in line and "***" in line for line in ccxt_lines)
