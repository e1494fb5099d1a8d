"""The simulator as a process part: clock, admin endpoints, client settings, CLI, scale."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
import pytest

from tradeplane.sim import Simulator, SimulatorConfig, client_overrides
from tradeplane.sim.__main__ import build_parser, config_from_args


async def test_realtime_clock_follows_the_wall_clock_times_speed() -> None:
    sim = Simulator(SimulatorConfig(symbols=20, speed=300.0))  # a 3 s tick every 10 ms
    await sim.start()
    market = sim.state.market
    try:
        ticks = market.tick_count
        await asyncio.sleep(0.3)
        assert market.tick_count - ticks >= 10
        behind = sim._target_ms() - market.now_ms
        assert -market.tick_ms <= behind <= 5 * market.tick_ms
    finally:
        await sim.stop()
    stopped_at = market.tick_count
    await asyncio.sleep(0.05)
    assert market.tick_count == stopped_at
    with pytest.raises(aiohttp.ClientConnectionError):
        async with aiohttp.ClientSession() as session:
            await session.get(f"{sim.rest_url}/api/v3/ping")


async def test_realtime_market_starts_at_now_with_history_behind_it() -> None:
    async with Simulator(SimulatorConfig(symbols=20)) as sim:
        market, wall = sim.state.market, sim.state.wall_ms()
        assert 0 <= wall - market.now_ms <= market.tick_ms + 50  # the open bar caught up
        assert market.bars.times[0] == market.bars.times[market.bars.last] - 1500 * 300_000


async def test_admin_endpoints(start_sim: Callable[..., Awaitable[Simulator]], client: Any) -> None:
    sim = await start_sim(ticks_per_bar=5)
    exchange = client(sim)
    async with aiohttp.ClientSession(
        base_url=sim.rest_url, headers={"X-MBX-APIKEY": sim.api_key}
    ) as session:
        async with session.get("/admin/state") as response:
            state = await response.json()
        assert state["tick"] == 0 and state["symbols"] == 40
        async with session.post("/admin/step", json={"bars": 2, "ticks": 1}) as response:
            stepped = await response.json()
        assert stepped["ticks"] == 11 and stepped["time"] == state["time"] + 11 * 60_000
        async with session.post(
            "/admin/price", json={"symbol": "ETHUSDT", "price": "1234.56"}
        ) as response:
            assert response.status == 200
        async with session.post("/admin/step", json={}) as response:
            assert (await response.json())["ticks"] == 1
        assert (await exchange.fetch_ticker("ETH/USDT"))["last"] == 1234.56
        async with session.post(
            "/admin/balance", json={"asset": "ABC", "free": "42.5"}
        ) as response:
            assert (await response.json())["free"] == "42.5"
        assert (await exchange.fetch_balance())["ABC"]["free"] == 42.5
        async with session.post("/admin/price", json={"symbol": "NOPE", "price": "1"}) as response:
            assert (await response.json())["code"] == -1121


def test_client_overrides_point_every_product_at_the_simulator() -> None:
    class Address:
        rest_url, ws_url = "http://127.0.0.1:9", "ws://127.0.0.1:9/ws"
        api_key, api_secret = "k", "s"

    config = client_overrides(Address())
    api = config["urls"]["api"]
    assert api["public"] == api["private"] == "http://127.0.0.1:9/api/v3"
    assert api["sapi"] == "http://127.0.0.1:9/sapi/v1"
    assert all(url.startswith("http://127.0.0.1:9/") for key, url in api.items() if key != "ws")
    assert api["ws"]["spot"] == "ws://127.0.0.1:9/ws"
    assert config["options"]["fetchMarkets"] == {"types": ["spot"]}
    assert config["options"]["fetchCurrencies"] is False
    assert (config["apiKey"], config["secret"]) == ("k", "s")
    assert "apiKey" not in client_overrides(Address(), credentials=False)


def test_cli_arguments_become_a_config() -> None:
    args = build_parser().parse_args(
        [
            "--host",
            "0.0.0.0",
            "--port",
            "0",
            "--symbols",
            "50",
            "--seed",
            "9",
            "--replay",
            "some/dir",
            "--manual",
        ]
    )
    config = config_from_args(args)
    assert (config.host, config.port, config.symbols, config.seed) == ("0.0.0.0", 0, 50, 9)
    assert str(config.replay_dir) == "some/dir" and config.replay_align_to_now
    assert config.clock == "manual"


async def test_cli_prints_urls_and_credentials_and_stops_on_sigint() -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tradeplane.sim",
        "--port",
        "0",
        "--symbols",
        "20",
        "--manual",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        lines = [
            (await asyncio.wait_for(process.stdout.readline(), 30)).decode()  # type: ignore[union-attr]
            for _ in range(4)
        ]
        printed = dict(
            line.split(None, 1)
            if not line.startswith("API")
            else (" ".join(line.split()[:2]), line.split()[2])
            for line in lines
        )
        rest = printed["REST"].strip()
        assert rest.endswith("/api/v3") and printed["WebSocket"].strip().endswith("/ws")
        async with aiohttp.ClientSession() as session:
            async with session.get(f"{rest}/ping") as response:
                assert await response.json() == {}
            root = rest.removesuffix("/api/v3")
            async with session.get(
                f"{root}/admin/state", headers={"X-MBX-APIKEY": printed["API key"]}
            ) as response:
                assert (await response.json())["symbols"] == 20
        assert len(printed["API secret"].strip()) == 64
    finally:
        process.send_signal(signal.SIGINT)
        try:
            await asyncio.wait_for(process.wait(), 15)
        except TimeoutError:
            process.kill()
            await process.wait()
    assert process.returncode == 0


async def test_five_thousand_symbols_serve_markets_and_all_tickers(client: Any) -> None:
    async with Simulator(SimulatorConfig(symbols=5000, clock="manual")) as sim:
        exchange = client(sim)
        markets = await exchange.load_markets()
        tickers = await exchange.fetch_tickers()
        assert len(markets) == len(tickers) == 5000
        volumes = sorted(
            t["quoteVolume"] * (60_000 if t["symbol"].endswith("/BTC") else 1)
            for t in tickers.values()
        )
        assert volumes[-1] / volumes[2500] > 100  # orders of magnitude apart
