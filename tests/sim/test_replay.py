"""Replay of real Binance candles: ccxt's fetch_ohlcv gives the CSV candles back."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tradeplane.sim import Simulator, SimulatorConfig
from tradeplane.sim.errors import ReplayDataError
from tradeplane.sim.market import align
from tradeplane.sim.replay import ReplaySource

FIVE_MINUTES = 300_000


def candles(folder: Path, name: str) -> np.ndarray:
    return np.loadtxt(folder / name, delimiter=",", skiprows=1)


async def backfill(exchange: Any, symbol: str, since: int) -> list[list[float]]:
    """Paginate forward from `since` as a gateway backfill does."""
    rows: list[list[float]] = []
    while True:
        page = await exchange.fetch_ohlcv(symbol, "5m", since=since, limit=1000)
        rows += page
        if len(page) < 1000:
            return rows
        since = page[-1][0] + 1


def assert_same(rows: list[list[float]], expected: np.ndarray) -> None:
    got = np.array(rows)
    assert got.shape == expected.shape
    assert np.array_equal(got[:, 0], expected[:, 0])
    np.testing.assert_allclose(got[:, 1:], expected[:, 1:], rtol=1e-12, atol=1e-12)


async def test_backfill_returns_the_real_candles(
    replay_dir: Path, start_sim: Callable[..., Awaitable[Simulator]], client: Any
) -> None:
    sim = await start_sim(replay_dir=replay_dir, replay_start_bars=2500, ticks_per_bar=4)
    exchange = client(sim)
    markets = await exchange.load_markets()
    assert sorted(markets) == ["ADA/BTC", "ETH/BTC", "ZEC/BTC"]
    live_open = sim.state.market.bars.times[sim.state.market.bars.last]
    for name, symbol in (("ETH-BTC.csv", "ETH/BTC"), ("ADA-BTC.csv", "ADA/BTC")):
        real = candles(replay_dir, name)
        history = real[real[:, 0] < live_open]
        rows = await backfill(exchange, symbol, int(real[0, 0]))
        assert_same(rows[:-1], history)  # the last row is the live bar
        assert rows[-1][0] == live_open
    ada = candles(replay_dir, "ADA-BTC.csv")
    gaps = np.flatnonzero(np.diff(ada[:, 0]) > FIVE_MINUTES)
    assert len(gaps) and ada[gaps[0], 0] < live_open  # ADA's outage stays a gap in klines


async def test_stepping_reveals_the_next_real_candle(
    replay_dir: Path, start_sim: Callable[..., Awaitable[Simulator]], client: Any
) -> None:
    sim = await start_sim(replay_dir=replay_dir, replay_start_bars=400, ticks_per_bar=6)
    exchange = client(sim)
    real = candles(replay_dir, "ETH-BTC.csv")
    await sim.step(2)  # a third of the way into bar 400
    live = (await exchange.fetch_ohlcv("ETH/BTC", "5m", limit=1))[-1]
    assert live[0] == real[400, 0] and live[1] == pytest.approx(real[400, 1])
    assert real[400, 3] - 1e-12 <= live[4] <= real[400, 2] + 1e-12
    assert 0 < live[5] < real[400, 5]
    await sim.step(4)  # bar 400 closes, bar 401 opens
    rows = await exchange.fetch_ohlcv("ETH/BTC", "5m", since=int(real[400, 0]), limit=2)
    assert_same(rows[:1], real[400:401])
    assert rows[1][0] == real[401, 0]
    ticker = await exchange.fetch_ticker("ETH/BTC")
    window = real[401 - 287 : 401]  # the 24h window: 288 bars, the last one just opened
    assert ticker["baseVolume"] == pytest.approx(window[:, 5].sum(), rel=1e-9)
    assert ticker["high"] == pytest.approx(max(window[:, 2].max(), real[401, 1]))


async def test_aligned_replay_ends_now_and_runs_out(
    tmp_path: Path,
    replay_dir: Path,
    start_sim: Callable[..., Awaitable[Simulator]],
    client: Any,
) -> None:
    folder = tmp_path / "short"
    folder.mkdir()
    lines = (replay_dir / "ETH-BTC.csv").read_text().splitlines()[:51]  # header + 50 bars
    (folder / "ETH-BTC.csv").write_text("\n".join(lines) + "\n")
    real = candles(folder, "ETH-BTC.csv")
    sim = await start_sim(replay_dir=folder, replay_align_to_now=True, ticks_per_bar=3)
    exchange = client(sim)
    rows = await exchange.fetch_ohlcv("ETH/BTC", "5m", limit=1000)
    now = exchange.milliseconds()
    shift = rows[-1][0] - int(real[49, 0])
    assert 0 <= align(now, FIVE_MINUTES) - rows[-1][0] <= FIVE_MINUTES  # the live bar opened now
    assert_same([[r[0] - shift, *r[1:]] for r in rows[:-1]], real[:49])
    assert await sim.step(10) == 3  # only the last candle was left
    assert sim.state.market.exhausted
    rows = await exchange.fetch_ohlcv("ETH/BTC", "5m", limit=2)
    assert_same([[r[0] - shift, *r[1:]] for r in rows], real[48:50])


def test_bad_replay_folders_say_what_is_wrong(tmp_path: Path) -> None:
    config = SimulatorConfig(clock="manual")
    with pytest.raises(ReplayDataError, match=r"no BASE-QUOTE\.csv"):
        ReplaySource(tmp_path, config)
    (tmp_path / "AB-CD.csv").write_text("time,o,h,l,c,v\n1,2,3,4,5,6\n")
    with pytest.raises(ReplayDataError, match="header"):
        ReplaySource(tmp_path, config)
    (tmp_path / "AB-CD.csv").write_text("timestamp_ms,open,high,low,close,volume\n1,2,x\n")
    with pytest.raises(ReplayDataError, match=r"AB-CD\.csv"):
        ReplaySource(tmp_path, config)
