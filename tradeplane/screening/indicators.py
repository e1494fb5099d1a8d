"""Indicator values for a subset of rows: precomputed series when given, kernels otherwise.

Stages ask for the latest value of a recursive (Wilder-smoothed) indicator (`latest`) or
for the last values of one that looks back a fixed number of bars (`trailing`). Only the
rows a stage needs are computed (stage 2: the stage-1 survivors; stage 3: the top K), and
only over the bars that matter: a fixed look-back is exact on its window, and a Wilder
average forgets a bar `n` periods old by a factor (1 - 1/period)^(n x period), so
`SETTLE_PERIODS` periods past the indicator's own look-back leave the latest value within
about 1e-5 (relative) of the full-history value whatever the history's length. Series
supplied precomputed in a `CandleSet` are used as they are.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager

import numba
import numpy as np

from tradeplane.kernels import KernelError, adx, atr, bandwidth, natr, rsi, volatility

from .errors import InvalidMarketData
from .inputs import CandleSet

# kernel functions by output name, and the candle fields they read
_KERNELS = {
    "natr": (natr, ("high", "low", "close")),
    "atr": (atr, ("high", "low", "close")),
    "adx": (adx, ("high", "low", "close")),
    "rsi": (rsi, ("close",)),
    "bandwidth": (bandwidth, ("close",)),
    "volatility": (volatility, ("close",)),
}


# Periods of history, beyond an indicator's look-back, behind each computed latest value
# of a Wilder-smoothed indicator (ATR, NATR, RSI, ADX).
SETTLE_PERIODS = 12
_LOOKBACK_PERIODS = {"natr": 1, "atr": 1, "rsi": 1, "adx": 2}

# Below this many input cells (rows x bars) a kernel call runs on one thread: waking the
# second thread costs more than it saves, and far more on a busy machine, where each
# parallel region may wait a scheduler tick for a core (stage 3 works on ~50 rows).
SERIAL_CELLS = 200_000


@contextmanager
def _threads_for(cells: int) -> Iterator[None]:
    """numba's thread count for one kernel call on the CPU (unchanged for large calls)."""
    if cells >= SERIAL_CELLS:
        yield
        return
    previous = numba.get_num_threads()
    numba.set_num_threads(1)
    try:
        yield
    finally:
        numba.set_num_threads(previous)


class IndicatorSource:
    """Candles by timeframe plus the kernel backend; computes indicators on demand."""

    def __init__(self, candles: Mapping[str, CandleSet], *, backend: str = "cpu") -> None:
        self.candles = dict(candles)
        self.backend = backend
        # "<timeframe> <key> x<rows>" for each kernel call, so callers can see what ran
        self.computed: list[str] = []

    def candle_set(self, timeframe: str) -> CandleSet:
        try:
            return self.candles[timeframe]
        except KeyError:
            raise InvalidMarketData(
                f"no {timeframe} candles; the configuration reads {timeframe} "
                f"and the pipeline was given {sorted(self.candles)}"
            ) from None

    def field(self, timeframe: str, name: str, rows: np.ndarray, window: int = 0) -> np.ndarray:
        """Rows of one candle field, optionally only the trailing `window` bars."""
        values = getattr(self.candle_set(timeframe), name)
        columns = slice(-window, None) if window else slice(None)
        if len(rows) == values.shape[0] and np.array_equal(rows, np.arange(len(rows))):
            return values[:, columns]
        return values[rows, columns]

    def _run(
        self, timeframe: str, name: str, period: int, rows: np.ndarray, window: int
    ) -> np.ndarray:
        function, fields = _KERNELS[name]
        arrays = [self.field(timeframe, field_name, rows, window) for field_name in fields]
        if len(rows) == 0:
            return np.empty((0, arrays[0].shape[1]))
        self.computed.append(f"{timeframe} {name}_{period} x{len(rows)}")
        try:
            with _threads_for(arrays[0].size):
                result = function(*arrays, timeperiod=period, backend=self.backend)
        except KernelError as error:
            raise InvalidMarketData(f"{name}({period}) on {timeframe} candles: {error}") from error
        return np.asarray(result)

    def latest(self, timeframe: str, name: str, period: int, rows: np.ndarray) -> np.ndarray:
        """A Wilder-smoothed indicator's value at the last bar for `rows` (see the module
        docstring for the history it is computed over)."""
        precomputed = self.candle_set(timeframe).indicators.get(f"{name}_{period}")
        if precomputed is not None:
            return np.array(precomputed[rows, -1], dtype=np.float64)
        window = (_LOOKBACK_PERIODS[name] + SETTLE_PERIODS) * period
        return self._run(timeframe, name, period, rows, window)[:, -1].copy()

    def trailing(
        self, timeframe: str, name: str, period: int, rows: np.ndarray, *, values: int, warmup: int
    ) -> np.ndarray:
        """The last `values` values for `rows` of an indicator that needs `warmup` earlier bars.

        Exact for indicators with a finite look-back (Bollinger bandwidth, volatility):
        they are computed over the trailing `values + warmup` bars only.
        """
        precomputed = self.candle_set(timeframe).indicators.get(f"{name}_{period}")
        if precomputed is not None:
            return np.array(precomputed[rows, -values:], dtype=np.float64)
        return self._run(timeframe, name, period, rows, values + warmup)[:, -values:]
