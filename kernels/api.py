"""Public indicator functions with TA-Lib's names, keyword names and defaults.

Each takes (symbols, bars) arrays (a single (bars,) series works too and returns 1-D),
returns arrays of the same shape (a tuple in TA-Lib's output order for multi-output
indicators) with NaN over TA-Lib's lookback, and accepts `backend="auto"|"cpu"|"gpu"`.
Each symbol is computed from its own valid bars only (see `kernels.body`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .engine import run
from .errors import InvalidParameter
from .params import Suite, check_period, check_real


def _matype(name: str, value: object) -> None:
    if value != 0:
        raise InvalidParameter(name, f"only 0 (SMA) is supported, got {value!r}")


def _one(inputs: dict[str, Any], output: str, backend: str, **params: Any) -> np.ndarray:
    return run(inputs, Suite(outputs=(output,), **params), backend=backend)[output]


def _many(
    inputs: dict[str, Any], outputs: tuple[str, ...], backend: str, **params: Any
) -> tuple[np.ndarray, ...]:
    results = run(inputs, Suite(outputs=outputs, **params), backend=backend)
    return tuple(results[name] for name in outputs)


def sma(real: Any, timeperiod: int = 30, *, backend: str = "auto") -> np.ndarray:
    """Simple moving average (TA-Lib SMA)."""
    period = check_period("timeperiod", timeperiod, 2)
    return _one({"close": real}, "sma", backend, sma_period=period)


def ema(real: Any, timeperiod: int = 30, *, backend: str = "auto") -> np.ndarray:
    """Exponential moving average seeded with a simple average (TA-Lib EMA)."""
    period = check_period("timeperiod", timeperiod, 2)
    return _one({"close": real}, "ema", backend, ema_period=period)


def rsi(real: Any, timeperiod: int = 14, *, backend: str = "auto") -> np.ndarray:
    """Wilder's relative strength index (TA-Lib RSI)."""
    period = check_period("timeperiod", timeperiod, 2)
    return _one({"close": real}, "rsi", backend, rsi_period=period)


def stochrsi(
    real: Any,
    timeperiod: int = 14,
    fastk_period: int = 5,
    fastd_period: int = 3,
    fastd_matype: int = 0,
    *,
    backend: str = "auto",
) -> tuple[np.ndarray, np.ndarray]:
    """Stochastic RSI as TA-Lib's STOCHRSI: (fastk, fastd)."""
    _matype("fastd_matype", fastd_matype)
    return _many(  # type: ignore[return-value]
        {"close": real},
        ("stochrsi_fastk", "stochrsi_fastd"),
        backend,
        stochrsi_period=check_period("timeperiod", timeperiod, 2),
        stochrsi_fastk=check_period("fastk_period", fastk_period, 1),
        stochrsi_fastd=check_period("fastd_period", fastd_period, 1),
    )


def stochrsi_kd(
    real: Any,
    timeperiod: int = 14,
    fastk_period: int = 14,
    slowk_period: int = 3,
    slowk_matype: int = 0,
    slowd_period: int = 3,
    slowd_matype: int = 0,
    *,
    backend: str = "auto",
) -> tuple[np.ndarray, np.ndarray]:
    """The common K-smoothed Stochastic RSI, (k, d): TA-Lib's STOCH applied to RSI.

    Equals `talib.STOCH(r, r, r, fastk_period, slowk_period, 0, slowd_period, 0)` with
    `r = talib.RSI(real, timeperiod)`; the defaults are the usual StochRSI(14, 14, 3, 3).
    """
    _matype("slowk_matype", slowk_matype)
    _matype("slowd_matype", slowd_matype)
    return _many(  # type: ignore[return-value]
        {"close": real},
        ("stochrsi_k", "stochrsi_d"),
        backend,
        stochk_rsi_period=check_period("timeperiod", timeperiod, 2),
        stochk_fastk=check_period("fastk_period", fastk_period, 1),
        stochk_slowk=check_period("slowk_period", slowk_period, 1),
        stochk_slowd=check_period("slowd_period", slowd_period, 1),
    )


