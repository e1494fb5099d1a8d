"""Replay of real candles from CSV files instead of the synthetic market.

Each `BASE-QUOTE.csv` (columns `timestamp_ms,open,high,low,close,volume`) becomes the
symbol BASEQUOTE. The files are laid on one time grid; a bar missing from a file (an
exchange outage) stays missing in klines, as on the real exchange. The first bars are
history; each later bar is revealed tick by tick (open, one extreme, the other, close)
and equals the real candle once it closes.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from tradeplane.sim.config import SimulatorConfig
from tradeplane.sim.errors import ReplayDataError
from tradeplane.sim.market import BarStore
from tradeplane.sim.universe import DAY_MS, TRADING, Universe, spread_for

DECIMALS = 8  # Binance quotes BTC pairs and volumes with 8 decimals
COLUMNS = "timestamp_ms,open,high,low,close,volume"


def _read(path: Path) -> np.ndarray:
    try:
        with path.open() as handle:
            header = handle.readline().strip()
            if header != COLUMNS:
                raise ReplayDataError(f"{path}: header must be {COLUMNS!r}, not {header!r}")
            data = np.loadtxt(handle, delimiter=",", ndmin=2, dtype=np.float64)
    except (OSError, ValueError) as error:
        raise ReplayDataError(f"{path}: cannot read candles ({error})") from error
    if data.shape[0] == 0 or data.shape[1] != 6:
        raise ReplayDataError(f"{path}: expected rows of 6 columns ({COLUMNS})")
    return data


class ReplaySource:
    """Real candles of several symbols on one grid, revealed one tick at a time."""

    def __init__(self, directory: Path, config: SimulatorConfig) -> None:
        files = sorted(Path(directory).glob("*-*.csv"))
        if not files:
            raise ReplayDataError(f"{directory}: no BASE-QUOTE.csv files to replay")
        if config.ticks_per_bar < 3:
            raise ReplayDataError("replay needs ticks_per_bar >= 3 to reach each high and low")
        tables = [_read(path) for path in files]
        stamps = np.unique(np.concatenate([table[:, 0] for table in tables]).astype(np.int64))
        steps = np.diff(stamps)
        self.interval_ms = int(steps.min()) if len(steps) else config.interval_ms
        if len(steps) and np.any(steps % self.interval_ms):
            raise ReplayDataError(f"{directory}: timestamps are not on one interval grid")
        first = int(stamps[0])
        count = int((stamps[-1] - first) // self.interval_ms) + 1
        n = len(files)
        self.ohlcv = np.zeros((5, count, n))
        self.present = np.zeros((count, n), dtype=bool)
        for column, table in enumerate(tables):
            rows = (table[:, 0].astype(np.int64) - first) // self.interval_ms
            self.ohlcv[:, rows, column] = np.round(table[:, 1:6].T, DECIMALS)
            self.present[rows, column] = True
        self._fill_gaps()
        self.times = first + np.arange(count, dtype=np.int64) * self.interval_ms
        self.ticks_per_bar = config.ticks_per_bar
        self.cursor = 0
        names = [path.stem.upper().split("-", 1) for path in files]
        self.universe = self._universe(names, config)

    def _fill_gaps(self) -> None:
        """Missing bars become flat bars at the previous close with no volume."""
        o, h, low, c, v = self.ohlcv
        for column in range(o.shape[1]):
            have = np.flatnonzero(self.present[:, column])
            if len(have) == 0:
                continue
            last = o[have[0], column]
            for row in range(o.shape[0]):
                if self.present[row, column]:
                    last = c[row, column]
                else:
                    o[row, column] = h[row, column] = low[row, column] = c[row, column] = last
                    v[row, column] = 0.0

    def _universe(self, names: list[list[str]], config: SimulatorConfig) -> Universe:
        n = len(names)
        o, _, _, c, v = self.ohlcv
        quote_usd = np.array([config.quote_usd_prices.get(quote, 1.0) for _, quote in names])
        days = max(1.0, len(self.times) * self.interval_ms / DAY_MS)
        usd_volume = (v * c).sum(axis=0) / days * quote_usd
        returns = np.diff(np.log(np.maximum(c, 1e-12)), axis=0)
        first_seen = self.present.argmax(axis=0)
        rng = np.random.default_rng([config.seed, 5])
        return Universe(
            symbols=[base + quote for base, quote in names],
            bases=[base for base, _ in names],
            quotes=[quote for _, quote in names],
            statuses=[TRADING] * n,
            price_decimals=np.full(n, DECIMALS),
            qty_decimals=np.full(n, DECIMALS),
            onboard_ms=self.times[first_seen].copy(),
            sector=np.arange(n) % 8,
            quote_usd=quote_usd,
            usd_volume=np.maximum(usd_volume, 1.0),
            spread_frac=spread_for(np.maximum(usd_volume, 1.0), rng.normal(size=n)),
            sigma=np.maximum(returns.std(axis=0), 1e-6) if len(returns) else np.full(n, 1e-3),
            beta=np.ones(n),
            gamma=np.ones(n),
            start_price=o[0].copy(),
        )

    def shift(self, shift_ms: int) -> None:
        """Move every timestamp by `shift_ms` (to make the replay end near now)."""
        self.times = self.times + shift_ms
        self.universe.onboard_ms[:] += shift_ms

    def default_start(self, config: SimulatorConfig) -> int:
        wanted = config.replay_start_bars or config.history_bars
        return max(1, min(wanted, len(self.times) - 1))

    def fill_history(self, store: BarStore, *, start: int) -> None:
        """Bars before `start` are history; bar `start` opens as the live bar."""
        o, h, low, c, v = self.ohlcv
        store.present = np.zeros((store.capacity, o.shape[1]), dtype=bool)
        for row in range(start):
            store.append(int(self.times[row]), o[row], self.present[row])
            store.set_last(high=h[row], low=low[row], close=c[row], volume=v[row])
        self.cursor = start
        store.append(int(self.times[start]), o[start], self.present[start])

    # -- live -----------------------------------------------------------------------------
    def next_tick(self, tick_in_bar: int) -> tuple[np.ndarray, np.ndarray] | None:
        if self.cursor >= len(self.times):
            return None
        o, h, low, c, v = (array[self.cursor] for array in self.ohlcv)
        k = self.ticks_per_bar
        done = tick_in_bar + 1
        first, second = k // 3, 2 * k // 3
        up = c >= o
        extreme_1 = np.where(up, low, h)
        extreme_2 = np.where(up, h, low)
        if done <= first:
            price = o + (extreme_1 - o) * done / first
        elif done <= second:
            price = extreme_1 + (extreme_2 - extreme_1) * (done - first) / (second - first)
        else:
            price = extreme_2 + (c - extreme_2) * (done - second) / (k - second)
        price = np.round(price, DECIMALS)
        cumulative = np.round(v * done / k, DECIMALS)
        before = np.round(v * tick_in_bar / k, DECIMALS)
        return price, cumulative - before

    def next_bar_open(self, close: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
        self.cursor += 1
        if self.cursor >= len(self.times):
            return None
        return self.ohlcv[0, self.cursor].copy(), self.present[self.cursor]

    def spread_mult(self) -> np.ndarray:
        return np.ones(len(self.universe))

    def set_price(self, index: int, price: float) -> None:
        """Replayed prices are history: overriding them is not supported."""
        raise ValueError("set_price is not available while replaying candles")
