"""`CandleWindow`: the last `capacity` bars of every symbol of one timeframe (pure numpy).

Bars live in a ring over a shared time axis (the column of open time t is
`(t // step) % capacity`), so a new bar costs O(symbols) however long the window; a
missing bar is NaN. `history()` lays the window out oldest first for a batch compute.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

FIELD_NAMES = ("open", "high", "low", "close", "volume")
FIELD_COUNT = len(FIELD_NAMES)
NO_BAR = np.iinfo(np.int64).min


class CandleWindow:
    """Rolling OHLCV of many symbols; rows are symbols, in the order they were added."""

    def __init__(self, *, step_ms: int, capacity: int) -> None:
        self.step_ms = step_ms
        self.capacity = capacity
        self.symbols: list[str] = []
        self.index: dict[str, int] = {}
        self.newest_ms: int | None = None
        self._data = np.full((FIELD_COUNT, 0, capacity), np.nan)
        self._last_ms = np.empty(0, dtype=np.int64)  # newest bar held per symbol

    def __len__(self) -> int:
        return len(self.symbols)

    @property
    def oldest_ms(self) -> int | None:
        """Open time of the window's first column (None while empty)."""
        if self.newest_ms is None:
            return None
        return self.newest_ms - (self.capacity - 1) * self.step_ms

    @property
    def last_ms(self) -> np.ndarray:
        """Open time of each symbol's newest bar in the window (int64, (symbols,))."""
        return self._last_ms

    def columns(self, times_ms: np.ndarray) -> np.ndarray:
        """Ring columns of open times (which must lie within the window)."""
        return (times_ms // self.step_ms) % self.capacity

    def add_symbols(self, names: Sequence[str]) -> None:
        """Append rows (all bars missing) for symbols not yet held."""
        fresh = [name for name in dict.fromkeys(names) if name not in self.index]
        if not fresh:
            return
        for name in fresh:
            self.index[name] = len(self.symbols)
            self.symbols.append(name)
        blank = np.full((FIELD_COUNT, len(fresh), self.capacity), np.nan)
        self._data = np.concatenate([self._data, blank], axis=1)
        self._last_ms = np.concatenate([self._last_ms, np.full(len(fresh), NO_BAR)])

    def remove_symbols(self, names: Sequence[str]) -> None:
        """Drop the rows of `names` (unknown names are ignored)."""
        rows = [self.index[name] for name in names if name in self.index]
        if not rows:
            return
        keep = np.setdiff1d(np.arange(len(self.symbols)), rows)
        self._data = self._data[:, keep]
        self._last_ms = self._last_ms[keep]
        self.symbols = [self.symbols[row] for row in keep]
        self.index = {name: row for row, name in enumerate(self.symbols)}

    def advance(self, newest_ms: int) -> None:
        """Move the window's end to `newest_ms` (no-op unless later); bars that fall out
        of the window are forgotten."""
        if self.newest_ms is not None and newest_ms <= self.newest_ms:
            return
        if self.newest_ms is None:
            steps = self.capacity
        else:
            steps = min((newest_ms - self.newest_ms) // self.step_ms, self.capacity)
        cleared = newest_ms - np.arange(steps, dtype=np.int64) * self.step_ms
        self._data[:, :, self.columns(cleared)] = np.nan
        self.newest_ms = newest_ms
        oldest = self.oldest_ms
        assert oldest is not None
        self._last_ms[self._last_ms < oldest] = NO_BAR

    def read(self, rows: np.ndarray, times_ms: np.ndarray) -> np.ndarray:
        """The (len(rows), 5) values held at (row, open time); times within the window."""
        return self._data[:, rows, self.columns(times_ms)].T

    def write(self, rows: np.ndarray, times_ms: np.ndarray, values: np.ndarray) -> None:
        """Store bars (values (n, 5)) at (row, open time); times within the window."""
        self._data[:, rows, self.columns(times_ms)] = values.T
        np.maximum.at(self._last_ms, rows, times_ms)

    def history(self) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """The open times (bars,) and fields {name: (symbols, bars)}, oldest bar first."""
        if self.newest_ms is None:
            return np.empty(0, dtype=np.int64), {
                name: np.empty((len(self.symbols), 0)) for name in FIELD_NAMES
            }
        times = self.newest_ms - np.arange(self.capacity - 1, -1, -1, dtype=np.int64) * self.step_ms
        ordered = self._data[:, :, self.columns(times)]
        return times, {name: ordered[i] for i, name in enumerate(FIELD_NAMES)}
