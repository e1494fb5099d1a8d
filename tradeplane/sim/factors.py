"""Synthetic prices: a correlated factor model with regimes, deterministic from the seed.

Log returns per bar are `beta * market + gamma * sector + sigma * noise`, scaled by the
regime of the symbol's sector, plus a drift in a trend and a pull back to an anchor in a
range. Sector regimes (range, trend, high volatility) switch as a Markov chain, so some
sectors trend while others chop, and symbols of one sector move together. Volumes are
log-normal around each symbol's 24h target and surge with big moves and news-like bursts.
"""

from __future__ import annotations

import numpy as np

from tradeplane.sim.config import SimulatorConfig
from tradeplane.sim.market import BarStore
from tradeplane.sim.universe import DAY_MS, SECTORS, Universe

RANGE, TREND, HIGH_VOLATILITY = 0, 1, 2
REGIME_NAMES = ("range", "trend", "high_volatility")
VOL_MULT = np.array([0.7, 1.0, 2.5])
VOLUME_MULT = np.array([0.8, 1.15, 2.0])
SPREAD_MULT = np.array([1.0, 1.0, 1.6])
SWITCH_PROBABILITY = 1 / 150  # mean regime length: 150 bars (12.5 h of 5m bars)
MARKET_SIGMA = 0.0018  # per 5m bar; alts correlate about 0.4-0.5
SECTOR_SIGMA = 0.0009
TREND_DRIFT = 0.12  # of the symbol's total volatility per bar
RANGE_PULL = 0.03  # share of the distance to the anchor closed per bar
SURGE_PROBABILITY = 1 / 600
SURGE_DECAY = 0.8


