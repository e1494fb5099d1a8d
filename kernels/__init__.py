"""Batched indicator kernels over (symbols, bars) arrays; imports nothing else of tradeplane.

Functions carry TA-Lib's names, keyword names and defaults (`rsi(close, timeperiod=14)`),
take (symbols, bars) float arrays (a (bars,) series works too) and return arrays of the
same shape, tuples in TA-Lib's output order, NaN over TA-Lib's lookback. `compute` runs a
whole `Suite` in one fused pass, `IncrementalSuite` advances every symbol by one bar, and
`resample` builds 15m/1h candles from 5m ones.

Ragged histories: a bar is valid when every input the call reads is finite. Each symbol
is computed from its own valid bars only: leading NaNs (a later listing) and NaN gaps (a
missing candle) are skipped, get NaN in every output and do not reset anything, so the
values equal TA-Lib applied to the symbol's valid bars, written back at their positions.

`backend="auto"|"cpu"|"gpu"`: numba on the CPU (parallel over symbols, and vectorised
across groups of symbols that share their valid bars), or numba's CUDA
target; "auto" takes the GPU only when a real CUDA device is present. `warmup()` compiles
the kernels ahead of use. Errors derive from `KernelError` (see `kernels.errors`).
"""

from .api import (
    adx,
    atr,
    bandwidth,
    bbands,
    breakout_distance,
    cci,
    donchian,
    ema,
    macd,
    minus_di,
    natr,
    obv,
    percent_b,
    plus_di,
    roc,
    rocp,
    rsi,
    sma,
    stochrsi,
    stochrsi_kd,
    volatility,
    volume_surge,
    willr,
)
from .errors import BackendUnavailable, InvalidInput, InvalidParameter, KernelError
from .incremental import IncrementalSuite
from .layout import OUTPUTS
from .params import DEFAULT_OUTPUTS, Suite
from .resample import TIMEFRAMES_MS, Resampled, resample
from .suite import compute, warmup

__all__ = [
    "DEFAULT_OUTPUTS",
    "OUTPUTS",
    "TIMEFRAMES_MS",
    "BackendUnavailable",
    "IncrementalSuite",
    "InvalidInput",
    "InvalidParameter",
    "KernelError",
    "Resampled",
    "Suite",
    "adx",
    "atr",
    "bandwidth",
    "bbands",
    "breakout_distance",
    "cci",
    "compute",
    "donchian",
    "ema",
    "macd",
    "minus_di",
    "natr",
    "obv",
    "percent_b",
    "plus_di",
    "resample",
    "roc",
    "rocp",
    "rsi",
    "sma",
    "stochrsi",
    "stochrsi_kd",
    "volatility",
    "volume_surge",
    "warmup",
    "willr",
]
