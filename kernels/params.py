"""`Suite`: the parameters of every indicator and the outputs one fused pass produces."""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

import numpy as np

from .errors import InvalidParameter
from .layout import OUTPUTS

# The screener's default suite (issue 4): RSI(14), MACD(12,26,9), Bollinger(20,2),
# ATR(14), StochRSI(14,14,3,3), Williams %R(14), CCI(20), volume SMA(20): 13 series.
DEFAULT_OUTPUTS: tuple[str, ...] = (
    "rsi",
    "macd",
    "macdsignal",
    "macdhist",
    "upperband",
    "middleband",
    "lowerband",
    "atr",
    "stochrsi_k",
    "stochrsi_d",
    "willr",
    "cci",
    "volume_sma",
)

# smallest value each period accepts (TA-Lib's limits where TA-Lib has the indicator)
_MINIMUM: dict[str, int] = {
    "rsi_period": 2,
    "macd_fast": 2,
    "macd_slow": 2,
    "macd_signal": 1,
    "bb_period": 2,
    "atr_period": 1,
    "stochrsi_period": 2,
    "stochrsi_fastk": 1,
    "stochrsi_fastd": 1,
    "stochk_rsi_period": 2,
    "stochk_fastk": 1,
    "stochk_slowk": 1,
    "stochk_slowd": 1,
    "willr_period": 2,
    "cci_period": 2,
    "sma_period": 2,
    "ema_period": 2,
    "volume_period": 2,
    "roc_period": 1,
    "donchian_period": 1,
    "adx_period": 2,
    "volatility_period": 2,
}
_MAXIMUM = 100_000


@dataclass(frozen=True)
class Suite:
    """Which outputs to compute (names from `OUTPUTS`) and every indicator's parameters.

    `stochrsi_*` is TA-Lib's STOCHRSI (outputs `stochrsi_fastk`, `stochrsi_fastd`);
    `stochk_*` is the common K-smoothed Stochastic RSI, i.e. TA-Lib's STOCH applied to
    RSI (outputs `stochrsi_k`, `stochrsi_d`).
    """

    outputs: tuple[str, ...] = DEFAULT_OUTPUTS
    rsi_period: int = 14
    macd_fast: int = 12
    macd_slow: int = 26
    macd_signal: int = 9
    bb_period: int = 20
    bb_nbdevup: float = 2.0
    bb_nbdevdn: float = 2.0
    atr_period: int = 14
    stochrsi_period: int = 14
    stochrsi_fastk: int = 5
    stochrsi_fastd: int = 3
    stochk_rsi_period: int = 14
    stochk_fastk: int = 14
    stochk_slowk: int = 3
    stochk_slowd: int = 3
    willr_period: int = 14
    cci_period: int = 20
    sma_period: int = 30
    ema_period: int = 30
    volume_period: int = 20
    roc_period: int = 10
    donchian_period: int = 20
    adx_period: int = 14
    volatility_period: int = 20

    def __post_init__(self) -> None:
        outputs = tuple(self.outputs)
        object.__setattr__(self, "outputs", outputs)
        if not outputs:
            raise InvalidParameter("outputs", "is empty; name at least one output")
        unknown = [name for name in outputs if name not in OUTPUTS]
        if unknown:
            raise InvalidParameter(
                "outputs", f"unknown output(s) {unknown}; known outputs are {list(OUTPUTS)}"
            )
        if len(set(outputs)) != len(outputs):
            raise InvalidParameter("outputs", f"names an output twice: {list(outputs)}")
        for field in fields(self):
            if field.name in _MINIMUM:
                check_period(field.name, getattr(self, field.name), _MINIMUM[field.name])
        for name in ("bb_nbdevup", "bb_nbdevdn"):
            check_real(name, getattr(self, name))


def check_period(name: str, value: object, minimum: int) -> int:
    """Return `value` as an int, or raise InvalidParameter naming `name`."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise InvalidParameter(name, f"must be an integer, got {value!r}")
    number = int(value)  # type: ignore[call-overload]
    if not minimum <= number <= _MAXIMUM:
        raise InvalidParameter(name, f"must be between {minimum} and {_MAXIMUM}, got {number}")
    return number


def check_real(name: str, value: object) -> float:
    """Return `value` as a finite float, or raise InvalidParameter naming `name`."""
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise InvalidParameter(name, f"must be a real number, got {value!r}") from None
    if not math.isfinite(number):
        raise InvalidParameter(name, f"must be finite, got {value!r}")
    return number