class FactorModel:
    """Generates the history and then the live ticks of every symbol at once."""

    def __init__(self, universe: Universe, config: SimulatorConfig) -> None:
        self.universe = universe
        self.ticks_per_bar = config.ticks_per_bar
        scale = np.sqrt(config.interval_ms / 300_000)  # parameters are per 5m bar
        self.market_sigma = MARKET_SIGMA * scale
        self.sector_sigma = SECTOR_SIGMA * scale
        self.history_rng = np.random.default_rng([config.seed, 2])
        self.live_rng = np.random.default_rng([config.seed, 3])
        n = len(universe)
        self.log_price = np.log(universe.start_price)
        self.anchor = self.log_price.copy()
        self.regime = self.history_rng.integers(0, 3, SECTORS)
        self.direction = self.history_rng.choice([-1.0, 1.0], SECTORS)
        self.surge = np.zeros(n)
        self.usd_per_bar = universe.usd_volume / (DAY_MS / config.interval_ms)
        self.frozen = ~universe.trading
        self.overrides: dict[int, float] = {}

    # -- regimes -------------------------------------------------------------------------
    def _advance_regimes(self, rng: np.random.Generator) -> None:
        switching = rng.random(SECTORS) < SWITCH_PROBABILITY
        if switching.any():
            self.regime = np.where(switching, rng.integers(0, 3, SECTORS), self.regime)
            self.direction = np.where(switching, rng.choice([-1.0, 1.0], SECTORS), self.direction)
            entered_range = switching[self.universe.sector] & (
                self.regime[self.universe.sector] == RANGE
            )
            self.anchor = np.where(entered_range, self.log_price, self.anchor)
        hit = rng.random(len(self.surge)) < SURGE_PROBABILITY
        self.surge = self.surge * SURGE_DECAY + np.where(hit, rng.uniform(2, 6, len(hit)), 0.0)

    def symbol_regimes(self) -> np.ndarray:
        """Current regime per symbol (RANGE, TREND or HIGH_VOLATILITY)."""
        return self.regime[self.universe.sector]

    def spread_mult(self) -> np.ndarray:
        return SPREAD_MULT[self.symbol_regimes()]

    # -- returns and volumes ------------------------------------------------------------
    def _returns(self, rng: np.random.Generator, fraction: float) -> tuple[np.ndarray, np.ndarray]:
        """Log returns over `fraction` of a bar and the effective volatility per symbol."""
        u = self.universe
        regime = self.symbol_regimes()
        vol = VOL_MULT[regime]
        root = np.sqrt(fraction)
        market = rng.normal() * self.market_sigma * root
        sectors = rng.normal(size=SECTORS) * self.sector_sigma * root
        noise = rng.normal(size=len(u))
        total_sigma = np.sqrt((u.beta * self.market_sigma) ** 2 + u.sigma**2) * vol
        returns = (
            (u.beta * market + u.gamma * sectors[u.sector] + u.sigma * noise * root) * vol
            + np.where(regime == TREND, self.direction[u.sector] * TREND_DRIFT, 0.0)
            * total_sigma
            * fraction
            - np.where(regime == RANGE, RANGE_PULL * fraction, 0.0) * (self.log_price - self.anchor)
        )
        returns[self.frozen] = 0.0
        return returns, total_sigma * root

    def _usd_volume(
        self, rng: np.random.Generator, fraction: float, move: np.ndarray, sigma: np.ndarray
    ) -> np.ndarray:
        regime = self.symbol_regimes()
        spread = 0.4 if fraction >= 1.0 else 0.6  # single ticks are noisier than bars
        size = rng.lognormal(-(spread**2) / 2, spread, len(move))  # mean 1
        activity = 0.6 + 0.4 * np.abs(move) / np.maximum(sigma, 1e-12)
        usd = self.usd_per_bar * fraction * size * activity * VOLUME_MULT[regime]
        usd = usd * (1.0 + self.surge)
        usd[self.frozen] = 0.0
        return usd

    def _to_price(self, log_price: np.ndarray) -> np.ndarray:
        tick = self.universe.tick
        return np.maximum(np.rint(np.exp(log_price) / tick), 1.0) * tick

    def _to_qty(self, usd: np.ndarray, price: np.ndarray) -> np.ndarray:
        step = self.universe.step
        return np.floor(usd / (price * self.universe.quote_usd) / step) * step

    # -- history --------------------------------------------------------------------------
    def fill_history(self, store: BarStore, *, first_open_ms: int, bars: int) -> None:
        """Write `bars` closed bars from `first_open_ms`, then open the live bar."""
        rng = self.history_rng
        u = self.universe
        n = len(u)
        # frozen (non-trading) symbols stop trading somewhere in the second half of history
        frozen_from = rng.integers(bars // 2, bars, n)
        self.frozen = np.zeros(n, dtype=bool)
        price = self._to_price(self.log_price)
        for t in range(bars):
            self.frozen = ~u.trading & (t >= frozen_from)
            self._advance_regimes(rng)
            returns, sigma = self._returns(rng, 1.0)
            opened = price
            self.log_price = self.log_price + returns
            price = self._to_price(self.log_price)
            wick = np.abs(rng.normal(size=(2, n))) * 0.5 * sigma
            wick[:, self.frozen] = 0.0
            top = np.maximum(opened, price)
            bottom = np.minimum(opened, price)
            high = np.maximum(np.rint(top * np.exp(wick[0]) / u.tick) * u.tick, top)
            low = np.clip(np.rint(bottom * np.exp(-wick[1]) / u.tick) * u.tick, u.tick, bottom)
            volume = self._to_qty(self._usd_volume(rng, 1.0, returns, sigma), price)
            store.append(first_open_ms + t * store.interval_ms, opened)
            store.set_last(high=high, low=low, close=price, volume=volume)
        self.frozen = ~u.trading
        store.append(first_open_ms + bars * store.interval_ms, price)

    # -- live -----------------------------------------------------------------------------
    def next_bar_open(self, close: np.ndarray) -> tuple[np.ndarray, None]:
        self._advance_regimes(self.live_rng)
        return close, None

    def next_tick(self, tick_in_bar: int) -> tuple[np.ndarray, np.ndarray]:
        """New last price and traded quantity of every symbol for one tick."""
        fraction = 1.0 / self.ticks_per_bar
        returns, sigma = self._returns(self.live_rng, fraction)
        self.log_price = self.log_price + returns
        for index, target in self.overrides.items():
            self.log_price[index] = np.log(target)
            self.anchor[index] = self.log_price[index]
        self.overrides.clear()
        price = self._to_price(self.log_price)
        volume = self._to_qty(self._usd_volume(self.live_rng, fraction, returns, sigma), price)
        return price, volume

    def set_price(self, index: int, price: float) -> None:
        """The next tick of symbol `index` trades at `price` (tests, admin endpoint)."""
        self.overrides[index] = price

    @property
    def exhausted(self) -> bool:
        return False
