"""Every TA-Lib-named kernel equals TA-Lib (the `ta-lib` wheel) on real and random candles.

The reference is TA-Lib applied to each symbol's valid bars (see `helpers.per_symbol`), so
the real data's missing bars also check the gap semantics against TA-Lib itself.
"""

from __future__ import annotations

import numpy as np
import pytest
import talib

from tradeplane import kernels

from .helpers import assert_matches, per_symbol

HLC = ("high", "low", "close")

# (case id, kernel, TA-Lib function, input fields, parameters)
CASES = [
    ("sma", kernels.sma, talib.SMA, ("close",), {"timeperiod": 30}),
    ("sma-2", kernels.sma, talib.SMA, ("close",), {"timeperiod": 2}),
    ("ema", kernels.ema, talib.EMA, ("close",), {"timeperiod": 30}),
    ("ema-9", kernels.ema, talib.EMA, ("close",), {"timeperiod": 9}),
    ("rsi", kernels.rsi, talib.RSI, ("close",), {"timeperiod": 14}),
    ("rsi-2", kernels.rsi, talib.RSI, ("close",), {"timeperiod": 2}),
    ("stochrsi", kernels.stochrsi, talib.STOCHRSI, ("close",), {}),
    (
        "stochrsi-14-14-3",
        kernels.stochrsi,
        talib.STOCHRSI,
        ("close",),
        {"timeperiod": 14, "fastk_period": 14, "fastd_period": 3},
    ),
    ("macd", kernels.macd, talib.MACD, ("close",), {}),
    (
        "macd-swapped",
        kernels.macd,
        talib.MACD,
        ("close",),
        {"fastperiod": 26, "slowperiod": 12, "signalperiod": 5},
    ),
    ("bbands", kernels.bbands, talib.BBANDS, ("close",), {}),
    (
        "bbands-20",
        kernels.bbands,
        talib.BBANDS,
        ("close",),
        {"timeperiod": 20, "nbdevup": 2.5, "nbdevdn": 1.5},
    ),
    ("willr", kernels.willr, talib.WILLR, HLC, {"timeperiod": 14}),
    ("cci", kernels.cci, talib.CCI, HLC, {"timeperiod": 14}),
    ("cci-20", kernels.cci, talib.CCI, HLC, {"timeperiod": 20}),
    ("atr", kernels.atr, talib.ATR, HLC, {"timeperiod": 14}),
    ("atr-1", kernels.atr, talib.ATR, HLC, {"timeperiod": 1}),
    ("natr", kernels.natr, talib.NATR, HLC, {"timeperiod": 14}),
    ("adx", kernels.adx, talib.ADX, HLC, {"timeperiod": 14}),
    ("plus_di", kernels.plus_di, talib.PLUS_DI, HLC, {"timeperiod": 14}),
    ("minus_di", kernels.minus_di, talib.MINUS_DI, HLC, {"timeperiod": 14}),
    ("adx-5", kernels.adx, talib.ADX, HLC, {"timeperiod": 5}),
    ("roc", kernels.roc, talib.ROC, ("close",), {"timeperiod": 10}),
    ("rocp", kernels.rocp, talib.ROCP, ("close",), {"timeperiod": 10}),
    ("obv", kernels.obv, talib.OBV, ("close", "volume"), {}),
]


@pytest.mark.parametrize(
    ("kernel", "reference", "fields", "params"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_matches_talib(data, kernel, reference, fields, params):
    arrays = [data[field] for field in fields]
    mine = kernel(*arrays, **params, backend="cpu")
    expected = per_symbol(lambda *a: reference(*a, **params), *arrays)
    mine = mine if isinstance(mine, tuple) else (mine,)
    assert len(mine) == len(expected)
    for k, (got, want) in enumerate(zip(mine, expected, strict=True)):
        assert got.shape == arrays[0].shape
        assert_matches(got, want, f"{kernel.__name__} output {k}")


def test_k_smoothed_stochrsi_is_talib_stoch_of_rsi(data):
    close = data["close"]

    def reference(series):
        strength = talib.RSI(series, 14)
        return talib.STOCH(strength, strength, strength, 14, 3, 0, 3, 0)

    k, d = kernels.stochrsi_kd(close, backend="cpu")
    want_k, want_d = per_symbol(reference, close)
    assert_matches(k, want_k, "stochrsi_kd k")
    assert_matches(d, want_d, "stochrsi_kd d")


def test_donchian_is_talib_max_and_min(data):
    upper, lower = kernels.donchian(data["high"], data["low"], timeperiod=20, backend="cpu")
    (want_upper,) = per_symbol(lambda a: talib.MAX(a, 20), data["high"])
    (want_lower,) = per_symbol(lambda a: talib.MIN(a, 20), data["low"])
    assert_matches(upper, want_upper, "donchian upper")
    assert_matches(lower, want_lower, "donchian lower")


def test_volume_sma_is_talib_sma(data):
    (want,) = per_symbol(lambda a: talib.SMA(a, 20), data["volume"])
    assert_matches(kernels.sma(data["volume"], 20, backend="cpu"), want, "volume sma")


def test_one_series_in_one_series_out(candles):
    series = candles["close"][0]  # ETH-BTC has no missing bars
    got = kernels.rsi(series, backend="cpu")
    assert got.shape == series.shape
    assert_matches(got, talib.RSI(series, 14), "rsi 1-D")


def test_flat_and_tiny_prices_follow_talib():
    """Flat windows and sub-satoshi quotes: TA-Lib 0.6+'s zero tests, not 1e-8 bands."""
    rng = np.random.default_rng(3)
    base = np.repeat(rng.uniform(1, 2, 40), 25)  # flat runs of 25 bars
    for scale in (1.0, 1e-7, 1e-11):
        close = base * scale
        high = close * 1.001
        low = close * 0.999
        high[::50] = close[::50]  # some bars with no range at all
        low[::50] = close[::50]
        for name in ("RSI", "WILLR", "CCI", "BBANDS", "ATR", "ADX", "STOCHRSI"):
            reference = getattr(talib, name)
            kernel = getattr(kernels, name.lower())
            args = (close,) if name in ("RSI", "BBANDS", "STOCHRSI") else (high, low, close)
            got = kernel(*args, backend="cpu")
            want = reference(*args)
            got = got if isinstance(got, tuple) else (got,)
            want = want if isinstance(want, tuple) else (want,)
            for g, w in zip(got, want, strict=True):
                assert_matches(g, w, f"{name} at scale {scale}")
