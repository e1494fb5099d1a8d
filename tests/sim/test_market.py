"""The synthetic market without a server: determinism, shape of the universe, bars, ticks."""

from __future__ import annotations

import numpy as np
import pytest

from tradeplane.sim.config import SimulatorConfig
from tradeplane.sim.factors import HIGH_VOLATILITY, RANGE, TREND, FactorModel
from tradeplane.sim.market import align
from tradeplane.sim.state import build_state
from tradeplane.sim.universe import TRADING

NOW = 1_700_000_123_456


def state(**overrides: object):  # type: ignore[no-untyped-def]
    config = SimulatorConfig(**{"clock": "manual", "symbols": 300, "seed": 5, **overrides})
    return build_state(config, wall_ms=lambda: NOW)


@pytest.fixture(scope="module")
def market_state():  # type: ignore[no-untyped-def]
    return state()


def test_same_seed_gives_the_same_markets_and_candles() -> None:
    first, second = state(symbols=120), state(symbols=120)
    assert first.universe.symbols == second.universe.symbols
    assert first.universe.statuses == second.universe.statuses
    bars = first.market.bars
    assert np.array_equal(bars.close[: bars.length], second.market.bars.close[: bars.length])
    for _ in range(7):
        first.market.step()
        second.market.step()
    assert np.array_equal(first.market.bars.close, second.market.bars.close)
    other = state(symbols=120, seed=6)
    assert other.universe.symbols != first.universe.symbols


def test_universe_has_anchors_statuses_listing_dates_and_precision(market_state) -> None:  # type: ignore[no-untyped-def]
    u = market_state.universe
    assert u.symbols[:3] == ["BTCUSDT", "ETHUSDT", "BNBUSDT"]
    assert len(set(u.symbols)) == len(u.symbols) == 300
    assert set(u.quotes) == {"USDT", "BTC"}
    assert {"BREAK", "HALT"} & set(u.statuses)
    assert 0.9 < u.statuses.count(TRADING) / len(u) < 1.0
    age_days = (market_state.market.now_ms - u.onboard_ms) / 86_400_000
    assert (age_days < 61).any() and (age_days > 365).any()
    # prices sit on the tick grid (float32 storage stays well within half a tick) with at
    # most about six significant digits
    close = market_state.market.bars.close[market_state.market.bars.last].astype(float)
    ticks = close / u.tick
    assert np.allclose(ticks, np.rint(ticks), rtol=0, atol=0.1)
    assert ((ticks >= 100) & (ticks < 2e6)).all()  # low-priced BTC pairs have coarse ticks


def test_volumes_span_orders_of_magnitude_so_stage_one_filters_bite(market_state) -> None:  # type: ignore[no-untyped-def]
    m, u = market_state.market, market_state.universe
    usd_volume = m.day_stats()["quote_volume"] * u.quote_usd
    assert usd_volume.max() / np.median(usd_volume[usd_volume > 0]) > 50
    big = usd_volume > 50e6
    assert 0.03 < big.mean() < 0.4
    bid, ask = m.quotes()
    spread = (ask - bid) / ((ask + bid) / 2)
    tight = spread < 0.0005
    assert 0.1 < tight.mean() < 0.9
    # thinner books quote wider spreads
    assert np.median(spread[big]) < np.median(spread[~big])


def test_sectors_move_together_and_regimes_differ() -> None:
    s = state(symbols=200, history_bars=1500)
    u = s.universe
    closes = s.market.bars.close[: s.market.bars.length].astype(float)
    returns = np.diff(np.log(closes), axis=0)
    trading = np.flatnonzero(u.trading)[:150]
    corr = np.corrcoef(returns[:, trading].T)
    same = u.sector[trading][:, None] == u.sector[trading][None, :]
    off_diagonal = ~np.eye(len(trading), dtype=bool)
    assert corr[same & off_diagonal].mean() > corr[~same].mean() > 0.1
    model = s.market.source
    assert isinstance(model, FactorModel)
    seen = set()
    for _ in range(3000):  # regimes of the 8 sectors over 3000 bars
        model._advance_regimes(model.live_rng)
        seen |= set(model.regime.tolist())
    assert seen == {RANGE, TREND, HIGH_VOLATILITY}


def test_ticks_build_the_live_bar_and_close_it(market_state) -> None:  # type: ignore[no-untyped-def]
    s = state(symbols=30, ticks_per_bar=4)
    m, bars = s.market, s.market.bars
    opened_at, length = int(bars.times[bars.last]), bars.length
    assert m.now_ms == opened_at == align(NOW, 300_000)
    events = [m.step() for _ in range(4)]
    assert [e.closed for e in events] == [False, False, False, True]
    assert bars.length == length + 1 and bars.times[bars.last] == opened_at + 300_000
    closed = bars.last - 1
    prices = np.array([e.trade_price for e in events])
    assert np.allclose(bars.high[closed], np.maximum(prices.max(0), bars.open[closed]))
    assert np.allclose(bars.low[closed], np.minimum(prices.min(0), bars.open[closed]))
    assert np.allclose(bars.close[closed], prices[-1])
    traded = np.array([e.trade_qty for e in events]).sum(0)
    assert np.allclose(bars.volume[closed], traded, rtol=1e-5)
    assert np.array_equal(bars.open[bars.last], bars.close[closed])
    frozen = ~s.universe.trading
    assert (traded[frozen] == 0).all() and (traded[~frozen] > 0).all()


def test_higher_timeframes_aggregate_base_bars(market_state) -> None:  # type: ignore[no-untyped-def]
    m = market_state.market
    hour = m.klines(0, 3_600_000, start=None, end=None, limit=5)
    assert len(hour) == 5
    first = hour[0][0]
    assert first % 3_600_000 == 0
    five = m.klines(0, 300_000, start=first, end=None, limit=12)
    assert [row[0] for row in five] == [first + i * 300_000 for i in range(12)]
    assert hour[0][1] == five[0][1]
    assert hour[0][2] == max(r[2] for r in five)
    assert hour[0][3] == min(r[3] for r in five)
    assert hour[0][4] == five[-1][4]
    assert hour[0][5] == pytest.approx(sum(r[5] for r in five))


def test_klines_select_like_binance(market_state) -> None:  # type: ignore[no-untyped-def]
    m = market_state.market
    latest = m.klines(0, 300_000, start=None, end=None, limit=3)
    assert latest[-1][0] == m.bars.times[m.bars.last]  # the open bar is included
    end = latest[0][0]
    before = m.klines(0, 300_000, start=None, end=end, limit=2)
    assert [r[0] for r in before] == [end - 300_000, end]
    window = m.klines(0, 900_000, start=end - 3_600_000, end=end, limit=100)
    assert all(end - 3_600_000 <= r[0] <= end for r in window)
    assert len(window) == 5 if (end - 3_600_000) % 900_000 == 0 else 4