def macd(
    real: Any,
    fastperiod: int = 12,
    slowperiod: int = 26,
    signalperiod: int = 9,
    *,
    backend: str = "auto",
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """MACD as TA-Lib's MACD: (macd, macdsignal, macdhist)."""
    return _many(  # type: ignore[return-value]
        {"close": real},
        ("macd", "macdsignal", "macdhist"),
        backend,
        macd_fast=check_period("fastperiod", fastperiod, 2),
        macd_slow=check_period("slowperiod", slowperiod, 2),
        macd_signal=check_period("signalperiod", signalperiod, 1),
    )


def _bands(timeperiod: Any, nbdevup: Any, nbdevdn: Any) -> dict[str, Any]:
    return {
        "bb_period": check_period("timeperiod", timeperiod, 2),
        "bb_nbdevup": check_real("nbdevup", nbdevup),
        "bb_nbdevdn": check_real("nbdevdn", nbdevdn),
    }


def bbands(
    real: Any,
    timeperiod: int = 20,
    nbdevup: float = 2.0,
    nbdevdn: float = 2.0,
    matype: int = 0,
    *,
    backend: str = "auto",
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Bollinger Bands as TA-Lib's BBANDS (population deviation): (upper, middle, lower).

    The default period is 20, as in TA-Lib 0.6+ (older releases defaulted to 5).
    """
    _matype("matype", matype)
    return _many(  # type: ignore[return-value]
        {"close": real},
        ("upperband", "middleband", "lowerband"),
        backend,
        **_bands(timeperiod, nbdevup, nbdevdn),
    )


def percent_b(
    real: Any,
    timeperiod: int = 20,
    nbdevup: float = 2.0,
    nbdevdn: float = 2.0,
    *,
    backend: str = "auto",
) -> np.ndarray:
    """Bollinger %B: (close - lower) / (upper - lower); 0.5 when the bands are closed.

    Bands narrower than 1e-9 of the middle band (a flat window) count as closed.
    """
    return _one({"close": real}, "percent_b", backend, **_bands(timeperiod, nbdevup, nbdevdn))


def bandwidth(
    real: Any,
    timeperiod: int = 20,
    nbdevup: float = 2.0,
    nbdevdn: float = 2.0,
    *,
    backend: str = "auto",
) -> np.ndarray:
    """Bollinger bandwidth: (upper - lower) / middle; 0 when the middle band is 0."""
    return _one({"close": real}, "bandwidth", backend, **_bands(timeperiod, nbdevup, nbdevdn))


def willr(
    high: Any, low: Any, close: Any, timeperiod: int = 14, *, backend: str = "auto"
) -> np.ndarray:
    """Williams' %R (TA-Lib WILLR)."""
    period = check_period("timeperiod", timeperiod, 2)
    hlc = {"high": high, "low": low, "close": close}
    return _one(hlc, "willr", backend, willr_period=period)


def cci(
    high: Any, low: Any, close: Any, timeperiod: int = 14, *, backend: str = "auto"
) -> np.ndarray:
    """Commodity channel index (TA-Lib CCI)."""
    period = check_period("timeperiod", timeperiod, 2)
    hlc = {"high": high, "low": low, "close": close}
    return _one(hlc, "cci", backend, cci_period=period)


def atr(
    high: Any, low: Any, close: Any, timeperiod: int = 14, *, backend: str = "auto"
) -> np.ndarray:
    """Average true range, Wilder-smoothed (TA-Lib ATR)."""
    period = check_period("timeperiod", timeperiod, 1)
    hlc = {"high": high, "low": low, "close": close}
    return _one(hlc, "atr", backend, atr_period=period)


def natr(
    high: Any, low: Any, close: Any, timeperiod: int = 14, *, backend: str = "auto"
) -> np.ndarray:
    """ATR as a percentage of close (TA-Lib NATR)."""
    period = check_period("timeperiod", timeperiod, 1)
    hlc = {"high": high, "low": low, "close": close}
    return _one(hlc, "natr", backend, atr_period=period)


def adx(
    high: Any, low: Any, close: Any, timeperiod: int = 14, *, backend: str = "auto"
) -> np.ndarray:
    """Average directional index (TA-Lib ADX)."""
    period = check_period("timeperiod", timeperiod, 2)
    hlc = {"high": high, "low": low, "close": close}
    return _one(hlc, "adx", backend, adx_period=period)


def plus_di(
    high: Any, low: Any, close: Any, timeperiod: int = 14, *, backend: str = "auto"
) -> np.ndarray:
    """Plus directional indicator (TA-Lib PLUS_DI)."""
    period = check_period("timeperiod", timeperiod, 2)
    hlc = {"high": high, "low": low, "close": close}
    return _one(hlc, "plus_di", backend, adx_period=period)


def minus_di(
    high: Any, low: Any, close: Any, timeperiod: int = 14, *, backend: str = "auto"
) -> np.ndarray:
    """Minus directional indicator (TA-Lib MINUS_DI)."""
    period = check_period("timeperiod", timeperiod, 2)
    hlc = {"high": high, "low": low, "close": close}
    return _one(hlc, "minus_di", backend, adx_period=period)


def roc(real: Any, timeperiod: int = 10, *, backend: str = "auto") -> np.ndarray:
    """Rate of change in percent: ((price / prevPrice) - 1) * 100 (TA-Lib ROC)."""
    period = check_period("timeperiod", timeperiod, 1)
    return _one({"close": real}, "roc", backend, roc_period=period)


def rocp(real: Any, timeperiod: int = 10, *, backend: str = "auto") -> np.ndarray:
    """Price velocity as a fraction: (price - prevPrice) / prevPrice (TA-Lib ROCP)."""
    period = check_period("timeperiod", timeperiod, 1)
    return _one({"close": real}, "rocp", backend, roc_period=period)


def obv(real: Any, volume: Any, *, backend: str = "auto") -> np.ndarray:
    """On-balance volume (TA-Lib OBV)."""
    return _one({"close": real, "volume": volume}, "obv", backend)


def volume_surge(volume: Any, timeperiod: int = 20, *, backend: str = "auto") -> np.ndarray:
    """Volume over its `timeperiod`-bar SMA (current bar included); 0 when the SMA is 0.

    The SMA itself is `sma(volume, timeperiod)`.
    """
    period = check_period("timeperiod", timeperiod, 2)
    return _one({"volume": volume}, "volume_surge", backend, volume_period=period)


def donchian(
    high: Any, low: Any, timeperiod: int = 20, *, backend: str = "auto"
) -> tuple[np.ndarray, np.ndarray]:
    """Donchian channel: (highest high, lowest low) of the last `timeperiod` bars."""
    period = check_period("timeperiod", timeperiod, 1)
    hl = {"high": high, "low": low, "close": high}
    return _many(hl, ("donchian_upper", "donchian_lower"), backend, donchian_period=period)  # type: ignore[return-value]


def breakout_distance(
    high: Any, low: Any, close: Any, timeperiod: int = 20, *, backend: str = "auto"
) -> tuple[np.ndarray, np.ndarray]:
    """Distance from close to the Donchian channel, as fractions of close: (to_high, to_low).

    to_high = (highest high - close) / close, to_low = (close - lowest low) / close;
    both are >= 0 and 0 means the close sits on that edge of the channel.
    """
    period = check_period("timeperiod", timeperiod, 1)
    hlc = {"high": high, "low": low, "close": close}
    outputs = ("breakout_high", "breakout_low")
    return _many(hlc, outputs, backend, donchian_period=period)  # type: ignore[return-value]


def volatility(real: Any, timeperiod: int = 20, *, backend: str = "auto") -> np.ndarray:
    """Rolling sample standard deviation (ddof=1) of the last `timeperiod` log returns."""
    period = check_period("timeperiod", timeperiod, 2)
    return _one({"close": real}, "volatility", backend, volatility_period=period)
